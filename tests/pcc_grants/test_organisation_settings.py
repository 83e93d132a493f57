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


def test_direct_approval_is_delegated_to_the_chief_finance_officer_with_no_limit_by_default(
    db,
):
    from pcc_grants.roles import Role

    unsaved = OrganisationSettings.load()
    assert unsaved.delegated_approvers == {Role.CHIEF_FINANCE_OFFICER}
    assert unsaved.delegated_approval_limit is None


def test_administrator_sets_who_may_approve_directly_and_up_to_how_much(
    client, make_user, organisation
):
    from django.forms.models import model_to_dict

    from pcc_grants.roles import Role

    client.force_login(make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    url = f"/admin/pcc_grants/organisationsettings/{organisation.pk}/change/"
    page = client.get(url).content.decode()
    assert "Delegated approval" in page
    assert 'type="checkbox" name="delegated_approval_roles" value="Chief Executive"' in page
    data = {
        key: value
        for key, value in model_to_dict(organisation).items()
        if value is not None and key not in ("id", "delegated_approval_roles")
    }
    data["delegated_approval_roles"] = ["Chief Finance Officer", "Chief Executive"]
    data["delegated_approval_limit"] = "£25,000"

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation.refresh_from_db()
    assert organisation.delegated_approvers == {
        Role.CHIEF_FINANCE_OFFICER,
        Role.CHIEF_EXECUTIVE,
    }
    assert str(organisation.delegated_approval_limit) == "25000.00"

    data["delegated_approval_roles"] = ["Officer"]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "delegated_approval_roles" in response.context["adminform"].form.errors


@pytest.mark.parametrize("value", [["Officer"], ["Chief Finance Officer"] * 2, "Commissioner"])
def test_only_office_holders_may_be_delegated_direct_approval(value):
    from pcc_grants.models import validate_delegated_approval_roles

    with pytest.raises(ValidationError, match="Choose among"):
        validate_delegated_approval_roles(value)
