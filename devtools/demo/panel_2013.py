"""The Review Panel of Leicestershire's PCC Grant 2013/14, and the Decision Record
drafted from its recommendations, for the demonstration.

EXE 0025/13 says the panel had representatives of the Office, the Force, Leicestershire
County Council, Leicester City Council, Rutland County Council, Probation and the Third
Sector, and that it recommended on the basis of the reviewers' scores. The people, the
date, the interest declared and the reasons here are made up for the demo; the eleven
awards are the eleven the record made.

The record drafted from the panel waits for officer approval: submitted, with the
Chief Finance Officer's and the Monitoring Officer's comments. (EXE 0025/13 itself,
elsewhere in the demo, is the record as Leicestershire published it.)
"""

from datetime import date

from decisions import clock
from decisions import services as decision_services
from devtools.demo import pcc_grant_2013 as pcc_grant
from devtools.demo.rounds import _moment
from funding import services as funding_services
from grants import awarding, panel
from grants.models import GrantRound, PanelOutcome, RoundStatus
from grants.ranking import rank
from pcc_grants.models import User

MEMBERS = (
    {
        "name": "Sarah Whitfield",
        "organisation": "Office of the Police and Crime Commissioner",
        "role": "Chair",
    },
    {"name": "Inspector Mark Dale", "organisation": "Leicestershire Police", "role": ""},
    {"name": "Joanne Pike", "organisation": "Leicestershire County Council", "role": ""},
    {"name": "Imran Qureshi", "organisation": "Leicester City Council", "role": ""},
    {
        "name": "Claire Bowen",
        "organisation": "Rutland County Council",
        "role": "",
        "interests": "Sits on the board of a Rutland community safety charity.",
    },
    {"name": "Tom Ashworth", "organisation": "Probation", "role": ""},
    {"name": "Lena Patel", "organisation": "Third Sector representative", "role": ""},
)
# The member's declared interest in one application: they take no part in it.
INTEREST = ("Claire Bowen", "Rutland Older People's Circle", "A trustee of the organisation.")
MET = date(2013, 8, 20)
AWARD_REASONS = "Within the fund on the reviewers' scores; meets the Plan's themes."
DECLINE_REASONS = "Below the fund line on the reviewers' scores."
FLAGGED_REASONS = (
    "The reviewers' scores are far apart; the panel read both reviews and agrees the "
    "costs are not explained. Below the fund line."
)


def _pcc_grant_2013() -> GrantRound | None:
    return GrantRound.objects.filter(name=pcc_grant.ROUND["name"]).first()


def recommend_2013(*, by: User) -> int:
    """The panel's meeting and its recommendation on each ranked application; the
    number recommended (none when done already)."""
    grant_round = _pcc_grant_2013()
    if (
        grant_round is None
        or grant_round.status != RoundStatus.IN_REVIEW
        or grant_round.panel_meetings.exists()
    ):
        return 0
    with clock.at(_moment(2013, 8, 20, 10)):
        meeting = panel.panel_meeting_create(
            grant_round=grant_round,
            by=by,
            held_on=MET,
            location="Office of the Police and Crime Commissioner, Enderby",
            notes="Demonstration data, made up for the demo.",
            members=[{"interests": "", **member} for member in MEMBERS],
        )
        ranking = rank(grant_round)
        applications = {row.application_id: row for row in ranking.all_rows}
        member = meeting.members.get(name=INTEREST[0])
        for row in ranking.all_rows:
            if row.organisation == INTEREST[1]:
                application = grant_round.applications.get(pk=row.application_id)
                panel.panel_interest_declare(
                    member=member, application=application, nature=INTEREST[2], by=by
                )
        for application in grant_round.applications.filter(pk__in=applications):
            row = applications[application.pk]
            if row.within_fund:
                outcome, reasons = PanelOutcome.AWARD, AWARD_REASONS
            else:
                outcome = PanelOutcome.DO_NOT_AWARD
                reasons = FLAGGED_REASONS if ranking.flagged(row) else DECLINE_REASONS
            panel.panel_recommend(
                meeting=meeting, application=application, outcome=outcome, reasons=reasons, by=by
            )
    return len(applications)


def decide_2013(*, users: dict[str, User]):
    """The record drafted from the panel, submitted and commented on: it awaits the
    Chief Executive's officer approval. None when drafted already."""
    grant_round = _pcc_grant_2013()
    if grant_round is None or grant_round.decision_id or not grant_round.panel_meetings.exists():
        return None
    with clock.at(_moment(2013, 8, 22, 11)):
        decision = awarding.decision_draft_from_panel(grant_round=grant_round, by=users["officer"])
    for allocation in decision.allocations.order_by("pk"):
        funding_services.allocation_update(
            allocation=allocation,
            by=users["officer"],
            comments=(
                "Demonstration data: the Review Panel's award, drafted into a record by the "
                "product; EXE 0025/13 made the same award (Table 1), so this replays it."
            ),
        )
    with clock.at(_moment(2013, 8, 22, 15)):
        decision_services.decision_transition(
            decision=decision, by=users["officer"], action="submit"
        )
    with clock.at(_moment(2013, 8, 23, 10)):
        decision_services.decision_comment_add(
            decision=decision,
            by=users["cfo"],
            kind="financial",
            text="The eleven awards are within the PCC Grant's budget and the PCC Community "
            "Safety Grant for 2013/14. (Demonstration data, made up for the demo.)",
        )
        decision_services.decision_comment_add(
            decision=decision,
            by=users["monitoring.officer"],
            kind="legal",
            text="The round was run as its guidance says; no legal implications. "
            "(Demonstration data, made up for the demo.)",
        )
    return decision


def load(*, users: dict[str, User]) -> list[str]:
    said = []
    recommended = recommend_2013(by=users["officer"])
    if recommended:
        said.append(
            f"  {pcc_grant.ROUND['name']}: the Review Panel's recommendations on "
            f"{recommended} applications"
        )
    decision = decide_2013(users=users)
    if decision is not None:
        said.append(f"  “{decision.title}”, drafted from the panel: awaiting officer approval")
    return said
