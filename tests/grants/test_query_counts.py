"""The round page and its export ask the database the same number of questions
however many applications the round holds (acceptance point 3 of issue 17)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.grants.staff_data import submitted_applications

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content


@pytest.fixture
def staff_client(client, officer):
    client.force_login(officer)
    return client


def test_the_round_page_asks_as_many_queries_at_1000_applications_as_at_10(
    staff_client, open_round, officer
):
    url = open_round.get_absolute_url()
    submitted_applications(open_round, officer, ["1000"] * 10)
    staff_client.get(url)  # what a first request reads once (the session, the user)
    at_ten, page = _queries(staff_client, url)
    assert b"10 submitted" in page

    submitted_applications(open_round, officer, ["1000"] * 990, start=11)
    at_thousand, page = _queries(staff_client, url)
    assert b"1000 submitted" in page
    assert b"Requests total \xc2\xa31,000,000: 20.0 times the fund of \xc2\xa350,000" in page
    assert b"Page 1 of 20" in page
    assert at_thousand == at_ten


def test_the_export_asks_as_many_queries_at_100_applications_as_at_10(
    staff_client, open_round, officer
):
    url = reverse("grants:round_export", args=[open_round.pk, "csv"])
    submitted_applications(open_round, officer, ["1000"] * 10)
    staff_client.get(url)
    at_ten, content = _queries(staff_client, url)
    assert content.count(b"\n") == 11

    submitted_applications(open_round, officer, ["1000"] * 90, start=11)
    at_hundred, content = _queries(staff_client, url)
    assert content.count(b"\n") == 101
    assert at_hundred == at_ten
