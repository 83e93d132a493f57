"""A decided round, built directly: three submitted applications (one awarded in
part, one not awarded, one screened out), their reviews, the Review Panel's
recommendations and the award's approved allocation.

The panel and the decision are another part's services: here their rows are made
through the models, the allocation through ``funding.services.allocation_create``
(approved directly by the Chief Finance Officer, as the settings delegate), and the
round is marked decided with a queryset ``update()``, as the decision's approval does.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from funding import services as funding_services
from grants import services as grant_services
from grants.applicants import organisation_create
from grants.models import (
    Application,
    Declaration,
    GrantRound,
    Membership,
    PanelMeeting,
    PanelOutcome,
    PanelRecommendation,
    Review,
    Reviewer,
    ReviewStatus,
    RoundStatus,
    Score,
)
from pcc_grants.roles import Role
from tests.factories import UserFactory

from .conftest import complete_application, make_applicant, open_a_round

AWARD = Decimal("8000")
PERIOD = (date(2026, 7, 1), date(2027, 3, 31))
# Quarterly from 1 July 2026: periods end 30 September, 31 December and 31 March;
# each return is due 30 days later.
RETURNS_DUE = ["2026-10-30", "2027-01-30", "2027-04-30"]
CONDITIONS = "A quarterly report to the board of trustees."


@dataclass
class DecidedRound:
    grant_round: GrantRound
    awarded: Application
    unsuccessful: Application
    ineligible: Application
    applicant: object  # submitted the awarded application
    colleague: object  # another member of the awarded organisation
    other_applicant: object  # submitted the unsuccessful application
    allocation: object
    reviewer_names: tuple[str, ...]


def _reviewer(first: str, last: str) -> Reviewer:
    user = UserFactory(
        username=f"{first.lower()}.{last.lower()}",
        first_name=first,
        last_name=last,
        roles=[Role.REVIEWER],
    )
    return Reviewer.objects.create(user=user, organisation="Themed Reviewers")


def _review(application, reviewer, *, comment, scores, status=ReviewStatus.SUBMITTED, **kw):
    review = Review.objects.create(
        application=application,
        reviewer=reviewer,
        status=status,
        declaration=kw.pop("declaration", Declaration.NO_CONFLICT),
        comment=comment,
        submitted_at=timezone.now() if status == ReviewStatus.SUBMITTED else None,
        **kw,
    )
    for criterion, (score, text) in zip(
        application.grant_round.criteria.all(), scores, strict=False
    ):
        Score.objects.create(review=review, criterion=criterion, score=score, comment=text)
    return review


def decided_round(officer, stream, theme, cfo, *, approve: bool = True) -> DecidedRound:
    """With ``approve`` False, the award's allocation is left proposed, for a decision
    record to approve."""
    grant_round = open_a_round(officer, stream)
    applicant = make_applicant("ann@livingwithoutabuse.example", "Ann Applicant")
    awarded_org = organisation_create(
        by=applicant, name="Living Without Abuse", charity_number="1155789", job_title="Lead"
    )
    colleague = make_applicant("carl@livingwithoutabuse.example", "Carl Colleague")
    Membership.objects.create(organisation=awarded_org, user=colleague, job_title="Treasurer")
    other_applicant = make_applicant("olga@warriors.example", "Olga Other")
    other_org = organisation_create(by=other_applicant, name="Leicester Warriors")
    third = make_applicant("tom@thirdsector.example", "Tom Third")
    third_org = organisation_create(by=third, name="Third Sector Trust")

    submitted = []
    people = ((awarded_org, applicant), (other_org, other_applicant), (third_org, third))
    for org, person in people:
        application = complete_application(grant_round, org, person, theme)
        submitted.append(grant_services.application_submit(application=application, by=person))
    awarded, unsuccessful, ineligible = submitted
    for application, eligible in ((awarded, True), (unsuccessful, True), (ineligible, False)):
        grant_services.application_screen(
            application=application,
            by=officer,
            eligible=eligible,
            reason="" if eligible else "The project is outside the county.",
        )

    rita, sam, tess = (
        _reviewer("Rita", "Reviewsmith"),
        _reviewer("Sam", "Scorewell"),
        _reviewer("Tess", "Conflicted"),
    )
    _review(
        unsuccessful,
        rita,
        comment="The need is real but the plan is thin.",
        scores=[(2, "Little local evidence."), (3, ""), (2, "Costs per person are high.")],
    )
    _review(
        unsuccessful,
        sam,
        comment="Partnerships are not yet in place.",
        scores=[(3, ""), (2, "Outcomes are not measurable."), (3, "")],
    )
    # Neither of these counts: a declared conflict, and a review not yet submitted.
    _review(
        unsuccessful,
        tess,
        comment="I am a trustee of this charity.",
        scores=[],
        declaration=Declaration.CONFLICT,
        status=ReviewStatus.CONFLICTED,
    )
    _review(
        awarded,
        tess,
        comment="Draft thoughts, not submitted.",
        scores=[(4, "Draft criterion comment.")],
        status=ReviewStatus.IN_PROGRESS,
    )
    _review(awarded, rita, comment="A strong helpline.", scores=[(5, ""), (4, ""), (4, "")])

    meeting = PanelMeeting.objects.create(grant_round=grant_round, held_on=date(2026, 6, 1))
    PanelRecommendation.objects.create(
        meeting=meeting,
        application=awarded,
        outcome=PanelOutcome.AWARD_IN_PART,
        amount=AWARD,
        conditions=CONDITIONS,
        reasons="Ranked first; the phones are funded elsewhere.",
    )
    PanelRecommendation.objects.create(
        meeting=meeting,
        application=unsuccessful,
        outcome=PanelOutcome.DO_NOT_AWARD,
        reasons="Below the fund line.",
    )
    awarded.organisation.refresh_from_db()
    allocation = funding_services.allocation_create(
        by=cfo,
        funding_stream=stream,
        title=awarded.title,
        amount=AWARD,
        recipient=awarded.organisation.provider,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        status="approved" if approve else "proposed",
    )
    Application.objects.filter(pk=awarded.pk).update(allocation=allocation)
    # The decision's approval marks the round decided (another part's service).
    GrantRound.objects.filter(pk=grant_round.pk).update(status=RoundStatus.DECIDED)
    grant_round.refresh_from_db()
    for application in submitted:
        application.refresh_from_db()
    return DecidedRound(
        grant_round=grant_round,
        awarded=awarded,
        unsuccessful=unsuccessful,
        ineligible=ineligible,
        applicant=applicant,
        colleague=colleague,
        other_applicant=other_applicant,
        allocation=allocation,
        reviewer_names=("Rita", "Reviewsmith", "Sam", "Scorewell", "Tess", "Conflicted"),
    )
