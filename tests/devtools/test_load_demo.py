import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from pcc_grants.models import OrganisationSettings, User
from pcc_grants.roles import Role, user_roles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """The demo's application documents are stored away from the working tree."""
    settings.MEDIA_ROOT = tmp_path


DEMO_ROLES = {
    "officer": {Role.OFFICER},
    "cfo": {Role.CHIEF_FINANCE_OFFICER},
    "chief.executive": {Role.CHIEF_EXECUTIVE},
    "monitoring.officer": {Role.MONITORING_OFFICER},
    "commissioner": {Role.COMMISSIONER},
    "panel": {Role.PANEL_MEMBER},
    "admin": {Role.ADMINISTRATOR},
}


@override_settings(DEBUG=True)
def test_load_demo_creates_the_demonstration_opcc_and_one_user_per_role_and_prints_the_logins(
    capsys,
):
    call_command("load_demo", password="s3cret-demo")

    out = capsys.readouterr().out
    organisation = OrganisationSettings.load()
    assert organisation.name == "Office of the Demonstration Police and Crime Commissioner"
    assert organisation.short_name == "Demonstration OPCC"
    for username, roles in DEMO_ROLES.items():
        user = User.objects.get(username=username)
        assert user.check_password("s3cret-demo")
        assert user_roles(user) == roles
        assert username in out
    assert "s3cret-demo" in out


@override_settings(DEBUG=True)
def test_load_demo_twice_leaves_one_of_each():
    call_command("load_demo")
    call_command("load_demo")
    # The staff; the applicants and reviewers of the demo's grant rounds are counted in
    # test_demo_rounds.
    staff = User.objects.filter(applicant__isnull=True, reviewer__isnull=True)
    assert staff.count() == len(DEMO_ROLES)
    assert OrganisationSettings.objects.count() == 1
    assert User.objects.get(username="officer").check_password("demo")


@override_settings(DEBUG=False)
def test_load_demo_refuses_to_run_with_debug_off():
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("load_demo")
    assert not User.objects.exists()


def sign_in_demo(client, username: str) -> None:
    """The password, then, for a role that signs, the demonstration authenticator's
    current code as ``demo_code`` prints it."""
    signed_in = client.post("/accounts/login/", {"username": username, "password": "demo"})
    assert signed_in.status_code == 302
    waiting = client.get("/")
    if waiting.status_code == 302 and waiting["Location"].startswith("/accounts/login/code/"):
        out = StringIO()
        call_command("demo_code", username, stdout=out)
        done = client.post("/accounts/login/code/", {"code": out.getvalue().strip()})
        assert done.status_code == 302, done.content.decode()


@override_settings(DEBUG=True)
def test_the_roles_that_sign_get_a_demonstration_authenticator_the_others_none():
    out = StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()
    for username in ("cfo", "chief.executive", "monitoring.officer", "commissioner"):
        assert re.search(rf"{re.escape(username)}\s+authenticator key: [A-Z2-7]{{32}}", printed)
    assert not re.search(r"^  officer +authenticator key", printed, re.M)
    with pytest.raises(CommandError):
        call_command("demo_code", "officer")


@override_settings(DEBUG=True)
def test_load_demo_adds_the_seed_funding_and_agreements_once():
    from commissioning.models import Agreement
    from commissioning.selectors import agreement_allocations_total
    from funding.models import Allocation, FundingStream

    call_command("load_demo")
    call_command("load_demo")
    assert FundingStream.objects.filter(financial_year__start_year=2015).count() == 6
    durham = Allocation.objects.filter(
        funding_stream__financial_year__start_year=2015, status="approved"
    )
    assert sum(a.amount for a in durham) == 500545
    agreements = Agreement.objects.all()
    assert agreements.count() == 11
    for agreement in agreements:
        assert agreement_allocations_total(agreement=agreement) == agreement.total_value
    single_tenders = agreements.filter(route="single_tender")
    assert single_tenders.count() == 3
    assert all(a.single_tender_ground and a.single_tender_justification for a in single_tenders)
