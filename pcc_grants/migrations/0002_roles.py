"""Create a group for each role of the product (DESIGN §1)."""

from django.db import migrations

# Frozen here, not imported, so that the migration means the same thing forever.
ROLES = (
    "Officer",
    "Chief Finance Officer",
    "Chief Executive",
    "Monitoring Officer",
    "Commissioner",
    "Panel member",
    "Reviewer",
    "Administrator",
)


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLES, user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pcc_grants", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
