from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from decisions import clock, references, services
from decisions.models import Decision, DecisionCategory, ReferenceCounter
from funding.models import Allocation

from ..factories import AllocationFactory

pytestmark = pytest.mark.django_db


def test_an_implication_marked_yes_needs_its_details(officer):
    with pytest.raises(ValidationError) as refused:
        services.decision_create(
            by=officer,
            lead_officer=officer,
            title="T",
            executive_summary="S",
            decision="D",
            human_rights_implications=True,
            risk_implications=True,
            risk_details="   ",
        )
    assert refused.value.message_dict == {
        "human_rights_details": ["Give the details of the human rights implications."],
        "risk_details": ["Give the details of the risk management implications."],
    }
    assert not Decision.objects.exists()


def test_the_funding_total_is_the_sum_of_the_lines(draft):
    from decisions.selectors import funding_total

    assert funding_total(draft) == Decimal("9400.00")


def test_references_follow_the_series_pattern_and_are_never_reused(draft, officer, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2016, 8, 10))
    ReferenceCounter.objects.create(series="commissioner", year=2016, last_number=33)
    references.decision_reference_allocate(decision=draft)
    draft.refresh_from_db()
    assert (draft.reference, draft.slug) == ("034-2016", "034-2016")

    with pytest.raises(ValidationError, match="already has its reference, 034-2016"):
        references.decision_reference_allocate(decision=draft)

    second = services.decision_create(
        by=officer, lead_officer=officer, title="Next", executive_summary="S", decision="D"
    )
    assert references.decision_reference_allocate(decision=second).reference == "035-2016"
    second.delete()  # a deleted draft's number is not given again
    third = services.decision_create(
        by=officer, lead_officer=officer, title="Third", executive_summary="S", decision="D"
    )
    assert references.decision_reference_allocate(decision=third).reference == "036-2016"


def test_the_leicestershire_pattern_and_the_delegated_series(organisation, officer, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2013, 8, 27))
    organisation.decision_reference_pattern = "EXE {seq:04d}/{yy}"
    organisation.delegated_reference_pattern = "DEL {seq:03d}/{yy}"
    organisation.save()
    ReferenceCounter.objects.create(series="commissioner", year=2013, last_number=24)

    def new(category):
        decision = services.decision_create(
            by=officer,
            lead_officer=officer,
            title="T",
            executive_summary="S",
            decision="D",
            category=category,
        )
        return references.decision_reference_allocate(decision=decision)

    executive = new(DecisionCategory.COMMISSIONER)
    delegated = new(DecisionCategory.DELEGATED)
    assert (executive.reference, executive.slug) == ("EXE 0025/13", "exe-0025-13")
    assert delegated.reference == "DEL 001/13"


def test_a_reference_recorded_from_paper_must_be_unique(draft, officer):
    references.decision_reference_allocate(decision=draft, reference="EXE 0025/13")
    other = services.decision_create(
        by=officer, lead_officer=officer, title="T", executive_summary="S", decision="D"
    )
    with pytest.raises(ValidationError, match="The reference EXE 0025/13 is already in use."):
        references.decision_reference_allocate(decision=other, reference="EXE 0025/13")


def test_only_a_draft_can_change(draft, officer):
    Decision.objects.filter(pk=draft.pk).update(status="awaiting_officer_approval", reference="1")
    with pytest.raises(ValidationError) as refused:
        services.decision_update(decision=draft, by=officer, title="Changed")
    assert refused.value.messages == [
        "Only a draft can be changed: this record is awaiting officer approval."
    ]
    assert Decision.objects.get(pk=draft.pk).title.startswith("Extending")


def test_allocations_are_linked_once_and_never_when_withdrawn(draft, officer):
    allocation = AllocationFactory(amount=Decimal("9400"))
    withdrawn = AllocationFactory(withdrawn=True)
    services.decision_update(decision=draft, by=officer, allocations=[allocation])
    assert Allocation.objects.get(pk=allocation.pk).decision == draft

    other = services.decision_create(
        by=officer, lead_officer=officer, title="Other", executive_summary="S", decision="D"
    )
    with pytest.raises(ValidationError) as refused:
        services.decision_update(decision=other, by=officer, allocations=[allocation, withdrawn])
    assert refused.value.message_dict["allocations"] == [
        f"{allocation.reference} is already part of decision draft “{draft.title}”.",
        f"{withdrawn.reference} is withdrawn and cannot be part of a decision.",
    ]


def test_an_allocation_approved_without_a_record_is_listed_only_by_the_paper_record_it_names(
    draft, officer
):
    direct = AllocationFactory(approved=True, decision_reference="EXE 0025/13")
    with pytest.raises(ValidationError) as refused:
        services.decision_update(decision=draft, by=officer, allocations=[direct])
    assert refused.value.message_dict == {
        "allocations": [
            services.ALLOCATION_COMMITTED.format(reference=direct.reference, status="approved")
        ]
    }
    direct.refresh_from_db()
    assert direct.decision is None
    # The record signed on paper that approved it, once it has that reference, may.
    paper = references.decision_reference_allocate(decision=draft, reference="EXE 0025/13")
    services.decision_update(decision=paper, by=officer, allocations=[direct])
    assert list(paper.allocations.all()) == [direct]
