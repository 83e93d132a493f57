"""The body's public home page: what an anonymous visitor finds at /, and the name,
description and icon every public page carries."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from pcc_grants.roles import Role

pytestmark = pytest.mark.django_db

LINKS = {
    "Decision register": "/decisions/",
    "Decisions expected": "/decisions/expected/",
    "Check a published PDF": "/decisions/verify/",
    "Grants register": "/grants/",
    "Published decisions (JSON)": "/open-data/decisions.json",
    "Grants awarded (360Giving JSON)": "/open-data/grants.json",
    "Grants awarded (CSV)": "/open-data/grants.csv",
    "Contracts over £10,000 (CSV)": "/open-data/contracts.csv",
    "Sign in": "/accounts/login/",
}


def links(html: str) -> dict[str, str]:
    """Each link of the page's main part: its text, and where it goes."""
    main = html.split('<main id="main-content"', 1)[1].split("</main>", 1)[0]
    return {
        re.sub(r"<[^>]+>|\s+", " ", text).strip(): href
        for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', main, re.S)
    }


def test_a_visitor_finds_the_register_grants_open_data_and_the_pdf_check(client, organisation):
    html = client.get("/").content.decode()
    assert f"<h1>{organisation.name}</h1>" in html
    # The site publishes a transparency page (reports/urls_transparency.py).
    assert links(html) == {
        **LINKS,
        "What the office publishes": "/transparency/",
        "Apply for a grant": "/rounds/",  # grants/urls_public.py
    }
    assert "Open grant rounds" not in html  # none exist yet: no empty section


@pytest.mark.urls("tests.dashboard.urls_public_only")
def test_no_transparency_link_while_the_site_has_no_transparency_page(client, organisation):
    html = client.get("/").content.decode()
    assert "Transparency" not in html
    assert links(html) == LINKS


@pytest.mark.urls("tests.dashboard.urls_with_transparency")
def test_the_transparency_page_is_linked_once_the_site_has_one(client, organisation):
    html = client.get("/").content.decode()
    assert links(html) == {**LINKS, "What the office publishes": "/transparency/"}
    assert '<h2 id="transparency-heading" class="h4">Transparency</h2>' in html


def test_open_grant_rounds_are_listed_when_there_are_any(organisation, client, make_user):
    from grants import services as grant_services
    from tests.factories import FundingStreamFactory
    from tests.grants.conftest import round_parts

    officer = make_user(Role.OFFICER)
    closes = timezone.make_aware(datetime(2027, 5, 31, 17, 0))
    fields = {
        "funding_stream": FundingStreamFactory(),
        "budget": Decimal("20000"),
        "maximum_award": Decimal("5000"),
        "guidance": "Projects that make the county safer.",
        "opens_at": timezone.now() - timedelta(days=1),
        "closes_at": closes,
        **round_parts(),
    }
    grant_round = grant_services.round_create(
        by=officer, name="Community Safety Small Grants 2027/28", **fields
    )
    grant_services.round_transition(grant_round=grant_round, by=officer, action="open")
    grant_services.round_create(by=officer, name="A round still in draft", **fields)

    html = client.get("/").content.decode()

    assert '<h3 id="rounds-heading" class="h5">Open grant rounds</h3>' in html
    assert links(html)["Community Safety Small Grants 2027/28"] == (
        "/rounds/community-safety-small-grants-202728/"
    )
    assert "closes 5pm, Monday 31 May 2027." in html
    assert "A round still in draft" not in html


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/decisions/",
        "/decisions/?q=mentors",
        "/grants/",
        "/decisions/verify/",
        "/accounts/login/",
        "/no-such-page/",
    ],
)
def test_every_public_page_names_the_organisation_in_its_description_and_has_an_icon(
    client, organisation, path
):
    html = client.get(path).content.decode()
    description = re.search(r'<meta name="description" content="([^"]*)">', html)
    assert description and organisation.name in description.group(1)
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert icon and icon.group(1).endswith("favicon.svg")


def test_a_published_record_is_described_by_its_reference_and_title(
    client, draft, advance, organisation, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    record = advance(draft, "published")
    html = client.get(f"/decisions/{record.slug}/").content.decode()
    assert (
        f'<meta name="description" content="{record.reference}: {record.title}. '
        f'A decision record published by {organisation.name}.">'
    ) in html
