"""Publication: the stored PDF, redaction, withheld records, the public register."""

import hashlib
import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from decisions import services
from decisions.models import (
    Decision,
    DecisionStatus,
    PublicationDecision,
    PublishedDocument,
    PublishedSnapshot,
)
from pcc_grants.search import stemmed

from ..factories import ALL_PUBLISHED, signing_code
from ..triggers import triggers_dropped

pytestmark = pytest.mark.django_db

SECRET = "Commercial terms agreed with the supplier: £1,234 per session"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def text_of(pdf: bytes) -> str:
    return re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    )


def publish(decision, people, password, choices):
    return services.decision_transition(
        decision=decision,
        by=people["monitoring_officer"],
        action="decide_publication",
        password=password,
        code=signing_code(people["monitoring_officer"]),
        publication=choices,
    )


@pytest.fixture
def approved(draft, people, advance, media):
    services.decision_update(decision=draft, by=people["officer"], supporting_information=SECRET)
    return advance(draft, "approved")


REDACTED_DETAILS = dict(
    ALL_PUBLISHED,
    supporting_information={
        "choice": "redact",
        "exemption": "s43",
        "legislation": "Freedom of Information Act 2000",
        "public_interest": "Disclosure would prejudice the supplier's commercial interests.",
        "review_date": date(2027, 8, 10),
    },
)


def test_the_published_pdf_is_stored_once_and_matches_its_hash(client, approved, people, password):
    decision = publish(approved, people, password, REDACTED_DETAILS)
    document = PublishedDocument.objects.get(decision=decision)
    page = client.get(f"/decisions/{decision.slug}/").content.decode()
    assert document.sha256 in page

    first = b"".join(client.get(f"/decisions/{decision.slug}.pdf").streaming_content)
    second = b"".join(client.get(f"/decisions/{decision.slug}.pdf").streaming_content)
    assert first == second
    assert hashlib.sha256(first).hexdigest() == document.sha256


def test_a_redacted_part_appears_nowhere_in_the_public_pdf_or_page(
    client, approved, people, password
):
    decision = publish(approved, people, password, REDACTED_DETAILS)
    pdf_text = text_of(b"".join(client.get(f"/decisions/{decision.slug}.pdf").streaming_content))
    page = client.get(f"/decisions/{decision.slug}/").content.decode()
    for public in (pdf_text, page):
        assert "£1,234 per session" not in public
        assert "Commercial terms agreed" not in public
        assert "FOI Act s43: commercial interests" in public
        assert decision.title in public
    assert "Disclosure would prejudice the supplier" in pdf_text
    # Staff still see everything.
    client.force_login(people["officer"])
    assert SECRET in client.get(f"/staff/decisions/{decision.pk}/").content.decode()


def test_a_withheld_record_shows_reference_date_and_grounds_only(
    client, approved, people, password
):
    withheld = {
        part: {
            "choice": "withhold",
            "exemption": "s31",
            "legislation": "",
            "public_interest": "Publishing would prejudice the prevention of crime.",
        }
        for part in ALL_PUBLISHED
    }
    decision = publish(approved, people, password, withheld)
    assert decision.status == DecisionStatus.NOT_PUBLISHED
    assert not PublishedDocument.objects.exists()
    register = client.get("/decisions/").content.decode()
    assert decision.reference in register
    assert "FOI Act s31: law enforcement" in register
    assert decision.title not in register
    assert client.get(f"/decisions/{decision.slug}/").status_code == 404
    assert client.get(f"/decisions/{decision.slug}.pdf").status_code == 404
    data = client.get("/open-data/decisions.json").json()["decisions"]
    assert data[0]["reference"] == decision.reference
    assert "title" not in data[0]
    assert (
        client.get(f"/decisions/?q={decision.title.split()[0]}")
        .content.decode()
        .count(decision.reference)
        == 0
    )


def test_the_register_searches_and_offers_open_data(client, approved, people, password):
    decision = publish(approved, people, password, ALL_PUBLISHED)
    found = client.get("/decisions/?q=Bishop+Auckland").content.decode()
    assert decision.title in found
    assert decision.title not in client.get("/decisions/?q=helicopters").content.decode()
    data = client.get("/open-data/decisions.json").json()["decisions"][0]
    assert data["title"] == decision.title
    assert data["pdf_sha256"] == decision.published_document.sha256
    assert data["pdf_url"].endswith(f"/decisions/{decision.slug}.pdf")


def test_drafts_and_unpublished_records_are_not_public(client, approved, draft):
    for record in Decision.objects.all():
        if record.slug:
            assert client.get(f"/decisions/{record.slug}/").status_code == 404
    assert approved.title not in client.get("/decisions/").content.decode()


def snapshot_content(decision) -> dict:
    withheld = {
        "label": "The record of the decision",
        "choice": "withhold",
        "grounds": "FOI Act s31: law enforcement",
        "public_interest": "x",
    }
    if decision.status == DecisionStatus.NOT_PUBLISHED:
        return {"decision_date": "2016-08-10", "request": {"withheld": withheld}, "withheld": []}
    return {
        "decision_date": "2016-08-10",
        "title": decision.title,
        "decision": decision.decision,
        "withheld": [],
    }


def test_the_public_register_query_count_does_not_grow(client, officer):
    counts = []
    for size in (10, 1000):
        with triggers_dropped():  # a fresh register at each size
            PublicationDecision.objects.all().delete()
            PublishedSnapshot.objects.all().delete()
            PublishedDocument.objects.all().delete()
            Decision.objects.all().delete()
        decisions = Decision.objects.bulk_create(
            Decision(
                title=f"Decision {n}",
                executive_summary="S",
                decision="Agreed",
                lead_officer=officer,
                created_by=officer,
                reference=f"{n:04d}-2016",
                slug=f"{n:04d}-2016",
                status=DecisionStatus.PUBLISHED if n % 5 else DecisionStatus.NOT_PUBLISHED,
                decision_date=date(2016, 8, 10),
            )
            for n in range(size)
        )
        PublishedDocument.objects.bulk_create(
            PublishedDocument(
                decision=d,
                file=f"published/{d.slug}.pdf",
                sha256="0" * 64,
                size=1,
                published_at="2016-08-11T10:00:00Z",
            )
            for d in decisions
            if d.status == DecisionStatus.PUBLISHED
        )
        PublicationDecision.objects.bulk_create(
            PublicationDecision(
                decision=d,
                part="record",
                choice="withhold",
                exemption="s31",
                public_interest="x",
                decided_by=officer,
                decided_at="2016-08-11T10:00:00Z",
            )
            for d in decisions
            if d.status == DecisionStatus.NOT_PUBLISHED
        )
        # What the register reads: the snapshot kept at publication.
        PublishedSnapshot.objects.bulk_create(
            PublishedSnapshot(
                decision=d,
                published=d.status == DecisionStatus.PUBLISHED,
                reference=d.reference,
                slug=d.slug,
                category=d.category,
                decision_date=d.decision_date,
                title=d.title if d.status == DecisionStatus.PUBLISHED else "",
                search_text=d.decision,
                financial_year=2016,
                reference_key=d.reference.replace("-", ""),
                title_words=stemmed(d.title) if d.status == DecisionStatus.PUBLISHED else "",
                text_words=stemmed(d.decision),
                content=snapshot_content(d),
                content_sha256="0" * 64,
                published_at="2016-08-11T10:00:00Z",
            )
            for d in decisions
        )
        for url in (
            "/decisions/",
            "/decisions/?q=Decision&year=2016-17",
            "/open-data/decisions.json",
        ):
            client.get(url)
        searched = []
        for url in (
            "/decisions/?q=Decision&year=2016-17&category=commissioner",
            "/decisions/?q=0004/2016&significant=yes",
            "/decisions/?year=abc&category=mayor",
        ):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200
            searched.append(len(captured))
        assert "is not a financial year" in response.content.decode()
        counts.append(searched)
    assert counts[0] == counts[1]
    assert max(counts[1]) <= 15
