"""The database's append-only triggers (PostgreSQL), for a test that must tamper with
what they guard, as someone who dropped them would."""

import pgtrigger

APPEND_ONLY = (
    "decisions.Decision:published_content_frozen",
    "decisions.DecisionEvent:event_append_only",
    "decisions.PublishedSnapshot:snapshot_append_only",
    "decisions.SignOff:signoff_never_deleted",
    "decisions.SignOff:signoff_only_voided",
    "decisions.SignOff:signoff_void_is_final",
)


def triggers_dropped():
    """Within it, the triggers let everything through; on SQLite there are none."""
    return pgtrigger.ignore(*APPEND_ONLY)
