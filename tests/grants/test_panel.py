"""The Review Panel: its meeting and members, their interests, its recommendation on
each ranked application; the panel page and its forms (without JavaScript); every
refusal leaves the database as it was."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants import panel
from grants import services as grant_services
from grants.models import PanelInterest, PanelMeeting, PanelMember, PanelRecommendation
from pcc_grants.roles import Role
from tests.factories import UserFactory
from tests.grants.conftest import open_a_round
from tests.grants.panel_data import meet, reviewed_round
from tests.grants.staff_data import submitted_applications

pytestmark = pytest.mark.django_db

# Weighted: 5/5*40 + 4/5*35 + 3/5*25 = 83; 3/5*40 + 3/5*35 + 3/5*25 = 60; 2,2,2 = 40.
SCORED = [("9000", [5, 4, 3]), ("6000", [3, 3, 3]), ("4000", [2, 2, 2])]


@pytest.fixture
def reviewed(officer, stream):
    return reviewed_round(officer, stream, SCORED)


@pytest.fixture
def grant_round(reviewed):
    return reviewed[0]


@pytest.fixture
def applications(reviewed):
    return reviewed[1]


@pytest.fixture
def meeting(grant_round, officer):
    return meet(grant_round, officer)


@pytest.fixture
def staff_client(client, officer):
    client.force_login(officer)
    return client


def _recommend(meeting, application, by, **changes):
    fields = {"outcome": "award", "reasons": "Strong evidence of need.", **changes}
    return panel.panel_recommend(meeting=meeting, application=application, by=by, **fields)


def _recommendations() -> list[tuple]:
    return list(
        PanelRecommendation.objects.order_by("pk").values_list(
            "application__reference", "outcome", "amount", "conditions", "reasons"
        )
    )


# The meeting -------------------------------------------------------------------------


def test_a_meeting_keeps_its_members_in_order(meeting):
    assert meeting.location == "Police Headquarters, Enderby"
    assert list(meeting.members.values_list("position", "name", "organisation", "role")) == [
        (1, "Paul Stock", "OPCC", "chair"),
        (2, "Rita Patel", "Leicester City Council", ""),
        (3, "Tom Hale", "Voluntary Action LeicesterShire", ""),
    ]


def test_a_round_has_one_meeting_and_a_second_is_refused(meeting, grant_round, officer):
    with pytest.raises(ValidationError, match="has met already"):
        meet(grant_round, officer)
    assert PanelMeeting.objects.count() == 1


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ([], "Name the members of the panel present"),
        ([{"name": "Paul Stock"}, {"name": " ", "organisation": "OPCC"}], "Member 2: enter"),
    ],
)
def test_a_meeting_without_named_members_is_refused(grant_round, officer, members, message):
    with pytest.raises(ValidationError, match=message):
        meet(grant_round, officer, members=members)
    assert (PanelMeeting.objects.count(), PanelMember.objects.count()) == (0, 0)


def test_only_the_officer_or_cfo_record_the_panel(grant_round, make_user):
    for role in (Role.CHIEF_EXECUTIVE, Role.COMMISSIONER, Role.PANEL_MEMBER, Role.REVIEWER):
        with pytest.raises(ValidationError, match="Only the Officer or Chief Finance"):
            meet(grant_round, make_user(role))
    assert PanelMeeting.objects.count() == 0
    assert meet(grant_round, make_user(Role.CHIEF_FINANCE_OFFICER)).members.count() == 3


def test_the_panel_meets_only_while_the_round_is_in_review(officer, stream):
    grant_round = open_a_round(officer, stream)
    with pytest.raises(ValidationError, match="The round is open: the Review Panel's work"):
        meet(grant_round, officer)
    assert PanelMeeting.objects.count() == 0


def test_changing_the_meeting_keeps_members_and_their_interests(meeting, applications, officer):
    rita = meeting.members.get(name="Rita Patel")
    panel.panel_interest_declare(
        member=rita, application=applications[0], nature="A trustee", by=officer
    )
    rows = [
        {"pk": rita.pk, "name": "Rita Patel", "organisation": "Leicester City Council"},
        {"name": "Jo Newman", "organisation": "National Probation Service"},
    ]
    panel.panel_meeting_update(
        meeting=meeting, by=officer, held_on=meeting.held_on, location="Enderby", members=rows
    )
    assert list(meeting.members.values_list("name", flat=True)) == ["Rita Patel", "Jo Newman"]
    assert PanelInterest.objects.get().member_id == rita.pk


def test_a_member_with_an_interest_cannot_be_removed(meeting, applications, officer):
    rita = meeting.members.get(name="Rita Patel")
    panel.panel_interest_declare(
        member=rita, application=applications[0], nature="A trustee", by=officer
    )
    before = list(meeting.members.values_list("pk", "name"))
    with pytest.raises(ValidationError, match="Rita Patel declared an interest in PCCG-"):
        panel.panel_meeting_update(
            meeting=meeting, by=officer, held_on=meeting.held_on, members=[{"name": "Someone"}]
        )
    assert list(meeting.members.values_list("pk", "name")) == before


# Interests ---------------------------------------------------------------------------


def test_an_interest_needs_its_nature_and_is_declared_once(meeting, applications, officer):
    rita = meeting.members.get(name="Rita Patel")
    with pytest.raises(ValidationError, match="Say what the interest is"):
        panel.panel_interest_declare(
            member=rita, application=applications[0], nature=" ", by=officer
        )
    panel.panel_interest_declare(
        member=rita, application=applications[0], nature="A trustee", by=officer
    )
    with pytest.raises(ValidationError, match="has declared an interest in PCCG-.* already"):
        panel.panel_interest_declare(
            member=rita, application=applications[0], nature="Again", by=officer
        )
    assert list(PanelInterest.objects.values_list("nature", flat=True)) == ["A trustee"]


def test_an_interest_in_another_rounds_application_is_refused(
    meeting, officer, stream, applications
):
    other_round = open_a_round(officer, stream, name="Another round")
    other = submitted_applications(other_round, officer, ["1000"], start=50)[0]
    with pytest.raises(ValidationError, match="not on this round's panel"):
        panel.panel_interest_declare(
            member=meeting.members.first(), application=other, nature="A trustee", by=officer
        )
    assert PanelInterest.objects.count() == 0


# Recommendations ---------------------------------------------------------------------


def test_an_award_is_of_the_amount_requested(meeting, applications, officer):
    recommendation = _recommend(meeting, applications[0], officer, conditions="Quarterly")
    assert (recommendation.outcome, recommendation.amount) == ("award", Decimal("9000"))
    assert recommendation.conditions == "Quarterly"
    assert recommendation.recorded_by == officer


def test_a_recommendation_is_changed_not_duplicated(meeting, applications, officer):
    _recommend(meeting, applications[0], officer)
    _recommend(meeting, applications[0], officer, outcome="award_in_part", amount=Decimal("7500"))
    assert _recommendations() == [
        (
            applications[0].reference,
            "award_in_part",
            Decimal("7500"),
            "",
            "Strong evidence of need.",
        )
    ]


def test_not_awarding_keeps_no_amount_and_no_conditions(meeting, applications, officer):
    recommendation = _recommend(
        meeting, applications[2], officer, outcome="do_not_award", conditions="None"
    )
    assert (recommendation.amount, recommendation.conditions) == (None, "")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": Decimal("8000")}, "amount", "An award is of the amount requested, £9,000"),
        ({"outcome": "award_in_part"}, "amount", "above £0 and below the £9,000 requested"),
        (
            {"outcome": "award_in_part", "amount": Decimal("9000")},
            "amount",
            "above £0 and below",
        ),
        ({"outcome": "award_in_part", "amount": Decimal("0")}, "amount", "above £0 and below"),
        ({"outcome": "do_not_award", "amount": Decimal("10")}, "amount", "has no amount"),
        ({"reasons": "  "}, "reasons", "Give the panel's reasons"),
        ({"outcome": "maybe"}, "outcome", "Choose award, award in part or do not award"),
    ],
)
def test_a_recommendation_that_does_not_hold_is_refused_on_its_field(
    meeting, applications, officer, changes, field, message
):
    _recommend(meeting, applications[1], officer)
    before = _recommendations()
    with pytest.raises(ValidationError) as refused:
        _recommend(meeting, applications[0], officer, **changes)
    assert message in " ".join(refused.value.message_dict[field])
    with pytest.raises(ValidationError):
        _recommend(meeting, applications[1], officer, **changes)
    assert _recommendations() == before


def test_only_a_ranked_application_of_the_round_is_recommended(
    officer, stream, grant_round, meeting
):
    unscored = submitted_applications(grant_round, officer, ["1000"], start=40)[0]
    other_round = open_a_round(officer, stream, name="Another round")
    other = submitted_applications(other_round, officer, ["1000"], start=50)[0]
    for application in (unscored, other):
        with pytest.raises(ValidationError, match="is not ranked in this round"):
            _recommend(meeting, application, officer)
    assert PanelRecommendation.objects.count() == 0


def test_an_ineligible_application_is_not_recommended(officer, stream):
    grant_round = open_a_round(officer, stream)
    application = submitted_applications(grant_round, officer, ["1000"])[0]
    grant_services.application_screen(
        application=application, by=officer, eligible=False, reason="Not a charity."
    )
    for action in ("close", "start_review"):
        grant_services.round_transition(grant_round=grant_round, by=officer, action=action)
    from tests.grants.panel_data import Reviewer, score_review

    reviewer = Reviewer.objects.create(user=UserFactory(roles=[Role.REVIEWER]))
    score_review(application, reviewer, [5, 5, 5])
    with pytest.raises(ValidationError, match="is not ranked"):
        _recommend(meet(grant_round, officer), application, officer)
    assert PanelRecommendation.objects.count() == 0


def test_a_chief_executive_cannot_recommend(meeting, applications, make_user):
    with pytest.raises(ValidationError, match="Only the Officer or Chief Finance"):
        _recommend(meeting, applications[0], make_user(Role.CHIEF_EXECUTIVE))
    assert PanelRecommendation.objects.count() == 0


def test_recommendations_are_refused_once_the_decision_is_drafted(
    meeting, applications, officer, grant_round
):
    from grants.awarding import decision_draft_from_panel

    for application in applications:
        _recommend(meeting, application, officer)
    decision = decision_draft_from_panel(grant_round=grant_round, by=officer)
    before = _recommendations()
    with pytest.raises(ValidationError, match="The decision record is drafted: draft “Grant"):
        _recommend(meeting, applications[0], officer, outcome="do_not_award")
    with pytest.raises(ValidationError, match="The decision record is drafted"):
        panel.panel_interest_declare(
            member=meeting.members.first(), application=applications[0], nature="X", by=officer
        )
    assert _recommendations() == before
    assert PanelInterest.objects.count() == 0
    assert decision.title == "Grant awards: PCC Community Grant 2026/27"


# The pages ---------------------------------------------------------------------------


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_panel_page_shows_the_ranking_recommendations_and_who_took_no_part(
    staff_client, meeting, applications, officer, grant_round
):
    rita = meeting.members.get(name="Rita Patel")
    panel.panel_interest_declare(
        member=rita, application=applications[1], nature="Trustee of the charity", by=officer
    )
    _recommend(meeting, applications[0], officer, conditions="Quarterly returns")
    _recommend(
        meeting,
        applications[1],
        officer,
        outcome="award_in_part",
        amount=Decimal("4000"),
        reasons="Only the first year",
    )
    page = _page(staff_client.get(reverse("grants:panel", args=[grant_round.pk])))
    first, second, third = (a.reference for a in applications)
    table = page.split("Recommendations, in ranking order")[1]
    assert table.index(first) < table.index(second) < table.index(third)
    assert "Award</strong>: £9,000" in page
    assert "Conditions: Quarterly returns" in page
    assert "Award in part</strong>: £4,000" in page
    assert "Reasons: Only the first year" in page
    assert "Took no part: Rita Patel (Trustee of the charity)" in page
    assert page.count("Took no part") == 1
    assert "No recommendation yet" in page
    assert "Recommended awards total £13,000 of the round's budget of £50,000" in page
    assert "£37,000 left" in page
    assert "Within the fund" in page
    assert "83.00" in page and "60.00" in page and "40.00" in page
    assert f"Still without a recommendation: {third}." in page
    assert "Draft the decision record" in page
    assert "Interests declared: Trustee of Living Without Abuse" in page


def test_the_panel_page_warns_when_the_awards_are_over_the_budget(staff_client, officer, stream):
    grant_round, made = reviewed_round(
        officer, stream, [("30000", [5, 5, 5]), ("30000", [4, 4, 4])]
    )
    meeting = meet(grant_round, officer)
    for application in made:
        _recommend(meeting, application, officer)
    page = _page(staff_client.get(reverse("grants:panel", args=[grant_round.pk])))
    assert "Recommended awards total £60,000 of the round's budget of £50,000" in page
    assert "over the round's budget by £10,000" in page
    assert "Below the line" in page


def test_the_recommend_page_shows_the_interests_and_saves_without_javascript(
    staff_client, meeting, applications, grant_round
):
    application = applications[0]
    url = reverse("grants:panel_recommend", args=[application.pk])
    rita = meeting.members.get(name="Rita Patel")
    response = staff_client.post(
        reverse("grants:panel_interest", args=[application.pk]),
        {"member": rita.pk, "nature": "Trustee"},
    )
    assert response.status_code == 302
    page = _page(staff_client.get(url))
    assert "Took no part: Rita Patel (Trustee)" in page
    assert "weighted score 83.00 from 1 review" in page

    response = staff_client.post(
        url, {"outcome": "award_in_part", "amount": "£7,000", "reasons": "Year one only"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:panel", args=[grant_round.pk])
    assert _recommendations() == [
        (application.reference, "award_in_part", Decimal("7000"), "", "Year one only")
    ]

    page = _page(staff_client.post(url, {"outcome": "award_in_part", "reasons": "Less"}))
    assert "Enter an amount above £0 and below the £9,000 requested." in page
    assert _recommendations()[0][2] == Decimal("7000")


def test_the_meeting_form_adds_member_rows_without_javascript(staff_client, grant_round):
    url = reverse("grants:panel_meeting", args=[grant_round.pk])
    assert "Member 1" in _page(staff_client.get(url))
    typed = {
        "held_on": "2026-09-10",
        "location": "Enderby",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-name": "Paul Stock",
        "members-0-organisation": "OPCC",
    }
    page = _page(staff_client.post(url, {**typed, "add_row": "members"}))
    assert 'value="Paul Stock"' in page and "Member 2" in page
    assert PanelMeeting.objects.count() == 0

    two = {**typed, "members-TOTAL_FORMS": "2", "members-1-name": "Rita Patel"}
    response = staff_client.post(url, two)
    assert response.status_code == 302
    meeting = PanelMeeting.objects.get()
    assert str(meeting.held_on) == "2026-09-10"
    assert list(meeting.members.values_list("name", flat=True)) == ["Paul Stock", "Rita Patel"]
    page = _page(staff_client.get(reverse("grants:panel", args=[grant_round.pk])))
    assert "10 September 2026" in page and "Rita Patel" in page


def test_the_meeting_form_names_the_row_without_a_name(staff_client, grant_round):
    url = reverse("grants:panel_meeting", args=[grant_round.pk])
    page = _page(
        staff_client.post(
            url,
            {
                "held_on": "2026-09-10",
                "members-TOTAL_FORMS": "1",
                "members-INITIAL_FORMS": "0",
                "members-0-organisation": "OPCC",
            },
        )
    )
    assert "Member 1: enter the member&#x27;s name" in page
    assert PanelMeeting.objects.count() == 0


@pytest.mark.parametrize("role", [Role.CHIEF_EXECUTIVE, Role.COMMISSIONER, Role.PANEL_MEMBER])
def test_a_crafted_post_by_someone_else_is_refused_and_changes_nothing(
    client, meeting, applications, grant_round, role
):
    client.force_login(UserFactory(roles=[role]))
    application = applications[0]
    posts = [
        (
            reverse("grants:panel_recommend", args=[application.pk]),
            {"outcome": "award", "reasons": "x"},
        ),
        (
            reverse("grants:panel_interest", args=[application.pk]),
            {"member": meeting.members.first().pk, "nature": "x"},
        ),
        (reverse("grants:panel_meeting", args=[grant_round.pk]), {"held_on": "2026-09-10"}),
        (reverse("grants:panel_decision", args=[grant_round.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert PanelRecommendation.objects.count() == 0
    assert PanelInterest.objects.count() == 0
    assert grant_round.panel_meetings.get().held_on == meeting.held_on
    grant_round.refresh_from_db()
    assert grant_round.decision is None


def test_the_panel_page_asks_as_many_queries_at_30_applications_as_at_3(
    staff_client, officer, stream
):
    grant_round, made = reviewed_round(officer, stream, SCORED)
    meeting = meet(grant_round, officer)
    url = reverse("grants:panel", args=[grant_round.pk])

    def count() -> int:
        for application in made:
            if not PanelRecommendation.objects.filter(application=application).exists():
                _recommend(meeting, application, officer)
                panel.panel_interest_declare(
                    member=meeting.members.first(), application=application, nature="x", by=officer
                )
        staff_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(url).status_code == 200
        return len(captured)

    at_three = count()
    from tests.grants.panel_data import Reviewer, score_review

    more = submitted_applications(grant_round, officer, ["100"] * 27, start=100)
    reviewer = Reviewer.objects.get()
    for application in more:
        score_review(application, reviewer, [1, 1, 1])
    made = made + more
    assert count() == at_three
