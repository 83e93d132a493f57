"""The writer: every area's writer joined, writing the plan in one transaction; and
:func:`generate`, which plans and writes.
"""

import logging
import secrets
import time
from collections.abc import Callable

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import override_settings

from decisions.models import DecisionStatus
from funding import services as funding_services
from funding.models import FinancialYear
from pcc_grants.models import OrganisationSettings, User
from pcc_grants.roles import Role

from .bases import Report
from .checks import check_invariants, data_checksum, data_counts
from .commissioning import CommissioningWriter
from .common import DEFAULT_LAST_YEAR, DEFAULT_SEED, ORGANISATION, OTHER_USERS, SIGNERS
from .decision_rows import DecisionWriter
from .funding import FundingWriter
from .pdfs import PdfWriter, quiet_weasyprint
from .planner import Planner

logger = logging.getLogger(__name__)


class Writer(FundingWriter, CommissioningWriter, DecisionWriter, PdfWriter):
    """Writes a plan, area by area, in the order their rows need each other."""

    def write(self) -> Report:
        plan = self.plan
        with self._step("organisation, roles and users"):
            self._organisation_and_users()
        with self._step(f"{len(plan.years)} financial years and {len(plan.streams)} streams"):
            self._streams()
        with self._step(f"{len(plan.providers)} providers"):
            self._providers()
        with self._step(f"{len(plan.agreements)} agreements and their monitoring returns"):
            self._agreements()
        with self._step(f"{len(plan.decisions)} decision records (rows)"):
            self._decision_rows()
        with self._step(f"{len(plan.allocations)} allocations with history"):
            self._allocations()
        with self._step("signatures, comments, events and publication choices"):
            self._workflow_rows()
        decided = [
            d
            for d in plan.decisions
            if d.status in (DecisionStatus.PUBLISHED, DecisionStatus.NOT_PUBLISHED) and not d.live
        ]
        published = sum(d.status == DecisionStatus.PUBLISHED for d in decided)
        with self._step(f"{len(decided)} snapshots and {published} published PDFs ({self.pdfs})"):
            self._published_records(decided)
        live = [d for d in plan.decisions if d.live]
        with self._step(f"{len(live)} records signed and published through the services"):
            self._live_workflow(live)
        with self._step("monitoring returns received"):
            self._returns_received()
        with self._step("years closed"):
            for year in FinancialYear.objects.filter(start_year__in=plan.closed_years):
                funding_services.financial_year_close(year=year, by=self.users["cfo"])
        with self._step("checks: budget rule, references, stored PDFs"):
            check_invariants()
        return self.report

    # Organisation and people

    def _organisation_and_users(self) -> None:
        OrganisationSettings.objects.update_or_create(pk=1, defaults=ORGANISATION)
        groups = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}
        rows = [
            (username, first, last, "Commissioning Officer", Role.OFFICER)
            for username, first, last in self.plan.officers
        ]
        rows += list(SIGNERS) + list(OTHER_USERS)
        for username, first, last, title, role in rows:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                job_title=title,
                email=f"{username}@example.org",
                is_staff=role == Role.ADMINISTRATOR,
                is_superuser=role == Role.ADMINISTRATOR,
            )
            user.set_unusable_password()
            self.users[username] = user
        User.objects.bulk_create(self.users.values())
        for username, *_rest, role in rows:
            self.users[username].groups.add(groups[role])
        if self.live_workflow:
            # The live workflow re-asks each signer's password: one nobody is told.
            self.password = secrets.token_urlsafe(24)
            for username, *_rest in SIGNERS:
                user = self.users[username]
                user.set_password(self.password)
                user.save(update_fields=["password"])


def generate(
    *,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    last_year: int = DEFAULT_LAST_YEAR,
    pdfs: str = "all",
    pdf_sample: int = 50,
    workers: int = 2,
    live_workflow: int = 5,
    log: Callable[[str], None] = logger.info,
) -> Report:
    """Plan and write the bulk data in one transaction; nothing is kept on failure
    (but PDFs already stored)."""
    start = time.perf_counter()
    planner = Planner(scale=scale, seed=seed, last_year=last_year, live_workflow=live_workflow)
    plan = planner.plan()
    log(f"  planned in {time.perf_counter() - start:.1f} s")
    writer = Writer(plan, pdfs=pdfs, pdf_sample=pdf_sample, workers=workers, log=log)
    # The live workflow would e-mail the people who act next: nobody needs those.
    with (
        quiet_weasyprint(),
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        report = writer.write()
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load (some servers, such as test ones,
        # run without it): planner statistics for the new rows, and the row versions
        # the updates left behind cleared. VACUUM cannot run inside a transaction.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    report.counts = {**data_counts(), "users": User.objects.count()}
    report.checksum = data_checksum()
    return report
