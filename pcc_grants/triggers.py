"""Database triggers (PostgreSQL, with django-pgtrigger) that guard what must never
change, whatever path reaches the database. Elsewhere they are not installed."""

import functools
import operator

import pgtrigger


def frozen_in_states(name: str, *, state: str, states: list[str], columns) -> pgtrigger.Protect:
    """Refuse an UPDATE that changes any of ``columns`` of a row whose ``state`` was
    one of ``states``."""
    changed = functools.reduce(
        operator.or_,
        (
            pgtrigger.Q(**{f"old__{column}__df": pgtrigger.F(f"new__{column}")})
            for column in columns
        ),
    )
    return pgtrigger.Protect(
        name=name,
        operation=pgtrigger.Update,
        condition=pgtrigger.Q(**{f"old__{state}__in": states}) & changed,
    )
