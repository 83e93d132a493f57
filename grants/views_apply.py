"""An applicant's application: starting one, its task list, each section one at a
time, checking the answers, submitting and withdrawing it, and its documents.

Every page is for the Applicant role, and an application is found only among those
of the organisations the person is a member of: another organisation's is "not found",
never "not allowed", so its existence does not show. The services check again.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from decisions import clock
from pcc_grants.forms import add_service_errors
from pcc_grants.roles import Role, has_role
from pcc_grants.uploads import document_response

from . import sections as sections_
from . import services, workflow
from .forms_apply import (
    AmountForm,
    CostLineFormSet,
    DocumentForm,
    EligibilityForm,
    ProjectForm,
    QuestionsForm,
    StartForm,
)
from .models import Application, ApplicationDocument, ApplicationStatus, GrantRound, RoundStatus

APPLICANTS_ONLY = "These pages are for people applying for grants: register to apply."
LINES_PREFIX = "lines"
SECTION_TEMPLATES = {
    "budget": "grants/apply/section_budget.html",
    "documents": "grants/apply/section_documents.html",
}


def _ensure_applicant(request: HttpRequest) -> None:
    if not has_role(request.user, Role.APPLICANT):
        raise PermissionDenied(APPLICANTS_ONLY)


def _application(request: HttpRequest, pk: int) -> Application:
    """The application, if it is one of the person's organisations'; else 404."""
    _ensure_applicant(request)
    return get_object_or_404(
        Application.objects.select_related("grant_round", "organisation", "theme", "submitted_by"),
        pk=pk,
        organisation__memberships__user=request.user,
    )


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def _named(label: str, message: str) -> str:
    """The message, saying which field it is about if it does not already."""
    return message if label in message else f"“{label}”: {message}"


def _error_list(*forms) -> list[tuple[str, str]]:
    """Every error of the forms (or formsets), each naming its field and with the id
    of it, for the error summary at the top of the page."""
    found = []
    for form in forms:
        if hasattr(form, "forms"):  # a formset
            found += [("", message) for message in form.non_form_errors()]
            found += _error_list(*form.forms)
            continue
        found += [("", message) for message in form.non_field_errors()]
        for field in form:
            suffix = "_0" if field.widget_type == "radioselect" else ""
            found += [
                (f"{field.auto_id}{suffix}", _named(str(field.label), message))
                for message in field.errors
            ]
    return found


def _accepting(grant_round: GrantRound) -> str | None:
    """Why the round takes no new application now; None while it does."""
    now = clock.now()
    if grant_round.status != RoundStatus.OPEN:
        status = grant_round.get_status_display().lower()
        return f"{grant_round.name} is {status}: it is not taking applications."
    if grant_round.closes_at and now >= grant_round.closes_at:
        return f"{grant_round.name} closed at {_when(grant_round.closes_at)}."
    if grant_round.opens_at and now < grant_round.opens_at:
        return f"{grant_round.name} opens at {_when(grant_round.opens_at)}."
    return None


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, slug: str) -> HttpResponse:
    _ensure_applicant(request)
    published = GrantRound.objects.exclude(status=RoundStatus.DRAFT)
    grant_round = get_object_or_404(published, slug=slug)
    form = StartForm(request.POST if request.method == "POST" else None, user=request.user)
    organisations = list(form.fields["organisation"].queryset)
    if len(organisations) == 1 and not form.is_bound:
        form.initial["organisation"] = organisations[0].pk
    if form.is_bound and form.is_valid():
        try:
            application = services.application_start(
                by=request.user,
                grant_round=grant_round,
                organisation=form.cleaned_data["organisation"],
            )
        except ValidationError as error:
            # One application each, or not a member: about the organisation chosen.
            field = "organisation" if error.code in ("one_each", "not_allowed") else None
            for message in error.messages:
                form.add_error(field, message)
        else:
            messages.success(
                request,
                f"Application started for {application.organisation}. Save each section as "
                "you go: you can come back to it at any time before the round closes.",
            )
            return redirect(application)
    return render(
        request,
        "grants/apply/start.html",
        {
            "grant_round": grant_round,
            "form": form,
            "errors": _error_list(form),
            "organisations": organisations,
            "not_accepting": _accepting(grant_round),
        },
    )


@require_safe
def application(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    sections = sections_.round_sections(application.grant_round)
    context = {
        "application": application,
        "grant_round": application.grant_round,
        "refusal": sections_.change_refusal(application, request.user),
    }
    if application.status == ApplicationStatus.DRAFT:
        problems = sections_.problems_by_section(application, sections)
        context["tasks"] = sections_.task_list(
            application, sections, [(s.key, m) for s, m in problems if s]
        )
        context["problem_count"] = len(problems)
    else:
        context["withdraw"] = workflow.APPLICATION.check(
            workflow.WITHDRAW, application, request.user
        )
    return render(request, "grants/apply/application.html", context)


def _section_url(application: Application, section) -> str:
    return reverse("grants_apply:section", args=[application.pk, section.slug])


def _after_save(request, application, sections, current) -> HttpResponse:
    if "save_later" in request.POST:
        messages.success(
            request,
            f"“{current.title}” is saved. Come back to it at any time before "
            f"{_when(application.grant_round.closes_at)}.",
        )
        return redirect(application)
    messages.success(request, f"“{current.title}” is saved.")
    if "another_line" in request.POST:
        return redirect(_section_url(application, current))
    following = sections_.section_after(sections, current)
    if following is None:
        return redirect("grants_apply:check", application.pk)
    return redirect(_section_url(application, following))


def _render_section(request, application, sections, current, forms, **context) -> HttpResponse:
    following = sections_.section_after(sections, current)
    return render(
        request,
        SECTION_TEMPLATES.get(current.kind, "grants/apply/section_form.html"),
        {
            "application": application,
            "grant_round": application.grant_round,
            "section": current,
            "sections": sections,
            "next_section": following,
            "errors": _error_list(*forms),
            **context,
        },
    )


def _questions_section(request, application, sections, current) -> HttpResponse:
    """Eligibility, the project, or a section of the round's questions: one form."""
    grant_round = application.grant_round
    posted = request.POST if request.method == "POST" else None
    if current.kind == sections_.ELIGIBILITY:
        questions = list(grant_round.eligibility_questions.all())
        form = EligibilityForm(
            posted, questions=questions, initial=EligibilityForm.initial_for(application)
        )
    elif current.kind == sections_.PROJECT:
        form = ProjectForm(posted, initial=ProjectForm.initial_for(application))
    else:
        form = QuestionsForm(
            posted,
            questions=current.questions,
            initial=QuestionsForm.initial_for(application, current.questions),
        )
    if posted is not None and form.is_valid():
        if current.kind == sections_.ELIGIBILITY:
            given = {"eligibility": form.answers()}
        elif current.kind == sections_.PROJECT:
            given = {name: form.cleaned_data[name] for name in ProjectForm.FIELDS}
        else:
            given = {"responses": form.responses()}
        try:
            services.application_save(application=application, by=request.user, **given)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _after_save(request, application, sections, current)
    limits = getattr(form, "word_limits", {})
    rows = [(field, limits.get(field.name)) for field in form]
    return _render_section(request, application, sections, current, [form], form=form, rows=rows)


def _budget_section(request, application, sections, current) -> HttpResponse:
    if request.method == "POST":
        amount_form = AmountForm(request.POST)
        # No initial lines: a posted line like a saved one would look unchanged, and
        # the formset would drop it as an empty extra line.
        lines = CostLineFormSet(request.POST, prefix=LINES_PREFIX)
        if amount_form.is_valid() and lines.is_valid():
            try:
                services.application_save(
                    application=application,
                    by=request.user,
                    amount_requested=amount_form.cleaned_data["amount_requested"],
                    lines=lines.lines(),
                )
            except ValidationError as error:
                add_service_errors(amount_form, error)
            else:
                return _after_save(request, application, sections, current)
    else:
        amount_form = AmountForm(initial={"amount_requested": application.amount_requested})
        saved = [{"item": li.item, "amount": li.amount} for li in application.cost_lines.all()]
        lines = CostLineFormSet(initial=saved, prefix=LINES_PREFIX)
    grant_round = application.grant_round
    return _render_section(
        request,
        application,
        sections,
        current,
        [amount_form, lines],
        form=amount_form,
        lines=lines,
        saved_total=application.costs_total,
        saved_amount=application.amount_requested,
        has_lines=application.cost_lines.exists(),
        minimum=grant_round.minimum_award,
        maximum=grant_round.maximum_award,
    )


def _documents_section(request, application, sections, current) -> HttpResponse:
    required = list(application.grant_round.required_documents.all())
    uploaded = {d.required_document_id: d for d in application.documents.all()}
    forms = {wanted.pk: DocumentForm(required_document=wanted) for wanted in required}
    if request.method == "POST":
        chosen = next(
            (d for d in required if str(d.pk) == request.POST.get("required_document", "")),
            None,
        )
        if chosen is None:
            messages.error(request, "Choose which of the round's documents the file is.")
            return redirect(_section_url(application, current))
        form = DocumentForm(request.POST, request.FILES, required_document=chosen)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.application_document_add(
                    application=application,
                    by=request.user,
                    required_document=chosen,
                    upload=upload,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("file", f"“{chosen.name}”: {message}")
            else:
                messages.success(request, f"“{upload.name}” uploaded as “{chosen.name}”.")
                return redirect(_section_url(application, current))
        forms[chosen.pk] = form
    rows = [(wanted, uploaded.get(wanted.pk), forms[wanted.pk]) for wanted in required]
    return _render_section(
        request, application, sections, current, list(forms.values()), rows=rows
    )


SECTION_VIEWS = {
    sections_.ELIGIBILITY: _questions_section,
    sections_.PROJECT: _questions_section,
    sections_.QUESTIONS: _questions_section,
    sections_.BUDGET: _budget_section,
    sections_.DOCUMENTS: _documents_section,
}


@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    application = _application(request, pk)
    sections = sections_.round_sections(application.grant_round)
    current = sections_.section_named(sections, section)
    if current is None:
        raise Http404("This round's application has no such section.")
    refusal = sections_.change_refusal(application, request.user)
    if refusal:
        raise PermissionDenied(refusal)
    return SECTION_VIEWS[current.kind](request, application, sections, current)


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    sections = sections_.round_sections(application.grant_round)
    refused: list[str] = []
    if request.method == "POST":
        try:
            submitted = services.application_submit(application=application, by=request.user)
        except ValidationError as error:
            refused = error.messages
        else:
            messages.success(request, f"Application {submitted.reference} submitted.")
            return redirect(submitted)
    draft = application.status == ApplicationStatus.DRAFT
    return render(
        request,
        "grants/apply/check.html",
        {
            "application": application,
            "grant_round": application.grant_round,
            "answers": sections_.application_answers(application, sections),
            "problems": sections_.problems_by_section(application, sections) if draft else [],
            "refused": refused,
            "refusal": sections_.change_refusal(application, request.user),
            "draft": draft,
        },
    )


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST withdraws."""
    application = _application(request, pk)
    allowed = workflow.APPLICATION.check(workflow.WITHDRAW, application, request.user)
    if request.method == "POST":
        try:
            services.application_withdraw(application=application, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Application {application.reference} withdrawn.")
        return redirect(application)
    return render(
        request,
        "grants/apply/withdraw.html",
        {"application": application, "grant_round": application.grant_round, "allowed": allowed},
    )


@require_safe
def document(request: HttpRequest, pk: int, document: int) -> FileResponse:
    application = _application(request, pk)
    stored = get_object_or_404(ApplicationDocument, pk=document, application=application)
    return document_response(stored)


@require_POST
def document_remove(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    application = _application(request, pk)
    stored = get_object_or_404(
        ApplicationDocument.objects.select_related("required_document"),
        pk=document,
        application=application,
    )
    refusal = sections_.change_refusal(application, request.user)
    if refusal:
        raise PermissionDenied(refusal)
    services.application_document_remove(document=stored, by=request.user)
    messages.success(
        request, f"“{stored.original_name}” removed from “{stored.required_document.name}”."
    )
    return redirect("grants_apply:section", application.pk, sections_.DOCUMENTS)
