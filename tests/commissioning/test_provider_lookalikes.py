"""The provider form, like the allocation form, asks before it records a provider
under a name that looks like one already recorded."""

import pytest

from commissioning import services
from commissioning.models import Provider

pytestmark = pytest.mark.django_db

NEW = "/commissioning/providers/new/"


def post(client, url=NEW, **fields):
    data = {
        "provider_type": "csp",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        **fields,
    }
    return client.post(url, data)


@pytest.fixture
def partnership(db):
    return services.provider_create(by=None, name="Safe Durham Partnership")


@pytest.mark.parametrize(
    "name",
    ["Safe Durham Partnershp", "Safe Durham Partnership".replace("a", "\u0430")],
)
def test_a_lookalike_name_is_not_recorded_until_said_to_be_different(
    officer_client, partnership, name
):
    response = post(officer_client, name=name)
    assert response.status_code == 200
    assert "looks like “Safe Durham Partnership”, already recorded" in response.text
    assert 'href="#id_different"' in response.text
    assert Provider.objects.count() == 1

    response = post(officer_client, name=name, different="on", name_checked=name)
    assert response.status_code == 302
    assert Provider.objects.count() == 2


def test_saying_different_for_another_name_is_asked_again(officer_client, partnership):
    response = post(
        officer_client, name="Safe Durham Partnershp", different="on", name_checked="Other"
    )
    assert "already recorded" in response.text
    assert Provider.objects.count() == 1


def test_renaming_to_a_lookalike_asks_too_but_keeping_the_name_does_not(
    officer_client, partnership
):
    other = services.provider_create(by=None, name="Durham County Council")
    edit = f"/commissioning/providers/{other.pk}/edit/"
    response = post(officer_client, edit, name="Safe Durham Partnershp")
    assert "already recorded" in response.text
    other.refresh_from_db()
    assert other.name == "Durham County Council"
    response = post(officer_client, edit, name="Durham County Council", postcode="DH1 5UL")
    assert response.status_code == 302


def test_a_name_like_no_other_is_recorded_at_once(officer_client, partnership):
    assert post(officer_client, name="Harbour Refuge").status_code == 302
    assert Provider.objects.filter(name="Harbour Refuge").exists()
