"""Grant rounds: a stream with money, an open round with a question of each kind,
and an applicant who is a member of one organisation."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from funding import services as funding_services
from grants import applicants
from grants import services as grant_services
from pcc_grants.roles import Role
from tests.factories import FundingStreamFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(db, organisation):
    return UserFactory(username="grants-officer", roles=[Role.OFFICER])


@pytest.fixture
def stream(db):
    year = funding_services.financial_year_get_or_create(start_year=2026)
    return FundingStreamFactory(
        financial_year=year, name="Community Safety Fund", budget=Decimal("100000")
    )


@pytest.fixture
def theme(db):
    return funding_services.plan_theme_get_or_create(name="Protecting vulnerable people")


def round_parts() -> dict:
    return {
        "criteria": [
            {"name": "Need and evidence", "weight_percent": Decimal("40")},
            {"name": "Outcomes for victims", "weight_percent": Decimal("35")},
            {"name": "Value for money", "weight_percent": Decimal("25")},
        ],
        "eligibility": [
            {"text": "We are a not-for-profit organisation.", "kind": "confirm"},
            {
                "text": "Does the project duplicate a service the council already funds?",
                "kind": "yes_no",
                "excluding_answer": "yes",
            },
        ],
        "questions": [
            {
                "section": "About your project",
                "text": "What will the project do?",
                "word_limit": 50,
            },
            {
                "section": "About your project",
                "text": "How many people will it reach?",
                "kind": "number",
            },
            {"section": "Delivery", "text": "When will the first session run?", "kind": "date"},
            {
                "section": "Delivery",
                "text": "What other funding have you secured?",
                "kind": "money",
                "required": False,
            },
        ],
        "documents": [
            {"name": "Latest accounts"},
            {"name": "Safeguarding policy"},
        ],
    }


def open_a_round(officer, stream, name: str = "PCC Community Grant 2026/27"):
    """A round open since yesterday for a fortnight, asking ``round_parts``."""
    now = timezone.now()
    grant_round = grant_services.round_create(
        by=officer,
        funding_stream=stream,
        name=name,
        summary="Grants of up to £10,000 for community safety projects.",
        guidance="Projects must reduce crime or support victims in the county.",
        budget=Decimal("50000"),
        minimum_award=Decimal("500"),
        maximum_award=Decimal("10000"),
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=14),
        **round_parts(),
    )
    return grant_services.round_transition(grant_round=grant_round, by=officer, action="open")


@pytest.fixture
def open_round(officer, stream):
    return open_a_round(officer, stream)


def make_applicant(email: str, name: str = "Ann Applicant"):
    user = applicants.applicant_register(
        email=email, full_name=name, password="correct horse battery staple"
    )
    return applicants.applicant_verify(token=applicants.verification_token(user))


@pytest.fixture
def applicant(db):
    return make_applicant("ann@livingwithoutabuse.example", "Ann Applicant")


@pytest.fixture
def applicant_organisation(applicant):
    return applicants.organisation_create(
        by=applicant,
        name="Living Without Abuse",
        charity_number="1155789",
        address="1 Market Street, Loughborough",
        job_title="Project lead",
    )


def complete_application(grant_round, organisation, by, theme=None, amount="9000"):
    """A draft holding every answer, document and cost line the round asks for."""
    application = grant_services.application_start(
        by=by, grant_round=grant_round, organisation=organisation
    )
    eligibility = {
        q.pk: ("confirmed" if q.kind == "confirm" else "no")
        for q in grant_round.eligibility_questions.all()
    }
    values = {
        "text": "Weekly drop-in sessions.",
        "number": "120",
        "date": "2026-05-01",
        "money": "2000",
    }
    responses = {q.pk: values[q.kind] for q in grant_round.questions.all()}
    amount = Decimal(amount)
    grant_services.application_save(
        application=application,
        by=by,
        title="Domestic abuse helpline",
        amount_requested=amount,
        project_start=date(2026, 4, 1),
        project_end=date(2027, 3, 31),
        theme=theme,
        eligibility=eligibility,
        responses=responses,
        lines=[("Helpline worker", amount - Decimal("1000")), ("Phones", Decimal("1000"))],
    )
    for document in grant_round.required_documents.all():
        grant_services.application_document_add(
            application=application,
            by=by,
            required_document=document,
            upload=SimpleUploadedFile(f"{document.name}.pdf", PDF),
        )
    return application


@pytest.fixture
def draft(open_round, applicant_organisation, applicant, theme):
    return complete_application(open_round, applicant_organisation, applicant, theme)
