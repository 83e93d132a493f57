"""Records whose publication was decided before it was decided section by section
still show what they showed (migration decisions 0007): each old part becomes the
sections it covered, with its choice and grounds, and each record gets its snapshot,
which the live rows verify against."""

import html
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from decisions import services
from decisions.models import PublicationDecision, PublishedSnapshot

from ..factories import ALL_PUBLISHED, signing_code
from ..triggers import triggers_dropped

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("decisions", "0005_decision_status_date_index")
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SUPPORTING = "The supplier's day rates are £415."


def migrate(targets):
    """Migrate to ``targets`` (one node, or a list), and the apps as they then are."""
    targets = targets if isinstance(targets, list) else [targets]
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def latest():
    """Every app's newest migration: going back in decisions also unapplied the apps
    that depend on it (grant rounds name decision records), which must come back."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def old_choice(apps, decision, part, choice, **grounds):
    apps.get_model("decisions", "PublicationDecision").objects.create(
        decision_id=decision.pk,
        part=part,
        choice=choice,
        decided_by_id=decision.created_by_id,
        decided_at="2016-08-11T10:00:00Z",
        **grounds,
    )


@pytest.fixture
def decided_before(settings, tmp_path, draft, people, advance, password):
    """Two records published the old way: one with its officer assessment redacted and
    its supporting details withheld, one not published at all."""
    settings.MEDIA_ROOT = tmp_path
    services.decision_update(
        decision=draft, by=people["officer"], supporting_information=SUPPORTING
    )
    services.decision_attachment_add(
        decision=draft, upload=SimpleUploadedFile("rates.pdf", PDF), by=people["officer"]
    )
    published = advance(draft, "approved")
    attachment = published.attachments.get()
    published = services.decision_transition(
        decision=published,
        by=people["monitoring_officer"],
        action="decide_publication",
        password=password,
        code=signing_code(people["monitoring_officer"]),
        publication=dict(ALL_PUBLISHED, **{f"attachment_{attachment.pk}": {"choice": "publish"}}),
    )
    other = services.decision_create(
        by=people["officer"],
        lead_officer=people["officer"],
        title="A security contract",
        executive_summary="Summary.",
        decision="Agree it.",
    )
    withheld = advance(other, "approved")
    withheld = services.decision_transition(
        decision=withheld,
        by=people["monitoring_officer"],
        action="decide_publication",
        password=password,
        code=signing_code(people["monitoring_officer"]),
        publication=dict(
            ALL_PUBLISHED,
            record={"choice": "withhold", "exemption": "s31", "public_interest": "Crime."},
        ),
    )
    # As they stood before: three parts each, no snapshot.
    with triggers_dropped():
        PublishedSnapshot.objects.all().delete()
        PublicationDecision.objects.all().delete()
    apps = migrate(BEFORE)
    old_choice(apps, published, "record", "publish")
    old_choice(
        apps,
        published,
        "assessment",
        "redact",
        exemption="s42",
        public_interest="Legal advice is privileged.",
    )
    old_choice(
        apps,
        published,
        "details",
        "withhold",
        legislation="Freedom of Information Act 2000, section 43",
        public_interest="Commercial terms.",
    )
    old_choice(apps, withheld, "record", "withhold", exemption="s31", public_interest="Crime.")
    old_choice(apps, withheld, "assessment", "publish")
    old_choice(apps, withheld, "details", "publish")
    try:
        migrate(latest())
    except BaseException:
        migrate(latest())
        raise
    return published, withheld


def test_old_parts_become_the_sections_they_covered(decided_before):
    published, _ = decided_before
    attachment = published.attachments.get()
    rows = {
        (row.part, row.attachment_id): (row.choice, row.grounds)
        for row in PublicationDecision.objects.filter(decision=published)
    }
    assessment = ("redact", "FOI Act s42: legal professional privilege")
    details = ("withhold", "Freedom of Information Act 2000, section 43")
    assert rows == {
        ("record", None): ("publish", ""),
        **{
            (part, None): assessment
            for part in (
                "financial",
                "legal",
                "equality",
                "human_rights",
                "sustainability",
                "risk",
                "financial_comment",
                "legal_comment",
            )
        },
        **{
            (part, None): details
            for part in (
                "key_discussion_points",
                "supporting_information",
                "funding_lines",
                "allocations",
            )
        },
        ("attachment", attachment.pk): details,
    }


def test_a_record_published_before_shows_what_it_showed_and_verifies(client, decided_before):
    published, withheld = decided_before
    page = html.unescape(client.get(f"/decisions/{published.slug}/").content.decode())
    assert published.title in page
    # The officer assessment, redacted: each implication and comment by its grounds.
    assert "within the 2016/17 budget limits" not in page
    assert "Lawful." not in page and "Affordable." not in page
    assert page.count("FOI Act s42: legal professional privilege") == 4
    # The supporting details, withheld: the supporting information, the funding
    # breakdown and the attachment.
    assert SUPPORTING not in page and "Support Coordinator" not in page
    assert "rates.pdf" not in page
    assert page.count("Freedom of Information Act 2000, section 43") == 3
    register = client.get("/decisions/").content.decode()
    assert withheld.reference in register and "FOI Act s31: law enforcement" in register
    assert "A security contract" not in register

    out = StringIO()
    call_command("verify_records", stdout=out, stderr=out)
    assert "all verify" in out.getvalue()


def test_going_back_keeps_each_old_part_as_restrictive_as_its_sections(decided_before):
    published, withheld = decided_before
    try:
        apps = migrate(BEFORE)
        rows = apps.get_model("decisions", "PublicationDecision").objects
        assert dict(rows.filter(decision_id=published.pk).values_list("part", "choice")) == {
            "record": "publish",
            "assessment": "redact",
            "details": "withhold",
        }
        assert dict(rows.filter(decision_id=withheld.pk).values_list("part", "choice")) == {
            "record": "withhold",
            "assessment": "publish",
            "details": "publish",
        }
    finally:
        migrate(latest())
