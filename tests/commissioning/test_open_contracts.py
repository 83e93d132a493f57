"""The public contracts register: every agreement over £10,000, to anyone."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from commissioning.models import Agreement

from ..factories import ProviderFactory

pytestmark = pytest.mark.django_db


def agreement(reference, value, provider):
    return Agreement.objects.create(
        reference=reference,
        provider=provider,
        title=f"Service {reference}",
        total_value=Decimal(value),
        start_date=date(2024, 4, 1),
        end_date=date(2025, 3, 31),
    )


def test_anyone_downloads_the_contracts_over_10000_and_none_below(client, organisation):
    provider = ProviderFactory(name="Harbour <Women's> Aid")
    agreement("CON-1", "10000.01", provider)
    agreement("CON-2", "10000.00", provider)
    agreement("CON-4", "250000", provider)

    response = client.get("/open-data/contracts.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["reference"], row["value"]) for row in rows] == [
        ("CON-1", "10000.01"),
        ("CON-4", "250000.00"),
    ]
    assert rows[0]["supplier"] == "Harbour <Women's> Aid"
