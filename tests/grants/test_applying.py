"""The application journey through its pages: starting, the task list, one section at
a time saved over several visits, the budget and documents, checking the answers,
submitting and withdrawing."""

import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import strip_tags

from grants import applicants
from grants.models import Application, ApplicationStatus, Response
from tests.grants.conftest import PDF, make_applicant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_files_in_a_temporary_folder(settings, tmp_path):
    """Uploads go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


def section_url(application, slug: str) -> str:
    return reverse("grants_apply:section", args=[application.pk, slug])


def question(grant_round, text: str):
    return grant_round.questions.get(text=text)


def page_text(response) -> str:
    """What the page says, as one line of text without its markup."""
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


@pytest.fixture
def signed_in(client, applicant):
    client.force_login(applicant)
    return client


@pytest.fixture
def started(open_round, applicant_organisation, applicant):
    from grants import services

    return services.application_start(
        by=applicant, grant_round=open_round, organisation=applicant_organisation
    )


# Starting ------------------------------------------------------------------------------


def test_start_offers_the_applicants_organisation_and_opens_the_new_draft(
    signed_in, open_round, applicant_organisation
):
    url = reverse("grants_apply:start", args=[open_round.slug])
    page = signed_in.get(url)
    assert "Start an application to PCC Community Grant 2026/27" in page_text(page)
    assert "Living Without Abuse" in page_text(page)

    response = signed_in.post(url, {"organisation": applicant_organisation.pk})

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == application.get_absolute_url()
    assert application.organisation == applicant_organisation
    assert application.status == ApplicationStatus.DRAFT


def test_a_closed_round_says_so_and_offers_no_start(
    signed_in, open_round, officer, applicant_organisation
):
    from grants import services

    services.round_transition(grant_round=open_round, by=officer, action="close")
    url = reverse("grants_apply:start", args=[open_round.slug])

    page = signed_in.get(url)
    assert "PCC Community Grant 2026/27 is closed: it is not taking applications." in (
        page_text(page)
    )
    assert 'name="organisation"' not in page.content.decode()
    response = signed_in.post(url, {"organisation": applicant_organisation.pk})
    assert not Application.objects.exists()
    assert "This round is not open for applications." in page_text(response)


def test_an_applicant_without_an_organisation_is_sent_to_add_one_and_back(client, open_round):
    person = make_applicant("nobody@example.org", "Nia Nobody")
    client.force_login(person)
    url = reverse("grants_apply:start", args=[open_round.slug])

    page = client.get(url)

    new = reverse("grants_apply:organisation_new")
    assert f'href="{new}?next={url}"' in page.content.decode()
    assert 'name="organisation"' not in page.content.decode()


def test_a_second_application_from_one_organisation_is_refused_naming_the_first(
    signed_in, open_round, applicant_organisation, started
):
    response = signed_in.post(
        reverse("grants_apply:start", args=[open_round.slug]),
        {"organisation": applicant_organisation.pk},
    )
    assert response.status_code == 200
    assert "Living Without Abuse has already applied to this round" in page_text(response)
    assert Application.objects.count() == 1


def test_an_organisation_the_applicant_is_not_in_cannot_be_chosen(
    client, open_round, applicant_organisation
):
    other = make_applicant("bo@newfutures.example", "Bo Other")
    applicants.organisation_create(by=other, name="New Futures")
    client.force_login(other)

    response = client.post(
        reverse("grants_apply:start", args=[open_round.slug]),
        {"organisation": applicant_organisation.pk},
    )
    assert "Choose one of your organisations." in page_text(response)
    assert not Application.objects.exists()


# The task list and the sections ---------------------------------------------------------


def test_the_task_list_says_how_far_each_section_has_got(signed_in, started, open_round):
    signed_in.post(section_url(started, "project"), {"title": "Helpline", "save_later": "1"})
    signed_in.post(section_url(started, "budget"), {"amount_requested": "25000", **no_lines()})
    eligibility = {
        f"eligibility_{q.pk}": ("on" if q.kind == "confirm" else "yes")
        for q in open_round.eligibility_questions.all()
    }
    signed_in.post(section_url(started, "eligibility"), eligibility)

    page = page_text(signed_in.get(started.get_absolute_url()))

    assert "Eligibility Has a problem" in page  # "yes" rules the organisation out
    assert "Your project In progress" in page  # a title, but no dates yet
    assert "About your project Not started" in page
    assert "Amount and costs Has a problem" in page  # above the £10,000 maximum
    assert "Documents Not started" in page


def test_a_complete_draft_shows_every_section_completed(signed_in, draft):
    page = page_text(signed_in.get(draft.get_absolute_url()))
    for title in ("Eligibility", "Your project", "About your project", "Delivery"):
        assert f"{title} Completed" in page
    assert "Amount and costs Completed" in page
    assert "Every section is complete." in page


def test_answers_saved_in_one_visit_are_shown_on_the_next(signed_in, client, started, theme):
    grant_round = started.grant_round
    what = question(grant_round, "What will the project do?")
    reach = question(grant_round, "How many people will it reach?")

    response = signed_in.post(
        section_url(started, "project"),
        {
            "title": "Domestic abuse helpline",
            "project_start": "2026-04-01",
            "project_end": "2027-03-31",
            "theme": theme.pk,
            "save_continue": "1",
        },
    )
    assert response["Location"] == section_url(started, "about-your-project")
    response = signed_in.post(
        section_url(started, "about-your-project"),
        {f"question_{what.pk}": "Weekly drop-in sessions.", "save_later": "1"},
    )
    assert response["Location"] == started.get_absolute_url()

    # Another day: signed out and in again.
    client.logout()
    client.force_login(started.created_by)
    project = client.get(section_url(started, "project")).content.decode()
    about = client.get(section_url(started, "about-your-project")).content.decode()

    assert 'value="Domestic abuse helpline"' in project
    assert 'value="2026-04-01"' in project
    assert f'<option value="{theme.pk}" selected>' in project
    assert "Weekly drop-in sessions.</textarea>" in about
    assert Response.objects.get(application=started, question=reach).value == ""


def test_an_answer_over_its_word_limit_is_refused_by_its_box_and_not_saved(signed_in, started):
    what = question(started.grant_round, "What will the project do?")
    field = f"question_{what.pk}"
    response = signed_in.post(
        section_url(started, "about-your-project"),
        {field: "word " * 51, "save_continue": "1"},
    )
    text = page_text(response)
    assert response.status_code == 200
    assert "“What will the project do?”: 51 words, more than the 50 allowed." in text
    assert f'href="#id_{field}"' in response.content.decode()  # the summary links the box
    assert "Use at most 50 words." in text  # the limit, said without JavaScript
    assert 'data-word-count-for="id_' + field + '"' in response.content.decode()
    assert not Response.objects.filter(application=started).exists()


@pytest.mark.parametrize(
    ("text", "value", "message"),
    [
        ("How many people will it reach?", "lots", "enter a number, like 25."),
        ("When will the first session run?", "next May", "enter a date, like 2026-04-01."),
        ("When will the first session run?", "0001-01-01", "Enter a date between"),
        ("What other funding have you secured?", "£-5", "The amount cannot be negative."),
    ],
)
def test_an_answer_that_is_not_what_its_question_asks_is_refused_naming_it(
    signed_in, started, text, value, message
):
    asked = question(started.grant_round, text)
    slug = "about-your-project" if asked.section == "About your project" else "delivery"
    response = signed_in.post(
        section_url(started, slug), {f"question_{asked.pk}": value, "save_continue": "1"}
    )
    assert f"“{text}”: {message}" in page_text(response)
    assert not Response.objects.filter(application=started).exists()


def test_an_eligibility_answer_that_is_not_yes_or_no_is_refused_naming_the_question(
    signed_in, started
):
    duplicate = started.grant_round.eligibility_questions.get(kind="yes_no")
    response = signed_in.post(
        section_url(started, "eligibility"), {f"eligibility_{duplicate.pk}": "maybe"}
    )
    assert f"“{duplicate.text}”: answer yes or no." in page_text(response)
    assert f'href="#id_eligibility_{duplicate.pk}_0"' in response.content.decode()
    assert not started.eligibility_responses.exists()


def test_a_project_ending_before_it_starts_is_refused_on_the_end_date(signed_in, started):
    response = signed_in.post(
        section_url(started, "project"),
        {"title": "Helpline", "project_start": "2026-09-01", "project_end": "2026-04-01"},
    )
    assert "“End date”: The project must end after it starts." in page_text(response)
    assert 'href="#id_project_end"' in response.content.decode()
    started.refresh_from_db()
    assert started.title == ""


def no_lines(**lines) -> dict:
    data = {"lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", **lines}
    return data


def test_the_budget_saves_the_amount_and_lines_and_shows_their_total_against_it(
    signed_in, started
):
    response = signed_in.post(
        section_url(started, "budget"),
        {
            "amount_requested": "£9,000",
            "lines-TOTAL_FORMS": "3",
            "lines-INITIAL_FORMS": "0",
            "lines-0-item": "Helpline worker",
            "lines-0-amount": "7,500",
            "lines-1-item": "Phones",
            "lines-1-amount": "1000",
            "lines-2-item": "",
            "lines-2-amount": "",
            "save_continue": "1",
        },
    )
    assert response["Location"] == section_url(started, "documents")
    started.refresh_from_db()
    assert started.amount_requested == Decimal("9000.00")
    assert [(line.item, line.amount) for line in started.cost_lines.all()] == [
        ("Helpline worker", Decimal("7500.00")),
        ("Phones", Decimal("1000.00")),
    ]

    page = signed_in.get(section_url(started, "budget"))
    text = page_text(page)
    assert "The cost lines saved add up to £8,500; you are asking for £9,000." in text
    assert "They must add up to the amount requested." in text
    assert 'value="Helpline worker"' in page.content.decode()


def test_a_cost_line_without_its_cost_is_refused_and_nothing_saved(signed_in, started):
    response = signed_in.post(
        section_url(started, "budget"),
        {"amount_requested": "9000", **no_lines(**{"lines-0-item": "Phones"})},
    )
    assert "“Cost 1”: Enter the cost of this item, for example £1,200." in page_text(response)
    assert 'href="#id_lines-0-amount"' in response.content.decode()
    started.refresh_from_db()
    assert started.amount_requested is None


def test_a_document_is_uploaded_shown_downloaded_and_removed(signed_in, started):
    accounts = started.grant_round.required_documents.get(name="Latest accounts")
    url = section_url(started, "documents")

    response = signed_in.post(
        url,
        {
            "required_document": accounts.pk,
            f"document_{accounts.pk}-file": SimpleUploadedFile("accounts-2025.pdf", PDF),
        },
    )
    assert response["Location"] == url
    stored = started.documents.get()
    assert stored.required_document == accounts
    page = signed_in.get(url).content.decode()
    download = reverse("grants_apply:document", args=[started.pk, stored.pk])
    assert f'href="{download}">accounts-2025.pdf</a>' in page
    assert b"".join(signed_in.get(download).streaming_content) == PDF

    signed_in.post(reverse("grants_apply:document_remove", args=[started.pk, stored.pk]))
    assert not started.documents.exists()


def test_a_second_file_for_a_document_replaces_the_first_and_its_stored_copy(
    signed_in, started, django_capture_on_commit_callbacks
):
    accounts = started.grant_round.required_documents.get(name="Latest accounts")
    field = f"document_{accounts.pk}-file"
    url = section_url(started, "documents")
    signed_in.post(
        url, {"required_document": accounts.pk, field: SimpleUploadedFile("a.pdf", PDF)}
    )
    first = started.documents.get()
    storage, first_name = first.file.storage, first.file.name

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(
            url, {"required_document": accounts.pk, field: SimpleUploadedFile("b.pdf", PDF)}
        )

    assert list(started.documents.values_list("original_name", flat=True)) == ["b.pdf"]
    assert not storage.exists(first_name)
    assert storage.exists(started.documents.get().file.name)


def test_a_file_that_is_not_what_its_name_says_is_refused_by_its_document(signed_in, started):
    policy = started.grant_round.required_documents.get(name="Safeguarding policy")
    response = signed_in.post(
        section_url(started, "documents"),
        {
            "required_document": policy.pk,
            f"document_{policy.pk}-file": SimpleUploadedFile("policy.pdf", b"MZ\x90\x00 program"),
        },
    )
    assert response.status_code == 200
    assert "“Safeguarding policy”: The file's content is not what its name says (.pdf)" in (
        page_text(response)
    )
    assert not started.documents.exists()


def test_an_unknown_section_is_not_found(signed_in, started):
    assert signed_in.get(section_url(started, "nonsense")).status_code == 404


# Checking and submitting ----------------------------------------------------------------


def test_check_your_answers_lists_each_problem_linking_to_its_section(signed_in, started):
    signed_in.post(section_url(started, "budget"), {"amount_requested": "25000", **no_lines()})

    page = signed_in.get(reverse("grants_apply:check", args=[started.pk])).content.decode()
    text = " ".join(page.split())

    budget = section_url(started, "budget")
    assert (
        f'<a href="{budget}">“Amount requested”: £25,000 is more than the round\'s maximum'
        in text.replace("&#x27;", "'")
    )
    assert f'<a href="{section_url(started, "documents")}">Upload “Latest accounts”.</a>' in text
    assert f'<a href="{section_url(started, "project")}">Give the project a title.</a>' in text


def test_check_your_answers_shows_every_answer_the_cost_lines_and_documents(signed_in, draft):
    text = page_text(signed_in.get(reverse("grants_apply:check", args=[draft.pk])))
    assert "Domestic abuse helpline" in text
    assert "Start date 1 April 2026" in text
    assert "What other funding have you secured? £2,000" in text
    assert "When will the first session run? 1 May 2026" in text
    assert "Helpline worker £8,000" in text
    assert "Total £9,000" in text
    assert "Latest accounts Latest accounts.pdf" in text
    assert "Still to do before you can submit" not in text


def test_submitting_a_complete_draft_numbers_it_and_emails_the_applicant(
    signed_in, draft, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(reverse("grants_apply:check", args=[draft.pk]), follow=True)

    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED
    assert draft.reference.startswith("PCCG-")
    text = page_text(response)
    assert f"Application {draft.reference} submitted." in text
    assert draft.content_sha256 in text
    assert "Not screened yet" in text
    assert [message.to for message in mailoutbox] == [[applicant.email]]
    assert mailoutbox[0].subject == f"Application {draft.reference} received"


def test_a_submitted_application_shows_an_ineligible_screening_with_its_reason(
    signed_in, draft, applicant, officer
):
    from grants import services

    services.application_submit(application=draft, by=applicant)
    services.application_screen(
        application=draft, by=officer, eligible=False, reason="The project is outside the county."
    )
    text = page_text(signed_in.get(draft.get_absolute_url()))
    assert "Not eligible: The project is outside the county." in text


def test_a_submitted_application_is_withdrawn_after_confirming(signed_in, draft, applicant):
    from grants import services

    services.application_submit(application=draft, by=applicant)
    url = reverse("grants_apply:withdraw", args=[draft.pk])
    assert "Withdraw the application" in page_text(signed_in.get(draft.get_absolute_url()))
    assert "Yes, withdraw the application" in page_text(signed_in.get(url))
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED  # asking is not withdrawing

    response = signed_in.post(url, follow=True)

    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.WITHDRAWN
    assert f"Application {draft.reference} withdrawn." in page_text(response)


def test_a_second_member_of_the_organisation_sees_the_application(
    client, draft, applicant_organisation
):
    second = make_applicant("finance@livingwithoutabuse.example", "Fin Ance")
    request = applicants.join_request_create(by=second, organisation=applicant_organisation)
    applicants.join_request_answer(join_request=request, by=draft.created_by, accept=True)
    client.force_login(second)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert "Domestic abuse helpline" in page_text(response)
