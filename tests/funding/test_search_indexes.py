"""The searches of the funding register, the provider list and the agreements read
trigram indexes on PostgreSQL: each index is on the expression the query filters
by, or the planner cannot use it. SQLite gets none of them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from commissioning.filters import AgreementFilter
from commissioning.models import Agreement
from commissioning.selectors import providers_found
from funding.filters import AllocationFilter
from funding.models import Allocation

from ..factories import ProviderFactory

pytestmark = pytest.mark.django_db

INDEXES = {
    "funding_allocation_title_trgm",
    "funding_allocation_searched_trgm",
    "commissioning_provider_name_trgm",
    "commissioning_provider_match_key_trgm",
    "commissioning_provider_normalised_name_trgm",
    "commissioning_agreement_reference_trgm",
    "commissioning_agreement_title_trgm",
    "commissioning_provider_charity_number_upper",
    "commissioning_provider_company_number_upper",
    "commissioning_provider_org_id_upper",
}


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        return {row[0] for row in cursor.fetchall()}


def plan(queryset) -> str:
    """The plan PostgreSQL makes when reading every row, or walking a whole index, is
    made to cost the most (a table of a few rows is otherwise read whole): an index
    on another expression than the query's is then still not used."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    return queryset.explain()


def test_the_search_indexes_exist_on_postgresql_only():
    if connection.vendor == "postgresql":
        assert index_names() >= INDEXES
    else:
        assert not INDEXES & index_names()


def test_each_searched_expression_is_read_through_its_index():
    harbour = ProviderFactory(name="Harbour Trust")
    register = AllocationFilter({"q": "harbour"}, queryset=Allocation.objects.all()).qs
    agreements = AgreementFilter({"q": "harbour"}, queryset=Agreement.objects.all()).qs
    providers = providers_found("harbour")
    if connection.vendor != "postgresql":
        # SQLite reads the rows; the same queries still answer.
        assert (list(register), list(agreements), list(providers)) == ([], [], [harbour])
        return
    register_plan = plan(register)
    # The title, description, comments and decision reference, searched as one text.
    assert "Bitmap Index Scan on funding_allocation_searched_trgm" in register_plan
    # The allocations to providers so named: through the recipient's key.
    assert "Bitmap Index Scan on funding_allocation_recipient_id_" in register_plan
    agreements_plan = plan(agreements)
    for column in ("reference", "title"):
        assert f"Bitmap Index Scan on commissioning_agreement_{column}_trgm" in agreements_plan
    providers_plan = plan(providers)
    for name in (
        "commissioning_provider_name_trgm",
        "commissioning_provider_charity_number_upper",
        "commissioning_provider_company_number_upper",
        "commissioning_provider_org_id_upper",
    ):
        assert f"Bitmap Index Scan on {name}" in providers_plan


@pytest.mark.django_db(transaction=True)
def test_the_migrations_drop_the_indexes_when_reversed_and_make_them_again():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(
        [
            ("funding", "0006_approved_on_from_the_record"),
            ("commissioning", "0007_agreement_document_published"),
        ]
    )
    assert not INDEXES & index_names()
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    if connection.vendor == "postgresql":
        assert index_names() >= INDEXES
    else:
        assert not INDEXES & index_names()
