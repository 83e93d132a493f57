"""Provider names are compared keeping the letters of every script, not only a-z.

The new form keeps strictly more of each name than the old, so names that were
distinct stay distinct and the unique constraint holds."""

import re

from django.db import migrations


def normalise(name: str) -> str:
    return re.sub(r"[\W_]+", " ", name.lower()).strip()


def recompute(apps, schema_editor):
    Provider = apps.get_model("commissioning", "Provider")
    changed = []
    for provider in Provider.objects.only("pk", "name", "normalised_name").iterator():
        wanted = normalise(provider.name)
        if provider.normalised_name != wanted:
            provider.normalised_name = wanted
            changed.append(provider)
    Provider.objects.bulk_update(changed, ["normalised_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0002_agreement_agreementdocument_agreementpartner_and_more")
    ]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
