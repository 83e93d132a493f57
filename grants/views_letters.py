"""Staff pages of a decided round's letters: preparing them, editing one before it is
sent, its PDF, and sending them.

Every staff role reads them; only the Officer and the Chief Finance Officer write and
send (the services check too). Panel members, reviewers and applicants are refused.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from pcc_grants.forms import add_service_errors
from pcc_grants.pdf import pdf_response
from pcc_grants.permissions import Permission, holds, require, role_required
from pcc_grants.roles import EDITORS, STAFF_ROLES

from . import letters
from .forms_letters import LetterForm
from .models import GrantRound, Letter, LetterKind, RoundStatus

staff_only = role_required(*STAFF_ROLES)


def can_write_letters(user) -> Permission:
    return holds(user, EDITORS, "write and send letters")


def can_edit_letter(user, letter: Letter) -> Permission:
    allowed = can_write_letters(user)
    if allowed and letter.is_sent:
        return Permission(False, letters.ALREADY_SENT.format(day=f"{letter.sent_at:%-d %B %Y}"))
    return allowed


def _letter(pk: int) -> Letter:
    return get_object_or_404(
        Letter.objects.select_related(
            "application__grant_round",
            "application__organisation",
            "acceptance__agreement",
        ),
        pk=pk,
    )


def _post(request: HttpRequest, grant_round: GrantRound) -> HttpResponse:
    require(can_write_letters(request.user))
    action = request.POST.get("action", "")
    try:
        if action == "prepare":
            written = letters.letters_prepare(grant_round=grant_round, by=request.user)
            messages.success(request, f"{len(written)} letter{'s'[: len(written) != 1]} written.")
        elif action == "send_all":
            sent = letters.letters_send_all(grant_round=grant_round, by=request.user)
            messages.success(request, f"{len(sent)} letter{'s'[: len(sent) != 1]} sent.")
        elif action == "send":
            posted = request.POST.get("letter", "")
            pk = int(posted) if posted.isdigit() and len(posted) < 10 else 0
            letter = get_object_or_404(Letter, pk=pk, application__grant_round=grant_round)
            letters.letter_send(letter=letter, by=request.user)
            messages.success(request, f"{letter} is sent.")
        else:
            messages.error(request, "Choose what to do: prepare or send the letters.")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("grants:round_letters", grant_round.pk)


@staff_only
def round_letters(request: HttpRequest, pk: int) -> HttpResponse:
    grant_round = get_object_or_404(GrantRound, pk=pk)
    if request.method == "POST":
        return _post(request, grant_round)
    round_letters_ = list(
        Letter.objects.filter(application__grant_round=grant_round)
        .select_related("application__organisation", "acceptance__agreement")
        .order_by("application__reference", "kind", "pk")
    )
    can_write = can_write_letters(request.user)
    return render(
        request,
        "grants/letters/round_letters.html",
        {
            "round": grant_round,
            "letters": round_letters_,
            "unsent": sum(1 for letter in round_letters_ if not letter.is_sent),
            "can_write": can_write,
            "decided": grant_round.status == RoundStatus.DECIDED,
        },
    )


@staff_only
def letter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter(pk)
    require(can_edit_letter(request.user, letter))
    form = LetterForm(request.POST or None, letter=letter)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        body = data["body"] if data["body"].strip() != letter.body else None
        try:
            letters.letter_update(
                letter=letter,
                by=request.user,
                body=body,
                feedback=data.get("feedback") if letter.kind == LetterKind.OUTCOME else None,
                conditions=data.get("conditions") if letter.kind == LetterKind.OFFER else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{letter} is saved.")
            return redirect("grants:round_letters", letter.application.grant_round_id)
    return render(
        request,
        "grants/letters/letter_edit.html",
        {"letter": letter, "form": form, "round": letter.application.grant_round},
    )


@require_safe
@staff_only
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter(pk)
    return pdf_response(letters.letter_pdf(letter), filename=letters.letter_filename(letter))
