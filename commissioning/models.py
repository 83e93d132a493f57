import re

from django.db import models
from django.urls import reverse


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
    """A name reduced for duplicate checks: case and punctuation ignored."""
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


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
    provider_type = models.CharField(
        "type", max_length=20, choices=ProviderType.choices, default=ProviderType.OTHER
    )
    is_active = models.BooleanField("active", default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.normalised_name = normalise_name(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("funding:allocation_list") + f"?recipient={self.pk}"
