import html
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from pcc_grants.models import OrganisationSettings, User
from pcc_grants.navigation import menu_labels
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
    # The staff; the applicants of the demo's grant rounds are counted in test_demo_rounds.
    assert User.objects.filter(applicant__isnull=True).count() == len(DEMO_ROLES)
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
@pytest.mark.parametrize(
    ("username", "sees", "does_not_see"),
    [
        (
            "officer",
            ["Dashboard", "Funding streams", "Allocations", "Import from a file"],
            ["Administration", "Organisation settings"],
        ),
        (
            "commissioner",
            ["Dashboard", "Funding streams", "Funding position"],
            ["Administration", "Import from a file"],
        ),
        ("panel", ["Dashboard", "Funding position"], ["Allocations", "Administration"]),
        ("admin", ["Dashboard", "Administration", "Organisation settings"], []),
    ],
)
def test_each_demo_user_signs_in_and_sees_the_menu_of_their_roles(
    client, username, sees, does_not_see
):
    call_command("load_demo")
    sign_in_demo(client, username)
    response = client.get("/")
    menu = menu_labels(response.context["menu"])
    for label in sees:
        assert label in menu
    for label in does_not_see:
        assert label not in menu
    role_names = ", ".join(sorted(role.label for role in DEMO_ROLES[username]))
    assert f"({role_names})" in response.content.decode()


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


@override_settings(DEBUG=True)
def test_the_demo_dashboard_shows_the_latest_funding_position(client):
    call_command("load_demo")
    sign_in_demo(client, "cfo")
    page = client.get("/").content.decode()
    # This year's, which the open grant round spends (devtools/demo/rounds.py).
    assert "Funding position 2026/27" in page
    assert "£150,000" in page


# Where the demo's records came from ------------------------------------------------


def words(page: str) -> str:
    """The text of a page as a reader sees it: no tags, one space between words."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def page_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


@override_settings(DEBUG=True)
def test_the_demo_presents_itself_as_the_demonstration_opcc_not_a_real_office(client):
    call_command("load_demo")
    welcome = page_text(client, "/")
    assert "<h1>Office of the Demonstration Police and Crime Commissioner</h1>" in welcome
    assert "Durham" not in welcome
    sign_in_demo(client, "officer")
    header = page_text(client, "/").split("</nav>")[0]
    assert "Demonstration OPCC" in header
    assert "Durham" not in header


@override_settings(DEBUG=True)
def test_each_seeded_stream_allocation_and_agreement_names_the_office_it_came_from(client):
    from commissioning.models import Agreement
    from funding.models import Allocation, FundingStream

    call_command("load_demo")
    sign_in_demo(client, "officer")
    durham = Allocation.objects.get(title="Anti-Social Behaviour Officers")
    page = page_text(client, durham.get_absolute_url())
    assert (
        "Demonstration data: from Durham PCC's report to the Police and Crime Panel, "
        "3 February 2015 (“Update on Commissioning Activity”)." in page
    )
    assert "Durham Community Safety Grant Projects table (report para 6)" in page  # kept
    leicestershire = Allocation.objects.filter(decision_reference="EXE 0025/13").first()
    assert (
        "Demonstration data: from Leicestershire PCC's decision record EXE 0025/13"
        in page_text(client, leicestershire.get_absolute_url())
    )
    stream = FundingStream.objects.get(name="Victims' Services Grant")
    assert (
        "Demonstration data: from Cambridgeshire OPCC's report to the Business Coordination "
        "Board, 11 May 2017" in page_text(client, stream.get_absolute_url())
    )
    agreement = Agreement.objects.get(reference="CAM-VS-2017-08")
    page = page_text(client, agreement.get_absolute_url())
    assert "Demonstration data: the provider, service, value and route are from" in page
    assert "the reference and the monitoring are made up for the demo." in page

    # And every one of them, not only these.
    for model, notes in (
        (FundingStream, "description"),
        (Allocation, "comments"),
        (Agreement, "description"),
    ):
        unsourced = model.objects.exclude(**{f"{notes}__startswith": "Demonstration data"})
        assert not unsourced.exists(), list(unsourced)


@override_settings(DEBUG=True)
def test_each_demo_decision_record_says_what_it_was_transcribed_from_or_that_it_is_made_up(
    client,
):
    from decisions.models import Decision

    call_command("load_demo")
    published = Decision.objects.get(reference="034-2016")
    register = page_text(client, f"/decisions/{published.slug}/")
    assert (
        "Demonstration data: transcribed from Durham PCC's Decision Record Form 034-2016 "
        "(10 August 2016)." in register
    )
    assert "sign it, not the people who signed the original." in register

    sign_in_demo(client, "officer")
    leicestershire = Decision.objects.get(reference="EXE 0025/13")
    assert (
        "Demonstration data: transcribed from Leicestershire PCC's decision record EXE 0025/13"
        in page_text(client, leicestershire.get_absolute_url())
    )
    made_up = Decision.objects.get(title__startswith="Restorative Justice Coordinators")
    page = page_text(client, made_up.get_absolute_url())
    assert "the record and its amount are made up for the demo." in page
    assert "Affordable. Demonstration data, made up for the demo." in page
    allocation = made_up.allocations.get()
    assert "the record and its amount are made up for the demo." in page_text(
        client, allocation.get_absolute_url()
    )


@override_settings(DEBUG=True)
def test_the_demo_has_proposed_allocations_for_a_new_record_to_choose(client):
    call_command("load_demo", stdout=StringIO())
    sign_in_demo(client, "officer")
    page = page_text(client, "/staff/decisions/new/")
    offered = page[page.index("Find proposed allocations") : page.index("Funding breakdown")]
    for title in (
        "Group work for siblings of young victims",
        "Domestic abuse advocacy in schools",
        "Evening helpline",
    ):
        assert title in offered


@override_settings(DEBUG=True)
def test_the_transparency_page_lists_the_demos_crime_reduction_grants_by_month(client):
    call_command("load_demo", stdout=StringIO())
    page = words(page_text(client, "/transparency/"))
    grants = page[page.index("25 grants · Last updated") :]
    grants = grants[: grants.index("Contracts over £10,000 ")]
    assert "May 2017: 25 grants, £1,322,248" in grants
    assert "Integrated Mental Health Team in Force Control Room" in grants
    assert "Cambridgeshire and Peterborough Foundation Trust" in grants
    # The conditions, purpose and reasons, each saying the demo made it up.
    assert "unspent money returned. (Made up for the demo" in grants
    assert "Safeguarding vulnerable people" in grants
    assert "less often drawn into offending. (Made up for the demo" in grants
    assert "Victims' Services Grant" not in grants
    sign_in_demo(client, "officer")
    gaps = words(page_text(client, "/reports/transparency/"))
    assert "None: every grant has its conditions, purpose and reasons." in gaps


@override_settings(DEBUG=True)
def test_the_demo_dates_034_2016_as_the_record_does(client):
    """Signed on 10 August 2016, so the register finds it under 2016/17 and the open
    data awards its grant on that day, not on the day the demo was loaded."""
    call_command("load_demo", stdout=StringIO())
    page = page_text(client, "/decisions/?year=2016-17")
    assert "Extending Community Peer Mentors Project into Bishop Auckland" in page
    assert "10 August 2016" in page
    grants = client.get("/open-data/grants.json").json()["grants"]
    assert [grant["awardDate"] for grant in grants] == ["2016-08-10"]
