"""Drafting a Decision Record Form: the record's fields, its funding lines, and the
allocations it approves, chosen from the proposed allocations rather than typed.

The page works without JavaScript. Its buttons other than "Save draft" ("Add a
line", "Find allocations", "Add the chosen allocations") post the form back to be
shown again with what was typed, and save nothing. An allocation chosen for the first
time starts a funding line of its own (its recipient, title and amount), which the
officer may change or remove; the page remembers which allocations have had their
line (``lined``), so a line removed on purpose does not come back.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BooleanField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from funding.models import Allocation
from funding.selectors import allocations_to_choose
from pcc_grants.forms import FORMSET_MAX_ROWS, add_service_errors
from pcc_grants.money import parse_money
from pcc_grants.permissions import require
from pcc_grants.query import as_id

from . import permissions, services
from .forms import AllocationSearchForm, DecisionForm, FundingLineFormSet
from .models import Decision

LINES_PREFIX = "lines"
REDISPLAY = ("add_line", "find_allocations", "add_allocations")


def line_for(allocation: Allocation) -> dict:
    """The funding line an allocation starts: who gets it, for what, and how much."""
    recipient = allocation.recipient.name if allocation.recipient_id else ""
    item = f"{recipient}: {allocation.title}" if recipient else allocation.title
    return {"item": item[:500], "amount": allocation.amount}


def _ids(values) -> list[int]:
    """The allocation numbers posted, in order, once each, and no more than a page."""
    ids = dict.fromkeys(pk for pk in map(as_id, values) if pk is not None)
    return list(ids)[:FORMSET_MAX_ROWS]


def _posted_lines(data) -> list[dict]:
    """The lines as typed, without those marked for removal (for re-display)."""
    try:
        count = min(int(data.get(f"{LINES_PREFIX}-TOTAL_FORMS", 0)), FORMSET_MAX_ROWS)
    except ValueError:
        count = 0
    lines = []
    for index in range(count):
        key = f"{LINES_PREFIX}-{index}"
        if data.get(f"{key}-DELETE"):
            continue
        item, amount = data.get(f"{key}-item", ""), data.get(f"{key}-amount", "")
        if item or amount:
            lines.append({"item": item, "amount": amount})
    return lines


def _typed_total(lines: list[dict]) -> Decimal | None:
    try:
        return sum((parse_money(str(line["amount"])) for line in lines), Decimal("0"))
    except ValidationError:
        return None


def _allocations(pks: list[int]) -> list[Allocation]:
    found = Allocation.objects.select_related(
        "funding_stream__financial_year", "recipient", "decision"
    ).in_bulk(pks)
    return [found[pk] for pk in pks if pk in found]


def _offered(request: HttpRequest, decision: Decision | None) -> list[Allocation]:
    """On a new record, the allocations a link names (``?allocation=12``), if they
    are still to be approved: "Draft a decision record" on an allocation's page."""
    if decision is not None or request.method != "GET":
        return []
    wanted = _ids(request.GET.getlist("allocation"))
    return [
        allocation
        for allocation in _allocations(wanted)
        if allocation.decision_id is None and allocation.status == "proposed"
    ]


def _decision_form(request: HttpRequest, decision: Decision | None) -> HttpResponse:
    if decision is None:
        require(permissions.can_draft(request.user))
    else:
        require(permissions.can_edit(request.user, decision))

    posted = request.POST if request.method == "POST" else None
    if posted is not None:
        chosen = _allocations(_ids(posted.getlist("allocations")))
        lined = set(_ids(posted.getlist("lined")))
    elif decision is not None:
        chosen = list(
            decision.allocations.select_related("funding_stream__financial_year", "recipient")
        )
        lined = {allocation.pk for allocation in chosen}
    else:
        chosen, lined = _offered(request, None), set()
    unlined = [allocation for allocation in chosen if allocation.pk not in lined]

    if posted is not None and any(name in posted for name in REDISPLAY):
        # Show the form again with what was typed (an unticked box is absent from the
        # post, so every tick box is read from it), lines marked for removal dropped,
        # and a line for each allocation chosen since; "Add a line" adds an empty one.
        form = DecisionForm(initial=posted.dict(), instance=decision)
        form.initial.update(
            {
                name: name in posted
                for name, field in form.fields.items()
                if isinstance(field, BooleanField)
            }
        )
        form.initial["allocations"] = [allocation.pk for allocation in chosen]
        lines = _posted_lines(posted) + [line_for(allocation) for allocation in unlined]
        formset = FundingLineFormSet(initial=lines, prefix=LINES_PREFIX)
        lined |= {allocation.pk for allocation in unlined}
        return _render_form(request, form, formset, decision, chosen, lined, lines)

    # A new record is led by the person drafting it, until they choose someone else.
    lead = {} if decision else {"lead_officer": request.user.pk}
    form = DecisionForm(posted, instance=decision, initial=lead)
    if decision is not None:
        initial_lines = [
            {"item": line.item, "amount": line.amount} for line in decision.funding_lines.all()
        ]
    elif posted is None:
        initial_lines = [line_for(allocation) for allocation in chosen]
        lined = {allocation.pk for allocation in chosen}
    else:
        # Initial lines would make a posted line that matches one look unchanged, and
        # the formset would drop it as an empty extra line.
        initial_lines = []
    formset = FundingLineFormSet(posted, initial=initial_lines, prefix=LINES_PREFIX)
    if posted is not None and form.is_valid() and formset.is_valid():
        typed = [
            (line.cleaned_data["item"], line.cleaned_data["amount"])
            for line in formset.forms
            if line.cleaned_data.get("item") and not line.cleaned_data.get("DELETE")
        ]
        # Chosen and saved at once (without JavaScript), with no line typed: the lines
        # start as the allocations. Lines typed are the officer's, and are not added to.
        started = [] if typed else [line_for(allocation) for allocation in unlined]
        lines = typed + [(line["item"], line["amount"]) for line in started]
        fields = {name: form.cleaned_data[name] for name in services.DECISION_FIELDS}
        allocations = list(form.cleaned_data["allocations"])
        try:
            if decision is None:
                decision = services.decision_create(
                    by=request.user, lines=lines, allocations=allocations, **fields
                )
            else:
                decision = services.decision_update(
                    decision=decision,
                    by=request.user,
                    lines=lines,
                    allocations=allocations,
                    fields=fields,
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Draft “{decision.title}” saved.")
            if started:
                references = ", ".join(allocation.reference for allocation in unlined)
                messages.info(
                    request,
                    f"A funding line was started for each of {references}: check them.",
                )
            return redirect(decision)
    typed = _posted_lines(posted) if posted is not None else initial_lines
    return _render_form(request, form, formset, decision, chosen, lined, typed)


def _render_form(request, form, formset, decision, chosen, lined, lines) -> HttpResponse:
    search = AllocationSearchForm(request.POST if request.method == "POST" else None)
    found, found_count = allocations_to_choose(
        **search.search(), leaving_out=[allocation.pk for allocation in chosen]
    )
    return render(
        request,
        "decisions/decision_form.html",
        {
            "form": form,
            "lines": formset,
            "decision": decision,
            "lines_total": _typed_total(lines) if lines else Decimal(0),
            "search": search,
            "chosen": [(allocation, line_for(allocation)) for allocation in chosen],
            "found": [(allocation, line_for(allocation)) for allocation in found],
            "found_count": found_count,
            "lined": sorted(lined),
        },
    )


def decision_create(request: HttpRequest) -> HttpResponse:
    return _decision_form(request, None)


def decision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision_form(request, get_object_or_404(Decision, pk=pk))
