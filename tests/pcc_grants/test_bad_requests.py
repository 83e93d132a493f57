"""Query strings and bodies from anyone: never an error page, always a plain answer."""

import pytest
from django.test import override_settings

from pcc_grants.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/staff/decisions/?year=²",
        "/staff/decisions/?year=99999",
        "/staff/decisions/?lead_officer=²",
        "/staff/decisions/?lead_officer=99999999999999999999999",
        "/staff/decisions/?q=a%00b",
        "/commissioning/providers/?q=a%00b",
        "/commissioning/agreements/?q=a%00b",
        "/commissioning/agreements/new/?provider=²",
        "/funding/allocations/new/?stream=99999999999999999999999",
        "/decisions/?q=a%00b",
        "/decisions/?year=²",
        "/decisions/?year=0",
    ],
)
def test_odd_query_strings_are_ignored_not_errors(client, make_user, url):
    client.force_login(make_user(Role.OFFICER, Role.CHIEF_FINANCE_OFFICER))
    assert client.get(url).status_code == 200


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_limit_gets_a_page_that_says_so(client, people, draft):
    client.force_login(people["cfo"])
    response = client.post(f"/staff/decisions/{draft.pk}/comment/financial/", {"text": "x" * 2000})
    assert response.status_code == 400
    assert "The request could not be read" in response.content.decode()
    assert draft.comments.count() == 0


def test_a_comment_refused_by_the_form_says_why(client, people, draft):
    client.force_login(people["cfo"])
    response = client.post(
        f"/staff/decisions/{draft.pk}/comment/financial/", {"text": "x" * 50_001}, follow=True
    )
    page = response.content.decode()
    assert "The comment was not saved: Keep this to at most 50,000 characters" in page
    assert draft.comments.count() == 0
