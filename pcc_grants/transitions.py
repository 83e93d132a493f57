"""Workflows as data: a table of transitions and one engine that runs it.

A transition names the states it leaves from, the state it goes to, the roles that
may take it, its conditions and its effects. A condition answers the reason it
fails, in words a person can read, or None when it holds; views ask the same table
what to offer and why not. Requirements check what the person gave (a password, a
reason) and raise ``ValidationError`` naming the field. Effects are the transition's
work, run in order inside the caller's transaction before the record is saved in its
new state; ``then`` runs after it is saved. Other ways of taking a transition than
online are modes (a signature made on paper, an allocation approved by a decision),
each with its own roles and, beside the shared conditions, conditions of its own.
Nothing changes a record's state but ``Workflow.perform``, and it asks the roles
every time.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from .roles import user_roles

Condition = Callable[[Any, "Attempt"], str | None]
Step = Callable[[Any, "Attempt"], None]
# The roles that may take a transition: fixed in the table, or read when asked (for
# example from the organisation settings, which an administrator edits).
Roles = frozenset | Callable[[], frozenset]

ONLINE = "online"
NOT_IN_STATE = "Not while the record is {status}."
ROLES_NEEDED = "Only the {roles} can do this."
NOBODY_MAY = "Nobody may do this that way."
NO_SUCH_MODE = "{label} cannot be recorded that way."


@dataclass
class Attempt:
    """One person's try at a transition, with what they gave.

    ``by`` is the person acting; ``signer`` the person whose signature it is (``by``
    online; on paper, an account only where the signer is one). ``mode`` names how it
    is made (``online``, or ``paper`` for a signature made on paper and recorded by
    someone else); ``given`` holds the rest (a password, the publication choices, a
    paper signature). The engine sets ``transition`` and ``before``, the state left.
    """

    by: Any
    mode: str = ONLINE
    comment: str = ""
    given: dict = field(default_factory=dict)
    signer: Any = None
    transition: "Transition | None" = None
    before: str = ""

    def __post_init__(self):
        if self.mode == ONLINE and self.signer is None:
            self.signer = self.by


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: an effect sets the state
    roles: Roles
    conditions: tuple[Condition, ...] = ()
    requirements: tuple[Step, ...] = ()
    effects: tuple[Step, ...] = ()
    then: tuple[Step, ...] = ()
    wrong_state: str = NOT_IN_STATE
    # Other ways of taking it than online, each with the roles that may (for example
    # ``{"paper": …}``: who may record a signature made on paper), and what a refusal
    # of those roles says.
    modes: dict = field(default_factory=dict, hash=False)
    mode_refusals: dict = field(default_factory=dict, hash=False)
    # Conditions that hold in one mode only, checked after the shared ones (for
    # example: online, within a limit; by a decision, listed on that decision).
    mode_conditions: dict = field(default_factory=dict, hash=False)
    # What a refusal says when no role at all may take it in the mode asked for.
    nobody: str = NOBODY_MAY

    def roles_for(self, mode: str) -> frozenset | None:
        """The roles that may take it in ``mode``; None when it has no such mode."""
        roles = self.roles if mode == ONLINE else self.modes.get(mode)
        return roles() if callable(roles) else roles

    def conditions_for(self, mode: str) -> tuple[Condition, ...]:
        """The shared conditions, then those of ``mode``."""
        return self.conditions + tuple(self.mode_conditions.get(mode, ()))


@dataclass(frozen=True)
class Check:
    transition: Transition
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


class Workflow:
    """The transitions of one kind of record, by name."""

    def __init__(self, transitions: Iterable[Transition], *, state: str = "status"):
        self.transitions = {t.name: t for t in transitions}
        self.state = state

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def __iter__(self):
        return iter(self.transitions.values())

    def get(self, name: str) -> Transition | None:
        return self.transitions.get(name)

    def _state_label(self, record) -> str:
        display = getattr(record, f"get_{self.state}_display", None)
        return (display() if display else getattr(record, self.state)).lower()

    def check(self, transition: Transition, record, user, *, mode: str = ONLINE) -> Check:
        """May ``user`` take ``transition`` on ``record`` now, in ``mode``? If not, why."""
        return self._verdict(transition, record, Attempt(by=user, mode=mode))

    def _verdict(self, transition: Transition, record, attempt: Attempt) -> Check:
        allowed_roles = transition.roles_for(attempt.mode)
        if allowed_roles is None:
            return Check(transition, False, NO_SUCH_MODE.format(label=transition.label))
        if getattr(record, self.state) not in transition.sources:
            return Check(
                transition,
                False,
                transition.wrong_state.format(status=self._state_label(record)),
            )
        if not allowed_roles:
            return Check(transition, False, transition.nobody)
        if not user_roles(attempt.by) & allowed_roles:
            refusal = transition.mode_refusals.get(attempt.mode, ROLES_NEEDED)
            names = " or ".join(sorted(role.label for role in allowed_roles))
            return Check(transition, False, refusal.format(roles=names))
        for condition in transition.conditions_for(attempt.mode):
            reason = condition(record, attempt)
            if reason:
                return Check(transition, False, reason)
        return Check(transition, True)

    def available(self, record, user) -> list[Check]:
        """Every online transition leaving the record's state that the user's roles may
        take, each with its answer: a page offers what is allowed, says why not the rest."""
        held = user_roles(user)
        state = getattr(record, self.state)
        return [
            self.check(transition, record, user)
            for transition in self
            if state in transition.sources and held & transition.roles_for(ONLINE)
        ]

    def perform(self, transition: Transition, record, attempt: Attempt):
        """Take ``transition``: check it (the roles of the attempt's mode and every
        condition, on every path), check what was given, move the record, run the
        effects, save it, then run what follows. The caller holds the transaction and
        the record's lock, so on any refusal nothing is kept."""
        attempt.transition = transition
        verdict = self._verdict(transition, record, attempt)
        if not verdict:
            raise ValidationError(verdict.reason, code="not_allowed")
        for requirement in transition.requirements:
            requirement(record, attempt)
        attempt.before = getattr(record, self.state)
        if transition.target is not None:
            setattr(record, self.state, transition.target)
        for effect in transition.effects:
            effect(record, attempt)
        record.save()
        for step in transition.then:
            step(record, attempt)
        return record
