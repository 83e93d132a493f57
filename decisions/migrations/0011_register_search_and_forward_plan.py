"""The register's filters (financial year, significant public interest), its search
by reference in any spacing and, without PostgreSQL, by English stems; and the forward
plan's fields on the record.

The new columns of each published snapshot are filled from what it already holds (its
public content, title and text), as ``decisions.search.search_columns`` fills them at
publication, so ``verify_records`` finds them as it expects. The snapshot is
append-only: its trigger lets this one update through, and nothing else changes.
"""

import pgtrigger
from django.db import migrations, models

from decisions.search import search_columns


def fill_search_columns(apps, schema_editor):
    snapshots = apps.get_model("decisions", "PublishedSnapshot")
    names = ["financial_year", "significant_public_interest", "reference_key"]
    names += ["title_words", "text_words"]
    changed = []
    for snapshot in snapshots.objects.order_by("pk").iterator():
        columns = search_columns(snapshot.content, title=snapshot.title, text=snapshot.search_text)
        for name in names:
            setattr(snapshot, name, columns[name])
        changed.append(snapshot)
    with pgtrigger.ignore("decisions.PublishedSnapshot:snapshot_append_only"):
        snapshots.objects.bulk_update(changed, names, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0010_signing_factor_and_seal"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="expected_decision_month",
            field=models.DateField(
                blank=True,
                help_text="For example 2027-03. Stored as the first day of the month.",
                null=True,
                verbose_name="month the decision is expected",
            ),
        ),
        migrations.AddField(
            model_name="decision",
            name="forward_plan",
            field=models.BooleanField(
                default=False,
                help_text="The public page of decisions expected lists it until it is decided.",
                verbose_name="list it on the forward plan",
            ),
        ),
        migrations.AddField(
            model_name="decision",
            name="forward_plan_summary",
            field=models.CharField(
                blank=True,
                help_text="One or two sentences the public may read now: it is published as soon as the draft is saved, before the record is decided.",
                max_length=300,
                verbose_name="summary for the forward plan",
            ),
        ),
        migrations.AddField(
            model_name="publishedsnapshot",
            name="financial_year",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="The financial year of the decision: 2016 for 2016/17.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="publishedsnapshot",
            name="reference_key",
            field=models.CharField(
                blank=True,
                help_text="The reference's letters and digits, lower case: 0342016 for 034-2016.",
                max_length=50,
            ),
        ),
        migrations.AddField(
            model_name="publishedsnapshot",
            name="significant_public_interest",
            field=models.BooleanField(
                default=False, help_text="Published as of significant public interest."
            ),
        ),
        migrations.AddField(
            model_name="publishedsnapshot",
            name="text_words",
            field=models.TextField(blank=True, help_text="The English stems of ``search_text``."),
        ),
        migrations.AddField(
            model_name="publishedsnapshot",
            name="title_words",
            field=models.TextField(blank=True, help_text="The title's English stems."),
        ),
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop),
    ]
