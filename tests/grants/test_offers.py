"""An applicant's letters and the acceptance of an offer online: the applicant sees
only their own organisations' sent letters; accepting the terms shown creates the
grant agreement with its monitoring returns, linked to the allocation; every other
attempt is refused with nothing changed. And a round's grants in the open data."""

import csv
import io
import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from commissioning.models import Agreement, CommissioningRoute, MonitoringReturn
from decisions import clock
from decisions import services as decision_services
from funding.models import Allocation
from grants import letters
from grants.models import Letter, LetterKind, OfferAcceptance
from pcc_grants.roles import Role
from tests.factories import UserFactory

from .letters_world import AWARD, PERIOD, RETURNS_DUE, decided_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def cfo(db):
    return UserFactory(username="grants-cfo", roles=[Role.CHIEF_FINANCE_OFFICER])


@pytest.fixture
def world(officer, stream, theme, cfo):
    return decided_round(officer, stream, theme, cfo)


@pytest.fixture
def offer(world, officer):
    written = {
        letter.kind: letter
        for letter in letters.letters_prepare(grant_round=world.grant_round, by=officer)
    }
    for letter in written.values():
        letters.letter_send(letter=letter, by=officer)
    world.outcome = Letter.objects.get(pk=written[LetterKind.OUTCOME].pk)
    return Letter.objects.get(pk=written[LetterKind.OFFER].pk)


def unchanged(world) -> tuple:
    """What an acceptance changes: agreements, returns, acceptances, the allocation."""
    allocation = Allocation.objects.get(pk=world.allocation.pk)
    return (
        Agreement.objects.count(),
        MonitoringReturn.objects.count(),
        OfferAcceptance.objects.count(),
        allocation.agreement_id,
    )


def accept(client, letter, **changes):
    data = {
        "name": "Ann Applicant",
        "role": "Chair of trustees",
        "confirm": "on",
        "terms_sha256": letter.terms_sha256,
        **changes,
    }
    return client.post(f"/apply/letters/{letter.pk}/", data)


def test_the_applicant_reads_the_sent_letters_on_their_account_and_application(
    world, offer, client
):
    client.force_login(world.applicant)
    home = client.get("/apply/").content.decode()
    assert f'href="/apply/letters/{offer.pk}/"' in home
    assert "waiting for your acceptance" in home
    assert f"/apply/letters/{world.outcome.pk}/" not in home  # another organisation's
    page = client.get(f"/apply/applications/{world.awarded.pk}/").content.decode()
    assert f'href="/apply/letters/{offer.pk}/"' in page
    letter_page = client.get(f"/apply/letters/{offer.pk}/").content.decode()
    assert "a grant of £8,000 to Living Without Abuse" in letter_page
    assert "30 October 2026" in letter_page and "30 April 2027" in letter_page
    assert offer.terms_sha256 in letter_page
    assert f'name="terms_sha256" value="{offer.terms_sha256}"' in letter_page
    pdf = client.get(f"/apply/letters/{offer.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert world.awarded.reference in re.sub(r"\s+", " ", text)


def test_the_unsuccessful_applicant_reads_their_feedback(world, offer, client):
    client.force_login(world.other_applicant)
    page = client.get(f"/apply/letters/{world.outcome.pk}/").content.decode()
    assert "The need is real but the plan is thin." in page
    assert "Accept the offer" not in page
    assert client.get(f"/apply/letters/{offer.pk}/").status_code == 404
    assert client.get(f"/apply/letters/{offer.pk}.pdf").status_code == 404


def test_accepting_the_offer_creates_the_agreement_with_its_returns_linked_to_the_allocation(
    world, offer, client
):
    client.force_login(world.colleague)
    response = accept(client, offer, name="Carl Colleague", role="Treasurer")
    assert response.status_code == 302

    acceptance = OfferAcceptance.objects.get(letter=offer)
    assert (acceptance.name, acceptance.role, acceptance.by) == (
        "Carl Colleague",
        "Treasurer",
        world.colleague,
    )
    assert acceptance.accepted_on == clock.today()
    assert acceptance.terms_sha256 == offer.terms_sha256
    agreement = acceptance.agreement
    assert agreement.reference == world.awarded.reference
    assert agreement.route == CommissioningRoute.GRANT
    assert agreement.provider == world.allocation.recipient
    assert agreement.title == world.awarded.title
    assert agreement.total_value == AWARD
    assert (agreement.start_date, agreement.end_date) == PERIOD
    assert agreement.monitoring_frequency == world.grant_round.monitoring_frequency
    assert [r.due_date.isoformat() for r in agreement.returns.order_by("due_date")] == (
        RETURNS_DUE
    )
    assert Allocation.objects.get(pk=world.allocation.pk).agreement == agreement

    page = client.get(f"/apply/letters/{offer.pk}/").content.decode()
    day = f"{acceptance.accepted_on:%-d %B %Y}"
    assert f"Accepted by Carl Colleague (Treasurer) on {day}, agreement {agreement.reference}" in (
        page
    )
    assert 'name="terms_sha256"' not in page


def test_a_tampered_terms_hash_is_refused_with_nothing_changed(world, offer, client):
    before = unchanged(world)
    client.force_login(world.applicant)
    response = accept(client, offer, terms_sha256="0" * 64)
    assert response.status_code == 200
    assert "not the terms of this offer" in response.content.decode()
    assert unchanged(world) == before
    with pytest.raises(ValidationError, match="not the terms of this offer"):
        letters.offer_accept(
            letter=offer, by=world.applicant, name="Ann", role="Chair", terms_sha256="x"
        )
    assert unchanged(world) == before


def test_the_terms_must_be_confirmed_and_the_name_and_role_given(world, offer, client):
    before = unchanged(world)
    client.force_login(world.applicant)
    response = accept(client, offer, confirm="", role="")
    page = response.content.decode()
    assert "Tick the box to accept the terms" in page
    assert "Enter your role in the organisation" in page
    assert unchanged(world) == before


def test_someone_outside_the_organisation_cannot_accept(world, offer, client, make_user):
    before = unchanged(world)
    client.force_login(world.other_applicant)
    assert accept(client, offer).status_code == 404
    with pytest.raises(ValidationError, match="Only a member of the organisation"):
        letters.offer_accept(
            letter=offer,
            by=world.other_applicant,
            name="Olga Other",
            role="Chair",
            terms_sha256=offer.terms_sha256,
        )
    client.force_login(make_user(Role.OFFICER))
    assert accept(client, offer).status_code == 403
    assert unchanged(world) == before


def test_an_offer_is_accepted_once(world, offer, client):
    client.force_login(world.applicant)
    accept(client, offer)
    after_first = unchanged(world)
    assert after_first[0] == 1
    client.force_login(world.colleague)
    response = accept(client, offer, name="Carl Colleague", role="Treasurer")
    assert response.status_code == 302
    with pytest.raises(ValidationError, match="accepted once"):
        letters.offer_accept(
            letter=offer,
            by=world.colleague,
            name="Carl Colleague",
            role="Treasurer",
            terms_sha256=offer.terms_sha256,
        )
    assert unchanged(world) == after_first
    assert OfferAcceptance.objects.get().name == "Ann Applicant"


def test_an_unsent_offer_is_not_there_to_accept(world, officer, client):
    letters.letters_prepare(grant_round=world.grant_round, by=officer)
    offer = Letter.objects.get(kind=LetterKind.OFFER)
    before = unchanged(world)
    client.force_login(world.applicant)
    assert client.get(f"/apply/letters/{offer.pk}/").status_code == 404
    assert f"/apply/letters/{offer.pk}/" not in client.get("/apply/").content.decode()
    assert accept(client, offer).status_code == 404
    with pytest.raises(ValidationError, match="not been sent"):
        letters.offer_accept(
            letter=offer,
            by=world.applicant,
            name="Ann",
            role="Chair",
            terms_sha256=offer.terms_sha256,
        )
    assert unchanged(world) == before


def test_an_outcome_letter_is_not_accepted(world, offer, client):
    before = unchanged(world)
    with pytest.raises(ValidationError, match="Only an offer letter"):
        letters.offer_accept(
            letter=world.outcome,
            by=world.other_applicant,
            name="Olga",
            role="Chair",
            terms_sha256="",
        )
    client.force_login(world.other_applicant)
    response = client.post(f"/apply/letters/{world.outcome.pk}/", {"name": "Olga"})
    assert response.status_code == 302
    assert unchanged(world) == before


# The open data: a round's grant carries the round as its programme -------------------


def test_a_round_s_grant_carries_the_round_as_its_programme_in_the_open_data(
    officer, stream, theme, cfo, people, advance, client
):
    from tests.reports.data_quality import additional_fields, schema_errors

    world = decided_round(officer, stream, theme, cfo, approve=False)
    decision = decision_services.decision_create(
        by=officer,
        lead_officer=officer,
        title="Community Grant awards",
        executive_summary="The Review Panel recommended the awards.",
        decision="Agree the awards of the round.",
        lines=[("Domestic abuse helpline", AWARD)],
        allocations=[world.allocation],
    )
    advance(decision, "published")
    assert Allocation.objects.get(pk=world.allocation.pk).status == "approved"

    package = client.get("/open-data/grants.json").json()
    assert schema_errors(package) == {}
    assert additional_fields(package) == []
    (grant,) = package["grants"]
    programme = {"code": world.grant_round.slug, "title": world.grant_round.name}
    assert grant["grantProgramme"] == [programme]
    rows = list(csv.DictReader(io.StringIO(client.get("/open-data/grants.csv").content.decode())))
    assert [(r["Grant Programme:Code"], r["Grant Programme:Title"]) for r in rows] == [
        (programme["code"], programme["title"])
    ]
    assert date.fromisoformat(grant["plannedDates"][0]["startDate"]) == PERIOD[0]
