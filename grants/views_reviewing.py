"""Staff pages of a round's review: the reviewers, assigning them to a round by theme or
to one application, replacing a conflicted one, and reopening a submitted review.

Every staff role reads them; only the Officer and the Chief Finance Officer change
anything (the services check too). Panel members, reviewers and applicants are
refused every one of them.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from funding.models import PlanTheme
from pcc_grants.forms import add_service_errors
from pcc_grants.permissions import holds, require, role_required
from pcc_grants.roles import EDITORS, STAFF_ROLES

from . import ranking, reviewing
from .forms_review import (
    AssignApplicationForm,
    AssignRoundForm,
    ExternalReviewerForm,
    ReopenForm,
    StaffReviewerForm,
)
from .models import Application, GrantRound, Review, Reviewer, ReviewStatus

staff_only = role_required(*STAFF_ROLES)


def can_manage_reviewers(user):
    return holds(user, EDITORS, "add and assign reviewers")


def _round(pk: int) -> GrantRound:
    return get_object_or_404(GrantRound.objects.select_related("funding_stream"), pk=pk)


def _round_page_url(grant_round: GrantRound) -> str:
    return reverse("grants:round_reviewers", args=[grant_round.pk])


# Reviewers ------------------------------------------------------------------------------


@require_safe
@staff_only
def reviewers(request: HttpRequest) -> HttpResponse:
    found = Reviewer.objects.select_related("user").annotate(
        review_count=Count("reviews", distinct=True)
    )
    return render(
        request,
        "grants/staff/reviewers.html",
        {"reviewers": list(found), "can_manage": can_manage_reviewers(request.user)},
    )


@staff_only
def reviewer_new(request: HttpRequest) -> HttpResponse:
    require(can_manage_reviewers(request.user))
    form = ExternalReviewerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reviewer = reviewing.reviewer_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{reviewer} is a reviewer: they are e-mailed a link.")
            return redirect("grants:reviewers")
    return render(
        request,
        "grants/staff/reviewer_form.html",
        {"form": form, "heading": "Add an external reviewer"},
    )


@staff_only
def reviewer_staff(request: HttpRequest) -> HttpResponse:
    require(can_manage_reviewers(request.user))
    form = StaffReviewerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reviewer = reviewing.reviewer_for_staff(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{reviewer} is a reviewer.")
            return redirect("grants:reviewers")
    return render(
        request,
        "grants/staff/reviewer_form.html",
        {"form": form, "heading": "Add a member of staff as a reviewer"},
    )


# A round's reviewers --------------------------------------------------------------------


def _themes(grant_round: GrantRound) -> list:
    ids = ranking.eligible_applications(grant_round).values("theme")
    return list(PlanTheme.objects.filter(pk__in=ids).order_by("name"))


@require_safe
@staff_only
def round_reviewers(request: HttpRequest, pk: int) -> HttpResponse:
    grant_round = _round(pk)
    applications = (
        ranking.eligible_applications(grant_round)
        .select_related("organisation", "theme")
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related("reviewer__user").order_by(
                    "assigned_at", "pk"
                ),
            )
        )
        .order_by("reference", "pk")
    )
    rows = []
    for application in applications:
        reviews = list(application.reviews.all())
        rows.append(
            {
                "application": application,
                "reviews": reviews,
                "needs_replacement": any(r.status == ReviewStatus.CONFLICTED for r in reviews),
            }
        )
    themes = _themes(grant_round)
    return render(
        request,
        "grants/staff/round_reviewers.html",
        {
            "round": grant_round,
            "rows": rows,
            "assignments": list(
                grant_round.reviewer_assignments.select_related("reviewer__user", "theme")
            ),
            "can_manage": can_manage_reviewers(request.user),
            "assign_form": AssignRoundForm(themes=themes),
            # Read once: a select per row would ask for the reviewers on every row.
            "reviewer_choices": [(r.pk, str(r)) for r in Reviewer.objects.select_related("user")],
            "reopen_form": ReopenForm(),
        },
    )


@require_POST
@staff_only
def round_assign(request: HttpRequest, pk: int) -> HttpResponse:
    grant_round = _round(pk)
    require(can_manage_reviewers(request.user))
    form = AssignRoundForm(request.POST, themes=_themes(grant_round))
    if not form.is_valid():
        for field, errors in form.errors.items():
            for message in errors:
                messages.error(request, f"{form.fields[field].label or field}: {message}")
        return redirect(_round_page_url(grant_round))
    reviewer = form.cleaned_data["reviewer"]
    try:
        reviews, refused = reviewing.assign_round(
            grant_round=grant_round,
            reviewer=reviewer,
            theme=form.cleaned_data["theme"],
            by=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        count = len(reviews)
        noun = "application" if count == 1 else "applications"
        messages.success(request, f"{reviewer} is assigned {count} {noun}.")
        for message in refused:
            messages.warning(request, message)
    return redirect(_round_page_url(grant_round))


@require_POST
@staff_only
def application_assign(request: HttpRequest, pk: int) -> HttpResponse:
    grant_round = _round(pk)
    require(can_manage_reviewers(request.user))
    form = AssignApplicationForm(request.POST)
    if form.is_valid():
        application = get_object_or_404(
            Application, pk=form.cleaned_data["application"], grant_round=grant_round
        )
        try:
            review = reviewing.assign_application(
                application=application, reviewer=form.cleaned_data["reviewer"], by=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, f"{application.reference}: {message}")
        else:
            messages.success(request, f"{review.reviewer} is assigned {application.reference}.")
    else:
        messages.error(request, "Choose a reviewer.")
    return redirect(_round_page_url(grant_round))


@require_POST
@staff_only
def review_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(
        Review.objects.select_related("application__grant_round", "reviewer__user"), pk=pk
    )
    require(can_manage_reviewers(request.user))
    form = ReopenForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        reviewing.review_reopen(review=review, by=request.user, reason=reason)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"Reopen {review.application.reference}: {message}")
    else:
        messages.success(
            request, f"{review.reviewer}'s review of {review.application.reference} is reopened."
        )
    return redirect(_round_page_url(review.application.grant_round))
