"""The review of Leicestershire's PCC Grant 2013/14, for the demonstration.

EXE 0025/13 says that Themed Reviewers, "people from various organisations and with
expertise covering the Police and Crime Plan Themes", scored the 33 applications and
recommended, and that a Review Panel of the Office, the Force, the three councils,
Probation and the Third Sector recommended which to fund "on the basis of the scores,
comments and recommendations". It names neither the reviewers nor the panel's members,
and gives no scores: the four reviewers, their scores and comments, the panel's members
and its reasons here are made up for the demo. The eleven applications the panel
recommends are the eleven the record funded.

Each theme has its Themed Reviewer, and a fourth reviews every application, so that
each has two reviews. The fourth declares a conflict on one application (they are a
volunteer with the organisation), and its theme's reviewer is joined by another in
their place.
"""

from datetime import datetime, timedelta

from decisions import clock
from devtools.demo import pcc_grant_2013 as pcc_grant
from devtools.demo.rounds import _moment
from funding.models import PlanTheme
from grants import reviewing
from grants import services as grants
from grants.models import (
    Application,
    GrantRound,
    Recommendation,
    Review,
    ReviewStatus,
    RoundStatus,
)
from pcc_grants.models import User

# Made up for the demo: (name, e-mail, organisation, the theme they review or None for
# every theme).
REVIEWERS = (
    (
        "Amara Okafor",
        "amara.okafor@example.org",
        "Leicestershire Victim Support Network",
        pcc_grant.PROTECTING,
    ),
    (
        "Daniel Price",
        "daniel.price@example.org",
        "Midlands Probation Partnership",
        pcc_grant.REOFFENDING,
    ),
    (
        "Helen Marsh",
        "helen.marsh@example.org",
        "Charnwood Neighbourhood Forum",
        pcc_grant.SAFER,
    ),
    ("Rob Kettle", "rob.kettle@example.org", "Rutland Volunteer Centre", None),
)
# The application the all-themes reviewer declares a conflict on: a made-up interest.
CONFLICT_ON = "Rutland Rural Watch"
# The application two reviewers score far apart (made up too).
SPLIT_ON = "Melton Youth Drop-In"
CONFLICT_NATURE = "I volunteer with Rutland Rural Watch and helped to write this bid."

REVIEW_STARTS = _moment(2013, 7, 29, 9)
STARTED_REVIEW = _moment(2013, 7, 26, 14)

GOOD = "Clear need, a realistic plan and outcomes that can be counted."
FAIR = "The need is there, but the outcomes and how they will be shown are thin."
WEAK = "Little evidence of need, and the plan does not say who will do what."
SPLIT = "A good idea for the area, but the costs are not explained."


def _pcc_grant_2013() -> GrantRound | None:
    return GrantRound.objects.filter(name=pcc_grant.ROUND["name"]).first()


def _score(reference: str, reviewer: int, criterion: int, funded: bool) -> int:
    """A made-up score that puts the funded applications above the others: 4 or 5 for
    them, 1 to 3 for the rest, varied by application, reviewer and criterion."""
    number = int(reference.rsplit("-", 1)[1])
    spin = (number * 7 + reviewer * 2 + criterion * 5) % 6
    if funded:
        return 5 if spin < 3 else 4
    return 1 + spin % 3


def _scores_for(application: Application, reviewer: int, funded: bool, criteria) -> dict:
    scores = {}
    for index, criterion in enumerate(criteria):
        value = _score(application.reference, reviewer, index, funded)
        if application.organisation.name == SPLIT_ON:
            # One the two reviewers saw very differently: the moderation page flags it.
            value = 1 if reviewer == 3 else 4
        scores[criterion.pk] = (value, "")
    return scores


def review_2013(*, by: User) -> int:
    """The round in review, its four reviewers assigned and every review submitted, in
    August 2013; the number of reviews submitted (none when done already)."""
    grant_round = _pcc_grant_2013()
    if grant_round is None or grant_round.status != RoundStatus.CLOSED:
        return 0
    with clock.at(STARTED_REVIEW):
        grants.round_transition(grant_round=grant_round, by=by, action="start_review")
    themes = {theme.name: theme for theme in PlanTheme.objects.all()}
    reviewers = []
    with clock.at(REVIEW_STARTS):
        for name, email, organisation, theme in REVIEWERS:
            reviewer = reviewing.reviewer_create(
                by=by, name=name, email=email, organisation=organisation
            )
            reviewing.assign_round(
                grant_round=grant_round,
                reviewer=reviewer,
                theme=themes[theme] if theme else None,
                by=by,
            )
            reviewers.append(reviewer)
    funded = {(bid.organisation, bid.title) for bid in pcc_grant.FUNDED}
    criteria = list(grant_round.criteria.order_by("position", "pk"))
    moment = REVIEW_STARTS + timedelta(hours=2)
    submitted = 0
    reviews = (
        Review.objects.filter(application__grant_round=grant_round)
        .select_related("application__organisation", "reviewer__user")
        .order_by("application__reference", "reviewer__pk")
    )
    for review in reviews:
        moment += timedelta(minutes=47)
        application = review.application
        user = review.reviewer.user
        index = reviewers.index(review.reviewer)
        with clock.at(moment):
            if index == 3 and application.organisation.name == CONFLICT_ON:
                reviewing.review_declare(
                    review=review, by=user, conflict=True, nature=CONFLICT_NATURE
                )
                _replace(review, reviewers, by=by, moment=moment)
                continue
            submitted += _score_and_submit(
                review,
                index,
                (application.organisation.name, application.title) in funded,
                criteria,
                moment,
            )
    # The replacement's review, scored last.
    for review in Review.objects.filter(
        application__grant_round=grant_round, status=ReviewStatus.ASSIGNED
    ).select_related("application__organisation", "reviewer__user"):
        moment += timedelta(hours=3)
        with clock.at(moment):
            submitted += _score_and_submit(
                review,
                reviewers.index(review.reviewer),
                (review.application.organisation.name, review.application.title) in funded,
                criteria,
                moment,
            )
    return submitted


def _replace(review: Review, reviewers, *, by: User, moment: datetime) -> None:
    """A conflicted review's application goes to a Themed Reviewer of another theme."""
    theme = review.application.theme.name if review.application.theme else None
    others = [
        reviewer
        for reviewer, (_, _, _, their_theme) in zip(reviewers, REVIEWERS, strict=True)
        if their_theme not in (None, theme)
    ]
    with clock.at(moment + timedelta(hours=1)):
        reviewing.assign_application(application=review.application, reviewer=others[0], by=by)


def _score_and_submit(review: Review, index: int, funded: bool, criteria, moment) -> int:
    user = review.reviewer.user
    reviewing.review_declare(review=review, by=user, conflict=False)
    scores = _scores_for(review.application, index, funded, criteria)
    if review.application.organisation.name == SPLIT_ON:
        comment = SPLIT if index == 3 else GOOD
    else:
        comment = GOOD if funded else (FAIR if index % 2 else WEAK)
    reviewing.review_save(
        review=review,
        by=user,
        scores=scores,
        recommendation=Recommendation.FUND if funded else Recommendation.DO_NOT_FUND,
        comment=comment,
    )
    with clock.at(moment + timedelta(minutes=20)):
        reviewing.review_submit(review=review, by=user)
    return 1


def load(*, by: User, password: str) -> tuple[User | None, list[str]]:
    """The review, once; the first Themed Reviewer, who may sign in with the demo
    password to see their reviews; a line for each thing done."""
    said = []
    submitted = review_2013(by=by)
    if submitted:
        said.append(
            f"  {pcc_grant.ROUND['name']}: {submitted} reviews by {len(REVIEWERS)} Themed "
            "Reviewers, one conflict declared"
        )
    reviewer = User.objects.filter(username=REVIEWERS[0][1]).first()
    if reviewer is not None:
        reviewer.set_password(password)
        reviewer.save(update_fields=["password"])
    return reviewer, said
