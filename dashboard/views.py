from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from commissioning.permissions import can_view_commissioning
from commissioning.selectors import overdue_returns
from decisions.tasks import tasks_for
from funding.permissions import can_view_position
from funding.selectors import current_financial_year, funding_position
from grants.selectors_public import moment_words, rounds_open
from pcc_grants.pagination import page_of
from pcc_grants.roles import Role, user_roles


@login_not_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The staff dashboard for a signed-in user; the body's public home page otherwise."""
    if not request.user.is_authenticated:
        return render(
            request,
            "dashboard/landing.html",
            {
                "transparency_url": _url_or_none("transparency"),
                "open_rounds": [
                    {
                        "name": grant_round.name,
                        "url": grant_round.get_public_url(),
                        "closes": moment_words(grant_round.closes_at),
                    }
                    for grant_round in rounds_open()
                ],
            },
        )
    roles = user_roles(request.user)
    if roles == {Role.APPLICANT}:
        # An applicant's home is their own applications, never the staff dashboard.
        return redirect("grants_apply:account")
    if roles == {Role.REVIEWER}:
        # A reviewer's home is the reviews assigned to them.
        return redirect("grants_review:reviews")
    year = current_financial_year() if can_view_position(request.user) else None
    overdue, overdue_count = None, 0
    if can_view_commissioning(request.user):
        returns = overdue_returns(today=timezone.localdate())
        overdue_count = returns.count()
        overdue = page_of(returns, 1, 10, count=overdue_count).object_list
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "roles": roles,
            "position": funding_position(year=year) if year else None,
            "tasks": tasks_for(request.user),
            "overdue": list(overdue) if overdue is not None else None,
            "overdue_count": overdue_count,
        },
    )


def _url_or_none(name: str) -> str | None:
    """The address of the URL name ``name``, or None while no app serves it: the home
    page links to a public page only once it exists."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None
