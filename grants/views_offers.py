"""An applicant's letters: once sent, each letter of their organisations' applications,
its PDF, and, for an offer, its acceptance online.

Every page is for the Applicant role, and a letter is found only among the sent
letters of the organisations the person is a member of: another organisation's, or one
not sent yet, is "not found", so its existence does not show. The services check again.
"""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from pcc_grants.forms import add_service_errors
from pcc_grants.pdf import pdf_response

from . import letters
from .forms_letters import AcceptanceForm
from .models import Letter, LetterKind, OfferAcceptance
from .views_apply import _ensure_applicant


def _letter(request: HttpRequest, pk: int) -> Letter:
    """The letter, if it is sent and of one of the person's organisations; else 404."""
    _ensure_applicant(request)
    return get_object_or_404(
        Letter.objects.select_related(
            "application__grant_round",
            "application__organisation",
            "acceptance__agreement",
        ),
        pk=pk,
        sent_at__isnull=False,
        application__organisation__memberships__user=request.user,
    )


def _acceptance(letter: Letter) -> OfferAcceptance | None:
    try:
        return letter.acceptance
    except OfferAcceptance.DoesNotExist:
        return None


@require_http_methods(["GET", "HEAD", "POST"])
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    acceptance = _acceptance(letter)
    is_offer = letter.kind == LetterKind.OFFER
    form = None
    if is_offer and acceptance is None:
        form = AcceptanceForm(
            request.POST or None,
            initial={
                "terms_sha256": letter.terms_sha256,
                "name": request.user.get_full_name(),
            },
        )
    if request.method == "POST":
        if form is None:
            messages.error(
                request,
                letters.NOT_AN_OFFER
                if not is_offer
                else letters.ALREADY_ACCEPTED.format(
                    day=f"{acceptance.accepted_on:%-d %B %Y}", name=acceptance.name
                ),
            )
            return redirect("grants_apply:letter", letter.pk)
        if form.is_valid():
            try:
                letters.offer_accept(
                    letter=letter,
                    by=request.user,
                    name=form.cleaned_data["name"],
                    role=form.cleaned_data["role"],
                    terms_sha256=form.cleaned_data["terms_sha256"],
                )
            except ValidationError as error:
                add_service_errors(form, error, {"terms_sha256": NON_FIELD_ERRORS})
            else:
                messages.success(request, "Thank you: the offer is accepted.")
                return redirect("grants_apply:letter", letter.pk)
    return render(
        request,
        "grants/apply/letter.html",
        {
            **letters.letter_context(letter),
            "acceptance": acceptance,
            "form": form,
        },
    )


@require_safe
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    return pdf_response(letters.letter_pdf(letter), filename=letters.letter_filename(letter))
