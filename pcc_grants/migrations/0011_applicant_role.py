"""The Applicant role: a member of an organisation that applies for grants."""

from django.db import migrations

ROLE = "Applicant"


def create_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=ROLE)


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ROLE, user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("pcc_grants", "0010_organisation_area_and_org_id_guidance")]

    operations = [migrations.RunPython(create_role, remove_role)]
