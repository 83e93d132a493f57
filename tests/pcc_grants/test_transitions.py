"""The transition engine: a table of transitions and the one way to take them."""

import pytest
from django.core.exceptions import ValidationError

from pcc_grants.roles import Role
from pcc_grants.transitions import Attempt, Transition, Workflow

pytestmark = pytest.mark.django_db


class Record:
    """A stand-in for a model: a state and a log of what was done to it."""

    def __init__(self, status="open"):
        self.status = status
        self.log = []

    def save(self):
        self.log.append(("saved", self.status))


def refuse_when_locked(record, attempt):
    return "The record is locked." if getattr(record, "locked", False) else None


def note_given(record, attempt):
    if not attempt.given.get("note"):
        raise ValidationError({"note": ["Write a note."]})


def effect(name):
    def run(record, attempt):
        record.log.append((name, record.status, attempt.before))

    return run


CLOSE = Transition(
    name="close",
    label="Close",
    sources=("open",),
    target="closed",
    roles=frozenset({Role.OFFICER}),
    conditions=(refuse_when_locked,),
    requirements=(note_given,),
    effects=(effect("first"), effect("second")),
    then=(effect("after saving"),),
    modes={"paper": frozenset({Role.CHIEF_EXECUTIVE})},
    mode_refusals={"paper": "Only the {roles} can record it on paper."},
)
TABLE = Workflow((CLOSE,))


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER)


def test_a_transition_runs_its_effects_in_order_then_saves_then_what_follows(officer):
    record = Record()
    TABLE.perform(CLOSE, record, Attempt(by=officer, given={"note": "Done."}))
    assert record.log == [
        ("first", "closed", "open"),
        ("second", "closed", "open"),
        ("saved", "closed"),
        ("after saving", "closed", "open"),
    ]


def test_each_refusal_says_why_and_nothing_runs(officer, make_user):
    panel = make_user(Role.PANEL_MEMBER)
    cases = [
        (Record("closed"), officer, {"note": "x"}, "Not while the record is closed."),
        (Record(), panel, {"note": "x"}, "Only the Officer can do this."),
    ]
    locked = Record()
    locked.locked = True
    cases.append((locked, officer, {"note": "x"}, "The record is locked."))
    cases.append((Record(), officer, {}, "Write a note."))
    for record, user, given, reason in cases:
        with pytest.raises(ValidationError) as refused:
            TABLE.perform(CLOSE, record, Attempt(by=user, given=given))
        assert refused.value.messages == [reason]
        assert record.log == []
        assert TABLE.check(CLOSE, record, user).allowed is (reason == "Write a note.")


def test_a_mode_has_its_own_roles_and_an_unknown_mode_is_refused(officer, make_user):
    chief_executive = make_user(Role.CHIEF_EXECUTIVE)
    assert TABLE.check(CLOSE, Record(), chief_executive, mode="paper")
    refused = TABLE.check(CLOSE, Record(), officer, mode="paper")
    assert refused.reason == "Only the Chief Executive can record it on paper."
    assert TABLE.check(CLOSE, Record(), officer, mode="fax").reason == (
        "Close cannot be recorded that way."
    )


def test_online_the_signer_is_the_person_acting_on_paper_nobody_by_default(officer):
    assert Attempt(by=officer).signer == officer
    assert Attempt(by=officer, mode="paper").signer is None


def test_the_page_is_offered_only_what_the_users_roles_may_take(officer, make_user):
    assert [check.transition for check in TABLE.available(Record(), officer)] == [CLOSE]
    assert TABLE.available(Record(), make_user(Role.PANEL_MEMBER)) == []
    assert TABLE.available(Record("closed"), officer) == []


def test_roles_may_be_read_when_asked_and_a_mode_may_have_conditions_of_its_own(
    officer, make_user
):
    delegated = {Role.OFFICER}

    def within_limit(record, attempt):
        return "Over the limit." if getattr(record, "large", False) else None

    def on_the_decision(record, attempt):
        return None if attempt.given.get("decision") else "Not on the decision."

    approve = Transition(
        name="approve",
        label="Approve",
        sources=("open",),
        target="approved",
        roles=lambda: frozenset(delegated),
        mode_conditions={"online": (within_limit,), "decision": (on_the_decision,)},
        modes={"decision": frozenset({Role.COMMISSIONER})},
        nobody="Nobody may approve directly.",
    )
    table = Workflow((approve,))
    large = Record()
    large.large = True
    commissioner = make_user(Role.COMMISSIONER)

    assert table.check(approve, Record(), officer)
    assert table.check(approve, large, officer).reason == "Over the limit."
    # The decision mode has its own condition, and not the online one.
    assert table.check(approve, large, commissioner, mode="decision").reason == (
        "Not on the decision."
    )
    table.perform(approve, large, Attempt(by=commissioner, mode="decision", given={"decision": 1}))
    assert large.status == "approved"
    # Read when asked: a change of the roles shows at once.
    delegated.clear()
    assert table.check(approve, Record(), officer).reason == "Nobody may approve directly."
    assert table.available(Record(), officer) == []
    delegated.add(Role.CHIEF_FINANCE_OFFICER)
    assert table.check(approve, Record(), officer).reason == (
        "Only the Chief Finance Officer can do this."
    )
