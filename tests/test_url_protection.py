"""Every view needs a signed-in user unless it is on the public allow-list."""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path

from .url_walker import iter_endpoints, unprotected_endpoints

pytestmark = pytest.mark.django_db

# The views an anonymous visitor may reach. Adding to this list is a decision
# to publish something: say why in the review.
PUBLIC_VIEWS = {
    "home",  # the public landing page (the dashboard once signed in)
    "health",  # load balancer probe; reveals nothing but "ok"
    "login",
    "logout",
    "admin:login",  # the admin's own sign-in page
    "admin:logout",
    "register:list",  # the public decision register
    "register:detail",  # a published record
    "register:pdf",  # its published PDF
    "register:verify",  # anyone may check a PDF against the register (nothing is kept)
    "register:expected",  # the forward plan: what staff flagged for the public
    "open_data_decisions",
    "grants_register",  # grants awarded under published decisions
    "open_data_grants_json",
    "open_data_grants_csv",
    "open_data_contracts_csv",  # contracts over £10,000, as the law asks
    # the Specified Information Order's lists, and each contract's copy once published
    "transparency",
    "transparency_grants_csv",
    "transparency_contracts_over_csv",
    "transparency_contracts_under_csv",
    "transparency_decisions_csv",
    "transparency_contract_document",
    # grant rounds open and to come, and the way in for applicants
    "grants_public:rounds",
    "grants_public:round",
    "grants_public:register",
    "grants_public:register_sent",
    "grants_public:verify",
    "grants_public:send_link_again",
    # Grant rounds, part 2: the link that lets a new reviewer set a password (Django's
    # password-reset token: it works once, and shows nothing without a valid one)
    "grants_review:welcome",
}


def test_every_view_not_on_the_public_list_redirects_anonymous_visitors_to_sign_in(client):
    problems = unprotected_endpoints(client, PUBLIC_VIEWS)
    assert problems == [], "Views reachable without signing in:\n" + "\n".join(problems)


def test_the_walk_reaches_every_area_of_the_site():
    names = {endpoint.name for endpoint in iter_endpoints()}
    assert {"home", "health", "password_change", "admin:index"} <= names
    assert len(names) > 20  # the admin alone brings dozens


def test_public_allow_list_names_only_views_that_exist():
    names = {endpoint.name for endpoint in iter_endpoints()}
    assert names >= PUBLIC_VIEWS


@login_not_required
def _forgot_protection(request):
    return HttpResponse("internal figures")


def _unprotected_by_mistake(request):
    return HttpResponse("internal figures")


urlpatterns = [
    path("", include("pcc_grants.urls")),
    path("leaky/", _forgot_protection, name="leaky"),
    path("guarded/<int:pk>/", _unprotected_by_mistake, name="guarded"),
]


@override_settings(ROOT_URLCONF=__name__)
def test_a_view_opted_out_of_login_without_being_listed_public_is_reported(client):
    problems = unprotected_endpoints(client, PUBLIC_VIEWS, urlconf=__name__)
    assert problems == ["leaky (/leaky/) answered 200"]
