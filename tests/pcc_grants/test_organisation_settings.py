import pytest
from django.core.exceptions import ValidationError

from pcc_grants.models import OrganisationSettings, validate_reference_pattern

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("pattern", ["{seq:03d}-{year}", "EXE {seq:04d}/{yy}", "DEL {seq}"])
def test_reference_patterns_from_the_seed_forms_are_accepted(pattern):
    validate_reference_pattern(pattern)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{year}", "must contain {seq}"),
        ("{seq}-{month}", "Unknown placeholder month"),
        ("{seq:03d", "Not a valid reference pattern"),
    ],
)
def test_bad_reference_patterns_are_refused(pattern, message):
    with pytest.raises(ValidationError, match=message):
        validate_reference_pattern(pattern)


def test_there_is_only_ever_one_settings_record(organisation):
    OrganisationSettings(name="Another body", officer_approval_statement="x").save()
    assert OrganisationSettings.objects.count() == 1
    assert OrganisationSettings.load().name == "Another body"


def test_pages_show_the_body_name_from_settings_not_a_hard_coded_one(client, organisation):
    organisation.name = "Mayor's Office for Policing and Crime"
    organisation.short_name = "MOPAC"
    organisation.save()
    response = client.get("/")
    assert "Mayor&#x27;s Office for Policing and Crime" in response.content.decode()
    assert "Durham" not in response.content.decode()


def test_administrator_edits_settings_in_the_admin(client, make_user, organisation):
    from pcc_grants.roles import Role

    admin = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(f"/admin/pcc_grants/organisationsettings/{organisation.pk}/change/")
    assert response.status_code == 200
    assert "Decision reference numbers" in response.content.decode()
