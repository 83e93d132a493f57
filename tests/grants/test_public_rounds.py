"""The public pages of grant rounds: what a visitor who has not signed in reads of the
rounds open and to come, and how each round lets them start an application."""

from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import clock
from grants import services
from grants.selectors_public import day_and_time_words, moment_words

from .conftest import round_parts

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def make_round(officer, stream, name, *, opens_in=-1, closes_in=14, open_it=True, **fields):
    now = timezone.now()
    grant_round = services.round_create(
        by=officer,
        funding_stream=stream,
        name=name,
        summary=fields.pop("summary", f"Summary of {name}."),
        guidance=fields.pop("guidance", f"Guidance for {name}."),
        budget=fields.pop("budget", Decimal("10000")),
        maximum_award=fields.pop("maximum_award", Decimal("5000")),
        opens_at=now + timedelta(days=opens_in),
        closes_at=now + timedelta(days=closes_in),
        **round_parts(),
        **fields,
    )
    if open_it:
        grant_round = services.round_transition(grant_round=grant_round, by=officer, action="open")
    return grant_round


def test_a_moment_reads_as_gov_uk_writes_it_in_london_time():
    assert moment_words(datetime(2027, 1, 16, 17, 0, tzinfo=LONDON)) == (
        "5pm, Saturday 16 January 2027"
    )
    # 16:30 UTC in July is 5:30pm in London (British Summer Time).
    summer = datetime(2026, 7, 3, 16, 30, tzinfo=ZoneInfo("UTC"))
    assert moment_words(summer) == "5:30pm, Friday 3 July 2026"
    assert moment_words(datetime(2026, 7, 3, 12, 0, tzinfo=LONDON)) == "midday, Friday 3 July 2026"
    assert (
        moment_words(datetime(2026, 7, 3, 0, 0, tzinfo=LONDON)) == "midnight, Friday 3 July 2026"
    )
    assert moment_words(datetime(2026, 7, 3, 9, 5, tzinfo=LONDON)) == "9:05am, Friday 3 July 2026"
    assert day_and_time_words(datetime(2027, 1, 15, 17, 0, tzinfo=LONDON)) == (
        "Friday 15 January 2027 at 5pm"
    )


def test_the_list_shows_open_and_upcoming_rounds_never_drafts_or_cancelled_ones(
    client, open_round, officer, stream
):
    upcoming = make_round(officer, stream, "Youth Diversion Fund", opens_in=10, closes_in=40)
    make_round(officer, stream, "Draft Round Nobody Sees", open_it=False)
    cancelled = make_round(officer, stream, "Cancelled Safer Streets Round")
    services.round_transition(grant_round=cancelled, by=officer, action="cancel")
    closed = make_round(officer, stream, "Closed Early Round")
    services.round_transition(grant_round=closed, by=officer, action="close")

    response = client.get(reverse("grants_public:rounds"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "PCC Community Grant 2026/27" in page
    assert "Grants of up to £10,000 for community safety projects." in page
    assert f'Closes</dt><dd class="col-sm-9">{moment_words(open_round.closes_at)}' in page
    assert "From £500 to £10,000" in page
    assert "Youth Diversion Fund" in page
    assert f'Opens</dt><dd class="col-sm-9">{moment_words(upcoming.opens_at)}' in page
    assert "Draft Round Nobody Sees" not in page
    assert "Cancelled Safer Streets Round" not in page
    assert "Closed Early Round" not in page
    # Open first, then what opens soon.
    assert page.index("PCC Community Grant") < page.index("Opening soon") < page.index("Youth")


def test_a_round_past_its_closing_time_leaves_the_list(client, open_round):
    with clock.at(open_round.closes_at + timedelta(seconds=1)):
        response = client.get(reverse("grants_public:rounds"))

    assert "PCC Community Grant 2026/27" not in response.content.decode()
    assert "No round is open for applications at the moment." in response.content.decode()


def test_a_round_shows_its_guidance_limits_eligibility_criteria_and_documents(client, open_round):
    response = client.get(open_round.get_public_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert "Projects must reduce crime or support victims in the county." in page
    assert 'Smallest award</dt><dd class="col-sm-8">£500' in page
    assert 'Largest award</dt><dd class="col-sm-8">£10,000' in page
    assert 'Money in this round</dt><dd class="col-sm-8">£50,000' in page
    assert moment_words(open_round.closes_at) in page
    assert "to confirm that: We are a not-for-profit organisation." in page
    assert "(answering “Yes” means you cannot apply)" in page
    for name, weight in (
        ("Need and evidence", "40%"),
        ("Outcomes for victims", "35%"),
        ("Value for money", "25%"),
    ):
        assert f'{name}</th><td class="money">{weight}</td>' in page
    assert "<li>Latest accounts</li>" in page
    assert "<li>Safeguarding policy</li>" in page


def test_a_visitor_is_offered_to_register_or_sign_in_and_come_back_to_start(client, open_round):
    page = client.get(open_round.get_public_url()).content.decode()

    start = reverse("grants_apply:start", args=[open_round.slug])
    assert f'href="{reverse("grants_public:register")}">Register to apply</a>' in page
    sign_in = reverse("login") + "?" + urlencode({"next": start})
    assert f'href="{sign_in.replace("&", "&amp;")}">Sign in</a>' in page
    assert f'href="{start}"' not in page


def test_a_signed_in_applicant_is_offered_the_start_of_an_application(
    client, open_round, applicant
):
    client.force_login(applicant)

    page = client.get(open_round.get_public_url()).content.decode()

    start = reverse("grants_apply:start", args=[open_round.slug])
    assert f'<a class="btn btn-primary" href="{start}">Start an application</a>' in page
    assert "Register to apply" not in page


def test_staff_are_told_applications_come_from_an_applicants_account(client, open_round, officer):
    client.force_login(officer)

    page = client.get(open_round.get_public_url()).content.decode()

    assert "Organisations apply from an applicant's account of their own." in page
    assert "Start an application" not in page


def test_a_closed_round_says_when_it_closed_and_offers_no_way_to_apply(
    client, open_round, applicant
):
    client.force_login(applicant)
    with clock.at(open_round.closes_at + timedelta(seconds=1)):
        page = client.get(open_round.get_public_url()).content.decode()

    assert f"This round closed on {day_and_time_words(open_round.closes_at)}." in page
    assert "Start an application" not in page
    assert reverse("grants_apply:start", args=[open_round.slug]) not in page


def test_a_round_the_office_closed_offers_no_way_to_apply(client, open_round, officer):
    services.round_transition(grant_round=open_round, by=officer, action="close")

    page = client.get(open_round.get_public_url()).content.decode()

    assert "This round is closed. It no longer takes applications." in page
    assert "Register to apply" not in page
    assert "Sign in</a> to start" not in page


def test_an_upcoming_round_says_when_it_opens_and_offers_no_start_yet(
    client, officer, stream, applicant
):
    upcoming = make_round(officer, stream, "Youth Diversion Fund", opens_in=10, closes_in=40)
    client.force_login(applicant)

    page = client.get(upcoming.get_public_url()).content.decode()

    assert f"This round opens at {moment_words(upcoming.opens_at)}." in page
    assert "Start an application" not in page


def test_a_draft_or_cancelled_round_is_not_found(client, officer, stream):
    draft = make_round(officer, stream, "Draft Round", open_it=False)
    cancelled = make_round(officer, stream, "Cancelled Round")
    services.round_transition(grant_round=cancelled, by=officer, action="cancel")

    assert client.get(draft.get_public_url()).status_code == 404
    assert client.get(cancelled.get_public_url()).status_code == 404
    assert client.get("/rounds/no-such-round/").status_code == 404


def test_the_home_page_and_footer_link_the_rounds(client, organisation):
    page = client.get(reverse("home")).content.decode()

    assert f'<a href="{reverse("grants_public:rounds")}">Apply for a grant</a>' in page
    assert f'<a href="{reverse("grants_public:rounds")}">Grant rounds</a>' in page
