"""Staff pages for grant rounds: setting them up, running them, screening applications.

Every staff role reads them; only the Officer and the Chief Finance Officer set up and
run rounds and screen (the services check too). Panel members, reviewers and
applicants are refused every one of them.
"""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from pcc_grants.downloads import download
from pcc_grants.forms import add_service_errors
from pcc_grants.pagination import page_of
from pcc_grants.permissions import Permission, holds, require, role_required
from pcc_grants.roles import EDITORS, STAFF_ROLES
from pcc_grants.uploads import document_response

from . import applicants, selectors, services, workflow
from .exports import application_rows
from .forms_running import ActionForm, ExtendForm, ScreeningForm
from .forms_staff import LISTS, GrantRoundForm, saved_rows
from .models import ApplicationStatus, GrantRound, JoinRequest, RoundStatus, Screening

staff_only = role_required(*STAFF_ROLES)
PAGE_SIZE = 50
EXPORT_FORMATS = {"csv", "xlsx"}
# What each step of a round's history says of it, in the past tense.
EVENT_WORDS = {
    "open": "Opened",
    "close": "Closed",
    "start_review": "Review started",
    "decide": "Decided",
    "cancel": "Cancelled",
    "extend": "Closing time extended",
}
SCREENING_FILTERS = {"eligible": "eligible", "ineligible": "ineligible", "not-screened": ""}


def can_run_rounds(user) -> Permission:
    return holds(user, EDITORS, "set up and run grant rounds")


def can_edit_round(user, grant_round: GrantRound) -> Permission:
    allowed = can_run_rounds(user)
    if not allowed:
        return allowed
    if grant_round.status != RoundStatus.DRAFT:
        status = grant_round.get_status_display().lower()
        return Permission(False, services.DRAFT_ONLY.format(status=status))
    return Permission(True)


def _round(pk: int) -> GrantRound:
    return get_object_or_404(
        GrantRound.objects.select_related("funding_stream__financial_year"), pk=pk
    )


# Rounds ---------------------------------------------------------------------------------


@require_safe
@staff_only
def round_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "grants/staff/round_list.html",
        {
            "rounds": list(selectors.rounds_for_staff()),
            "can_create": can_run_rounds(request.user),
        },
    )


@staff_only
def round_new(request: HttpRequest) -> HttpResponse:
    require(can_run_rounds(request.user))
    return _round_form(request, None)


@staff_only
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    grant_round = _round(pk)
    require(can_edit_round(request.user, grant_round))
    return _round_form(request, grant_round)


ADD_ROW = "add_row"
ALIASES = {"opens_at": "opens_on", "closes_at": "closes_on"}


def _formsets(posted, grant_round: GrantRound | None) -> dict:
    """Each list of the page as a formset: what was posted, or the saved rows."""
    formsets = {}
    for prefix, formset_class, _, related in LISTS:
        initial = None
        if posted is None and grant_round is not None:
            initial = saved_rows(grant_round, prefix, related)
        formsets[prefix] = formset_class(posted, prefix=prefix, initial=initial)
    return formsets


def _with_a_row_added(posted, added: str) -> tuple[GrantRoundForm, dict]:
    """The page again with what was typed and nothing saved (no message shown), and
    one more row in the list whose "Add" button was pressed: it works without
    JavaScript. Rows marked for removal are dropped."""
    form = GrantRoundForm(initial=posted.dict())
    form.initial["several_applications"] = "several_applications" in posted
    formsets = {}
    for prefix, formset_class, _, _ in LISTS:
        bound = formset_class(posted, prefix=prefix)
        kept = [f for f in bound.forms if not f["DELETE"].value()]
        rows = bound.typed()
        wanted = len(kept) if prefix == added else max(len(kept) - 1, len(rows))
        rows += [{}] * (wanted - len(rows))
        formsets[prefix] = formset_class(initial=rows, prefix=prefix)
    return form, formsets


def _typed_weights(formset) -> Decimal | None:
    total = Decimal("0")
    for row in formset.typed() if formset.is_bound else formset.initial or []:
        value = row.get("weight_percent")
        if value in (None, ""):
            continue
        try:
            weight = Decimal(str(value).strip().rstrip("%"))
        except InvalidOperation:
            return None
        # NaN, infinity or 1e999999999: no total to show (adding them overflows).
        if not weight.is_finite() or weight.adjusted() > 6:
            return None
        total += weight
    return total


def _round_form(request: HttpRequest, grant_round: GrantRound | None) -> HttpResponse:
    posted = request.POST if request.method == "POST" else None
    added = posted.get(ADD_ROW, "") if posted is not None else ""
    if added:
        form, formsets = _with_a_row_added(posted, added)
    else:
        form = GrantRoundForm(posted, grant_round=grant_round)
        formsets = _formsets(posted, grant_round)
    if posted is not None and not added:
        # Every list is checked, so that the page shows all its problems at once.
        checked = [form.is_valid()] + [formset.is_valid() for formset in formsets.values()]
        if all(checked):
            parts = {prefix: formset.rows() for prefix, formset in formsets.items()}
            try:
                if grant_round is None:
                    grant_round = services.round_create(
                        by=request.user, **form.round_fields(), **parts
                    )
                    done = "set up as a draft"
                else:
                    services.round_update(
                        grant_round=grant_round, by=request.user, **form.round_fields(), **parts
                    )
                    done = "saved"
            except ValidationError as error:
                add_service_errors(form, error, ALIASES)
            else:
                messages.success(request, f"“{form.cleaned_data['name']}” {done}.")
                return redirect(grant_round)
    lists = [
        (prefix, heading, formsets[prefix], formsets[prefix].form.noun.lower())
        for prefix, _, heading, _ in LISTS
    ]
    return render(
        request,
        "grants/staff/round_form.html",
        {
            "round": grant_round,
            "form": form,
            "lists": lists,
            "formsets": list(formsets.values()),
            "has_row_errors": any(
                formset.is_bound and formset.total_error_count() for formset in formsets.values()
            ),
            "weights": selectors.weights_summary(_typed_weights(formsets["criteria"])),
        },
    )


def _filters(request: HttpRequest) -> tuple[str, str | None, str]:
    """The table's status and screening filters, as asked; anything else is ignored."""
    status = request.GET.get("status", "")
    if status not in selectors.STAFF_STATUSES:
        status = ""
    screening_key = request.GET.get("screening", "")
    screening = SCREENING_FILTERS.get(screening_key)
    if screening is None:
        screening_key = ""
    query = "&".join(
        part
        for part in (
            f"status={status}" if status else "",
            f"screening={screening_key}" if screening_key else "",
        )
        if part
    )
    return status, screening, query if query else ""


@require_safe
@staff_only
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant_round = _round(pk)
    user = request.user
    status, screening, query = _filters(request)
    applications = selectors.round_applications(grant_round, status=status, screening=screening)
    summary = selectors.round_summary(grant_round)
    criteria = list(grant_round.criteria.all())
    # Unfiltered, the table holds what the summary counted already.
    count = None if query else summary.submitted + summary.withdrawn
    checks = [
        check
        for check in workflow.ROUND.available(grant_round, user)
        if check.transition.name in workflow.ROUND_ACTIONS
    ]
    return render(
        request,
        "grants/staff/round_detail.html",
        {
            "round": grant_round,
            "summary": summary,
            "money_left": workflow.money_left_for(grant_round),
            "weights": selectors.weights_summary(
                sum((c.weight_percent for c in criteria), Decimal("0"))
            ),
            "criteria": criteria,
            "events": [
                (event, EVENT_WORDS.get(event.action, event.label))
                for event in selectors.round_events(grant_round)
            ],
            "checks": checks,
            "can_edit": can_edit_round(user, grant_round),
            "can_run": can_run_rounds(user),
            "can_extend": can_run_rounds(user) and grant_round.status == RoundStatus.OPEN,
            "page": page_of(applications, request.GET.get("page"), PAGE_SIZE, count=count),
            "status": status,
            "screening": request.GET.get("screening", "") if screening is not None else "",
            "query": query,
            "statuses": [(s, ApplicationStatus(s).label) for s in selectors.STAFF_STATUSES],
            "screenings": [
                ("eligible", "Eligible"),
                ("ineligible", "Ineligible"),
                ("not-screened", "Not screened"),
            ],
        },
    )


@require_POST
@staff_only
def round_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in workflow.ROUND_ACTIONS:
        raise Http404("No such step.")
    grant_round = _round(pk)
    transition = workflow.ROUND[action]
    require(can_run_rounds(request.user))
    form = ActionForm(request.POST)
    reason = form.cleaned_data["reason"].strip() if form.is_valid() else ""
    if not form.is_valid():
        for message in form.errors.get("reason", []):
            messages.error(request, f"Comment: {message}")
        return redirect(grant_round)
    try:
        services.round_transition(
            grant_round=grant_round, by=request.user, action=action, reason=reason
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"{transition.label}: {message}")
    else:
        messages.success(request, f"{transition.label}: done.")
    return redirect(grant_round)


@staff_only
def round_extend(request: HttpRequest, pk: int) -> HttpResponse:
    grant_round = _round(pk)
    require(can_run_rounds(request.user))
    if grant_round.status != RoundStatus.OPEN:
        raise PermissionDenied("Only an open round's closing time can be extended.")
    form = ExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_extend(
                grant_round=grant_round,
                by=request.user,
                closes_at=form.cleaned_data["closes_at"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error, {"closes_at": "closes_on"})
        else:
            messages.success(request, "The closing time is extended; applicants are e-mailed.")
            return redirect(grant_round)
    return render(request, "grants/staff/round_extend.html", {"round": grant_round, "form": form})


@require_safe
@staff_only
def round_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    if file_format not in EXPORT_FORMATS:
        raise Http404("Choose CSV or XLSX.")
    grant_round = _round(pk)
    return download(
        application_rows(grant_round),
        filename=f"{grant_round.slug}-applications",
        file_format=file_format,
        title="Applications",
    )


# Applications ---------------------------------------------------------------------------


def _application(pk: int):
    application = selectors.application_for_staff(pk)
    if application is None:
        raise Http404("No such application.")
    return application


def _may_screen(user, application) -> Permission:
    allowed = can_run_rounds(user)
    if not allowed:
        return allowed
    if application.status != ApplicationStatus.SUBMITTED:
        return Permission(False, "Only a submitted application is screened.")
    if application.grant_round.status not in (RoundStatus.OPEN, RoundStatus.CLOSED):
        return Permission(False, "Screening ends when the review starts.")
    return Permission(True)


def _application_page(request, application, form=None, status=200) -> HttpResponse:
    content = application.content or {}
    sections: dict[str, list] = {}
    for answer in content.get("answers", []):
        sections.setdefault(answer["section"], []).append(answer)
    may_screen = _may_screen(request.user, application)
    if form is None and may_screen:
        initial = {}
        if application.screening:
            initial = {"outcome": application.screening, "reason": application.screening_reason}
        form = ScreeningForm(initial=initial)
    return render(
        request,
        "grants/staff/application.html",
        {
            "application": application,
            "round": application.grant_round,
            "content": content,
            "sections": list(sections.items()),
            "documents": list(
                application.documents.select_related("required_document").order_by("pk")
            ),
            "form": form,
            "may_screen": may_screen,
        },
        status=status,
    )


@require_safe
@staff_only
def application(request: HttpRequest, pk: int) -> HttpResponse:
    return _application_page(request, _application(pk))


@require_POST
@staff_only
def application_screen(request: HttpRequest, pk: int) -> HttpResponse:
    found = _application(pk)
    require(can_run_rounds(request.user))
    form = ScreeningForm(request.POST)
    if form.is_valid():
        eligible = form.cleaned_data["outcome"] == Screening.ELIGIBLE
        try:
            services.application_screen(
                application=found,
                by=request.user,
                eligible=eligible,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            outcome = "eligible" if eligible else "ineligible"
            messages.success(request, f"{found.reference} screened {outcome}.")
            return redirect(found.get_staff_url())
    return _application_page(request, found, form)


@require_safe
@staff_only
def application_document(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    found = _application(pk)
    stored = get_object_or_404(found.documents, pk=document)
    return document_response(stored)


# Requests to join organisations ---------------------------------------------------------


@require_safe
@staff_only
def join_requests(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "grants/staff/join_requests.html",
        {"requests": list(selectors.pending_join_requests())},
    )


@require_POST
@staff_only
def join_request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user", "organisation"), pk=pk
    )
    answer = request.POST.get("answer", "")
    if answer not in {"accept", "refuse"}:
        messages.error(request, "Choose Accept or Refuse.")
        return redirect("grants:join_requests")
    try:
        applicants.join_request_answer(
            join_request=join_request, by=request.user, accept=answer == "accept"
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        who = join_request.user.get_full_name() or join_request.user.email
        done = "accepted into" if answer == "accept" else "refused membership of"
        messages.success(request, f"{who} {done} {join_request.organisation}.")
    return redirect("grants:join_requests")
