"""The allocation form asks for the recipient first, suggests providers as the
officer types, and will not quietly record a second provider under a name that
looks like one already recorded."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning.matching import match_key
from commissioning.models import Provider
from funding.forms import NEW_PROVIDER
from funding.models import Allocation

from ..factories import FinancialYearFactory, FundingStreamFactory, ProviderFactory

pytestmark = pytest.mark.django_db

CYRILLIC_O = "\u043e"
CYRILLIC_A = "\u0430"


@pytest.fixture
def stream(db):
    return FundingStreamFactory(
        financial_year=FinancialYearFactory(start_year=2016), budget=Decimal("100000")
    )


@pytest.fixture
def partnership(db):
    return ProviderFactory(name="Safe Durham Partnership")


def post(client, stream, **fields):
    data = {"funding_stream": stream.pk, "title": "Hate crime", "amount": "£5,000", **fields}
    return client.post("/funding/allocations/new/", data)


def test_the_recipient_is_the_first_field_and_offers_suggestions(officer_client, stream):
    page = officer_client.get("/funding/allocations/new/").text
    form = page[page.index('<form method="post"') :]
    assert form.index('name="recipient_name"') < form.index('name="funding_stream"')
    assert 'data-suggest="/commissioning/providers/suggest/"' in form
    assert "accessible-autocomplete.min.js" in page


def test_suggestions_hold_what_is_typed_lookalikes_folded(officer_client, partnership):
    ProviderFactory(name="Durham County Council")
    ProviderFactory(name="Victim Care and Advice Service")

    def names(typed):
        response = officer_client.get("/commissioning/providers/suggest/", {"q": typed})
        return [provider["name"] for provider in response.json()["providers"]]

    assert names("durham") == ["Durham County Council", "Safe Durham Partnership"]
    assert names("safe dur") == ["Safe Durham Partnership"]
    assert names("Safe Durham Partnership".replace("a", CYRILLIC_A)) == ["Safe Durham Partnership"]
    assert names(f"Durham C{CYRILLIC_O}unty") == ["Durham County Council"]
    assert names("d") == []  # one letter suggests nothing


def test_suggestions_need_a_signed_in_member_of_staff(client, make_user, partnership):
    response = client.get("/commissioning/providers/suggest/", {"q": "safe"})
    assert response.status_code == 302
    client.force_login(make_user("Panel member"))
    assert client.get("/commissioning/providers/suggest/", {"q": "safe"}).status_code == 403


def test_suggestions_take_the_same_queries_with_few_and_many_providers(officer_client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            officer_client.get("/commissioning/providers/suggest/", {"q": "provider"})
        return len(captured)

    ProviderFactory.create_batch(2)
    few = queries()
    ProviderFactory.create_batch(30)
    assert queries() == few


@pytest.mark.parametrize(
    "typed",
    [
        "Safe Durham Partnershp",  # a slip of the keyboard
        "Safe Durham Partnership".replace("a", CYRILLIC_A),  # lookalike letters
        "The Safe Durham Partnership Ltd",
    ],
)
def test_a_new_name_like_a_provider_is_not_recorded_until_the_officer_says(
    officer_client, stream, partnership, typed
):
    response = post(officer_client, stream, recipient_name=typed)
    assert response.status_code == 200
    assert "is not a provider yet, and looks like one that is" in response.text
    assert 'href="#id_recipient_match_0"' in response.text  # from the error summary
    assert f'value="{partnership.pk}"' in response.text
    assert "Safe Durham Partnership" in response.text
    assert not Allocation.objects.exists()
    assert Provider.objects.count() == 1


def test_lookalike_letters_make_the_same_match_key():
    lookalike = "Safe Durham Partnership".replace("a", CYRILLIC_A)
    assert lookalike != "Safe Durham Partnership"
    assert (
        match_key(lookalike) == match_key("safe durham partnership!") == "safe durham partnership"
    )
    assert match_key("Café & Co") == "cafe and co"
    assert match_key("منظمة خيرية") == "منظمة خيرية"  # another script's own letters stay


def test_choosing_the_near_match_uses_that_provider(officer_client, stream, partnership):
    response = post(
        officer_client,
        stream,
        recipient_name="Safe Durham Partnershp",
        recipient_match=str(partnership.pk),
        recipient_checked="Safe Durham Partnershp",
    )
    assert response.status_code == 302
    assert Allocation.objects.get().recipient == partnership
    assert Provider.objects.count() == 1


def test_confirming_a_new_provider_records_it(officer_client, stream, partnership):
    response = post(
        officer_client,
        stream,
        recipient_name="Safe Durham Partnership Trust",
        recipient_match=NEW_PROVIDER,
        recipient_checked="Safe Durham Partnership Trust",
    )
    assert response.status_code == 302
    assert Allocation.objects.get().recipient.name == "Safe Durham Partnership Trust"
    assert Provider.objects.count() == 2


def test_a_confirmation_given_for_another_name_is_asked_again(officer_client, stream, partnership):
    response = post(
        officer_client,
        stream,
        recipient_name="Safe Durham Partnershp",
        recipient_match=NEW_PROVIDER,
        recipient_checked="Something else entirely",
    )
    assert response.status_code == 200
    assert "looks like one that is" in response.text
    assert 'name="recipient_checked" value="Safe Durham Partnershp"' in response.text
    assert Provider.objects.count() == 1


def test_a_name_like_no_provider_is_recorded_at_once(officer_client, stream, partnership):
    response = post(officer_client, stream, recipient_name="Darlington Peer Mentors CIC")
    assert response.status_code == 302
    assert Allocation.objects.get().recipient.name == "Darlington Peer Mentors CIC"


def test_the_same_name_in_other_case_and_spacing_is_the_provider(
    officer_client, stream, partnership
):
    response = post(officer_client, stream, recipient_name="safe durham  partnership")
    assert response.status_code == 302
    assert Allocation.objects.get().recipient == partnership


def test_existing_providers_get_their_match_key_from_the_migration(partnership):
    Provider.objects.filter(pk=partnership.pk).update(match_key="")
    from importlib import import_module

    from django.apps import apps

    fill = import_module("commissioning.migrations.0004_provider_match_key").fill_keys
    fill(apps, None)
    partnership.refresh_from_db()
    assert partnership.match_key == "safe durham partnership"


def test_an_import_names_each_new_recipient_that_looks_like_a_provider(
    officer_client, stream, partnership
):
    """An import cannot ask row by row, so its preview says which rows to check."""
    import io

    content = (
        "financial_year,funding_stream,recipient,title,amount\n"
        f"2016/17,{stream.name},Safe Durham Partnershp,Hate crime advocacy,5000\n"
        f"2016/17,{stream.name},Harbour Refuge,Refuge support,1000\n"
        f"2016/17,{stream.name},Harbour Refuges,Refuge outreach,1000\n"
        f"2016/17,{stream.name},safe durham partnership,CCTV,1000\n"
    ).encode()
    upload = io.BytesIO(content)
    upload.name = "allocations.csv"
    preview = officer_client.post(
        "/funding/import/", {"kind": "allocations", "file": upload}, follow=True
    )
    text = preview.text.replace("&#x27;", "'")
    assert "2 rows to check before you confirm" in text
    assert (
        "Row 2: “Safe Durham Partnershp” is not a provider yet and looks like “Safe Durham "
        "Partnership”: it will be recorded as a new provider."
    ) in text
    # A name given earlier in the same file counts too.
    assert "Row 4: “Harbour Refuges” is not a provider yet and looks like “Harbour Refuge”" in text
    assert "Row 3:" not in text and "Row 5:" not in text  # new and unlike; the provider itself
    assert not Allocation.objects.exists()
