"""Reports show a reader outside the office only what has been published. Reported:
the panel's "decisions since a date" report showed the title and amount of records
whose publication the Monitoring Officer had not yet decided."""

from decimal import Decimal

import pytest

from decisions import services
from decisions.models import DecisionStatus
from pcc_grants.roles import Role

from ..factories import ALL_PUBLISHED, signing_code

pytestmark = pytest.mark.django_db

WITHHELD = {
    **ALL_PUBLISHED,
    "record": {
        "choice": "withhold",
        "exemption": "s43",
        "public_interest": "Commercial interests outweigh disclosure.",
    },
}


def _record(officer, title, amount):
    return services.decision_create(
        by=officer,
        lead_officer=officer,
        title=title,
        executive_summary="Summary.",
        decision="Agree it.",
        lines=[("The work", Decimal(amount))],
    )


@pytest.fixture
def three_records(officer, organisation, advance, people, password):
    waiting = advance(_record(officer, "Awaiting its publication decision", "1111"), "approved")
    published = advance(_record(officer, "Published mentoring grant", "2222"), "published")
    withheld = advance(_record(officer, "Withheld security contract", "3333"), "approved")
    withheld = services.decision_transition(
        decision=withheld,
        by=people["monitoring_officer"],
        action="decide_publication",
        password=password,
        code=signing_code(people["monitoring_officer"]),
        publication=WITHHELD,
    )
    assert withheld.status == DecisionStatus.NOT_PUBLISHED
    return waiting, published, withheld


URL = "/reports/decisions/?since=2000-01-01"


def test_the_panel_sees_only_records_whose_publication_is_decided(three_records, client, people):
    waiting, published, withheld = three_records
    client.force_login(people["panel"])
    for content in (client.get(URL).content, client.get(URL + "&format=csv").content):
        text = content.decode()
        assert waiting.reference not in text
        assert "Awaiting its publication decision" not in text
        assert "1,111" not in text and "1111" not in text
        assert "Published mentoring grant" in text
        assert withheld.reference in text and "Not published" in text
        assert "Withheld security contract" not in text
        assert "3,333" not in text and "3333" not in text


def test_staff_still_see_every_decided_record(three_records, client, make_user):
    waiting, _, withheld = three_records
    client.force_login(make_user(Role.CHIEF_FINANCE_OFFICER))
    page = client.get(URL).content.decode()
    assert waiting.reference in page and "Awaiting its publication decision" in page
    assert withheld.reference in page and "£3,333" in page
