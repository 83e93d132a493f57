from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .roles import user_roles


@login_not_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The staff dashboard for a signed-in user; the public landing page otherwise."""
    if not request.user.is_authenticated:
        return render(request, "pcc_grants/landing.html")
    from django.utils import timezone

    from commissioning.permissions import can_view_commissioning
    from commissioning.selectors import overdue_returns
    from decisions.tasks import tasks_for
    from funding.permissions import can_view_position
    from funding.selectors import current_financial_year, funding_position

    from .pagination import page_of

    year = current_financial_year() if can_view_position(request.user) else None
    overdue, overdue_count = None, 0
    if can_view_commissioning(request.user):
        returns = overdue_returns(today=timezone.localdate())
        overdue_count = returns.count()
        overdue = page_of(returns, 1, 10, count=overdue_count).object_list
    return render(
        request,
        "pcc_grants/dashboard.html",
        {
            "roles": user_roles(request.user),
            "position": funding_position(year=year) if year else None,
            "tasks": tasks_for(request.user),
            "overdue": list(overdue) if overdue is not None else None,
            "overdue_count": overdue_count,
        },
    )


@login_not_required
@never_cache
@require_safe
@transaction.non_atomic_requests
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    reason = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """A request Django could not accept (too large, malformed): say so in the layout."""
    return render(request, "400.html", status=400)
