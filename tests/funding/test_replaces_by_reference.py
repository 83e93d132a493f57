"""The allocation an allocation replaces is given by its reference in a box: the
form's page stays the same size however many allocations there are."""

import pytest

from funding.forms import (
    REPLACES_ITSELF,
    REPLACES_NOT_A_REFERENCE,
    REPLACES_NOT_FOUND,
    AllocationForm,
)
from funding.models import Allocation

from ..factories import AllocationFactory, FinancialYearFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stream(db):
    return FundingStreamFactory(
        financial_year=FinancialYearFactory(start_year=2016), name="Victims", budget=10**6
    )


def propose(client, stream, replaces: str):
    return client.post(
        "/funding/allocations/new/",
        {
            "funding_stream": stream.pk,
            "title": "Peer mentors, extended",
            "amount": "9,400",
            "recipient_name": "",
            "replaces": replaces,
        },
    )


@pytest.mark.parametrize("typed", ["A{pk:06d}", "a{pk}", " {pk} "])
def test_a_new_allocation_replaces_the_one_its_reference_names(officer_client, stream, typed):
    old = AllocationFactory(funding_stream=stream)
    response = propose(officer_client, stream, typed.format(pk=old.pk))
    assert response.status_code == 302
    assert Allocation.objects.get(title="Peer mentors, extended").replaces == old


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("A999999", REPLACES_NOT_FOUND.format(reference="A999999")),
        ("mentors", REPLACES_NOT_A_REFERENCE),
    ],
)
def test_a_reference_that_names_no_allocation_is_refused_on_the_field(
    officer_client, stream, typed, message
):
    response = propose(officer_client, stream, typed)
    assert response.status_code == 200
    assert response.context["form"].errors["replaces"] == [message]
    assert not Allocation.objects.filter(title="Peer mentors, extended").exists()


def test_an_allocation_cannot_be_edited_to_replace_itself(officer_client, stream):
    allocation = AllocationFactory(funding_stream=stream, title="Refuge")
    response = officer_client.post(
        f"/funding/allocations/{allocation.pk}/edit/",
        {
            "funding_stream": stream.pk,
            "title": "Refuge",
            "amount": "1,000",
            "recipient_name": "",
            "replaces": allocation.reference,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["replaces"] == [REPLACES_ITSELF]
    allocation.refresh_from_db()
    assert allocation.replaces is None


def test_the_form_shows_the_reference_of_the_allocation_a_variation_replaces(stream):
    old = AllocationFactory(funding_stream=stream)
    # A variation's form starts with the key of the allocation it replaces.
    box = str(AllocationForm(initial={"replaces": old.pk})["replaces"])
    assert f'value="{old.reference}"' in box
    edited = AllocationFactory(funding_stream=stream, replaces=old)
    assert f'value="{old.reference}"' in str(AllocationForm(instance=edited)["replaces"])


def test_the_forms_page_does_not_grow_with_the_number_of_allocations(officer_client, stream):
    AllocationFactory(funding_stream=stream, title="Allocation 0")
    editing = AllocationFactory(funding_stream=stream, title="Edited")
    few = len(officer_client.get("/funding/allocations/new/").content)
    few_edit = len(officer_client.get(f"/funding/allocations/{editing.pk}/edit/").content)
    AllocationFactory.create_batch(200, funding_stream=stream, title="A title listed nowhere")
    new_page = officer_client.get("/funding/allocations/new/").content
    edit_page = officer_client.get(f"/funding/allocations/{editing.pk}/edit/").content
    assert b"A title listed nowhere" not in new_page
    # The CSRF token and the references of new keys differ by a few characters at most.
    assert abs(len(new_page) - few) < 100
    assert abs(len(edit_page) - few_edit) < 100
