"""What the demo shows, read from one demo loaded for the module (``demo``): each
user's menu, the dashboard, where each record came from, the records to choose, the
transparency page and the dates of 034-2016."""

import html
import re

import pytest

from pcc_grants.navigation import menu_labels

from .test_load_demo import DEMO_ROLES, sign_in_demo

pytestmark = pytest.mark.django_db


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
    demo, client, username, sees, does_not_see
):
    sign_in_demo(client, username)
    response = client.get("/")
    menu = menu_labels(response.context["menu"])
    for label in sees:
        assert label in menu
    for label in does_not_see:
        assert label not in menu
    role_names = ", ".join(sorted(role.label for role in DEMO_ROLES[username]))
    assert f"({role_names})" in response.content.decode()


def test_the_demo_dashboard_shows_the_latest_funding_position(demo, client):
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


def test_the_demo_presents_itself_as_the_demonstration_opcc_not_a_real_office(demo, client):
    welcome = page_text(client, "/")
    assert "<h1>Office of the Demonstration Police and Crime Commissioner</h1>" in welcome
    assert "Durham" not in welcome
    sign_in_demo(client, "officer")
    header = page_text(client, "/").split("</nav>")[0]
    assert "Demonstration OPCC" in header
    assert "Durham" not in header


def test_each_seeded_stream_allocation_and_agreement_names_the_office_it_came_from(demo, client):
    from commissioning.models import Agreement
    from funding.models import Allocation, FundingStream

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


def test_each_demo_decision_record_says_what_it_was_transcribed_from_or_that_it_is_made_up(
    demo, client
):
    from decisions.models import Decision

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


def test_the_demo_has_proposed_allocations_for_a_new_record_to_choose(demo, client):
    sign_in_demo(client, "officer")
    page = page_text(client, "/staff/decisions/new/")
    offered = page[page.index("Find proposed allocations") : page.index("Funding breakdown")]
    for title in (
        "Group work for siblings of young victims",
        "Domestic abuse advocacy in schools",
        "Evening helpline",
    ):
        assert title in offered


def test_the_transparency_page_lists_the_demos_crime_reduction_grants_by_month(demo, client):
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


def test_the_demo_dates_034_2016_as_the_record_does(demo, client):
    """Signed on 10 August 2016, so the register finds it under 2016/17 and the open
    data awards its grant on that day, not on the day the demo was loaded."""
    page = page_text(client, "/decisions/?year=2016-17")
    assert "Extending Community Peer Mentors Project into Bishop Auckland" in page
    assert "10 August 2016" in page
    grants = client.get("/open-data/grants.json").json()["grants"]
    assert [grant["awardDate"] for grant in grants] == ["2016-08-10"]
