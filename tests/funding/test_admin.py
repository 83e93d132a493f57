from decimal import Decimal

import pytest

from funding.models import Allocation, AllocationStatus
from pcc_grants.roles import Role

from ..factories import AllocationFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    return client


def test_admin_cannot_edit_an_allocation_directly(admin_client):
    allocation = AllocationFactory(amount=Decimal("100"))
    url = f"/admin/funding/allocation/{allocation.pk}/change/"
    response = admin_client.post(url, {"amount": "999999", "status": "approved"})
    assert response.status_code == 403
    allocation.refresh_from_db()
    assert (allocation.amount, allocation.status) == (Decimal("100.00"), "proposed")


def test_admin_has_no_approve_action_and_the_budget_rule_holds_on_the_page(
    admin_client, client, make_user
):
    """The admin no longer approves (money is committed by a decision or a direct
    approval the settings allow); the budget rule is met where approval happens."""
    stream = FundingStreamFactory(name="Restorative Justice", budget=Decimal("1000"))
    fits = AllocationFactory(funding_stream=stream, amount=Decimal("800"), title="Fits")
    too_much = AllocationFactory(funding_stream=stream, amount=Decimal("300"), title="Too much")
    response = admin_client.post(
        "/admin/funding/allocation/",
        {"action": "approve", "_selected_action": [fits.pk, too_much.pk]},
        follow=True,
    )
    assert "No action selected." in response.text
    assert set(Allocation.objects.values_list("status", flat=True)) == {"proposed"}

    client.force_login(make_user(Role.CHIEF_FINANCE_OFFICER))
    client.post(f"/funding/allocations/{fits.pk}/approve/")
    response = client.post(f"/funding/allocations/{too_much.pk}/approve/", follow=True)
    assert "Restorative Justice cannot commit £1,100" in response.text
    assert set(Allocation.objects.values_list("title", "status")) == {
        ("Fits", AllocationStatus.APPROVED),
        ("Too much", AllocationStatus.PROPOSED),
    }
