"""Each provider's match key worked out again: characters drawn as nothing (a
zero-width space, a soft hyphen, a Hangul filler) no longer count in it, so that a
name spelt with them between its letters is the lookalike it appears to be."""

from django.db import migrations

from commissioning.matching import match_key


def refill_keys(apps, schema_editor):
    Provider = apps.get_model("commissioning", "Provider")
    providers = list(Provider.objects.only("pk", "name", "match_key"))
    changed = []
    for provider in providers:
        key = match_key(provider.name)
        if key != provider.match_key:
            provider.match_key = key
            changed.append(provider)
    Provider.objects.bulk_update(changed, ["match_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0004_provider_match_key"),
    ]

    operations = [
        migrations.RunPython(refill_keys, migrations.RunPython.noop),
    ]
