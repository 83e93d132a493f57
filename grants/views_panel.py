"""The Review Panel's pages: a round's panel (the meeting, the ranking with each
recommendation, the total against the budget), the meeting's form, an application's
recommendation and interests, and drafting the Decision Record from them.

Every staff role reads the panel page; only the Officer and the Chief Finance Officer
record the panel's work, while the round is in review and before the decision is
drafted (the services check too). Panel members, reviewers and applicants are refused.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from pcc_grants.forms import add_service_errors
from pcc_grants.permissions import Permission, holds, require, role_required
from pcc_grants.roles import EDITORS, STAFF_ROLES

from . import awarding, panel, ranking, selectors
from .forms_panel import (
    InterestForm,
    MeetingForm,
    MemberFormSet,
    RecommendationForm,
    saved_members,
)
from .models import GrantRound, PanelInterest, PanelRecommendation

staff_only = role_required(*STAFF_ROLES)
ADD_ROW = "add_row"
NO_MEETING = "Record the panel's meeting first: the date and the members present."


def can_record_panel(user, grant_round: GrantRound) -> Permission:
    allowed = holds(user, EDITORS, "record the Review Panel's work")
    if not allowed:
        return allowed
    reason = panel.why_closed(grant_round)
    return Permission(False, reason) if reason else Permission(True)


def _round(pk: int) -> GrantRound:
    return get_object_or_404(
        GrantRound.objects.select_related("funding_stream__financial_year", "decision"), pk=pk
    )


def _panel_url(grant_round: GrantRound) -> str:
    return reverse("grants:panel", args=[grant_round.pk])


def _meeting(grant_round: GrantRound):
    return grant_round.panel_meetings.prefetch_related("members").first()


def _interests(grant_round: GrantRound) -> dict[int, list[PanelInterest]]:
    found: dict[int, list[PanelInterest]] = {}
    for interest in (
        PanelInterest.objects.filter(application__grant_round=grant_round)
        .select_related("member", "application")
        .order_by("member__position", "pk")
    ):
        found.setdefault(interest.application_id, []).append(interest)
    return found


@require_safe
@staff_only
def round_panel(request: HttpRequest, pk: int) -> HttpResponse:
    grant_round = _round(pk)
    ranked = ranking.rank(grant_round)
    recommendations = {
        rec.application_id: rec
        for rec in PanelRecommendation.objects.filter(application__grant_round=grant_round)
    }
    interests = _interests(grant_round)
    rows = [
        (row, recommendations.get(row.application_id), interests.get(row.application_id, []))
        for row in ranked.all_rows
    ]
    ranked_ids = {row.application_id for row in ranked.rows}
    awarded = sum(
        (
            rec.amount
            for application_id, rec in recommendations.items()
            if rec.awards and application_id in ranked_ids
        ),
        Decimal("0"),
    )
    missing = [row for row in ranked.rows if row.application_id not in recommendations]
    may_record = can_record_panel(request.user, grant_round)
    meeting = _meeting(grant_round)
    by_member: dict[int, list[PanelInterest]] = {}
    for found in interests.values():
        for interest in found:
            by_member.setdefault(interest.member_id, []).append(interest)
    return render(
        request,
        "grants/panel/round_panel.html",
        {
            "round": grant_round,
            "meeting": meeting,
            "members": [(member, by_member.get(member.pk, [])) for member in meeting.members.all()]
            if meeting
            else [],
            "rows": rows,
            "awarded": awarded,
            "over_budget": awarded > grant_round.budget,
            "left": grant_round.budget - awarded,
            "over_by": awarded - grant_round.budget,
            "missing": missing,
            "may_record": may_record,
            "may_draft": may_record and meeting is not None,
        },
    )


def _member_rows(posted, meeting) -> MemberFormSet:
    initial = saved_members(meeting) if posted is None and meeting is not None else None
    return MemberFormSet(posted, prefix="members", initial=initial)


def _with_a_row_added(posted) -> tuple[MeetingForm, MemberFormSet]:
    """The page again with what was typed, nothing saved, and one more member row."""
    form = MeetingForm(initial=posted.dict())
    bound = MemberFormSet(posted, prefix="members")
    rows = bound.typed()
    kept = [f for f in bound.forms if not f["DELETE"].value()]
    rows += [{}] * (len(kept) - len(rows))
    return form, MemberFormSet(initial=rows, prefix="members")


@staff_only
def panel_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    grant_round = _round(pk)
    require(can_record_panel(request.user, grant_round))
    meeting = _meeting(grant_round)
    posted = request.POST if request.method == "POST" else None
    if posted is not None and posted.get(ADD_ROW):
        form, members = _with_a_row_added(posted)
    else:
        initial = {}
        if meeting is not None:
            initial = {
                "held_on": meeting.held_on,
                "location": meeting.location,
                "notes": meeting.notes,
            }
        form = MeetingForm(posted, initial=initial)
        members = _member_rows(posted, meeting)
        if posted is not None and all([form.is_valid(), members.is_valid()]):
            fields = {**form.cleaned_data, "members": members.rows(), "by": request.user}
            try:
                if meeting is None:
                    panel.panel_meeting_create(grant_round=grant_round, **fields)
                else:
                    panel.panel_meeting_update(meeting=meeting, **fields)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "The Review Panel's meeting is saved.")
                return redirect(_panel_url(grant_round))
    return render(
        request,
        "grants/panel/meeting_form.html",
        {
            "round": grant_round,
            "meeting": meeting,
            "form": form,
            "members": members,
            "formsets": [members],
            "has_row_errors": members.is_bound and bool(members.total_error_count()),
        },
    )


def _application(pk: int):
    application = selectors.application_for_staff(pk)
    if application is None:
        raise Http404("No such application.")
    return application


def _recommendable(request: HttpRequest, pk: int):
    """The application, its round's meeting and its row of the ranking; refused unless
    the user may record the panel's work on it now."""
    application = _application(pk)
    grant_round = _round(application.grant_round_id)
    require(can_record_panel(request.user, grant_round))
    meeting = _meeting(grant_round)
    if meeting is None:
        raise PermissionDenied(NO_MEETING)
    row = next(
        (r for r in ranking.rank(grant_round).rows if r.application_id == application.pk), None
    )
    if row is None:
        raise PermissionDenied(panel.NOT_RANKED.format(reference=application.reference))
    return application, grant_round, meeting, row


def _recommend_page(request, application, grant_round, meeting, row, **forms) -> HttpResponse:
    recommendation = PanelRecommendation.objects.filter(application=application).first()
    if "form" not in forms:
        initial = {}
        if recommendation is not None:
            initial = {
                "outcome": recommendation.outcome,
                "amount": recommendation.amount if recommendation.outcome != "award" else None,
                "conditions": recommendation.conditions,
                "reasons": recommendation.reasons,
            }
        forms["form"] = RecommendationForm(initial=initial)
    forms.setdefault("interest_form", InterestForm(meeting=meeting))
    return render(
        request,
        "grants/panel/recommend.html",
        {
            "round": grant_round,
            "application": application,
            "meeting": meeting,
            "row": row,
            "recommendation": recommendation,
            "interests": _interests(grant_round).get(application.pk, []),
            **forms,
        },
    )


@staff_only
def panel_recommend(request: HttpRequest, pk: int) -> HttpResponse:
    application, grant_round, meeting, row = _recommendable(request, pk)
    if request.method != "POST":
        return _recommend_page(request, application, grant_round, meeting, row)
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            panel.panel_recommend(
                meeting=meeting, application=application, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The panel's recommendation on {row.reference} is saved.")
            return redirect(_panel_url(grant_round))
    return _recommend_page(request, application, grant_round, meeting, row, form=form)


@require_POST
@staff_only
def panel_interest(request: HttpRequest, pk: int) -> HttpResponse:
    application, grant_round, meeting, row = _recommendable(request, pk)
    form = InterestForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            panel.panel_interest_declare(
                member=form.cleaned_data["member"],
                application=application,
                nature=form.cleaned_data["nature"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            name = form.cleaned_data["member"].name
            messages.success(
                request, f"{name} takes no part in the recommendation on {row.reference}."
            )
            return redirect("grants:panel_recommend", pk=application.pk)
    return _recommend_page(request, application, grant_round, meeting, row, interest_form=form)


@require_POST
@staff_only
def panel_decision(request: HttpRequest, pk: int) -> HttpResponse:
    grant_round = _round(pk)
    require(holds(request.user, EDITORS, "draft a round's decision"))
    try:
        decision = awarding.decision_draft_from_panel(grant_round=grant_round, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"Draft the decision record: {message}")
        return redirect(_panel_url(grant_round))
    messages.success(request, "The decision record is drafted from the panel's recommendations.")
    return redirect(decision.get_absolute_url())
