"""An index of the allocations a decision record holds, with their status and
recipient: the grants register and the open data count and page the grants of
published records from it alone (on SQLite too, which keeps no statistics to find a
better way), instead of reading every allocation."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0007_trigram_search_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="allocation",
            index=models.Index(
                condition=models.Q(("decision__isnull", False)),
                fields=["decision", "status", "recipient"],
                name="allocation_decided_idx",
            ),
        ),
    ]
