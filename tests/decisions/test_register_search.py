"""The public register's search and filters: every published text, stemmed and ranked
(PostgreSQL's full-text search, or the stems stored on the snapshot elsewhere), the
reference however it is typed, the financial year of the decision, the category and
significant public interest; a filter it cannot apply says so. Run on SQLite and on
PostgreSQL (``DATABASE_URL``): both must find the same records."""

import html
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from decisions import clock, services
from decisions.models import DecisionCategory, PublishedSnapshot, ReferenceCounter

from ..factories import ALL_PUBLISHED, signing_code

pytestmark = pytest.mark.django_db

KNIFE = "Knife crime prevention in schools across County Durham"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def dated(monkeypatch):
    """Set the decisions' clock: ``dated(submitted, decided)``."""

    def set_clock(submitted: date, decided: date) -> None:
        monkeypatch.setattr(clock, "today", lambda: submitted)
        moment = datetime(decided.year, decided.month, decided.day, 10, tzinfo=UTC)
        monkeypatch.setattr(clock, "now", lambda: moment)

    return set_clock


@pytest.fixture
def publish(people, password, advance, media, dated):
    """Publish a new record through the real services; ``withheld`` sections are not
    published, with grounds."""

    def make(
        *,
        title: str,
        summary: str = "A summary.",
        number: int | None = None,
        submitted: date = date(2016, 6, 1),
        decided: date = date(2016, 8, 10),
        withheld: tuple[str, ...] = (),
        significant: bool = False,
        category: str = DecisionCategory.COMMISSIONER,
        **fields,
    ):
        dated(submitted, decided)
        if number is not None:
            ReferenceCounter.objects.update_or_create(
                series=category, year=submitted.year, defaults={"last_number": number - 1}
            )
        decision = services.decision_create(
            by=people["officer"],
            lead_officer=people["officer"],
            title=title,
            executive_summary=summary,
            decision="Agree the grant.",
            significant_public_interest=significant,
            category=category,
            **fields,
        )
        decision = advance(decision, "approved")
        choices = dict(ALL_PUBLISHED)
        for section in withheld:
            choices[section] = {
                "choice": "withhold",
                "exemption": "s43",
                "public_interest": "Commercial terms of an open tender.",
            }
        return services.decision_transition(
            decision=decision,
            by=people["monitoring_officer"],
            action="decide_publication",
            password=password,
            code=signing_code(people["monitoring_officer"]),
            publication=choices,
        )

    return make


def found(client, query: str) -> str:
    response = client.get(f"/decisions/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def rows(page: str) -> list[str]:
    """The titles the register lists, in order (each links to its record)."""
    table = page[page.index("<tbody>") : page.index("</tbody>")]
    return [
        html.unescape(t) for t in re.findall(r'<a href="/decisions/[^/"]+/">([^<]+)</a>', table)
    ]


def test_knife_finds_the_record_whose_summary_mentions_knife_crime(client, publish):
    publish(title="Schools safety programme", summary=KNIFE)
    publish(title="Rural crime partnership", summary="Farm machinery thefts.")
    assert rows(found(client, "q=knife")) == ["Schools safety programme"]
    # Stemmed: "preventing" finds "prevention"; any case.
    assert rows(found(client, "q=Preventing")) == ["Schools safety programme"]
    # Every word must be there.
    assert rows(found(client, "q=knife+thefts")) == []


def test_every_published_text_is_searched(client, publish):
    publish(
        title="Victim services",
        summary="Support for victims.",
        supporting_information="Delivered with the Harbour refuge network.",
        lines=[("Helpline for stalking survivors", Decimal("1000"))],
        risk_implications=True,
        risk_details="Mobilisation delays across Teesdale.",
    )
    for word in ("harbour", "stalking", "survivor", "teesdale", "mobilised"):
        assert rows(found(client, f"q={word}")) == ["Victim services"], word


def test_a_withheld_section_never_matches(client, publish):
    publish(
        title="Custody healthcare contract",
        supporting_information="The tender from Zephyrcorp scored highest.",
        lines=[("Quokkaline licence", Decimal("500"))],
        withheld=("supporting_information", "funding_lines"),
    )
    assert "Custody healthcare contract" in rows(found(client, "q=custody"))
    assert rows(found(client, "q=zephyrcorp")) == []
    assert rows(found(client, "q=quokkaline")) == []
    snapshot = PublishedSnapshot.objects.get()
    assert "zephyrcorp" not in snapshot.text_words + snapshot.search_text.lower()


def test_a_match_in_the_title_ranks_first(client, publish):
    publish(
        title="Community safety fund", summary="Grants for mentoring.", decided=date(2016, 5, 1)
    )
    publish(title="Mentoring for young people", summary="A programme.", decided=date(2016, 4, 20))
    assert rows(found(client, "q=mentoring")) == [
        "Mentoring for young people",
        "Community safety fund",
    ]


@pytest.mark.parametrize("typed", ["034-2016", "034/2016", "034 2016", "0342016", "034%2F2016"])
def test_a_reference_in_any_spacing_finds_it(client, publish, typed):
    publish(title="Out of court disposals", number=34, submitted=date(2016, 12, 1))
    publish(title="Another record", number=340, submitted=date(2016, 12, 1))
    assert PublishedSnapshot.objects.filter(reference="034-2016").exists()
    assert rows(found(client, f"q={typed}"))[0] == "Out of court disposals"


def test_the_financial_year_filter_finds_a_decision_made_in_it(client, publish):
    # 034-2016, decided on 14 February 2017: in 2016/17, not in 2017/18.
    publish(
        title="Out of court disposals",
        number=34,
        submitted=date(2016, 12, 1),
        decided=date(2017, 2, 14),
    )
    publish(title="Next year's grant", decided=date(2017, 4, 1), submitted=date(2017, 3, 1))
    page = found(client, "")
    assert '<option value="2016-17">2016/17</option>' in page
    assert '<option value="2017-18">2017/18</option>' in page
    assert rows(found(client, "year=2016-17")) == ["Out of court disposals"]
    assert rows(found(client, "year=2016%2F17")) == ["Out of court disposals"]
    assert rows(found(client, "year=2017-18")) == ["Next year's grant"]
    assert 'value="2016-17" selected' in found(client, "year=2016-17")


def test_category_and_significant_public_interest_filter(client, publish):
    publish(title="Precept proposal", significant=True)
    publish(title="Office supplies", category=DecisionCategory.DELEGATED)
    assert rows(found(client, "significant=yes")) == ["Precept proposal"]
    assert rows(found(client, "category=delegated")) == ["Office supplies"]
    assert rows(found(client, "category=commissioner&significant=yes")) == ["Precept proposal"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "year=2026/27",
            "The register has no decisions made in 2026/27: choose a year from the list.",
        ),
        (
            "year=abc",
            "“abc” is not a financial year: choose one from the list, for example 2016/17.",
        ),
        (
            "year=2016",
            "2016 is a calendar year: choose a financial year from the list, such as "
            "2016/17, which runs from 1 April 2016 to 31 March 2017.",
        ),
        ("category=mayor", "“mayor” is not a category of decision: choose one from the list."),
        ("significant=maybe", "“maybe” is not an answer"),
    ],
)
def test_a_filter_the_register_cannot_apply_says_so(client, publish, query, message):
    publish(title="Out of court disposals")
    page = found(client, query)
    assert "There is a problem" in page
    assert message in html.unescape(page)
    # Not applied: the register lists what it has, and says how to choose.
    assert rows(page) == ["Out of court disposals"]


def test_a_record_not_published_is_found_by_its_reference_only(client, publish):
    publish(title="Covert tactics review", number=7, withheld=("record",))
    assert "007-2016" in found(client, "q=007/2016")
    assert "007-2016" not in found(client, "q=covert")


def test_a_filter_typed_with_control_characters_is_named_without_them(client, publish):
    publish(title="Out of court disposals")
    page = found(client, "year=ab%00c&category=x%00y")
    assert "\x00" not in page
    assert "“abc” is not a financial year" in html.unescape(page)
    assert "“xy” is not a category of decision" in html.unescape(page)
