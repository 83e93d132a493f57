"""The demo's grant rounds: Leicestershire's PCC Grant 2013/14, closed with its 33
applications, the eleven it funded as EXE 0025/13 lists them; this year's round,
open to the demo applicant."""

import html
import io
import re
from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone
from pypdf import PdfReader

from devtools.demo.rounds import demo_pdf, this_years_dates
from funding.models import Allocation, PlanTheme
from grants import services as grant_services
from grants.models import (
    Applicant,
    Application,
    ApplicationStatus,
    GrantRound,
    Organisation,
    PanelInterest,
    PanelRecommendation,
    Review,
    Reviewer,
    ReviewStatus,
    RoundStatus,
    canonical_sha256,
)
from grants.ranking import rank
from grants.submission import application_problems
from pcc_grants.models import User
from pcc_grants.roles import Role, user_roles

pytestmark = pytest.mark.django_db

# EXE 0025/13, Table 1, the "PCC Grant" rows (seed 004): the line as printed, the
# amount, and the Plan theme it links to; then the organisation as the demo's
# providers name it (the schedule's other rows: "Friends of Holly Hayes Wood Ltd",
# "Catch22") and the project.
TABLE_1_PCC_GRANT = (
    ("Living Without Abuse - UR?", "3000", "Protecting the Vulnerable"),
    ("Living Without Abuse - Space 4 Me", "9076", "Protecting the Vulnerable"),
    ("Leicester Warriors - To the Hoop", "8970", "Reoffending and Offending"),
    ("Holly Hayes Wood - NEET Training Scheme", "10000", "Reoffending and Offending"),
    ("Catch 22 - Community Action Against Crime", "10000", "Reoffending and Offending"),
    ("Westcotes Street Pastors", "2500", "Protecting the Vulnerable"),
    ("New Futures - Young Peoples Mentoring", "10000", "Reoffending and Offending"),
    ("Community Projects Plus - Street Sport", "9920", "Reoffending and Offending"),
    (
        "Restorative Justice Initiative Midlands - Restorative Justice in Local Communities",
        "10000",
        "Reoffending and Offending",
    ),
    ("Waterfront B-Active Centre CIC - Box Smart", "10000", "Reoffending and Offending"),
    (
        "Women's Aid Leicestershire Ltd (WALL) - 24/7 Emergency Accommodation",
        "9477",
        "Protecting the Vulnerable",
    ),
)
ORGANISATION_AS_THE_PROVIDER = {
    "Holly Hayes Wood": "Friends of Holly Hayes Wood Ltd",
    "Catch 22": "Catch22",
}


def _organisation_and_project(line: str) -> tuple[str, str]:
    organisation, _, project = line.partition(" - ")
    return ORGANISATION_AS_THE_PROVIDER.get(organisation, organisation), project or line


@pytest.fixture
def pcc_grant(demo):
    return GrantRound.objects.get(name="PCC Grant 2013/14")


@pytest.fixture
def this_year(demo):
    return GrantRound.objects.get(name="PCC Community Grant 2026/27")


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


def test_the_2013_round_is_in_review_with_33_submitted_applications_and_their_total(pcc_grant):
    assert pcc_grant.status == RoundStatus.IN_REVIEW
    stream = pcc_grant.funding_stream
    assert (stream.name, stream.financial_year.start_year) == ("PCC Community Safety Grant", 2013)
    applications = list(pcc_grant.applications.prefetch_related("cost_lines"))
    assert len(applications) == 33
    assert {a.status for a in applications} == {ApplicationStatus.SUBMITTED}
    assert sorted(a.reference for a in applications) == [
        f"PCCG-2013-{n:03d}" for n in range(1, 34)
    ]
    # The total requested is the 33 amounts, each its budget lines' sum, added up.
    total = pcc_grant.applications.aggregate(total=Sum("amount_requested"))["total"]
    assert total == sum(a.costs_total for a in applications) == Decimal("228393")
    for application in applications:
        assert application.costs_total == application.amount_requested
        assert 2 <= len(application.cost_lines.all()) <= 4
        assert application.amount_requested <= Decimal("10000")
    # Requests against the fund: the round may award what Table 1's awards add up to.
    assert pcc_grant.budget == Decimal("92943")


def test_the_2013_round_was_opened_and_closed_and_applied_to_in_july_2013(pcc_grant):
    steps = [(event.action, _local(event.at)) for event in pcc_grant.events.all()]
    assert steps == [
        ("open", datetime(2013, 7, 1, 9)),
        ("close", datetime(2013, 7, 26, 12)),
        ("start_review", datetime(2013, 7, 26, 14)),
        ("draft_decision", datetime(2013, 8, 22, 11)),
    ]
    assert _local(pcc_grant.opens_at) == datetime(2013, 7, 1, 9)
    assert _local(pcc_grant.closes_at) == datetime(2013, 7, 26, 12)
    for application in pcc_grant.applications.all():
        assert pcc_grant.opens_at < application.submitted_at < pcc_grant.closes_at
        assert (application.project_start, application.project_end) == (
            date(2013, 10, 1),
            date(2014, 3, 31),
        )
    by_reference = pcc_grant.applications.order_by("reference")
    moments = list(by_reference.values_list("submitted_at", flat=True))
    assert moments == sorted(moments), "numbered in the order they arrived"


def test_the_eleven_funded_match_table_1_and_their_providers_allocations(pcc_grant):
    for line, amount, theme in TABLE_1_PCC_GRANT:
        organisation, project = _organisation_and_project(line)
        application = pcc_grant.applications.select_related("organisation__provider").get(
            organisation__name=organisation, title=project
        )
        assert application.amount_requested == Decimal(amount), line
        assert application.theme.name == theme, line
        # The demo already has the organisation as a provider, with this award
        # allocated to it: the application is linked to that provider, not a new one.
        allocation = Allocation.objects.get(decision_reference="EXE 0025/13", title=line)
        assert allocation.amount == Decimal(amount)
        assert application.organisation.provider == allocation.recipient, line
    funded = {_organisation_and_project(line)[0] for line, _, _ in TABLE_1_PCC_GRANT}
    assert len(funded) == 10  # Living Without Abuse has two funded projects.
    assert pcc_grant.several_applications
    others = pcc_grant.applications.exclude(organisation__name__in=funded)
    assert others.count() == 22
    assert others.values("organisation").distinct().count() == 22
    assert not others.exclude(organisation__charity_number="").exists()
    assert not others.exclude(organisation__company_number="").exists()


def test_each_2013_application_has_its_answers_and_documents_and_is_frozen(pcc_grant):
    plan_themes = set(PlanTheme.objects.values_list("name", flat=True))
    for application in pcc_grant.applications.select_related("organisation", "theme"):
        assert application_problems(application) == [], application.reference
        answers = {r.question.text: r.value for r in application.responses.all()}
        assert answers["Which theme of the Police and Crime Plan does the project support?"] == (
            application.theme.name
        )
        assert application.theme.name in plan_themes
        assert int(answers["How many people will the project work with?"]) > 0
        assert len(answers["What will the project do, and who is it for?"].split()) >= 15
        assert application.content_sha256 == canonical_sha256(application.content)
        assert application.content["organisation"]["name"] == application.organisation.name
        documents = {d.required_document.name: d for d in application.documents.all()}
        assert set(documents) == {"Latest accounts", "Safeguarding policy"}
        with documents["Latest accounts"].file.open("rb") as stored:
            text = PdfReader(io.BytesIO(stored.read())).pages[0].extract_text()
        assert f"Latest accounts: {application.organisation.name}" in text
        assert "made up for the demo" in text
        writer = application.submitted_by
        assert writer.email.startswith("bids@") and writer.email.endswith(".example")
        assert not writer.has_usable_password()
        assert user_roles(writer) == {Role.APPLICANT}


def test_the_2013_round_asks_what_the_seed_describes(pcc_grant):
    assert "Submissions are invited from all interested parties" in pcc_grant.guidance
    assert "criteria aligned with the themes of the Police and Crime Plan" in pcc_grant.guidance
    assert "up to £10,000" in pcc_grant.guidance
    assert "made up for the demo" in pcc_grant.guidance
    assert pcc_grant.maximum_award == Decimal("10000")
    assert pcc_grant.weights_total == Decimal("100")
    assert pcc_grant.eligibility_questions.count() >= 3
    kinds = {(q.kind, q.word_limit is not None) for q in pcc_grant.questions.all()}
    assert {("text", True), ("number", False), ("theme", False)} <= kinds
    assert list(pcc_grant.required_documents.values_list("name", flat=True)) == [
        "Latest accounts",
        "Safeguarding policy",
    ]


def test_this_years_round_is_open_and_takes_the_demo_applicants_application(this_year):
    assert this_year.status == RoundStatus.OPEN
    assert _local(this_year.opens_at) == datetime(2026, 11, 1, 9)
    assert _local(this_year.closes_at) == datetime(2027, 1, 31, 17)
    assert this_year.funding_stream.financial_year.start_year == 2026
    user = User.objects.get(username="applicant")
    organisation = Organisation.objects.get(memberships__user=user)
    assert organisation.name == "Loughborough Community Cafe CIC"
    assert not organisation.applications.exists()

    application = grant_services.application_start(
        by=user, grant_round=this_year, organisation=organisation
    )
    values = {
        "text": "A weekly cafe evening where young people cook with volunteers.",
        "number": "40",
        "date": "2027-04-06",
        "money": "1500",
        "theme": "Protecting the Vulnerable",
    }
    grant_services.application_save(
        application=application,
        by=user,
        title="Cook and Chat",
        amount_requested=Decimal("4200"),
        project_start=date(2027, 4, 1),
        project_end=date(2028, 3, 31),
        theme=PlanTheme.objects.get(name="Protecting the Vulnerable"),
        eligibility={
            q.pk: "confirmed" if q.kind == "confirm" else "no"
            for q in this_year.eligibility_questions.all()
        },
        responses={q.pk: values[q.kind] for q in this_year.questions.all()},
        lines=[("Cook's sessions", Decimal("3000")), ("Food", Decimal("1200"))],
    )
    for document in this_year.required_documents.all():
        grant_services.application_document_add(
            application=application,
            by=user,
            required_document=document,
            upload=SimpleUploadedFile("document.pdf", demo_pdf(document.name)),
        )
    submitted = grant_services.application_submit(application=application, by=user)
    assert submitted.status == ApplicationStatus.SUBMITTED
    assert submitted.reference == "PCCG-2026-001"


def test_the_demo_applicant_signs_in_with_the_applicant_role_only(demo, client):
    user = User.objects.get(username="applicant")
    assert user_roles(user) == {Role.APPLICANT}
    assert Applicant.objects.get(user=user).email_verified_at is not None
    signed_in = client.post("/accounts/login/", {"username": "applicant", "password": "demo"})
    assert signed_in.status_code == 302
    # An applicant's home is their own applications, not the staff dashboard.
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == "/apply/"
    assert (
        "applicant           password: demo      Applicant, of Loughborough Community Cafe CIC"
        in demo
    )


def test_loading_the_demo_again_adds_no_round_applicant_or_application(demo):
    counts = (
        GrantRound.objects.count(),
        Application.objects.count(),
        Applicant.objects.count(),
        Organisation.objects.count(),
        User.objects.count(),
    )
    # The 32 organisations of 2013 and the demo applicant's, each with one applicant;
    # the four Themed Reviewers.
    assert counts == (2, 33, 33, 33, 7 + 33 + 4)
    call_command("load_demo", stdout=StringIO())
    assert (
        GrantRound.objects.count(),
        Application.objects.count(),
        Applicant.objects.count(),
        Organisation.objects.count(),
        User.objects.count(),
    ) == counts
    assert User.objects.get(username="applicant").check_password("demo")


def _at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.mark.parametrize(
    ("now", "opens", "closes"),
    [
        # Loaded in the round's time: 1 November 2026 to 31 January 2027.
        (_at(2026, 12, 1, 16), datetime(2026, 11, 1, 9), datetime(2027, 1, 31, 17)),
        # Later (or within a fortnight of that close): open a month ago, two months to go.
        (_at(2027, 1, 20, 10), datetime(2026, 12, 21, 9), datetime(2027, 3, 22, 17)),
        (_at(2027, 6, 15, 10), datetime(2027, 5, 16, 9), datetime(2027, 8, 15, 17)),
    ],
)
def test_this_years_round_is_open_whenever_the_demo_is_loaded(now, opens, closes):
    opens_at, closes_at = this_years_dates(now)
    assert (_local(opens_at), _local(closes_at)) == (opens, closes)
    assert opens_at < now < closes_at


def test_the_staff_round_page_shows_the_33_applications_and_what_they_request(pcc_grant, client):
    client.force_login(User.objects.get(username="officer"))
    page = client.get(pcc_grant.get_absolute_url()).content.decode()

    rows = re.findall(r"PCCG-2013-\d{3}", page)
    assert sorted(set(rows)) == [f"PCCG-2013-{n:03d}" for n in range(1, 34)]
    assert "Requests total £228,393: 2.5 times the fund of £92,943" in page
    for line, amount, _ in TABLE_1_PCC_GRANT:
        organisation, project = _organisation_and_project(line)
        assert html.escape(organisation) in page, organisation
        assert html.escape(project) in page, project
        assert f"£{int(amount):,}" in page, line


# The review, the panel and the decision (devtools/demo/reviews_2013.py, panel_2013.py)


def test_four_themed_reviewers_reviewed_every_application_twice_and_one_declared_a_conflict(
    pcc_grant,
):
    reviews = Review.objects.filter(application__grant_round=pcc_grant)
    assert Reviewer.objects.filter(external=True).count() == 4
    assert reviews.filter(status=ReviewStatus.SUBMITTED).count() == 66
    conflicted = reviews.get(status=ReviewStatus.CONFLICTED)
    assert conflicted.application.organisation.name == "Rutland Rural Watch"
    assert conflicted.conflict_nature.startswith("I volunteer with Rutland Rural Watch")
    assert not conflicted.scores.exists()
    # Replaced: the application has two counted reviews all the same.
    counted = reviews.filter(application=conflicted.application, status=ReviewStatus.SUBMITTED)
    assert counted.count() == 2
    assert conflicted.reviewer not in {review.reviewer for review in counted}
    for review in reviews.filter(status=ReviewStatus.SUBMITTED)[:5]:
        assert review.content_sha256 == canonical_sha256(review.content)


def test_the_eleven_funded_rank_within_the_fund_and_one_spread_is_flagged(pcc_grant):
    ranking = rank(pcc_grant)
    funded = [row for row in ranking.rows if row.within_fund]
    assert len(funded) == 11
    assert sum(row.requested for row in funded) == Decimal("92943")
    assert [row.rank for row in funded] == list(range(1, 12))
    flagged = [row.organisation for row in ranking.all_rows if ranking.flagged(row)]
    assert flagged == ["Melton Youth Drop-In"]
    assert ranking.short_of_reviews() == []


def test_the_panel_recommended_the_eleven_and_the_record_awaits_officer_approval(pcc_grant):
    meeting = pcc_grant.panel_meetings.get()
    assert meeting.members.count() == 7
    interest = PanelInterest.objects.get(member__meeting=meeting)
    assert interest.application.organisation.name == "Rutland Older People's Circle"
    awards = PanelRecommendation.objects.filter(meeting=meeting, outcome="award")
    assert awards.count() == 11
    assert PanelRecommendation.objects.filter(meeting=meeting).count() == 33
    decision = pcc_grant.decision
    assert decision.title == "Grant awards: PCC Grant 2013/14"
    assert decision.status == "awaiting_officer_approval"
    allocations = decision.allocations.all()
    assert allocations.count() == 11
    assert {a.status for a in allocations} == {"proposed"}
    assert sum(a.amount for a in allocations) == Decimal("92943")
    assert sum(line.amount for line in decision.funding_lines.all()) == Decimal("92943")
    assert set(decision.comments.values_list("kind", flat=True)) == {"financial", "legal"}
    for recommendation in awards.select_related("application__allocation"):
        assert recommendation.application.allocation.decision_id == decision.pk
