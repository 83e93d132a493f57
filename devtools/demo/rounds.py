"""The demonstration's grant rounds, made through the grants services.

Leicestershire's PCC Grant 2013/14 (devtools/demo/pcc_grant_2013.py), closed, with
its 33 submitted applications, each step at the moment it was taken (the services
read ``decisions.clock``); and this year's PCC Community Grant, open, which the demo
applicant (``applicant``, a member of one organisation, with no application yet)
can apply to.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from decisions import clock
from devtools.demo import pcc_grant_2013 as pcc_grant
from devtools.demo.pcc_grant_2013_unfunded import UNFUNDED
from devtools.demo.provenance import MADE_UP
from funding import naming
from funding.models import FinancialYear, FundingStream, PlanTheme
from grants import applicants
from grants import services as grants
from grants.models import GrantRound, RoundStatus
from pcc_grants.models import User

APPLICANT_USERNAME = "applicant"
APPLICANT_NAME = "Jamie Rowe"
APPLICANT_ORGANISATION = "Loughborough Community Cafe CIC"

# Registering hashes a password, a third of a second each with the real hasher. The
# 2013 bid writers never sign in: theirs is hashed quickly, then made unusable.
QUICK_HASHER = override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
)
# What they register with, the same each time (the validators' verdict on it too).
THROWAWAY_PASSWORD = "correct horse battery staple"  # noqa: S105  # nosec B105 - made unusable at once
FIRST_NAMES = ("Amira", "Ben", "Carol", "Dev", "Ellen", "Faisal", "Grace", "Harpreet")
LAST_NAMES = ("Ahmed", "Bailey", "Chauhan", "Dixon", "Evans", "Foster", "Gill", "Hussain", "Kaur")


def _moment(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


# The Commissioning Intentions were published on 21 June 2013 and the PCC Grant was
# run in July and August 2013 (EXE 0025/13); the days and hours are made up.
OPENS_2013 = _moment(2013, 7, 1, 9)
CLOSES_2013 = _moment(2013, 7, 26, 12)
# Table 1 funds the awards from October 2013 to March 2014.
PROJECT_2013 = (date(2013, 10, 1), date(2014, 3, 31))
# 33 moments spread over 2 to 25 July 2013, in working hours, earliest first.
SUBMITTED_2013 = sorted(
    _moment(2013, 7, 2 + (slot * 23) // 32, 9 + (slot * 5) % 9, (slot * 13) % 60)
    for slot in range(33)
)


def demo_pdf(*lines: str) -> bytes:
    """A small valid one-page PDF showing ``lines``."""
    text = b" 0 -20 Td ".join(b"(" + _pdf_string(line) + b") Tj" for line in lines)
    content = b"BT /F1 12 Tf 72 770 Td " + text + b" ET"
    objects = (
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    )
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _applicant(email: str, full_name: str) -> User:
    """A registered applicant with a verified address and no usable password."""
    with QUICK_HASHER:
        user = applicants.applicant_register(
            email=email, full_name=full_name, password=THROWAWAY_PASSWORD
        )
    user = applicants.applicant_verify(token=applicants.verification_token(user))
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def _organisation(name: str, kind: str, place: str, number: int):
    """The organisation ``name``, created by its own applicant (a bid writer)."""
    writer = _applicant(
        f"bids@{slugify(name)}.example",
        f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {LAST_NAMES[number % len(LAST_NAMES)]}",
    )
    return applicants.organisation_create(
        by=writer, name=name, organisation_type=kind, address=place, job_title="Project lead"
    )


def _documents(application, by, organisation: str) -> None:
    for document in application.grant_round.required_documents.all():
        pdf = demo_pdf(f"{document.name}: {organisation}", MADE_UP)
        grants.application_document_add(
            application=application,
            by=by,
            required_document=document,
            upload=SimpleUploadedFile(f"{slugify(document.name)}.pdf", pdf),
        )


# Leicestershire's PCC Grant 2013/14 ----------------------------------------------------


def open_pcc_grant_2013(*, by: User) -> GrantRound | None:
    """The round, opened on 1 July 2013. Called once its stream is imported and before
    the schedule's allocations are: the round came before the awards the stream now
    holds, and opening checks the money the stream has left."""
    stream = FundingStream.objects.get(
        financial_year__start_year=pcc_grant.START_YEAR, name=pcc_grant.STREAM
    )
    if stream.grant_rounds.filter(name=pcc_grant.ROUND["name"]).exists():
        return None
    grant_round = grants.round_create(
        by=by,
        funding_stream=stream,
        opens_at=OPENS_2013,
        closes_at=CLOSES_2013,
        **pcc_grant.ROUND,
        **pcc_grant.PARTS,
    )
    with clock.at(OPENS_2013):
        return grants.round_transition(grant_round=grant_round, by=by, action="open")


def _pcc_grant_2013() -> GrantRound | None:
    return GrantRound.objects.filter(
        funding_stream__financial_year__start_year=pcc_grant.START_YEAR,
        name=pcc_grant.ROUND["name"],
    ).first()


def submissions_2013():
    """(moment, bid) for each of the 33, earliest first: the funded and the others
    interleaved, as they arrived."""
    bids = pcc_grant.FUNDED + UNFUNDED
    order = sorted(range(len(bids)), key=lambda index: (index * 10) % len(bids))
    return [(SUBMITTED_2013[rank], bids[index]) for rank, index in enumerate(order)]


def _apply_2013(grant_round: GrantRound, moment: datetime, bid, organisation) -> None:
    writer = organisation.memberships.get().user
    themes = {theme.name: theme for theme in PlanTheme.objects.all()}
    answers = (bid.what, bid.theme, str(bid.people), bid.outcome)
    # Drafted the day before it is submitted, once the round is open.
    with clock.at(max(moment - timedelta(days=1), OPENS_2013 + timedelta(hours=1))):
        application = grants.application_start(
            by=writer, grant_round=grant_round, organisation=organisation
        )
        grants.application_save(
            application=application,
            by=writer,
            title=bid.title,
            amount_requested=Decimal(bid.amount),
            project_start=PROJECT_2013[0],
            project_end=PROJECT_2013[1],
            theme=themes[bid.theme],
            eligibility={
                question.pk: answer
                for question, answer in zip(
                    grant_round.eligibility_questions.all(), pcc_grant.ELIGIBLE, strict=True
                )
            },
            responses={
                question.pk: answer
                for question, answer in zip(grant_round.questions.all(), answers, strict=True)
            },
            lines=[(item, Decimal(amount)) for item, amount in bid.costs],
        )
        _documents(application, writer, bid.organisation)
    with clock.at(moment):
        grants.application_submit(application=application, by=writer)


def applications_2013(*, by: User) -> int:
    """The 33 applications, submitted in July 2013, and the round closed at noon on
    26 July 2013; the number added (none when the round is loaded already)."""
    grant_round = _pcc_grant_2013()
    if grant_round is None or grant_round.status != RoundStatus.OPEN:
        return 0
    organisations = {}
    for number, (moment, bid) in enumerate(submissions_2013()):
        if bid.organisation not in organisations:
            with clock.at(max(moment - timedelta(days=2), OPENS_2013)):
                organisations[bid.organisation] = _organisation(
                    bid.organisation, bid.kind, bid.place, number
                )
        _apply_2013(grant_round, moment, bid, organisations[bid.organisation])
    with clock.at(CLOSES_2013):
        grants.round_transition(grant_round=grant_round, by=by, action="close")
    return len(SUBMITTED_2013)


# This year's round ---------------------------------------------------------------------

OPENS_THIS_YEAR = _moment(2026, 11, 1, 9)
CLOSES_THIS_YEAR = _moment(2027, 1, 31, 17)


def this_years_dates(now: datetime) -> tuple[datetime, datetime]:
    """1 November 2026 at 9:00 to 31 January 2027 at 17:00, when the demo is loaded in
    that time. Loaded later (or earlier), the round is to be open all the same, for an
    applicant to apply to: it opened 30 days before the day it is loaded and closes
    61 days after, at 17:00."""
    if OPENS_THIS_YEAR <= now < CLOSES_THIS_YEAR - timedelta(days=14):
        return OPENS_THIS_YEAR, CLOSES_THIS_YEAR
    today = timezone.localdate(now)
    return (
        timezone.make_aware(datetime.combine(today - timedelta(days=30), time(9))),
        timezone.make_aware(datetime.combine(today + timedelta(days=61), time(17))),
    )


def _this_years_stream(start_year: int) -> FundingStream:
    name = "Community Safety Fund"
    return FundingStream.objects.filter(
        financial_year__start_year=start_year, name=name
    ).first() or naming.funding_stream_create_for_year(
        by=None,
        start_year=start_year,
        name=name,
        source_name="Police budget",
        budget=Decimal("150000"),
        description=(
            f"{MADE_UP} The Commissioner's fund for community and voluntary sector "
            "projects this year, from which the PCC Community Grant is awarded."
        ),
    )


THIS_YEARS_PARTS = {
    "criteria": [
        {"name": "Meeting the Police and Crime Plan", "weight_percent": Decimal("35")},
        {"name": "Evidence of need", "weight_percent": Decimal("25")},
        {"name": "Outcomes and how they are measured", "weight_percent": Decimal("25")},
        {"name": "Value for money", "weight_percent": Decimal("15")},
    ],
    "eligibility": [
        {
            "text": "We are a voluntary, community or social enterprise organisation working "
            "in the area.",
            "kind": "confirm",
        },
        {
            "text": "Is the project already paid for by another grant or contract?",
            "kind": "yes_no",
            "excluding_answer": "yes",
        },
    ],
    # The office asks this year what it asked in 2013, and when the work would start.
    "questions": [
        *pcc_grant.PARTS["questions"][:3],
        {
            "section": "Delivery",
            "text": "When will the project start work with its first participants?",
            "kind": "date",
        },
        {
            "section": "Delivery",
            "text": "What other funding have you secured for the project?",
            "kind": "money",
            "required": False,
        },
        *pcc_grant.PARTS["questions"][3:],
    ],
    "documents": pcc_grant.PARTS["documents"],
    "score_descriptors": pcc_grant.PARTS["score_descriptors"],
}


def round_this_year(*, by: User) -> GrantRound | None:
    """This year's PCC Community Grant, open; None when it is loaded already."""
    opens_at, closes_at = this_years_dates(clock.now())
    start_year = FinancialYear.start_year_for(timezone.localdate(opens_at))
    name = f"PCC Community Grant {start_year}/{(start_year + 1) % 100:02d}"
    if GrantRound.objects.filter(name=name).exists():
        return None
    grant_round = grants.round_create(
        by=by,
        funding_stream=_this_years_stream(start_year),
        name=name,
        summary="Grants of £500 to £10,000 for community projects that make people safer.",
        guidance=(
            f"{MADE_UP}\n\n"
            "The Commissioner invites voluntary, community and social enterprise "
            "organisations to apply for grants of £500 to £10,000 for projects that support "
            "the Police and Crime Plan: protecting vulnerable people, reducing reoffending, "
            "and making communities and neighbourhoods safer.\n\n"
            "Applications are scored against the criteria below by reviewers with expertise "
            "in the Plan's themes; a panel recommends which to fund and the Commissioner "
            "decides. Projects may run for up to a year from April."
        ),
        budget=Decimal("60000"),
        minimum_award=Decimal("500"),
        maximum_award=Decimal("10000"),
        opens_at=opens_at,
        closes_at=closes_at,
        **THIS_YEARS_PARTS,
    )
    with clock.at(opens_at):
        return grants.round_transition(grant_round=grant_round, by=by, action="open")


# The demo applicant --------------------------------------------------------------------


def demo_applicant(password: str) -> User:
    """``applicant``, verified, a member of Loughborough Community Cafe CIC (made up),
    which has applied to nothing: the password is set, as the other demo users' are,
    without the validators."""
    user = User.objects.filter(username=APPLICANT_USERNAME).first()
    if user is None:
        user = _applicant(f"{APPLICANT_USERNAME}@example.org", APPLICANT_NAME)
        user.username = APPLICANT_USERNAME
        user.save(update_fields=["username"])
        applicants.organisation_create(
            by=user,
            name=APPLICANT_ORGANISATION,
            organisation_type="cic",
            address="Loughborough",
            job_title="Project lead",
        )
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def load(*, by: User, password: str) -> tuple[User, list[str]]:
    """Everything after the seeds are imported: the 2013/14 applications, this year's
    round and the demo applicant; with a line for each thing added."""
    said = []
    added = applications_2013(by=by)
    if added:
        said.append(f"  {pcc_grant.ROUND['name']}: {added} applications submitted, closed")
    elif _pcc_grant_2013() is None:
        said.append(
            f"  {pcc_grant.ROUND['name']} not loaded: its stream was imported before the "
            "demo had grant rounds (load the demo into an empty database)"
        )
    opened = round_this_year(by=by)
    if opened:
        closes = date_format(timezone.localtime(opened.closes_at), "j F Y, H:i")
        said.append(f"  {opened.name}: open until {closes}")
    return demo_applicant(password), said
