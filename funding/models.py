import re
from datetime import date
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from commissioning.models import CommissioningRoute
from pcc_grants.areas import AREA_CODE_HELP, ONS_CODE
from pcc_grants.money import MAX_DIGITS
from pcc_grants.years import financial_year_label

_YEAR_LABEL = re.compile(r"^\s*(\d{4})\s*(?:[/-]\s*(\d{2}|\d{4}))?\s*$")
# Allocation references typed in a box are separated by commas, semicolons or spaces.
# An allocation's number is a database integer, at most 2^63 - 1 (19 digits): anything
# longer or not made of the digits 0-9 names no allocation, and is refused before a
# query the database or its driver would fail on.
_ALLOCATION_NUMBER = re.compile(r"[0-9]{1,19}")
_LARGEST_ALLOCATION_NUMBER = 2**63 - 1


def money_field(verbose_name: str | None = None, **kwargs) -> models.DecimalField:
    kwargs.setdefault("validators", [MinValueValidator(Decimal("0"))])
    return models.DecimalField(verbose_name, max_digits=MAX_DIGITS, decimal_places=2, **kwargs)


class FinancialYear(models.Model):
    """A UK financial year, 1 April to 31 March, written ``2016/17``."""

    start_year = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    is_closed = models.BooleanField(
        "closed", default=False, help_text="A closed year refuses every change."
    )

    class Meta:
        ordering = ["-start_year"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return financial_year_label(self.start_year)

    @property
    def slug(self) -> str:
        return financial_year_label(self.start_year, separator="-")

    @property
    def starts_on(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def ends_on(self) -> date:
        return date(self.start_year + 1, 3, 31)

    @staticmethod
    def start_year_from_label(text: str) -> int | None:
        """``2016/17``, ``2016-17``, ``2016/2017`` or ``2016`` give 2016; anything else None."""
        match = _YEAR_LABEL.match(str(text))
        if not match:
            return None
        start = int(match[1])
        if match[2]:
            end = int(match[2])
            if (len(match[2]) == 2 and end != (start + 1) % 100) or (
                len(match[2]) == 4 and end != start + 1
            ):
                return None
        return start

    @staticmethod
    def start_year_for(day: date) -> int:
        return day.year if day.month >= 4 else day.year - 1


class FundingSource(models.Model):
    """Who gives the money: Ministry of Justice, Home Office, precept, reserves…"""

    name = models.CharField(max_length=150, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlanTheme(models.Model):
    """A theme or priority of the Police and Crime Plan that allocations serve."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FundingStream(models.Model):
    """A pot of money for one financial year."""

    financial_year = models.ForeignKey(
        FinancialYear, on_delete=models.PROTECT, related_name="streams"
    )
    name = models.CharField(max_length=200)
    source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, null=True, blank=True, related_name="streams"
    )
    budget = money_field(
        null=True, blank=True, help_text="Leave blank while the budget is to be determined."
    )
    carried_forward = money_field(
        "carried forward", default=Decimal("0.00"), help_text="Brought forward from last year."
    )
    ring_fenced = models.BooleanField("ring-fenced", default=False)
    crime_and_disorder_reduction = models.BooleanField(
        "crime and disorder reduction grant",
        default=False,
        help_text="Its allocations are crime and disorder reduction grants: the Specified "
        "Information Order publishes each one, with its conditions, purpose and reasons.",
    )
    over_allocation_tolerance_percent = models.DecimalField(
        "over-allocation tolerance %",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Set by the Chief Finance Officer: how far approvals may go over the "
        "budget in expectation of underspend.",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The pot this one is split from.",
    )
    previous = models.ForeignKey(
        "self",
        verbose_name="same stream last year",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="following",
    )
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["financial_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["financial_year", "name"], name="funding_stream_unique_name_per_year"
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="funding_stream_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(carried_forward__gte=0),
                name="funding_stream_carried_forward_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.label_of(self.name, self.financial_year.start_year)

    def get_absolute_url(self) -> str:
        return reverse("funding:stream_detail", args=[self.pk])

    @staticmethod
    def label_of(name: str, start_year: int) -> str:
        """How a stream names itself, from its name and its year's: ``Victims (2016/17)``."""
        return f"{name} ({financial_year_label(start_year)})"

    @property
    def budget_to_be_determined(self) -> bool:
        return self.budget is None

    @property
    def available(self) -> Decimal:
        """Budget plus carried forward (a budget to be determined counts as nothing yet)."""
        return (self.budget or Decimal("0")) + self.carried_forward

    @property
    def ceiling(self) -> Decimal:
        """What approved and contracted allocations may reach: available plus tolerance."""
        factor = 1 + self.over_allocation_tolerance_percent / 100
        return (self.available * factor).quantize(Decimal("0.01"))


class AllocationStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    CONTRACTED = "contracted", "Contracted"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Statuses whose money is committed against the stream's budget.
COMMITTED_STATUSES = (AllocationStatus.APPROVED, AllocationStatus.CONTRACTED)


class AllocationQuerySet(models.QuerySet):
    def committed(self):
        return self.filter(status__in=COMMITTED_STATUSES)

    def for_register(self):
        return self.select_related(
            "funding_stream__financial_year", "recipient", "theme"
        ).order_by("-funding_stream__financial_year__start_year", "funding_stream__name", "pk")


class Allocation(models.Model):
    """Money from one funding stream to one recipient, or to an unnamed pot."""

    funding_stream = models.ForeignKey(
        FundingStream, on_delete=models.PROTECT, related_name="allocations"
    )
    recipient = models.ForeignKey(
        "commissioning.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
        help_text="Leave blank for an unnamed pot such as “Emerging initiatives”.",
    )
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    amount = money_field()
    period_start = models.DateField("from")
    period_end = models.DateField("to")
    indicative = models.BooleanField(
        default=False, help_text="An amount signalled for planning, not yet firm."
    )
    status = models.CharField(
        max_length=20, choices=AllocationStatus.choices, default=AllocationStatus.PROPOSED
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text="An earlier allocation this one takes the place of.",
    )
    theme = models.ForeignKey(
        PlanTheme, on_delete=models.PROTECT, null=True, blank=True, related_name="allocations"
    )
    route = models.CharField(
        "commissioning route", max_length=20, choices=CommissioningRoute.choices, blank=True
    )
    agreement = models.ForeignKey(
        "commissioning.Agreement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="allocations",
        help_text="The grant agreement or contract that delivers it.",
    )
    decision = models.ForeignKey(
        "decisions.Decision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="allocations",
        help_text="The decision record that approves it.",
    )
    decision_reference = models.CharField(
        max_length=50,
        blank=True,
        help_text="The decision that approved it, where it was made outside this system.",
    )
    comments = models.TextField(blank=True)
    beneficiary_area_name = models.CharField(
        "where it benefits",
        max_length=100,
        blank=True,
        help_text="The local authority area the service reaches, e.g. County Durham. Blank: "
        "the office's own area.",
    )
    beneficiary_area_code = models.CharField(
        "that area's ONS code",
        max_length=9,
        blank=True,
        validators=[ONS_CODE],
        help_text=AREA_CODE_HELP,
    )
    # What the Specified Information Order publishes of a crime and disorder reduction
    # grant, beside its recipient and amount; required before one is approved.
    conditions = models.TextField(
        "conditions attached",
        blank=True,
        help_text="The conditions the grant is made on, as the recipient is told them.",
    )
    purpose = models.TextField(blank=True, help_text="What the money is for.")
    crime_reduction_reasons = models.TextField(
        "why it will reduce crime and disorder",
        blank=True,
        help_text="Why the office considers the grant will secure, or contribute to "
        "securing, a reduction in crime and disorder.",
    )
    approved_on = models.DateField(
        "approved on",
        null=True,
        blank=True,
        help_text="Set when it is approved; for a decision made outside this system, the "
        "day of that decision.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AllocationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["funding_stream", "pk"]
        indexes = [
            models.Index(fields=["funding_stream", "status"]),
            # The grants register and the open data count and list the allocations
            # of published records: read from this index alone, in the record's order.
            models.Index(
                fields=["decision", "status", "recipient"],
                condition=Q(decision__isnull=False),
                name="allocation_decided_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="allocation_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="allocation_period_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funding:allocation_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return self.reference_of(self.pk)

    @staticmethod
    def reference_of(pk: int) -> str:
        """The reference of the allocation numbered ``pk``: ``A000012``."""
        return f"A{pk:06d}"

    @staticmethod
    def pk_from_reference(reference: str) -> int | None:
        """The number of the allocation a reference names (``A000012``, ``a12`` or
        ``12``), or None if it can name none."""
        number = reference.strip().upper().removeprefix("A")
        if not _ALLOCATION_NUMBER.fullmatch(number) or int(number) > _LARGEST_ALLOCATION_NUMBER:
            return None
        return int(number)

    @property
    def recipient_name(self) -> str:
        return self.recipient.name if self.recipient_id else "Unnamed pot"

    @property
    def is_committed(self) -> bool:
        return self.status in COMMITTED_STATUSES

    @property
    def specified_information_missing(self) -> list[str]:
        """The fields the Specified Information Order publishes that a crime and
        disorder reduction grant still lacks, by name; none for other allocations."""
        if not self.funding_stream.crime_and_disorder_reduction:
            return []
        return [name for name in SPECIFIED_INFORMATION if not getattr(self, name).strip()]


# What the Specified Information Order publishes of a crime and disorder reduction
# grant beyond its recipient and amount, in the order a refusal names them.
SPECIFIED_INFORMATION = ("conditions", "purpose", "crime_reduction_reasons")
