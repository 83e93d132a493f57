"""Load the demonstration organisation, one user per role, and demo data."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from commissioning import services as commissioning
from commissioning.models import Agreement
from decisions import clock
from decisions import services as decision_services
from decisions import workflow as decision_workflow
from decisions.models import Decision
from decisions.record_view import record_sections
from decisions.references import decision_reference_allocate
from decisions.selectors import decision_for_record
from devtools.demo import panel_2013, reviews_2013, rounds, transparency
from devtools.demo.commissioning import AGREEMENTS, DEMONSTRATION_CHARITY_NUMBER, PROVIDERS
from devtools.demo.decisions import (
    DURHAM_034_2016,
    LEICESTERSHIRE_EXE_0025_13,
    RESTORATIVE_JUSTICE_COORDINATORS,
    VICTIMS_REFERRAL_SERVICE,
)
from devtools.demo.provenance import (
    DURHAM_DECISION_034_2016,
    DURHAM_PANEL_REPORT_2015,
    MADE_UP,
    NOTES_COLUMN,
    SEED_SOURCES,
    seed_with_source,
)
from devtools.demo.seal import write_demonstration_pkcs12
from devtools.demo.second_factors import demo_authenticator, one_time_code, secret_of
from funding import naming
from funding import services as funding_services
from funding.importers import run_import
from funding.models import Allocation, FundingStream
from pcc_grants.models import (
    DEFAULT_DECISION_MAKER_STATEMENT,
    DEFAULT_MONITORING_OFFICER_STATEMENT,
    OrganisationSettings,
    User,
)
from pcc_grants.roles import SIGNING_ROLES, Role

SEEDS = Path(__file__).resolve().parents[2] / "demo" / "seeds"

# A neutral office: the records it holds are other offices' published ones, each
# saying whose (devtools/demo/provenance.py).
DEMONSTRATION_OPCC = {
    "name": "Office of the Demonstration Police and Crime Commissioner",
    "short_name": "Demonstration OPCC",
    "decision_maker_title": "Police and Crime Commissioner",
    "chief_executive_title": "Chief Executive",
    "chief_finance_officer_title": "Chief Finance Officer",
    "monitoring_officer_title": "Monitoring Officer",
    # The officer approval statement of Durham's Decision Record Form, which the
    # demonstration's forms follow, as they follow its reference numbers.
    "officer_approval_statement": (
        "I have been consulted about the decision and confirm that financial, legal, and "
        "equalities advice has been taken into account. I am satisfied that this is an "
        "appropriate request to be submitted to the Police and Crime Commissioner."
    ),
    "decision_maker_statement": DEFAULT_DECISION_MAKER_STATEMENT,
    "monitoring_officer_statement": DEFAULT_MONITORING_OFFICER_STATEMENT,
    "decision_reference_pattern": "{seq:03d}-{year}",
    "delegated_reference_pattern": "DEL {seq:03d}-{year}",
    # The Chief Finance Officer may approve an allocation directly, of any amount the
    # budget rule allows; the seed imports rely on it.
    # A made-up org-id, in the form of the UK government organisation register's, so
    # that the open data names its funder as a real office's would.
    "org_id": "GB-GOR-DEMO",
    "delegated_approval_roles": [Role.CHIEF_FINANCE_OFFICER.value],
    "delegated_approval_limit": None,
}

# (username, first name, last name, job title, roles, administrator). The officer bears
# the name of 034-2016's lead officer, so that record reads as printed; the others are
# made up.
DEMO_USERS = (
    ("officer", "Charles", "Oakley", "Head of Governance & Commissioning", [Role.OFFICER], False),
    ("cfo", "Alex", "Morgan", "Chief Finance Officer", [Role.CHIEF_FINANCE_OFFICER], False),
    ("chief.executive", "Jo", "Whitfield", "Chief Executive", [Role.CHIEF_EXECUTIVE], False),
    (
        "monitoring.officer",
        "Sam",
        "Patel",
        "Monitoring Officer",
        [Role.MONITORING_OFFICER],
        False,
    ),
    (
        "commissioner",
        "Pat",
        "Ellison",
        "Police and Crime Commissioner",
        [Role.COMMISSIONER],
        False,
    ),
    ("panel", "Chris", "Dunn", "Police and Crime Panel member", [Role.PANEL_MEMBER], False),
    ("admin", "Robin", "Hale", "Systems Administrator", [Role.ADMINISTRATOR], True),
)


# Proposals for 2017/18 that no record approves yet, for a new record to choose: the
# recipients are the seed's, the projects and amounts are made up.
PROPOSALS = (
    ("Embrace – Child Victims of Crime", "Group work for siblings of young victims", "8500"),
    ("Cambridgeshire County Council", "Domestic abuse advocacy in schools", "12000"),
    ("Cambridge and Peterborough Rape Crisis Partnership", "Evening helpline", "6250.50"),
)


def _moment(year: int, month: int, day: int, hour: int) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


class Command(BaseCommand):
    help = (
        "Load the Demonstration OPCC's settings, one user per role, and demo data from "
        "published OPCC documents (DEBUG only)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default="demo", help="Password for every demo user (default: demo)."
        )

    def handle(self, *args, password: str, **options):
        if not settings.DEBUG:
            raise CommandError(
                "load_demo refuses to run with DEBUG off: it creates users with a known "
                "password. Set DEBUG=1 for a demonstration database."
            )
        # The demo's own steps would e-mail the demo users: nobody needs those.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            OrganisationSettings.objects.update_or_create(pk=1, defaults=DEMONSTRATION_OPCC)
            self._seal()
            users = [self._user(password, *row) for row in DEMO_USERS]
            # The seeds record money already decided: they are imported in the name of
            # the Chief Finance Officer, whom the settings let approve directly.
            cfo = next(user for user in users if user.username == "cfo")
            self._funding(by=cfo, officer=users[0])
            self._crime_reduction_grants(by=cfo)
            self._commissioning()
            self._decisions(users[0])
            self._proposals(users[0])
            self._workflow({user.username: user for user in users}, password)
            applicant, said = rounds.load(by=users[0], password=password)
            reviewer, reviewed = reviews_2013.load(by=users[0], password=password)
            recommended = panel_2013.load(users={user.username: user for user in users})
            for line in (*said, *reviewed, *recommended):
                self.stdout.write(line)
            # The roles that sign use two factors: each has a demonstration
            # authenticator, whose key can be added to a real app.
            authenticators = {
                user.username: secret_of(demo_authenticator(user))
                for user, row in zip(users, DEMO_USERS, strict=True)
                if set(row[4]) & SIGNING_ROLES
            }
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in at /accounts/login/ as:"))
        width = max(len(user.username) for user in users)
        for user, row in zip(users, DEMO_USERS, strict=True):
            roles = ", ".join(role.label for role in row[4])
            self.stdout.write(f"  {user.username:<{width}}  password: {password:<8}  {roles}")
        self.stdout.write(
            f"  {applicant.username:<{width}}  password: {password:<8}  Applicant, of "
            f"{rounds.APPLICANT_ORGANISATION}"
        )
        if reviewer is not None:
            self.stdout.write(
                f"  {reviewer.username}  password: {password}  Reviewer (a Themed Reviewer "
                f"of {reviews_2013.pcc_grant.ROUND['name']})"
            )
        self.stdout.write(
            "Signing roles also give a code at sign-in and to sign: add the key below to an "
            "authenticator app, or print the current code with "
            "`python manage.py demo_code USERNAME`."
        )
        for username, secret in authenticators.items():
            self.stdout.write(f"  {username:<{width}}  authenticator key: {secret}")

    def _seal(self) -> None:
        """Without a signing certificate installed (no SEAL_* variable), a demonstration
        one where the development settings look for it, so 034-2016 can be published
        with a seal; an installed certificate is left alone."""
        path = Path(settings.SEAL_DEMO_FILE)
        if path.exists() or Path(settings.SEAL_PKCS12_FILE) != path:
            return
        organisation = OrganisationSettings.load()
        write_demonstration_pkcs12(path, organisation.name, short_name=organisation.short_name)
        self.stdout.write(
            f"  a demonstration signing certificate in {path} (self-signed, not a real "
            "certificate: readers show its seal as untrusted)"
        )

    def _funding(self, *, by: User, officer: User) -> None:
        """Durham's 2015-16 funding and Community Safety Grant projects, and
        Cambridgeshire's 2017/18 victims' services and crime reduction grants."""
        for start_year, prefix in (
            (2013, "leicestershire_2013"),
            (2015, "durham_2015"),
            (2017, "cambridgeshire_2017"),
        ):
            if not FundingStream.objects.filter(financial_year__start_year=start_year).exists():
                self._import(prefix, "funding", by=by)
                if prefix == "leicestershire_2013":
                    # The PCC Grant round opened in July 2013, before the awards of
                    # EXE 0025/13's schedule were allocated from its stream.
                    rounds.open_pcc_grant_2013(by=officer)
                self._import(prefix, "allocations", by=by)

    def _crime_reduction_grants(self, *, by: User) -> None:
        """Cambridgeshire's crime and disorder reduction grants, marked as such, with
        the conditions, purpose and reasons the transparency page publishes."""
        stream = FundingStream.objects.filter(
            financial_year__start_year=transparency.START_YEAR, name=transparency.STREAM
        ).first()
        if stream is None or stream.crime_and_disorder_reduction:
            return
        funding_services.funding_stream_update(
            stream=stream, by=by, crime_and_disorder_reduction=True
        )
        grants = stream.allocations.select_related("theme").order_by("pk")
        for allocation in grants:
            funding_services.allocation_update(
                allocation=allocation,
                by=by,
                approved_on=transparency.APPROVED_ON,
                **transparency.wording(allocation.theme.name if allocation.theme_id else ""),
            )
        self.stdout.write(f"  {len(grants)} crime and disorder reduction grants, with wording")

    def _import(self, prefix: str, kind: str, *, by: User) -> None:
        """One seed's streams or allocations, each noting the document it came from."""
        name = f"{prefix}_{kind}.csv"
        content = seed_with_source(
            (SEEDS / name).read_bytes(), column=NOTES_COLUMN[kind], source=SEED_SOURCES[prefix]
        )
        result = run_import(kind=kind, content=content, by=by)
        if not result.ok:
            raise CommandError(f"{name}: " + "; ".join(map(str, result.errors)))
        self.stdout.write(f"  {name}: {len(result.planned)} rows imported")

    def _commissioning(self) -> None:
        """Providers and agreements for the seeds, each linked to its allocations."""
        for name, fields in PROVIDERS.items():
            provider = commissioning.provider_get_or_create(name=name)
            commissioning.provider_update(provider=provider, by=None, **fields)
        for row in AGREEMENTS:
            data = dict(row)
            allocation_title = data.pop("allocation_title", None)
            allocation_stream = data.pop("allocation_stream", None)
            if Agreement.objects.filter(reference=data["reference"]).exists():
                continue
            data["provider"] = commissioning.provider_get_or_create(name=data["provider"])
            agreement = commissioning.agreement_create(by=None, **data)
            allocations = Allocation.objects.filter(recipient=agreement.provider)
            if allocation_title:
                allocations = allocations.filter(title=allocation_title)
            if allocation_stream:
                allocations = allocations.filter(funding_stream__name=allocation_stream)
            commissioning.agreement_set_allocations(
                agreement=agreement, allocations=allocations, by=None
            )
        self.stdout.write(f"  {len(AGREEMENTS)} agreements with their providers")

    def _decisions(self, officer: User) -> None:
        """Durham's 034-2016 with its £9,400 allocation, and Leicestershire's
        EXE 0025/13 with the schedule of allocations it approved."""
        if not Decision.objects.filter(reference=DURHAM_034_2016["reference"]).exists():
            stream = FundingStream.objects.filter(
                financial_year__start_year=2016, name="Community Safety Fund"
            ).first() or naming.funding_stream_create_for_year(
                by=None,
                start_year=2016,
                name="Community Safety Fund",
                source_name="Police budget",
                budget=Decimal("150000"),
                description=(
                    f"Demonstration data: the fund is named in {DURHAM_PANEL_REPORT_2015}; its "
                    "2016/17 budget is made up for the demo, as the seed documents do not give "
                    "it.\nThe Commissioner's fund for community and voluntary sector projects."
                ),
            )
            allocation = naming.allocation_save_named(
                by=None,
                funding_stream=stream,
                recipient_name="Community Peer Mentors Project",
                title="Community Peer Mentors: extension into Bishop Auckland",
                amount=Decimal("9400"),
                period_start=date(2016, 9, 1),
                period_end=date(2017, 3, 31),
                # The record extends the project into Bishop Auckland, County Durham.
                beneficiary_area_name="County Durham",
                beneficiary_area_code="E06000047",
                comments=(
                    f"Demonstration data: the £9,400 approved by {DURHAM_DECISION_034_2016}. "
                    f"The project's charity number, {DEMONSTRATION_CHARITY_NUMBER}, is made up "
                    "for the demo: the record names no registered body, and the number is above "
                    "any the Charity Commission has issued."
                ),
            )
            self._record(DURHAM_034_2016, officer, [allocation])
        if not Decision.objects.filter(reference=LEICESTERSHIRE_EXE_0025_13["reference"]).exists():
            schedule = Allocation.objects.filter(
                decision_reference=LEICESTERSHIRE_EXE_0025_13["reference"]
            )
            self._record(LEICESTERSHIRE_EXE_0025_13, officer, list(schedule))
        self.stdout.write("  decision records 034-2016 and EXE 0025/13")

    def _proposals(self, officer: User) -> None:
        """Proposed allocations no record approves yet, for a new record to choose."""
        stream = FundingStream.objects.filter(
            financial_year__start_year=2017, name="Victims' Services Grant"
        ).first()
        if stream is None or stream.allocations.filter(status="proposed").exists():
            return
        for recipient, title, amount in PROPOSALS:
            naming.allocation_save_named(
                by=officer,
                funding_stream=stream,
                recipient_name=recipient,
                title=title,
                amount=Decimal(amount),
                comments=MADE_UP,
            )
        self.stdout.write(f"  {len(PROPOSALS)} proposed allocations awaiting a decision record")

    def _workflow(self, users: dict[str, User], password: str) -> None:
        """034-2016 all the way to publication; one record waiting at each other step."""

        def act(**step):
            # A scripted signature gives a one-time code, as a signer gives theirs.
            if decision_workflow.TRANSITIONS[step["action"]].signed:
                step["code"] = one_time_code(step["by"])
            return decision_services.decision_transition(**step)

        durham = Decision.objects.get(reference=DURHAM_034_2016["reference"])
        if durham.status == "draft":
            # Each step when 034-2016 records it: the paper of 3 August 2016, signed by
            # the Chief Executive and the Commissioner on 10 August 2016; the register
            # then dates the decision, and the grant it awards, as the record does.
            with clock.at(_moment(2016, 8, 3, 16)):
                act(decision=durham, by=users["officer"], action="submit")
            with clock.at(_moment(2016, 8, 4, 10)):
                decision_services.decision_comment_add(
                    decision=durham,
                    by=users["cfo"],
                    kind="financial",
                    text="The allocation of £9,400 is within the 2016/17 budget limits. "
                    "(Demonstration data: as 034-2016 records the financial implications.)",
                )
                decision_services.decision_comment_add(
                    decision=durham,
                    by=users["monitoring.officer"],
                    kind="legal",
                    text="No specific legal implications. "
                    "(Demonstration data: as 034-2016 records the legal implications.)",
                )
            with clock.at(_moment(2016, 8, 10, 10)):
                act(
                    decision=durham,
                    by=users["chief.executive"],
                    action="officer_approve",
                    password=password,
                )
            with clock.at(_moment(2016, 8, 10, 15)):
                act(
                    decision=durham,
                    by=users["commissioner"],
                    action="approve",
                    password=password,
                )
            act(
                decision=durham,
                by=users["monitoring.officer"],
                action="decide_publication",
                password=password,
                publication={
                    section.key: {"choice": "publish"}
                    for section in record_sections(decision_for_record(durham.pk))
                },
            )
        leicestershire = Decision.objects.get(reference=LEICESTERSHIRE_EXE_0025_13["reference"])
        if leicestershire.status == "draft":
            act(decision=leicestershire, by=users["officer"], action="submit")
            self._comments(leicestershire, users)
            act(
                decision=leicestershire,
                by=users["cfo"],
                action="officer_approve",
                password=password,
            )
            act(
                decision=leicestershire,
                by=users["commissioner"],
                action="approve",
                password=password,
            )
        for data, steps in (
            (RESTORATIVE_JUSTICE_COORDINATORS, ("submit", "officer_approve")),
            (VICTIMS_REFERRAL_SERVICE, ("submit",)),
        ):
            if Decision.objects.filter(title=data["title"]).exists():
                continue
            fields = {k: v for k, v in data.items() if k not in ("lines", "allocation")}
            planned = data["allocation"]
            allocation = naming.allocation_save_named(
                by=users["officer"],
                funding_stream=FundingStream.objects.get(
                    financial_year__start_year=2015, name=planned["stream"]
                ),
                recipient_name=planned["recipient"],
                title=planned["title"],
                amount=Decimal(planned["amount"]),
                comments=planned["comments"],
            )
            decision = decision_services.decision_create(
                by=users["officer"],
                lead_officer=users["officer"],
                lines=[(item, Decimal(amount)) for item, amount in data["lines"]],
                allocations=[allocation],
                **fields,
            )
            for step in steps:
                if step == "officer_approve":
                    self._comments(decision, users)
                act(
                    decision=decision,
                    by=users["chief.executive"] if step == "officer_approve" else users["officer"],
                    action=step,
                    password=password,
                )
        self.stdout.write("  034-2016 published; records awaiting each step of the workflow")

    def _comments(self, decision: Decision, users: dict[str, User]) -> None:
        """The advice a record's implications call for, before its officer approval."""
        if decision.financial_implications:
            decision_services.decision_comment_add(
                decision=decision, by=users["cfo"], kind="financial", text=f"Affordable. {MADE_UP}"
            )
        if decision.legal_implications:
            decision_services.decision_comment_add(
                decision=decision,
                by=users["monitoring.officer"],
                kind="legal",
                text=f"Lawful. {MADE_UP}",
            )

    def _record(self, data: dict, officer: User, allocations: list) -> Decision:
        fields = dict(data)
        reference, lines = fields.pop("reference"), fields.pop("lines")
        decision = decision_services.decision_create(
            by=officer, lead_officer=officer, lines=lines, **fields
        )
        decision = decision_reference_allocate(decision=decision, reference=reference)
        # Listed once the record has its paper reference: allocations approved before
        # the system, on paper, may be listed only by the record they name.
        return decision_services.decision_update(
            decision=decision, by=officer, allocations=allocations
        )

    def _user(self, password, username, first, last, job_title, roles, administrator) -> User:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "job_title": job_title,
                "email": f"{username}@example.org",
                "is_active": True,
                "is_staff": administrator,
                "is_superuser": administrator,
            },
        )
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
        return user
