"""The public pages of grant rounds (no sign-in): the rounds open and to come, and
each round with what it funds, how it is scored and how to apply."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from decisions import clock
from pcc_grants.roles import Role, has_role

from . import selectors_public as selectors


def _with_dates(grant_round, now):
    grant_round.opens_words = selectors.moment_words(grant_round.opens_at)
    grant_round.closes_words = selectors.moment_words(grant_round.closes_at)
    grant_round.closed_on = selectors.day_and_time_words(grant_round.closes_at)
    grant_round.is_open_now = selectors.is_open(grant_round, now)
    grant_round.is_upcoming = selectors.is_upcoming(grant_round, now)
    grant_round.is_closed = selectors.is_closed(grant_round, now)
    grant_round.past_closing = bool(grant_round.closes_at and grant_round.closes_at <= now)
    return grant_round


@login_not_required
@require_safe
def round_list(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    return render(
        request,
        "grants/public/round_list.html",
        {
            "open_rounds": [_with_dates(r, now) for r in selectors.rounds_open(now)],
            "upcoming_rounds": [_with_dates(r, now) for r in selectors.rounds_upcoming(now)],
        },
    )


@login_not_required
@require_safe
def round_detail(request: HttpRequest, slug: str) -> HttpResponse:
    grant_round = selectors.public_round(slug)
    if grant_round is None:
        raise Http404("No grant round is published at this address.")
    _with_dates(grant_round, clock.now())
    start_url = reverse("grants_apply:start", args=[grant_round.slug])
    return render(
        request,
        "grants/public/round_detail.html",
        {
            "round": grant_round,
            "start_url": start_url,
            "sign_in_url": reverse("login") + "?" + urlencode({"next": start_url}),
            "is_applicant": has_role(request.user, Role.APPLICANT),
        },
    )
