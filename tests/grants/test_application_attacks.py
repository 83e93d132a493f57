"""What an application refuses: submission after the close, outside the award limits,
without a required document or with an answer that excludes; any change once it is
submitted (by its pages, a crafted POST or the admin); and anyone who is not a member
of its organisation."""

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags

from decisions import clock
from grants import applicants, services, submission
from grants.models import Application, ApplicationStatus, GrantRound, canonical_sha256
from pcc_grants.roles import Role
from tests.factories import UserFactory
from tests.grants.conftest import PDF, complete_application, make_applicant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_files_in_a_temporary_folder(settings, tmp_path):
    """Uploads go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


SECTIONS = ("eligibility", "project", "about-your-project", "delivery", "budget", "documents")


def page_text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def check_url(application) -> str:
    return reverse("grants_apply:check", args=[application.pk])


def section_url(application, slug: str) -> str:
    return reverse("grants_apply:section", args=[application.pk, slug])


@pytest.fixture
def signed_in(client, applicant):
    client.force_login(applicant)
    return client


def assert_still_a_draft(application) -> None:
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.reference == ""
    assert application.content_sha256 == ""


# Submission refused, naming why -----------------------------------------------------------


def test_a_submission_one_second_after_the_close_is_refused(signed_in, draft):
    closes_at = draft.grant_round.closes_at

    with clock.at(closes_at + timedelta(seconds=1)):
        response = signed_in.post(check_url(draft))

    closed = date_format(timezone.localtime(closes_at), "j F Y, H:i")
    assert response.status_code == 200
    assert f"The round closed at {closed}." in page_text(response)
    assert_still_a_draft(draft)


def test_a_submission_one_second_before_the_close_is_taken(signed_in, draft):
    with clock.at(draft.grant_round.closes_at - timedelta(seconds=1)):
        signed_in.post(check_url(draft))

    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED


def test_a_submission_after_a_close_moved_into_the_past_is_refused(signed_in, draft):
    GrantRound.objects.filter(pk=draft.grant_round_id).update(
        closes_at=timezone.now() - timedelta(seconds=1)
    )
    response = signed_in.post(check_url(draft))
    assert "The round closed at" in page_text(response)
    assert_still_a_draft(draft)


def test_a_request_above_the_maximum_award_is_refused_naming_the_amount(
    signed_in, draft, applicant
):
    services.application_save(
        application=draft,
        by=applicant,
        amount_requested=Decimal("10001"),
        lines=[("Helpline worker", Decimal("10001"))],
    )
    response = signed_in.post(check_url(draft))
    assert (
        "“Amount requested”: £10,001 is more than the round's maximum award of £10,000."
        in page_text(response)
    )
    assert_still_a_draft(draft)


def test_a_missing_required_document_is_refused_naming_the_document(signed_in, draft, applicant):
    policy = draft.documents.get(required_document__name="Safeguarding policy")
    services.application_document_remove(document=policy, by=applicant)

    response = signed_in.post(check_url(draft))

    assert "Upload “Safeguarding policy”." in page_text(response)
    assert_still_a_draft(draft)


def test_an_excluding_eligibility_answer_is_refused_naming_the_question(
    signed_in, draft, applicant
):
    duplicate = draft.grant_round.eligibility_questions.get(kind="yes_no")
    signed_in.post(section_url(draft, "eligibility"), {f"eligibility_{duplicate.pk}": "yes"})

    response = signed_in.post(check_url(draft))

    assert (
        "“Does the project duplicate a service the council already funds?”: your answer "
        "(yes) means the organisation cannot apply to this round." in page_text(response)
    )
    assert_still_a_draft(draft)


# A submitted application cannot change -----------------------------------------------------


def crafted_posts(application) -> list[tuple[str, dict]]:
    """A POST to each section that would change it, were it a draft."""
    grant_round = application.grant_round
    first = grant_round.questions.first()
    document = grant_round.required_documents.first()
    return [
        (
            section_url(application, "eligibility"),
            {f"eligibility_{q.pk}": "yes" for q in grant_round.eligibility_questions.all()},
        ),
        (section_url(application, "project"), {"title": "Something else entirely"}),
        (section_url(application, "about-your-project"), {f"question_{first.pk}": "Changed."}),
        (section_url(application, "delivery"), {}),
        (
            section_url(application, "budget"),
            {
                "amount_requested": "1",
                "lines-TOTAL_FORMS": "1",
                "lines-INITIAL_FORMS": "0",
                "lines-0-item": "x",
                "lines-0-amount": "1",
            },
        ),
        (
            section_url(application, "documents"),
            {
                "required_document": document.pk,
                f"document_{document.pk}-file": SimpleUploadedFile("new.pdf", PDF),
            },
        ),
    ]


def held(application) -> dict:
    """What the database holds of the application, and the hash of it as submitted."""
    application = Application.objects.get(pk=application.pk)
    return {
        "status": application.status,
        "title": application.title,
        "amount": application.amount_requested,
        "hash": application.content_sha256,
        "now_hashes_to": canonical_sha256(submission.application_content(application)),
        "documents": sorted(application.documents.values_list("pk", "sha256")),
        "answers": sorted(application.responses.values_list("question_id", "value")),
        "eligibility": sorted(application.eligibility_responses.values_list("answer", flat=True)),
    }


@pytest.fixture
def submitted(draft, applicant):
    return services.application_submit(application=draft, by=applicant)


def test_a_submitted_applications_section_pages_answer_403_with_the_reason(signed_in, submitted):
    for slug in SECTIONS:
        response = signed_in.get(section_url(submitted, slug))
        assert response.status_code == 403, slug
        assert "This application was submitted on" in page_text(response)
        assert "it cannot be changed." in page_text(response)


def test_crafted_posts_change_nothing_of_a_submitted_application(signed_in, submitted):
    before = held(submitted)
    assert before["now_hashes_to"] == before["hash"]
    stored = submitted.documents.first()
    posts = [
        *crafted_posts(submitted),
        (reverse("grants_apply:document_remove", args=[submitted.pk, stored.pk]), {}),
    ]

    for url, data in posts:
        response = signed_in.post(url, data)
        assert response.status_code == 403, url

    assert held(submitted) == before


def test_a_withdrawn_application_cannot_be_changed_either(signed_in, submitted, applicant):
    services.application_withdraw(application=submitted, by=applicant)
    before = held(submitted)
    for url, data in crafted_posts(submitted):
        assert signed_in.post(url, data).status_code == 403, url
    assert held(submitted) == before


def test_a_submitted_application_is_not_submitted_again(signed_in, submitted):
    reference = submitted.reference
    response = signed_in.post(check_url(submitted))
    assert "This application is submitted: it cannot be submitted again." in page_text(response)
    submitted.refresh_from_db()
    assert submitted.reference == reference


def test_the_admin_shows_a_submitted_application_read_only_and_a_post_changes_nothing(
    client, submitted
):
    administrator = UserFactory(
        username="admin", roles=[Role.ADMINISTRATOR], is_staff=True, is_superuser=True
    )
    client.force_login(administrator)
    url = reverse("admin:grants_application_change", args=[submitted.pk])
    before = held(submitted)

    page = client.get(url)
    assert page.status_code == 200
    assert "Domestic abuse helpline" in page_text(page)
    assert 'name="title"' not in page.content.decode()
    assert 'name="_save"' not in page.content.decode()

    response = client.post(url, {"title": "Changed in the admin", "_save": "Save"})
    assert response.status_code == 403
    assert held(submitted) == before


# Who may see an application -------------------------------------------------------------


def every_url(application) -> list[tuple[str, str]]:
    document = application.documents.first()
    urls = [
        ("get", application.get_absolute_url()),
        ("get", check_url(application)),
        ("post", check_url(application)),
        ("get", reverse("grants_apply:withdraw", args=[application.pk])),
        ("post", reverse("grants_apply:withdraw", args=[application.pk])),
        ("get", reverse("grants_apply:document", args=[application.pk, document.pk])),
        ("post", reverse("grants_apply:document_remove", args=[application.pk, document.pk])),
    ]
    for slug in SECTIONS:
        urls += [("get", section_url(application, slug)), ("post", section_url(application, slug))]
    return urls


def test_an_applicant_of_another_organisation_gets_404_for_every_url_of_this_one(client, draft):
    other = make_applicant("bo@newfutures.example", "Bo Other")
    applicants.organisation_create(by=other, name="New Futures")
    client.force_login(other)
    documents = draft.documents.count()

    for method, url in every_url(draft):
        response = getattr(client, method)(
            url, {"title": "Taken over"} if method == "post" else {}
        )
        assert response.status_code == 404, (method, url)
        assert "Domestic abuse helpline" not in response.content.decode()

    draft.refresh_from_db()
    assert draft.title == "Domestic abuse helpline"
    assert draft.status == ApplicationStatus.DRAFT
    assert draft.documents.count() == documents


def test_another_applications_document_is_not_found_through_this_one(
    client, draft, open_round, theme
):
    other = make_applicant("bo@newfutures.example", "Bo Other")
    organisation = applicants.organisation_create(by=other, name="New Futures")
    theirs = complete_application(open_round, organisation, other, theme)
    client.force_login(other)
    mine = draft.documents.first()

    url = reverse("grants_apply:document", args=[theirs.pk, mine.pk])
    assert client.get(url).status_code == 404
    remove = reverse("grants_apply:document_remove", args=[theirs.pk, mine.pk])
    assert client.post(remove).status_code == 404
    assert draft.documents.filter(pk=mine.pk).exists()


def test_staff_are_refused_the_applicant_pages(client, draft, officer):
    client.force_login(officer)
    start = reverse("grants_apply:start", args=[draft.grant_round.slug])
    for method, url in [("get", start), *every_url(draft)]:
        assert getattr(client, method)(url).status_code == 403, (method, url)


def test_a_draft_round_cannot_be_applied_to(signed_in, officer, stream):
    draft_round = services.round_create(
        by=officer,
        funding_stream=stream,
        name="Not yet open",
        budget=Decimal("1000"),
        maximum_award=Decimal("500"),
    )
    url = reverse("grants_apply:start", args=[draft_round.slug])
    assert signed_in.get(url).status_code == 404
