import re
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from pcc_grants.areas import AREA_CODE_HELP, ONS_CODE
from pcc_grants.models import StoredDocument
from pcc_grants.money import MAX_DIGITS

from . import matching


class CommissioningRoute(models.TextChoices):
    """How money reaches a provider (DESIGN §2). Codes are stable: imports use them."""

    GRANT = "grant", "Grant agreement"
    CONTRACT = "contract", "Competitive contract"
    SINGLE_TENDER = "single_tender", "Single tender action"
    POOLED = "pooled", "Co-commissioning / pooled budget"
    GRANT_ROUND = "grant_round", "Open grant round"
    INNOVATION = "innovation", "Innovation fund"
    LOCAL_FUND = "local_fund", "Local (BCU) fund"
    DIRECT_AWARD = "direct_award", "Direct award"

    @classmethod
    def from_text(cls, text: str) -> "CommissioningRoute | None":
        """A route from its code or its name, in any case; None if neither."""
        wanted = normalise_name(text)
        for route in cls:
            if wanted in (normalise_name(route.value), normalise_name(route.label)):
                return route
        return None


def normalise_name(name: str) -> str:
    """A name reduced for duplicate checks: case and punctuation ignored, letters of
    every script kept (so two charities named in Arabic are not one)."""
    return re.sub(r"[\W_]+", " ", name.lower()).strip()


def money_field(verbose_name=None, **kwargs) -> models.DecimalField:
    kwargs.setdefault("validators", [MinValueValidator(Decimal("0"))])
    return models.DecimalField(verbose_name, max_digits=MAX_DIGITS, decimal_places=2, **kwargs)


# England and Wales: 6 or 7 digits, maybe "-N" for a linked charity; Scotland SC +
# 6 digits; Northern Ireland NIC + 6 digits (or the older XR/XN numbers).
CHARITY_NUMBER = RegexValidator(
    r"^(?:\d{6,7}(?:-\d{1,2})?|SC\d{6}|NIC\d{6}|X[A-Z]\d{5})$",
    "Enter a charity number such as 1123456, SC012345 or NIC100002.",
)
# Companies House: 8 characters, digits or a two-letter prefix (SC, NI, OC…) + 6 digits.
COMPANY_NUMBER = RegexValidator(
    r"^(?:\d{8}|[A-Z]{2}\d{6})$",
    "Enter a Companies House number of 8 characters, such as 01234567 or SC123456.",
)
LOCAL_AUTHORITY_CODE = RegexValidator(
    r"^[A-Z]{3,4}$", "Enter the council's three or four letter code, such as DUR."
)
POSTCODE = RegexValidator(
    r"^(GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})$",
    "Enter a UK postcode such as DH1 5UL.",
)


class ProviderType(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    CSP = "csp", "Community safety partnership"
    CHARITY = "charity", "Charity"
    CIC = "cic", "Community interest company"
    COMPANY = "company", "Company"
    POLICE_FORCE = "police_force", "Police force"
    NHS = "nhs", "NHS body"
    OTHER = "other", "Other"


class Provider(models.Model):
    """An organisation that receives money."""

    name = models.CharField(max_length=255)
    normalised_name = models.CharField(max_length=255, unique=True, editable=False)
    # What a reader sees in the name (``matching.match_key``): lookalikes are near.
    match_key = models.CharField(
        max_length=matching.KEY_LENGTH, editable=False, default="", db_index=True
    )
    provider_type = models.CharField(
        "type", max_length=20, choices=ProviderType.choices, default=ProviderType.OTHER
    )
    charity_number = models.CharField(max_length=12, blank=True, validators=[CHARITY_NUMBER])
    company_number = models.CharField(max_length=8, blank=True, validators=[COMPANY_NUMBER])
    local_authority_code = models.CharField(
        "local authority code",
        max_length=4,
        blank=True,
        validators=[LOCAL_AUTHORITY_CODE],
        help_text="For councils: the code in the register of English local authorities.",
    )
    org_id = models.CharField(
        "organisation identifier",
        max_length=80,
        blank=True,
        editable=False,
        help_text="Derived from the registered numbers (org-id.guide).",
    )
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[POSTCODE])
    area_name = models.CharField(
        "local authority area",
        max_length=100,
        blank=True,
        help_text="Where the organisation is, e.g. County Durham. Blank: the office's own area.",
    )
    area_code = models.CharField(
        "area's ONS code",
        max_length=9,
        blank=True,
        validators=[ONS_CODE],
        help_text=AREA_CODE_HELP,
    )
    is_vcse = models.BooleanField(
        "VCSE", default=False, help_text="Voluntary, community or social enterprise."
    )
    is_sme = models.BooleanField("SME", default=False, help_text="Small or medium enterprise.")
    is_active = models.BooleanField("active", default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["charity_number"],
                condition=~Q(charity_number=""),
                name="provider_unique_charity_number",
            ),
            models.UniqueConstraint(
                fields=["company_number"],
                condition=~Q(company_number=""),
                name="provider_unique_company_number",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.normalised_name = normalise_name(self.name)
        self.match_key = matching.match_key(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("commissioning:provider_detail", args=[self.pk])

    @property
    def registration_number(self) -> str:
        return self.charity_number or self.company_number or self.local_authority_code

    def identifier(self, prefix: str) -> str:
        """The org-id to publish: the one recorded, else one derived now."""
        return self.org_id or self.registered_org_id() or f"{prefix}-provider-{self.pk}"

    def registered_org_id(self) -> str:
        """The org-id from a registered number, or "" when there is none."""
        if self.charity_number:
            if self.charity_number.startswith("SC"):
                return f"GB-SC-{self.charity_number}"
            if self.charity_number.startswith(("NIC", "X")):
                return f"GB-NIC-{self.charity_number.removeprefix('NIC')}"
            return f"GB-CHC-{self.charity_number}"
        if self.company_number:
            return f"GB-COH-{self.company_number}"
        if self.local_authority_code:
            return f"GB-LAE-{self.local_authority_code}"
        return ""


class ProviderContact(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MonitoringFrequency(models.TextChoices):
    NONE = "none", "No monitoring returns"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    TWICE_YEARLY = "twice_yearly", "Twice yearly"
    ANNUAL = "annual", "Annual"

    @property
    def months(self) -> int:
        return {"monthly": 1, "quarterly": 3, "twice_yearly": 6, "annual": 12}.get(self.value, 0)


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"
    TERMINATED = "terminated", "Terminated"


class SingleTenderGround(models.TextChoices):
    ONLY_SUPPLIER = (
        "only_supplier",
        "Only one supplier can carry out the work, for technical reasons",
    )
    CONTINUITY = (
        "continuity",
        "Continuity of supply with an existing contractor or supplier",
    )


class AgreementQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("provider").order_by("-start_date", "reference")


class Agreement(models.Model):
    """A grant agreement or contract with a provider."""

    reference = models.CharField(max_length=50, unique=True)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="agreements")
    route = models.CharField(
        "commissioning route", max_length=20, choices=CommissioningRoute.choices
    )
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    total_value = money_field("total value")
    annual_value = money_field("annual value", null=True, blank=True)
    start_date = models.DateField("start")
    end_date = models.DateField("end")
    review_date = models.DateField("review", null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE
    )
    match_funding = money_field("match funding", default=Decimal("0.00"))
    co_funders = models.TextField(
        "co-funders", blank=True, help_text="Who else funds the service, one per line."
    )
    single_tender_ground = models.CharField(
        "single tender ground",
        max_length=20,
        choices=SingleTenderGround.choices,
        blank=True,
    )
    single_tender_justification = models.TextField(
        "single tender justification",
        blank=True,
        help_text="Why no competitive procurement: the evidence for the ground chosen.",
    )
    monitoring_frequency = models.CharField(
        max_length=20, choices=MonitoringFrequency.choices, default=MonitoringFrequency.NONE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="agreement_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("commissioning:agreement_detail", args=[self.pk])

    @property
    def is_pooled(self) -> bool:
        return self.route == CommissioningRoute.POOLED


class AgreementPartner(models.Model):
    """A partner's share of a co-commissioned or pooled budget (the OPCC's too)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField("partner", max_length=255)
    contribution = money_field()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


def _document_path(instance, filename: str) -> str:
    # The service names the file; this only runs if something else saves one.
    return f"agreements/{instance.stored_name}"


class AgreementDocument(StoredDocument):
    """A document of an agreement: staff only, unless published as the public copy of
    the contract (the Specified Information Order publishes each contract over
    £10,000), on the transparency page."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=_document_path, max_length=200)
    published_at = models.DateTimeField(
        "published",
        null=True,
        blank=True,
        help_text="When it was published as the public copy of the contract.",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta(StoredDocument.Meta):
        pass

    def get_absolute_url(self) -> str:
        return reverse("commissioning:document_download", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("transparency_contract_document", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class MonitoringReturnQuerySet(models.QuerySet):
    def overdue(self, today):
        return self.filter(received_date__isnull=True, due_date__lt=today)


class MonitoringReturn(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="returns")
    period_start = models.DateField()
    period_end = models.DateField()
    due_date = models.DateField()
    received_date = models.DateField(null=True, blank=True)
    spend_to_date = money_field("spend to date", null=True, blank=True)
    rag = models.CharField("RAG rating", max_length=5, choices=Rag.choices, blank=True)
    narrative = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = MonitoringReturnQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["received_date", "due_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "period_start"], name="one_return_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference}: {self.period_start:%b %Y} – {self.period_end:%b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("commissioning:return_record", args=[self.pk])

    @property
    def is_received(self) -> bool:
        return self.received_date is not None


class ReturnMeasure(models.Model):
    """An output or outcome reported in a return: metric, value, optional target."""

    monitoring_return = models.ForeignKey(
        MonitoringReturn, on_delete=models.CASCADE, related_name="measures"
    )
    metric = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.metric
