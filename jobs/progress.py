"""How far a job has got, written where the person watching can see it at once.

A job usually works inside one transaction (an import is all or nothing), and what a
transaction writes is seen by nobody else until it commits. So progress is written
on a connection of its own, in autocommit. Where that connection cannot write (a
SQLite file whose one writer is the job itself, or a test whose job row is not yet
committed) it is written in the job's own transaction instead: then it shows at the
end, which is late but never wrong.
"""

import time

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from .models import Job

# Writes at most this often: a bar does not need more, and each write is a query.
EVERY_SECONDS = 0.5
UPDATE = "UPDATE jobs_job SET done = %s, total = %s WHERE id = %s"


class Progress:
    def __init__(self, job: Job):
        self.job = job
        self._side = None
        self._side_works = True
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, *, force: bool = False) -> None:
        now = time.monotonic()
        final = total is not None and done >= total
        if not (force or final) and now - self._last < EVERY_SECONDS:
            return
        self._last = now
        self.job.done, self.job.total = done, total if total is not None else self.job.total
        if not self._write_aside():
            Job.objects.filter(pk=self.job.pk).update(done=self.job.done, total=self.job.total)
            if not _is_sqlite():
                # The job's transaction now holds the row: a write aside would wait
                # for it, and it for the write. SQLite's lock times out instead.
                self._side_works = False

    def _write_aside(self) -> bool:
        if not self._side_works:
            return False
        try:
            if self._side is None:
                self._side = _side_connection()
            with self._side.cursor() as cursor:
                key = self.job.pk.hex if _is_sqlite() else str(self.job.pk)
                cursor.execute(UPDATE, [self.job.done, self.job.total, key])
                written = cursor.rowcount == 1
        except DatabaseError:
            # Locked (SQLite's one writer is busy): written with the job this time,
            # and tried aside again next time.
            return False
        if not written:
            # The row is not to be seen from outside the job's transaction (a test's):
            # the job's own connection is the only one that can write it.
            self._side_works = False
        return written

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def _is_sqlite() -> bool:
    return connections[DEFAULT_DB_ALIAS].vendor == "sqlite"


def _side_connection():
    """A second connection to the default database, in autocommit; it gives up
    rather than wait long for a lock (on SQLite at once)."""
    default = connections[DEFAULT_DB_ALIAS]
    settings_dict = dict(default.settings_dict)
    options = dict(settings_dict.get("OPTIONS", {}))
    if default.vendor == "sqlite":
        options["timeout"] = 0.05
    elif default.vendor == "postgresql":
        options["options"] = f"{options.get('options', '')} -c lock_timeout=1000".strip()
    settings_dict["OPTIONS"] = options
    side = type(default)(settings_dict, alias=DEFAULT_DB_ALIAS)
    side.ensure_connection()
    return side
