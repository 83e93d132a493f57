"""Existing approved and contracted allocations get the day they were approved: the
date of the decision record that approved them, or else the day their history first
shows them approved, or else the day they were recorded."""

from django.db import migrations

COMMITTED = ("approved", "contracted")


def fill_approved_on(apps, schema_editor):
    Allocation = apps.get_model("funding", "Allocation")
    History = apps.get_model("funding", "HistoricalAllocation")
    committed = Allocation.objects.filter(status__in=COMMITTED, approved_on__isnull=True)
    for allocation in committed.select_related("decision").iterator():
        day = allocation.decision.decision_date if allocation.decision_id else None
        if day is None:
            first = (
                History.objects.filter(id=allocation.pk, status__in=COMMITTED)
                .order_by("history_date")
                .values_list("history_date", flat=True)
                .first()
            )
            day = (first or allocation.created_at).date()
        Allocation.objects.filter(pk=allocation.pk).update(approved_on=day)


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0005_crime_and_disorder_reduction_grants"),
        ("decisions", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill_approved_on, migrations.RunPython.noop)]
