from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_health_answers_ok_without_signing_in(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_answers_503_when_the_database_does_not(client):
    with mock.patch(
        "pcc_grants.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
