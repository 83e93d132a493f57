"""The kinds of job, each registered by the app that does the work (``ready()``):
what it is called, the function that runs it, the template that shows its result,
and how often it is tried again after a failure. The ground floor runs them without
knowing any app."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Seconds to wait before each retry: one minute, five, a quarter of an hour, an
# hour, three hours.
BACK_OFF = (60, 300, 900, 3600, 3 * 3600)


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Callable  # run(job, progress) -> dict, the result to keep
    result_template: str = "jobs/result_default.html"
    # How many times a failed run is tried again, and after how long each time.
    retry_delays: Sequence[int] = ()
    # Where jobs run at once in the process that queues them (the tests), whether this
    # kind waits for the caller's transaction to commit: e-mail does, so that no
    # message tells of work that was rolled back.
    wait_for_commit: bool = False


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    existing = _KINDS.get(kind.name)
    if existing is not None and existing.run is not kind.run:
        raise ValueError(f"A job kind “{kind.name}” is already registered.")
    _KINDS[kind.name] = kind
    return kind


def kind_named(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"No job kind “{name}” is registered.") from None
