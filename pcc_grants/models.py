import gzip
import string
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse

from .areas import AREA_CODE_HELP, ONS_CODE
from .money import MAX_DIGITS
from .roles import (
    DELEGABLE_APPROVERS,
    PAPER_RECORDER_CHOICES,
    PAPER_RECORDERS,
    SIGNING_ROLES,
    TWO_FACTOR_ROLE_CHOICES,
    Role,
)

REFERENCE_FIELDS = {"seq", "year", "yy"}
NOT_A_DELEGABLE_ROLE = "Choose among: {roles}."


def validate_reference_pattern(pattern: str) -> None:
    """A reference pattern is a format string over ``seq``, ``year`` and ``yy``."""
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError as error:
        raise ValidationError(f"Not a valid reference pattern: {error}.") from error
    unknown = fields - REFERENCE_FIELDS
    if unknown:
        raise ValidationError(
            "Unknown placeholder %(names)s: use {seq}, {year} and {yy} only.",
            params={"names": ", ".join(sorted(unknown))},
        )
    if "seq" not in fields:
        raise ValidationError("The pattern must contain {seq}, e.g. {seq:03d}-{year}.")
    try:
        pattern.format(seq=25, year=2013, yy="13")
    except (ValueError, IndexError) as error:
        raise ValidationError(f"Not a valid reference pattern: {error}.") from error


def default_delegated_approval_roles() -> list[str]:
    """A new organisation delegates direct approvals to its Chief Finance Officer."""
    return [Role.CHIEF_FINANCE_OFFICER.value]


def _validate_roles(value, choices) -> None:
    """A list of roles among ``choices``, each at most once."""
    allowed = [role.value for role in choices]
    if (
        not isinstance(value, list)
        or any(item not in allowed for item in value)
        or len(set(value)) != len(value)
    ):
        raise ValidationError(NOT_A_DELEGABLE_ROLE.format(roles=", ".join(allowed)))


def _roles_named(names, choices) -> frozenset[Role]:
    """The roles a settings list names, ignoring any no longer among ``choices``."""
    allowed = {role.value: role for role in choices}
    return frozenset(allowed[name] for name in names or () if name in allowed)


def validate_delegated_approval_roles(value) -> None:
    """The roles that may be given direct approval."""
    _validate_roles(value, DELEGABLE_APPROVERS)


def default_paper_recorder_roles() -> list[str]:
    """The Chief Executive and the Monitoring Officer record signatures made on paper."""
    return sorted(role.value for role in PAPER_RECORDERS)


def validate_paper_recorder_roles(value) -> None:
    """The roles that may record a signature made on paper."""
    _validate_roles(value, PAPER_RECORDER_CHOICES)


def default_two_factor_roles() -> list[str]:
    """The roles that sign use two factors at sign-in."""
    return sorted(role.value for role in SIGNING_ROLES)


def validate_two_factor_roles(value) -> None:
    _validate_roles(value, TWO_FACTOR_ROLE_CHOICES)


class SigningCredentials(models.TextChoices):
    PASSWORD_AND_CODE = "password_and_code", "Password and a second factor"
    CODE = "code", "A second factor instead of the password"


class User(AbstractUser):
    job_title = models.CharField(
        max_length=150,
        blank=True,
        help_text="As it appears on documents, e.g. Head of Governance & Commissioning.",
    )
    # When a second factor was last added or removed: a session signed in before
    # then works out again what it still needs (accounts.middleware).
    second_factors_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


DEFAULT_OFFER_LETTER = """Dear {contact},

{round}: {reference}, {title}

I am pleased to tell you that the {decision_maker} has approved a grant of {amount} to \
{organisation} for this project, for the period {period_start} to {period_end}.

The grant is offered on the terms below, and on these conditions:
{conditions}

Monitoring returns are due on: {returns_due}.

To accept the offer, sign in to your account and accept it online within 28 days.

Yours sincerely,
{office}"""

DEFAULT_OFFER_TERMS = """1. The grant of {amount} is used only for the project described in \
application {reference}, between {period_start} and {period_end}.
2. {organisation} sends a monitoring return on each date due ({returns_due}) and tells the \
office at once of any change to the project.
3. Money not spent on the project, or spent on anything else, is repaid on request.
4. The office's support is acknowledged in public material about the project.
5. The office may publish the grant's amount, purpose and recipient as open data."""

DEFAULT_OUTCOME_LETTER = """Dear {contact},

{round}: {reference}, {title}

Thank you for applying. I am sorry to tell you that your application has not been \
successful this time.

The reviewers' feedback:
{feedback}

Yours sincerely,
{office}"""


class OrganisationSettings(models.Model):
    """The one record of who the body is and what its office holders are called.

    Titles and statements are data so that the product survives a change of
    governance (e.g. a mayor or policing board replacing the Commissioner).
    """

    name = models.CharField(
        "body's name",
        max_length=200,
        help_text="e.g. Office of the Demonstration Police and Crime Commissioner",
    )
    short_name = models.CharField(
        max_length=100, blank=True, help_text="e.g. Demonstration OPCC; used in the page header."
    )
    decision_maker_title = models.CharField(
        max_length=150, default="Police and Crime Commissioner"
    )
    chief_executive_title = models.CharField(max_length=150, default="Chief Executive")
    chief_finance_officer_title = models.CharField(max_length=150, default="Chief Finance Officer")
    monitoring_officer_title = models.CharField(max_length=150, default="Monitoring Officer")
    officer_approval_statement = models.TextField(
        help_text="What the Chief Executive or Chief Finance Officer signs.",
    )
    decision_maker_statement = models.TextField(
        help_text="What the decision-maker signs, including the register of interests "
        "declaration.",
    )
    monitoring_officer_statement = models.TextField(
        help_text="What the Monitoring Officer signs when deciding publication.",
    )
    decision_reference_pattern = models.CharField(
        max_length=50,
        default="{seq:03d}-{year}",
        validators=[validate_reference_pattern],
        help_text="e.g. {seq:03d}-{year} gives 034-2016; EXE {seq:04d}/{yy} gives EXE 0025/13.",
    )
    delegated_reference_pattern = models.CharField(
        max_length=50,
        default="DEL {seq:03d}-{year}",
        validators=[validate_reference_pattern],
        help_text="The separate series for delegated officer decisions.",
    )

    org_id = models.CharField(
        "organisation identifier",
        max_length=60,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Z]{2}-[A-Z0-9]+-\S+$",
                "Enter an org-id such as GB-GOR-PC000123: a register's list code, then the "
                "office's number in it.",
            )
        ],
        help_text="The office's own org-id, the funder's identifier in its open data: the "
        "list code of a register that holds the office, then its number there, e.g. "
        "GB-GOR-PC000123 (the UK government organisation register) or GB-COH-… (Companies "
        "House). org-id.guide lists the registers, and 360Giving's helpdesk confirms one. "
        "The open data prefix stands in while it is blank, and 360Giving's checks warn of it.",
    )
    open_data_prefix = models.CharField(
        "open data prefix",
        max_length=60,
        default="360G-pccgrants",
        validators=[
            RegexValidator(r"^360G-[A-Za-z0-9-]+$", "A 360Giving prefix such as 360G-DurhamPCC.")
        ],
        help_text="The 360Giving prefix registered for the office: grant ids and the ids of "
        "organisations with no registered number start with it.",
    )
    area_name = models.CharField(
        "area",
        max_length=100,
        blank=True,
        help_text="The office's own area, e.g. Durham: where its grants benefit, unless an "
        "allocation says otherwise, and where its recipients are, unless their provider "
        "says otherwise.",
    )
    area_code = models.CharField(
        "area's ONS code",
        max_length=9,
        blank=True,
        validators=[ONS_CODE],
        help_text=AREA_CODE_HELP,
    )

    # Delegated approval: who may commit money without a decision record, and how much.
    delegated_approval_roles = models.JSONField(
        "roles that may approve an allocation directly",
        default=default_delegated_approval_roles,
        blank=True,
        validators=[validate_delegated_approval_roles],
        help_text="A direct approval commits money without a decision record. Tick none "
        "for every allocation to be approved by a decision.",
    )
    delegated_approval_limit = models.DecimalField(
        "largest direct approval",
        max_digits=MAX_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="An allocation over this amount is approved only by a decision record. "
        "Leave blank for no limit but the budget rule.",
    )

    # Signatures made on paper: who may record one, on behalf of the signer.
    paper_recorder_roles = models.JSONField(
        "roles that may record a signature made on paper",
        default=default_paper_recorder_roles,
        blank=True,
        validators=[validate_paper_recorder_roles],
        help_text="They record, with their own password and the scan, a step signed on "
        "paper by someone who holds that step's role. Tick none for every signature to be "
        "made online.",
    )

    # Two-factor authentication: who must use it at sign-in, and what a signature asks.
    two_factor_roles = models.JSONField(
        "roles that must use two-factor authentication",
        default=default_two_factor_roles,
        blank=True,
        validators=[validate_two_factor_roles],
        help_text="At sign-in, users holding one of these roles are sent to set up an "
        "authenticator app or a passkey until they have one. Every signature asks for a "
        "second factor whatever is ticked here.",
    )
    signing_credentials = models.CharField(
        "a signature asks for",
        max_length=20,
        choices=SigningCredentials.choices,
        default=SigningCredentials.PASSWORD_AND_CODE,
    )

    # Grant rounds' letters: templates whose {placeholders} are filled when a letter is
    # written (the letters' page lists them); staff may still edit a letter before it
    # is sent.
    offer_letter_template = models.TextField(
        "offer letter",
        default=DEFAULT_OFFER_LETTER,
        help_text="Placeholders: {contact}, {organisation}, {reference}, {title}, {round}, "
        "{amount}, {period_start}, {period_end}, {conditions}, {returns_due}, {office}, "
        "{decision_maker}.",
    )
    offer_terms_template = models.TextField(
        "offer terms",
        default=DEFAULT_OFFER_TERMS,
        help_text="What an applicant accepts online. Same placeholders as the offer letter.",
    )
    outcome_letter_template = models.TextField(
        "outcome letter",
        default=DEFAULT_OUTCOME_LETTER,
        help_text="For an unsuccessful application. Placeholders: {contact}, {organisation}, "
        "{reference}, {title}, {round}, {feedback}, {office}.",
    )

    class Meta:
        verbose_name = "organisation settings"
        verbose_name_plural = "organisation settings"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:pcc_grants_organisationsettings_change", args=[self.pk])

    @property
    def delegated_approvers(self) -> frozenset[Role]:
        """The roles that may approve an allocation directly, as the settings say."""
        return _roles_named(self.delegated_approval_roles, DELEGABLE_APPROVERS)

    @property
    def paper_recorders(self) -> frozenset[Role]:
        """The roles that may record a signature made on paper, as the settings say."""
        return _roles_named(self.paper_recorder_roles, PAPER_RECORDER_CHOICES)

    @property
    def two_factor_required(self) -> frozenset[Role]:
        """The roles that must use two-factor authentication, as the settings say."""
        return _roles_named(self.two_factor_roles, TWO_FACTOR_ROLE_CHOICES)

    @property
    def signature_needs_password(self) -> bool:
        return self.signing_credentials == SigningCredentials.PASSWORD_AND_CODE

    @classmethod
    def load(cls) -> "OrganisationSettings":
        """The record, or unsaved defaults until an administrator saves one."""
        return cls.objects.filter(pk=1).first() or cls(
            pk=1,
            name="Office of the Police and Crime Commissioner",
            officer_approval_statement=DEFAULT_OFFICER_APPROVAL_STATEMENT,
            decision_maker_statement=DEFAULT_DECISION_MAKER_STATEMENT,
            monitoring_officer_statement=DEFAULT_MONITORING_OFFICER_STATEMENT,
        )


DEFAULT_OFFICER_APPROVAL_STATEMENT = (
    "I have been consulted about the decision and confirm that financial, legal, and "
    "equalities advice has been taken into account. I am satisfied that this is an "
    "appropriate request to be submitted to the Police and Crime Commissioner."
)
DEFAULT_DECISION_MAKER_STATEMENT = (
    "I agree the decision set out above. I confirm that my register of interests is up to "
    "date and that I have no personal or prejudicial interest in this decision."
)
DEFAULT_MONITORING_OFFICER_STATEMENT = (
    "As Monitoring Officer I have determined whether it is appropriate to publish this "
    "record of decision, the officer assessment and the supporting details, for the "
    "reasons given."
)


class StoredDocument(models.Model):
    """A file uploaded by staff, kept under a random name and streamed only by views
    that check who is asking (see pcc_grants.uploads)."""

    stored_name = models.CharField(max_length=100, editable=False)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class BuiltFile(models.Model):
    """A file built from the database and kept in it until what it reads changes (the
    open data): its bytes, and the key it was built for (pcc_grants.built_files).
    Kept here rather than in a process's memory so that every app server serves the
    same file, and a record that leaves the file leaves it on all of them at once."""

    name = models.CharField(max_length=100, unique=True)
    key = models.CharField(max_length=64, help_text="SHA-256 of what the file was built from.")
    # gzip: a tenth of the bytes to read from the database (and to send, to a client
    # that accepts it).
    compressed = models.BinaryField(help_text="The file, compressed with gzip.")
    content_type = models.CharField(max_length=100)
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name

    @property
    def content(self) -> bytes:
        return gzip.decompress(self.compressed)
