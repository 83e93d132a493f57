"""The staff's grant round pages: the list, the round page and its figures, extending
the close, screening, the exports, join requests; and nobody outside the office's
staff reaches any of them."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from grants import applicants, services
from grants.models import (
    ApplicationStatus,
    JoinStatus,
    Membership,
    RoundEvent,
    Screening,
)
from pcc_grants.roles import Role
from tests.factories import UserFactory
from tests.grants.conftest import complete_application, make_applicant
from tests.grants.staff_data import submitted_applications

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def submitted(draft, applicant):
    return services.application_submit(application=draft, by=applicant)


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_list_shows_every_round_with_its_applications_and_requests(
    staff_client, open_round, officer
):
    submitted_applications(open_round, officer, ["9000", "4500.50"])

    page = _text(staff_client.get(reverse("grants:rounds")))
    assert "PCC Community Grant 2026/27" in page
    assert "Community Safety Fund (2026/27)" in page
    assert "<td>Open</td>" in page
    assert '<td class="text-end">2</td>' in page
    assert "£13,500.50" in page
    assert "New round</a>" in page


def test_the_round_page_puts_the_requests_against_the_fund_in_words(staff_client, officer, stream):
    now = timezone.now()
    grant_round = services.round_create(
        by=officer,
        funding_stream=stream,
        name="Community Safety Fund bids",
        guidance="Guidance.",
        budget=Decimal("96000"),
        maximum_award=Decimal("50000"),
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
        criteria=[{"name": "Need", "weight_percent": Decimal("100")}],
    )
    services.round_transition(grant_round=grant_round, by=officer, action="open")
    submitted_applications(grant_round, officer, ["100000", "111000", "100000"])

    page = _text(staff_client.get(grant_round.get_absolute_url()))
    assert "Requests total £311,000: 3.2 times the fund of £96,000" in page
    assert "3 submitted" in page
    assert "3 not screened" in page
    # What the stream has that no commitment or other live round took: the most this
    # round may award.
    assert 'id="money-left">£100,000<br>' in page


def test_drafts_are_counted_not_listed_and_screening_is_counted(
    staff_client, open_round, officer, applicant_organisation, applicant, theme
):
    applications = submitted_applications(open_round, officer, ["1000", "2000", "3000"])
    complete_application(open_round, applicant_organisation, applicant, theme)
    services.application_screen(application=applications[0], by=officer, eligible=True)
    services.application_screen(
        application=applications[1], by=officer, eligible=False, reason="Outside the county."
    )

    page = _text(staff_client.get(open_round.get_absolute_url()))
    assert "1 draft in progress" in page
    assert "Domestic abuse helpline" not in page  # the draft's title
    for count in ("3 submitted", "1 eligible", "1 ineligible", "1 not screened"):
        assert count in page
    filtered = _text(staff_client.get(open_round.get_absolute_url() + "?screening=ineligible"))
    assert applications[1].reference in filtered
    assert applications[0].reference not in filtered


def test_the_round_page_lists_its_history_and_offers_the_close(staff_client, open_round):
    page = _text(staff_client.get(open_round.get_absolute_url()))
    assert "Opened</strong> on " in page  # the event
    assert "Close the round</button>" in page
    assert "Extend the closing time</a>" in page


def test_extending_needs_a_later_time_and_a_reason_and_tells_the_applicants(
    staff_client, open_round, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("grants:round_extend", args=[open_round.pk])
    earlier = timezone.localtime(open_round.closes_at - timedelta(days=1))
    refused = _text(
        staff_client.post(
            url,
            {"closes_on": earlier.date().isoformat(), "closes_time": "12:00", "reason": " "},
        )
    )
    assert "Enter why the round is extended" in refused
    refused = _text(
        staff_client.post(
            url,
            {
                "closes_on": earlier.date().isoformat(),
                "closes_time": "12:00",
                "reason": "Late guidance.",
            },
        )
    )
    assert "Choose a time after the present close" in refused
    assert not RoundEvent.objects.filter(action="extend").exists()

    later = timezone.localtime(open_round.closes_at + timedelta(days=7)).date()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url,
            {"closes_on": later.isoformat(), "closes_time": "17:00", "reason": "Late guidance."},
        )
    assert response.status_code == 302
    open_round.refresh_from_db()
    assert timezone.localtime(open_round.closes_at).date() == later
    event = RoundEvent.objects.get(action="extend")
    assert (event.reason, event.closes_after) == ("Late guidance.", open_round.closes_at)
    assert [m.to for m in mailoutbox] == [["ann@livingwithoutabuse.example"]]
    assert "Why: Late guidance." in mailoutbox[0].body
    page = _text(staff_client.get(open_round.get_absolute_url()))
    assert "Closing time extended</strong>" in page
    assert "Why: Late guidance." in page


def test_screening_records_eligible_or_ineligible_with_the_reason(staff_client, submitted):
    url = reverse("grants:application_screen", args=[submitted.pk])
    refused = _text(staff_client.post(url, {"outcome": "ineligible", "reason": ""}))
    assert "Say why: the applicant reads this." in refused
    submitted.refresh_from_db()
    assert submitted.screening == Screening.NOT_SCREENED

    staff_client.post(url, {"outcome": "ineligible", "reason": "Not based in the county."})
    submitted.refresh_from_db()
    assert (submitted.screening, submitted.screening_reason) == (
        Screening.INELIGIBLE,
        "Not based in the county.",
    )
    staff_client.post(url, {"outcome": "eligible", "reason": ""})
    submitted.refresh_from_db()
    assert submitted.screening == Screening.ELIGIBLE
    page = _text(staff_client.get(submitted.get_staff_url()))
    assert "<strong>Eligible</strong>" in page


def test_a_non_editor_sees_the_application_but_cannot_screen_it(client, submitted):
    client.force_login(UserFactory(username="pcc", roles=[Role.COMMISSIONER]))
    page = _text(client.get(submitted.get_staff_url()))
    assert submitted.reference in page
    assert "Record the screening" not in page
    url = reverse("grants:application_screen", args=[submitted.pk])
    assert client.post(url, {"outcome": "eligible"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.screening == Screening.NOT_SCREENED


def test_the_application_page_shows_what_was_submitted_and_its_documents(staff_client, submitted):
    page = _text(staff_client.get(submitted.get_staff_url()))
    assert submitted.content_sha256 in page
    assert "What will the project do?" in page
    assert "Weekly drop-in sessions." in page
    assert "Helpline worker" in page
    document = submitted.documents.get(required_document__name="Latest accounts")
    link = reverse("grants:application_document", args=[submitted.pk, document.pk])
    assert link in page
    download = staff_client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_draft_is_not_shown_to_staff(staff_client, draft):
    assert staff_client.get(draft.get_staff_url()).status_code == 404
    document = draft.documents.first()
    url = reverse("grants:application_document", args=[draft.pk, document.pk])
    assert staff_client.get(url).status_code == 404


def test_the_exports_hold_a_row_per_application_and_a_column_per_question(
    staff_client, open_round, officer, submitted
):
    others = submitted_applications(open_round, officer, ["1000", "2000"], start=50)
    services.application_withdraw(application=submitted, by=submitted.submitted_by)
    questions = [q.text for q in open_round.eligibility_questions.all()] + [
        q.text for q in open_round.questions.all()
    ]

    response = staff_client.get(reverse("grants:round_export", args=[open_round.pk, "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][14:-1] == questions
    assert rows[0][-1] == "Cost total"
    assert len(rows) == 4
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Reference"] == submitted.reference
    assert first["Status"] == "Withdrawn"
    assert first["Charity number"] == "1155789"
    assert first["What will the project do?"] == "Weekly drop-in sessions."
    assert first["We are a not-for-profit organisation."] == "Confirmed"
    assert first["SHA-256"] == submitted.content_sha256
    assert first["Cost total"] == "9000.00"
    assert [row[0] for row in rows[1:]] == sorted(
        [submitted.reference] + [a.reference for a in others]
    )

    response = staff_client.get(reverse("grants:round_export", args=[open_round.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert len(values) == 4
    assert list(values[0][14:-1]) == questions
    assert values[1][5] == 9000  # the amount requested, a number
    assert values[1][-2] == 2000  # "What other funding have you secured?": money
    assert values[1][-3].date().isoformat() == "2026-05-01"  # a date answer: a date
    assert values[1][-1] == 9000
    assert (
        staff_client.get(reverse("grants:round_export", args=[open_round.pk, "pdf"])).status_code
        == 404
    )


def test_staff_answer_requests_to_join_an_organisation(
    staff_client, applicant_organisation, mailoutbox
):
    asking = make_applicant("bob@example.org", "Bob Finance")
    request = applicants.join_request_create(
        by=asking, organisation=applicant_organisation, message="I keep the accounts."
    )
    page = _text(staff_client.get(reverse("grants:join_requests")))
    assert "Bob Finance" in page
    assert "I keep the accounts." in page
    assert "Living Without Abuse" in page

    url = reverse("grants:join_request_answer", args=[request.pk])
    response = staff_client.post(url, {"answer": "accept"}, follow=True)
    assert "Bob Finance accepted into Living Without Abuse." in response.content.decode()
    request.refresh_from_db()
    assert request.status == JoinStatus.ACCEPTED
    assert Membership.objects.filter(organisation=applicant_organisation, user=asking).exists()
    assert "Bob Finance" not in _text(staff_client.get(reverse("grants:join_requests")))


def _staff_urls(grant_round, application, document, join_request) -> list[tuple[str, str]]:
    r, a = grant_round.pk, application.pk
    return [
        ("get", reverse("grants:rounds")),
        ("get", reverse("grants:round_new")),
        ("post", reverse("grants:round_new")),
        ("get", reverse("grants:round", args=[r])),
        ("get", reverse("grants:round_edit", args=[r])),
        ("post", reverse("grants:round_act", args=[r, "close"])),
        ("get", reverse("grants:round_extend", args=[r])),
        ("post", reverse("grants:round_extend", args=[r])),
        ("get", reverse("grants:round_export", args=[r, "csv"])),
        ("get", reverse("grants:round_export", args=[r, "xlsx"])),
        ("get", reverse("grants:application", args=[a])),
        ("post", reverse("grants:application_screen", args=[a])),
        ("get", reverse("grants:application_document", args=[a, document.pk])),
        ("get", reverse("grants:join_requests")),
        ("post", reverse("grants:join_request_answer", args=[join_request.pk])),
    ]


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.REVIEWER, Role.APPLICANT])
def test_nobody_outside_the_office_staff_reaches_any_staff_grants_page(
    client, role, open_round, submitted, applicant_organisation
):
    asking = make_applicant("carol@example.org", "Carol Asking")
    join_request = applicants.join_request_create(by=asking, organisation=applicant_organisation)
    if role == Role.APPLICANT:
        user = submitted.submitted_by  # a member of the organisation that applied
    else:
        user = UserFactory(username=f"outsider-{role.name.lower()}", roles=[role])
    client.force_login(user)

    document = submitted.documents.first()
    for method, url in _staff_urls(open_round, submitted, document, join_request):
        response = getattr(client, method)(url, {"outcome": "eligible", "answer": "accept"})
        assert response.status_code == 403, (role, method, url, response.status_code)
    open_round.refresh_from_db()
    submitted.refresh_from_db()
    join_request.refresh_from_db()
    assert open_round.status == "open"
    assert submitted.screening == Screening.NOT_SCREENED
    assert submitted.status == ApplicationStatus.SUBMITTED
    assert join_request.status == JoinStatus.PENDING
