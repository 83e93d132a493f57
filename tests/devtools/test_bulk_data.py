"""generate_bulk_data makes valid, reproducible data at any scale; bench measures every
page type of it."""

import hashlib
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from commissioning.models import Agreement, MonitoringReturn, Provider
from decisions.content import content_hash, tampered
from decisions.integrity import verify_records
from decisions.models import (
    Decision,
    DecisionStatus,
    PublishedDocument,
    PublishedSnapshot,
    ReferenceCounter,
    reference_slug,
)
from devtools import benchmark, bulk
from funding.models import Allocation, FinancialYear, FundingStream

pytestmark = pytest.mark.django_db

SCALE = 0.01
REFERENCE = re.compile(r"^(DEL )?\d{3}-\d{4}$")
AGREEMENT_REFERENCE = re.compile(r"^(GA|CT)/\d{4}/\d{4}$")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The live workflow sets and re-asks the signers' passwords: a fast hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def generate(**options) -> str:
    out = io.StringIO()
    options = {"scale": SCALE, "workers": 1, "live_workflow": 1, **options}
    call_command("generate_bulk_data", stdout=out, **options)
    return out.getvalue()


def test_at_scale_one_the_counts_are_those_of_the_brief():
    counts = bulk.planned_counts(1)
    assert (counts.years, counts.streams, counts.providers) == (10, 80, 1_500)
    assert (counts.allocations, counts.agreements, counts.returns) == (20_000, 5_000, 20_000)
    assert (counts.decisions, counts.published) == (3_000, 2_500)
    assert bulk.planned_counts(0.5).allocations == 10_000
    assert bulk.planned_counts(2).published == 5_000


def test_generated_data_has_the_planned_counts_and_keeps_every_rule(client):
    output = generate(workers=2)
    counts = bulk.planned_counts(SCALE)

    assert FinancialYear.objects.count() == counts.years
    assert FundingStream.objects.count() == counts.streams
    assert Provider.objects.count() == counts.providers
    assert Allocation.objects.count() == counts.allocations
    assert Agreement.objects.count() == counts.agreements
    assert MonitoringReturn.objects.count() == counts.returns
    assert Decision.objects.count() == counts.decisions
    assert Decision.objects.filter(status=DecisionStatus.PUBLISHED).count() == counts.published
    assert "data checksum" in output

    # The budget rule, for every stream and every parent stream.
    assert bulk.budget_breaches() == []
    # Allocations fall within their year and leave history as the services do.
    for allocation in Allocation.objects.select_related("funding_stream__financial_year"):
        year = allocation.funding_stream.financial_year
        assert year.starts_on <= allocation.period_start <= allocation.period_end <= year.ends_on
    assert Allocation.history.count() >= Allocation.objects.count()
    # Providers carry valid registered numbers and an org-id.
    for provider in Provider.objects.all():
        provider.full_clean(exclude=["normalised_name", "org_id"], validate_constraints=False)
        assert provider.org_id == (
            provider.registered_org_id() or f"360G-NorthshirePCC-provider-{provider.pk}"
        )
    assert all(
        AGREEMENT_REFERENCE.match(r) for r in Agreement.objects.values_list("reference", flat=True)
    )
    # Returns received on or after their period began, never in the future.
    for received in MonitoringReturn.objects.filter(received_date__isnull=False):
        assert received.period_start <= received.received_date <= timezone.localdate()

    # Every submitted record has a reference from its series' pattern, its content
    # untouched since it was signed, and a counter that will not give its number again.
    submitted = Decision.objects.exclude(status=DecisionStatus.DRAFT)
    for decision in submitted:
        assert REFERENCE.match(decision.reference), decision.reference
        assert decision.slug == reference_slug(decision.reference)
        assert decision.submitted_hash == content_hash(decision)
        assert not tampered(decision)
    for counter in ReferenceCounter.objects.all():
        numbers = [
            int(reference.split("-")[0].split()[-1])
            for reference in submitted.filter(category=counter.series).values_list(
                "reference", flat=True
            )
            if reference.endswith(str(counter.year))
        ]
        assert counter.last_number == max(numbers)

    # Every published record's stored PDF verifies: the bytes the public URL serves
    # hash to the SHA-256 published with them.
    assert bulk.pdf_mismatches() == []
    # Every record whose publication is decided has the snapshot publication keeps,
    # which its rows verify against, as they do for a record published by the services.
    assert (
        PublishedSnapshot.objects.count()
        == Decision.objects.filter(
            status__in=(DecisionStatus.PUBLISHED, DecisionStatus.NOT_PUBLISHED)
        ).count()
    )
    assert verify_records().problems == []
    for document in PublishedDocument.objects.select_related("decision"):
        response = client.get(f"/decisions/{document.decision.slug}.pdf")
        served = b"".join(response.streaming_content)
        assert hashlib.sha256(served).hexdigest() == response["X-Content-SHA256"]
        assert response["X-Content-SHA256"] == document.sha256
        assert served.startswith(b"%PDF")


def test_bulk_written_records_hold_what_the_services_write():
    generate(pdfs="sample", pdf_sample=0)
    plan = bulk.Planner(
        scale=SCALE, seed=bulk.DEFAULT_SEED, last_year=bulk.DEFAULT_LAST_YEAR, live_workflow=1
    ).plan()
    live = next(d for d in plan.decisions if d.live)

    def shape(planned):
        return (
            [step.action for step in planned.steps],
            {part: values["choice"] for part, values in planned.publication.items()},
        )

    twin = next(
        d
        for d in plan.decisions
        if not d.live and d.status == live.status and shape(d) == shape(live)
    )

    def rows(reference: str) -> dict:
        decision = Decision.objects.get(reference=reference)
        return {
            "events": [(e.action, e.from_status, e.to_status) for e in decision.events.all()],
            "signoffs": [
                (s.step, s.outcome, s.role, s.title, s.statement, s.void, s.on_paper)
                for s in decision.signoffs.all()
            ],
            "comments": [(c.kind, c.author_title, c.void) for c in decision.comments.all()],
            "publication": [
                (p.part, p.choice, p.exemption) for p in decision.publication_decisions.all()
            ],
            "hashes": {s.content_hash for s in decision.signoffs.all()}
            | {decision.submitted_hash, content_hash(decision)},
            "signers": all(
                s.name == str(s.signer) and s.recorded_by_id == s.signer_id
                for s in decision.signoffs.all()
            ),
            "decision_date": decision.decision_date,
        }

    through_services, bulk_written = rows(live.reference), rows(twin.reference)
    assert len(through_services["hashes"]) == len(bulk_written["hashes"]) == 1
    assert through_services["signers"] and bulk_written["signers"]
    for key in ("events", "comments", "publication"):
        assert bulk_written[key] == through_services[key], key
    titles = {"Chief Executive", "Chief Finance Officer"}
    for ours, theirs in zip(bulk_written["signoffs"], through_services["signoffs"], strict=True):
        if ours[0] == "officer_approval":  # signed by either officer: the title follows
            assert {ours[3], theirs[3]} <= titles
            ours, theirs = ours[:3] + ours[4:], theirs[:3] + theirs[4:]
        assert ours == theirs
    # The service signed on the day planned for it.
    assert through_services["decision_date"] == live.steps[-2].at.date()
    assert Decision.objects.get(reference=live.reference).published_document.size > 0


def test_the_same_seed_gives_the_same_data_and_a_full_database_is_refused():
    options = {"pdfs": "sample", "pdf_sample": 0}
    checksums = []
    for _ in range(2):
        with transaction.atomic():
            generate(**options)
            checksums.append(bulk.data_checksum())
            transaction.set_rollback(True)
    other = bulk.Planner(scale=SCALE, seed=1, last_year=bulk.DEFAULT_LAST_YEAR).plan()
    planned = bulk.Planner(scale=SCALE, seed=bulk.DEFAULT_SEED, last_year=2026).plan()
    assert checksums[0] == checksums[1]
    assert [a.amount for a in other.allocations] != [a.amount for a in planned.allocations]

    generate(**options)
    with pytest.raises(CommandError, match="already holds data"):
        generate(**options)
    assert "nothing generated" in generate(if_empty=True, **options)


# Committed, as the bench runs on a real database: its rolled-back import and the
# connection's health check must not find themselves inside a test's transaction.
@pytest.mark.django_db(transaction=True)
def test_bench_times_every_page_type_and_writes_the_json(tmp_path):
    generate(pdfs="sample", pdf_sample=2, live_workflow=0)
    output = tmp_path / "results.json"

    call_command(
        "bench",
        repeat=2,
        warmup=0,
        pdf_runs=1,
        import_rows=50,
        output=str(output),
        stdout=io.StringIO(),
    )

    results = json.loads(output.read_text())
    planned = benchmark.pages()
    assert set(results["pages"]) == {page.name for page in planned}
    for page in results["pages"].values():
        assert {"median_ms", "p95_ms", "queries", "target_met"} <= set(page)
    assert results["database"]["vendor"]
    assert results["decision_pdf"]["ratio"] > 0
    assert results["report_pdf"]["median_ms"] > 0
    assert results["import_allocations"]["rows"] == 50
    # Every URL of the site is benched or listed as not benched, with a reason.
    assert benchmark.unbenched_url_names(planned) == set()
    # The bench rolled back what it made.
    assert Allocation.objects.count() == bulk.planned_counts(SCALE).allocations
    assert not FinancialYear.objects.filter(start_year=2090).exists()


@pytest.mark.postgresql
def test_the_public_search_can_use_its_full_text_index_on_postgresql():
    """The search matches the snapshots' stored text vector (migration decisions 0012),
    which its GIN index holds: a change to either leaves the search scanning every
    record. The register searches what was published: the snapshots."""
    from django.db import connection

    from decisions.models import PublishedSnapshot
    from decisions.public import register_queryset
    from decisions.search import register_search
    from pcc_grants.models import User

    officer = User.objects.create(username="lead")
    decisions = Decision.objects.bulk_create(
        Decision(
            reference=f"{n:03d}-2016",
            slug=f"{n:03d}-2016",
            status=DecisionStatus.PUBLISHED,
            title=f"Grant {n} for community projects",
            executive_summary="Summary.",
            decision="Agree the grant.",
            lead_officer=officer,
            created_by=officer,
        )
        for n in range(300)
    )
    PublishedSnapshot.objects.bulk_create(
        PublishedSnapshot(
            decision=decision,
            published=True,
            reference=decision.reference,
            slug=decision.slug,
            category=decision.category,
            title=decision.title,
            search_text="Summary.\nAgree the grant.",
            content={},
            content_sha256="0" * 64,
            published_at=timezone.now(),
        )
        for decision in decisions
    )
    sql, params = register_search(register_queryset(), "victim").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE decisions_publishedsnapshot")
        # Neither reading the whole table nor walking another index (the records'
        # order, or the join's): what is left is the text index, if it matches.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "decisions_snapshot_vector_gin" in plan
