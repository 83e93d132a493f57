"""Records published before the register searched by stems and filtered by financial
year (migration decisions 0011) get the snapshot columns it reads, filled from what
each snapshot already publishes: the search and the filters find them, and
``verify_records`` finds the columns as publication now writes them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from decisions import services
from decisions.models import PublishedSnapshot
from pcc_grants.years import financial_year_label, financial_year_of

from ..factories import ALL_PUBLISHED, signing_code

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("decisions", "0010_signing_factor_and_seal")


def migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets if isinstance(targets, list) else [targets])


def latest():
    """Every app's newest migration: going back in decisions also unapplied the apps
    that depend on it (grant rounds name decision records), which must come back."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_snapshots_published_before_get_their_search_columns(
    settings, tmp_path, draft, people, advance, password, client
):
    settings.MEDIA_ROOT = tmp_path
    services.decision_update(
        decision=draft,
        by=people["officer"],
        executive_summary="Knife crime prevention in schools.",
        significant_public_interest=True,
    )
    decision = services.decision_transition(
        decision=advance(draft, "approved"),
        by=people["monitoring_officer"],
        action="decide_publication",
        password=password,
        code=signing_code(people["monitoring_officer"]),
        publication=ALL_PUBLISHED,
    )
    expected = PublishedSnapshot.objects.values(
        "financial_year",
        "significant_public_interest",
        "reference_key",
        "title_words",
        "text_words",
    ).get()
    assert expected["significant_public_interest"] and " knife " in expected["text_words"]
    migrate(BEFORE)
    migrate(latest())  # 0011 fills the columns; 0012 adds the text vector
    try:
        filled = PublishedSnapshot.objects.values(*expected).get()
        assert filled == expected
        year = financial_year_label(financial_year_of(decision.decision_date), separator="-")
        page = client.get(f"/decisions/?q=knife&year={year}&significant=yes").content.decode()
        assert decision.title in page
        out = StringIO()
        call_command("verify_records", stdout=out, stderr=out)
        assert "the register's copy of the snapshot" not in out.getvalue()
    finally:
        migrate(latest())
