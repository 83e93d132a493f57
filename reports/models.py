from django.conf import settings
from django.db import models


class ReportKind(models.TextChoices):
    COMMISSIONING = "commissioning", "Commissioning activity"
    GRANTS_BY_THEME = "grants_by_theme", "Grants by theme"


class ReportNarrative(models.Model):
    """The introduction an officer writes for a year's report, kept with the report."""

    kind = models.CharField(max_length=30, choices=ReportKind.choices)
    financial_year = models.ForeignKey(
        "funding.FinancialYear", on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "financial_year"], name="one_narrative")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.financial_year}"
