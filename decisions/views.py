from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from pcc_grants import two_factor
from pcc_grants.forms import add_service_errors
from pcc_grants.models import OrganisationSettings
from pcc_grants.pagination import page_of
from pcc_grants.pdf import pdf_response, render_pdf
from pcc_grants.permissions import require
from pcc_grants.roles import has_role
from pcc_grants.uploads import document_response, upload_from_form

from . import permissions, publication, services, workflow
from .content import tampered
from .filters import DecisionFilter
from .forms import (
    ActionForm,
    AttachmentForm,
    CommentForm,
    PaperSignatureForm,
    PublicationForm,
    SignForm,
)
from .integrity import published_differences
from .models import CommentKind, Decision, DecisionAttachment, DecisionStatus
from .record_view import record_sections
from .selectors import (
    changed_since_published,
    decision_for_record,
    decision_for_step,
    decisions_for_list,
    record_context,
)
from .signing import PaperSignature, signature_statement
from .tasks import record_offer

PAGE_SIZE = 50


@require_safe
def decision_list(request: HttpRequest) -> HttpResponse:
    require(permissions.can_view_decisions(request.user))
    filterset = DecisionFilter(
        request.GET or None, queryset=decisions_for_list(Decision.objects.for_list())
    )
    query = request.GET.copy()
    query.pop("page", None)
    page = page_of(filterset.qs, request.GET.get("page"), PAGE_SIZE)
    page.object_list = list(page.object_list)
    changed = changed_since_published(page.object_list)
    return render(
        request,
        "decisions/decision_list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": [_list_row(decision, changed) for decision in page.object_list],
            "query": query.urlencode(),
            "can_draft": permissions.can_draft(request.user),
        },
    )


def _list_row(decision: Decision, changed: set[int]) -> dict:
    """What the list shows of a record, read once here rather than by the template."""
    return {
        "reference": decision.reference,
        "url": decision.get_absolute_url(),
        "title": decision.title,
        "category": decision.get_category_display(),
        "lead_officer": str(decision.lead_officer),
        "status": decision.get_status_display(),
        "changed": decision.pk in changed,
        "total": decision.total,
    }


@require_safe
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_view_decisions(request.user))
    try:
        decision = decision_for_record(pk)
    except Decision.DoesNotExist as error:
        raise Http404("No such decision record.") from error
    organisation = OrganisationSettings.load()
    context = record_context(decision, organisation=organisation)
    user = request.user
    offer = record_offer(decision, user)
    context.update(
        {
            "can_edit": permissions.can_edit(user, decision),
            "attachment_form": AttachmentForm(),
            "actions": offer.actions,
            "tampered": tampered(decision),
            "comment_forms": offer.comment_kinds,
            "paper_steps": offer.paper_steps,
            "waiting_for": offer.waiting_for,
            "events": list(decision.events.all()),
            "publication_choices": list(decision.publication_decisions.all()),
            "published_differences": published_differences(decision, organisation=organisation),
            "organisation": organisation,
        }
    )
    return render(request, "decisions/decision_detail.html", context)


@require_safe
def decision_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_view_decisions(request.user))
    try:
        decision = decision_for_record(pk)
    except Decision.DoesNotExist as error:
        raise Http404("No such decision record.") from error
    pdf = render_pdf("decisions/decision_pdf.html", record_context(decision))
    name = decision.slug or f"draft-{decision.pk}"
    return pdf_response(pdf, filename=f"decision-{name}")


# Attachments ------------------------------------------------------------------------


@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(Decision, pk=pk)
    require(permissions.can_edit(request.user, decision))
    return upload_from_form(
        request,
        AttachmentForm,
        lambda upload: services.decision_attachment_add(
            decision=decision, upload=upload, by=request.user
        ),
        decision,
        done="attached",
    )


@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(DecisionAttachment.objects.select_related("decision"), pk=pk)
    require(permissions.can_edit(request.user, attachment.decision))
    services.decision_attachment_remove(attachment=attachment, by=request.user)
    messages.success(request, f"“{attachment.original_name}” removed.")
    return redirect(attachment.decision)


@require_safe
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    require(permissions.can_view_decisions(request.user))
    attachment = get_object_or_404(DecisionAttachment, pk=pk)
    return document_response(attachment)


# The workflow ---------------------------------------------------------------------------


def decision_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of the workflow: offered only when the table allows it."""
    require(permissions.can_view_decisions(request.user))  # before revealing what exists
    transition = workflow.TRANSITIONS.get(action)
    if transition is None:
        raise Http404("No such step.")
    # The publication decision shows the whole record; the other steps read what their
    # checks read.
    read = decision_for_record if transition is workflow.DECIDE_PUBLICATION else decision_for_step
    try:
        decision = read(pk)
    except Decision.DoesNotExist as error:
        raise Http404("No such decision record.") from error
    verdict = workflow.check(transition, decision, request.user)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    if transition is workflow.DECIDE_PUBLICATION:
        return _publication_decide(request, decision)  # a journey of its own
    settings = OrganisationSettings.load()
    form = ActionForm(transition, request.POST or None, settings=settings)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_transition(
                decision=decision,
                by=request.user,
                action=action,
                password=form.cleaned_data.get("password", ""),
                code=form.cleaned_data.get("code", ""),
                comment=form.cleaned_data["comment"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{transition.label}: done.")
            return redirect("decisions:detail", pk=decision.pk)
    return render(
        request,
        "decisions/decision_act.html",
        {
            "decision": decision,
            "transition": transition,
            "form": form,
            "statement": signature_statement(transition.step, settings)
            if transition.signed
            else "",
            **_passkey_context(request, transition),
            "organisation": settings,
        },
    )


def _passkey_context(request: HttpRequest, transition) -> dict:
    """Whether the signing page offers a passkey, and whether one was just used."""
    if not transition.signed:
        return {}
    return {
        "has_passkey": two_factor.has_passkey(request.user),
        "passkey_ready": two_factor.passkey_ready(request, request.user),
    }


# The publication decision: choices, the public version previewed, then signed -------------

PREVIEW, CHANGE, CONFIRM = "preview", "change", "confirm"
PUBLISHED = "Decide publication: done. The record is in the public register, as you previewed it."
NOT_PUBLISHED = (
    "Decide publication: done. The public register shows the record's reference, date and "
    "grounds only."
)


def _publication_decide(request: HttpRequest, decision: Decision) -> HttpResponse:
    """Check your answers before the irreversible step: the choices for each section,
    then the public version exactly as it will be published (the page, and its PDF
    to download), then the password that signs it. Nothing is stored until then: the
    preview posts the choices again, as hidden fields, to publish or to change them."""
    transition = workflow.DECIDE_PUBLICATION
    form = PublicationForm(record_sections(decision), request.POST or None)
    posted = request.method == "POST"
    if not posted or CHANGE in request.POST or not form.is_valid():
        return _publication_choices(request, decision, form)
    view, refused = _preview(request, decision, form)
    if refused:
        return refused
    sign_form = SignForm(request.POST if CONFIRM in request.POST else None)
    if CONFIRM in request.POST and sign_form.is_valid():
        try:
            decided = services.decision_transition(
                decision=decision,
                by=request.user,
                action=transition.name,
                password=sign_form.cleaned_data.get("password", ""),
                code=sign_form.cleaned_data.get("code", ""),
                comment=form.cleaned_data["comment"],
                publication=form.publication(),
                request=request,
            )
        except ValidationError as error:
            add_service_errors(sign_form, error)
        else:
            published = decided.status == DecisionStatus.PUBLISHED
            messages.success(request, PUBLISHED if published else NOT_PUBLISHED)
            return redirect("decisions:detail", pk=decision.pk)
    return render(
        request,
        "decisions/publication_preview.html",
        {
            "decision": decision,
            "transition": transition,
            "form": form,
            "sign_form": sign_form,
            "record": view,
            "statement": signature_statement(transition.step),
        },
    )


def _preview(request: HttpRequest, decision: Decision, form):
    """The public version these choices would publish, or (None, the choices page
    again) saying what is wrong with them."""
    try:
        view = publication.preview(
            decision=decision,
            choices=form.publication(),
            by=request.user,
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None, _publication_choices(request, decision, form)
    return view, None


def _publication_choices(request: HttpRequest, decision: Decision, form) -> HttpResponse:
    return render(
        request,
        "decisions/publication_choices.html",
        {"decision": decision, "transition": workflow.DECIDE_PUBLICATION, "form": form},
    )


@require_POST
def publication_preview_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview's PDF: the public PDF these choices would publish, not stored."""
    require(permissions.can_view_decisions(request.user))
    try:
        decision = decision_for_record(pk)
    except Decision.DoesNotExist as error:
        raise Http404("No such decision record.") from error
    verdict = workflow.check(workflow.DECIDE_PUBLICATION, decision, request.user)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    form = PublicationForm(record_sections(decision), request.POST)
    if not form.is_valid():
        return _publication_choices(request, decision, form)
    view, refused = _preview(request, decision, form)
    if refused:
        return refused
    name = f"decision-{decision.slug}-preview"
    response = pdf_response(publication.public_pdf(view), filename=name)
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def decision_paper(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Record that a step was signed on paper, with the scanned copy."""
    settings = OrganisationSettings.load()
    if not has_role(request.user, *workflow.paper_recorders(settings)):
        raise PermissionDenied(
            "Only the Chief Executive or Monitoring Officer can record a signature made on paper."
        )
    transition = workflow.TRANSITIONS.get(action)
    if transition is None or workflow.PAPER not in transition.modes:
        raise Http404("No such step.")
    try:
        decision = decision_for_step(pk)
    except Decision.DoesNotExist as error:
        raise Http404("No such decision record.") from error
    verdict = workflow.check(transition, decision, request.user, mode=workflow.PAPER)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    form = PaperSignatureForm(
        transition, request.POST or None, request.FILES or None, settings=settings
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_transition(
                decision=decision,
                by=request.user,
                action=action,
                comment=data["comment"],
                password=data.get("password", ""),
                code=data.get("code", ""),
                paper=PaperSignature(
                    name=data["name"].strip(),
                    title=data["title"].strip(),
                    signed_on=data["signed_on"],
                    scan=data["scan"],
                    signer=data["signer"],
                ),
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{transition.label}: recorded as signed on paper.")
            return redirect("decisions:detail", pk=decision.pk)
    return render(
        request,
        "decisions/decision_paper.html",
        {"decision": decision, "transition": transition, "form": form, "organisation": settings},
    )


@require_POST
def decision_comment(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in CommentKind.values:
        raise Http404("No such comment.")
    decision = get_object_or_404(Decision, pk=pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        if request.POST.get("text", "").strip():
            problems = " ".join(error for errors in form.errors.values() for error in errors)
            messages.error(request, f"The comment was not saved: {problems}")
        else:
            messages.error(request, "Write the comment.")
        return redirect(decision)
    try:
        services.decision_comment_add(
            decision=decision, by=request.user, kind=kind, text=form.cleaned_data["text"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Comment recorded.")
    return redirect(decision)
