"""The published record is a snapshot.

Reported: a published record changed in the database behind the app's back was shown
altered on the public page, the register and its search, ``decisions.json`` and the
staff list, next to the original PDF's hash. What the public sees is now fixed at
publication, and every difference from the live rows is named.
"""

import html
import io
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from commissioning.models import Provider
from decisions import services
from decisions.models import (
    Decision,
    DecisionStatus,
    FundingLine,
    PublicationDecision,
    PublishedSnapshot,
)
from funding.models import Allocation

from ..factories import (
    ALL_PUBLISHED,
    AllocationFactory,
    FundingStreamFactory,
    ProviderFactory,
    signing_code,
)
from ..triggers import triggers_dropped

pytestmark = pytest.mark.django_db

TITLE = "Extending Community Peer Mentors Project into Bishop Auckland"
SUMMARY = "The project in Darlington has achieved successful outcomes."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def published(draft, people, advance):
    """Published in full, approving a £9,400 grant to the mentors' charity."""
    stream = FundingStreamFactory(name="Community Safety Fund", budget=Decimal("100000"))
    grant = AllocationFactory(
        funding_stream=stream,
        recipient=ProviderFactory(name="Darlington Mentors Trust"),
        amount=Decimal("9400"),
        title="Peer mentors",
    )
    services.decision_update(decision=draft, by=people["officer"], allocations=[grant])
    return advance(draft, "published")


def tamper(decision) -> None:
    """As someone with the database's password might: no service, no signature (and,
    on PostgreSQL, the triggers dropped)."""
    with triggers_dropped():
        Decision.objects.filter(pk=decision.pk).update(
            title="Rewritten title for the same grant",
            executive_summary="Rewritten summary of the project.",
        )
    FundingLine.objects.filter(decision=decision, item="Support Coordinator").update(
        item="Rewritten coordinator line", amount=Decimal("59000")
    )
    Allocation.objects.filter(decision=decision).update(
        title="Rewritten grant", amount=Decimal("94000")
    )
    Provider.objects.filter(name="Darlington Mentors Trust").update(name="Rewritten Trust")


def verify() -> str:
    out = StringIO()
    call_command("verify_records", stdout=out, stderr=out)
    return out.getvalue()


def pdf_text(client, decision) -> str:
    pdf = b"".join(client.get(f"/decisions/{decision.slug}.pdf").streaming_content)
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_a_record_changed_behind_the_app_shows_everywhere_as_it_was_published(client, published):
    before = client.get(f"/decisions/{published.slug}/").content.decode()
    tamper(published)

    page = client.get(f"/decisions/{published.slug}/").content.decode()
    assert page == before  # not a character of the public page moved
    for public in (html.unescape(page), pdf_text(client, published)):
        assert TITLE in public and SUMMARY in public
        assert "Support Coordinator" in public and "£9,400" in public
        assert "Peer mentors" in public and "Darlington Mentors Trust" in public
        assert "Rewritten" not in public
        assert "£59,000" not in public and "£94,000" not in public

    register = client.get("/decisions/").content.decode()
    assert TITLE in register and "Rewritten" not in register
    assert TITLE in client.get("/decisions/?q=Auckland").content.decode()
    assert TITLE in client.get("/decisions/?q=Darlington").content.decode()  # the summary
    assert published.reference not in client.get("/decisions/?q=Rewritten").content.decode()

    data = client.get("/open-data/decisions.json").json()["decisions"][0]
    assert data["title"] == TITLE
    assert "Rewritten" not in json.dumps(data)

    grants = client.get("/open-data/grants.json").json()["grants"]
    assert [(g["title"], g["amountAwarded"]) for g in grants] == [("Peer mentors", 9400)]
    assert grants[0]["recipientOrganization"][0]["name"] == "Darlington Mentors Trust"
    for url in ("/open-data/grants.csv", "/grants/"):
        text = client.get(url).content.decode()
        assert "Peer mentors" in text and "Rewritten" not in text

    with pytest.raises(CommandError, match="1 problem"):
        verify()


def test_verify_records_and_the_staff_pages_name_what_differs(client, published, people):
    tamper(published)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_records", stdout=out, stderr=out)
    report = out.getvalue()
    assert (
        f"{published.reference}: the content differs from what was submitted or signed; "
        "the database differs from what was published: Title, Content SHA-256, "
        "The record of the decision, Funding breakdown, Allocations this decision approves"
    ) in report

    client.force_login(people["officer"])
    page = client.get(f"/staff/decisions/{published.pk}/").content.decode()
    assert "The database differs from what was published." in page
    assert "Title, Content SHA-256, The record of the decision, Funding breakdown" in page
    assert "Rewritten title for the same grant" in page  # staff see what the rows hold
    listing = client.get("/staff/decisions/").content.decode()
    assert "Differs from what was published" in listing


def test_untouched_records_show_no_difference(client, published, people):
    assert "all verify" in verify()
    client.force_login(people["officer"])
    assert "differs from what was published" not in (
        client.get(f"/staff/decisions/{published.pk}/").content.decode()
    )
    listing = client.get("/staff/decisions/").content.decode()
    assert "Differs from what was published" not in listing


def test_a_publication_choice_changed_behind_the_app_is_named(client, draft, people, advance):
    services.decision_update(
        decision=draft, by=people["officer"], supporting_information="The supplier's day rates."
    )
    decision = advance(draft, "approved")
    decision = services.decision_transition(
        decision=decision,
        by=people["monitoring_officer"],
        action="decide_publication",
        password="correct horse battery staple",
        code=signing_code(people["monitoring_officer"]),
        publication=dict(
            ALL_PUBLISHED,
            supporting_information={
                "choice": "withhold",
                "exemption": "s43",
                "public_interest": "Commercially sensitive.",
            },
        ),
    )
    PublicationDecision.objects.filter(part="supporting_information").update(choice="publish")
    assert "day rates" not in client.get(f"/decisions/{decision.slug}/").content.decode()
    with pytest.raises(CommandError):
        call_command("verify_records", stdout=StringIO(), stderr=(out := StringIO()))
    assert "Supporting information, Publication choices" in out.getvalue()


def test_the_snapshot_itself_changed_is_named(published):
    with triggers_dropped():
        PublishedSnapshot.objects.filter(decision=published).update(title="Rewritten title")
    out = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify_records", stdout=out, stderr=out)
    assert "the register's copy of the snapshot" in out.getvalue()
    snapshot = PublishedSnapshot.objects.get(decision=published)
    content = dict(snapshot.content, title="Rewritten title")
    with triggers_dropped():
        PublishedSnapshot.objects.filter(pk=snapshot.pk).update(content=content)
    with pytest.raises(CommandError):
        call_command("verify_records", stdout=StringIO(), stderr=(out := StringIO()))
    assert "the snapshot itself (it no longer matches its SHA-256)" in out.getvalue()


def test_a_snapshot_is_never_changed_or_deleted_through_the_app(published):
    snapshot = PublishedSnapshot.objects.get(decision=published)
    with pytest.raises(ValueError, match="never changed"):
        snapshot.save()
    with pytest.raises(ValueError, match="never deleted"):
        snapshot.delete()


def test_a_record_not_published_keeps_only_its_reference_date_and_grounds(
    client, draft, people, advance, password
):
    decision = advance(draft, "approved")
    withheld = {
        "choice": "withhold",
        "exemption": "s31",
        "public_interest": "Publishing would prejudice the prevention of crime.",
    }
    decision = services.decision_transition(
        decision=decision,
        by=people["monitoring_officer"],
        action="decide_publication",
        password=password,
        code=signing_code(people["monitoring_officer"]),
        publication=dict(ALL_PUBLISHED, record=withheld),
    )
    assert decision.status == DecisionStatus.NOT_PUBLISHED
    snapshot = PublishedSnapshot.objects.get(decision=decision)
    assert not snapshot.published and snapshot.title == "" and snapshot.search_text == ""
    assert set(snapshot.content) == {
        "version",
        "public",
        "organisation",
        "reference",
        "slug",
        "category",
        "category_label",
        "decision_date",
        "status",
        "published",
        "request",
        "withheld",
    }
    assert TITLE not in json.dumps(snapshot.content)
    register = client.get("/decisions/").content.decode()
    assert decision.reference in register and "FOI Act s31: law enforcement" in register
    assert decision.reference not in client.get("/decisions/?q=Auckland").content.decode()
    assert "all verify" in verify()


def test_a_grant_whose_allocations_were_not_published_is_not_open_data(
    client, draft, people, advance, password
):
    stream = FundingStreamFactory(budget=Decimal("100000"))
    grant = AllocationFactory(funding_stream=stream, amount=Decimal("9400"), title="Peer mentors")
    services.decision_update(decision=draft, by=people["officer"], allocations=[grant])
    decision = advance(draft, "approved")
    services.decision_transition(
        decision=decision,
        by=people["monitoring_officer"],
        action="decide_publication",
        password=password,
        code=signing_code(people["monitoring_officer"]),
        publication=dict(
            ALL_PUBLISHED,
            allocations={
                "choice": "redact",
                "exemption": "s43",
                "public_interest": "The recipient's award is commercially sensitive.",
            },
        ),
    )
    assert client.get("/open-data/grants.json").json()["grants"] == []
    assert "Peer mentors" not in client.get("/open-data/grants.csv").content.decode()
    assert "No grants have been published yet." in client.get("/grants/").content.decode()
    assert "Peer mentors" not in client.get(f"/decisions/{decision.slug}/").content.decode()
