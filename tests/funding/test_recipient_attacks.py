"""Attempts to record a second provider under a name that looks like one already
recorded, or to read more than names through the suggestions."""

import string
from decimal import Decimal

import pytest

from commissioning.matching import match_key
from commissioning.models import Provider
from commissioning.services import NAME_WITHOUT_LETTERS
from funding.importers import run_import
from funding.models import Allocation

from ..factories import (
    AllocationFactory,
    FinancialYearFactory,
    FundingStreamFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

NAME = "Safe Durham Partnership"


@pytest.fixture
def stream(db):
    return FundingStreamFactory(
        financial_year=FinancialYearFactory(start_year=2016), budget=Decimal("100000")
    )


@pytest.fixture
def partnership(db):
    return ProviderFactory(name=NAME)


def post(client, stream, url="/funding/allocations/new/", **fields):
    data = {"funding_stream": stream.pk, "title": "Hate crime", "amount": "£5,000", **fields}
    return client.post(url, data)


@pytest.mark.parametrize(
    "typed",
    [
        "\u200b".join(NAME),  # a zero-width space between every letter
        "\u00ad".join(NAME),  # soft hyphens
        "\u2060".join(NAME),  # word joiners
        "\ufe0f".join(NAME),  # variation selectors
        "\u3164".join(NAME),  # Hangul fillers, blank "letters"
        "".join(letter + "\U000e0041" for letter in NAME),  # tag characters
        "Ｓａｆｅ Ｄｕｒｈａｍ Ｐａｒｔｎｅｒｓｈｉｐ",
        "S\u0301afe Durham Partnership",
        "Sαfe Durhαm Pαrtnership",
    ],
)
def test_a_name_that_looks_the_same_is_asked_about(officer_client, stream, partnership, typed):
    response = post(officer_client, stream, recipient_name=typed)
    assert response.status_code == 200
    assert "looks like one that is" in response.text
    assert Provider.objects.count() == 1


@pytest.mark.parametrize(
    "typed", ["\u00a0".join(NAME.split()), "Safe Durham Partnership...", "SAFE DURHAM PARTNERSHIP"]
)
def test_the_same_name_spaced_or_punctuated_otherwise_is_the_provider(
    officer_client, stream, partnership, typed
):
    assert post(officer_client, stream, recipient_name=typed).status_code == 302
    assert Allocation.objects.get().recipient == partnership


def test_the_edit_form_asks_too(officer_client, stream, partnership):
    allocation = AllocationFactory(funding_stream=stream, recipient=partnership)
    response = post(
        officer_client,
        stream,
        url=f"/funding/allocations/{allocation.pk}/edit/",
        recipient_name="\u200b".join(NAME),
    )
    assert response.status_code == 200
    assert "looks like one that is" in response.text
    assert Provider.objects.count() == 1


def test_a_provider_not_among_the_near_matches_cannot_be_chosen(
    officer_client, stream, partnership
):
    other = ProviderFactory(name="Harbour Refuge")
    response = post(
        officer_client,
        stream,
        recipient_name="Safe Durham Partnershp",
        recipient_match=str(other.pk),
        recipient_checked="Safe Durham Partnershp",
    )
    assert response.status_code == 200
    assert not Allocation.objects.exists()


def test_a_long_name_whose_key_is_cut_is_asked_about(officer_client, stream):
    # "&" reads as "and": the key of a name of 253 characters is longer than the 255
    # a provider keeps, and the typed name's key must be cut the same way.
    long_name = " & ".join(string.ascii_uppercase * 3)[:255].strip(" &")
    ProviderFactory(name=long_name)
    response = post(officer_client, stream, recipient_name=long_name.replace("O", "\u041e"))
    assert response.status_code == 200
    assert "looks like one that is" in response.text
    assert Provider.objects.count() == 1


def test_match_keys_of_names_without_letters_are_empty():
    assert match_key("") == match_key("   ") == match_key("!!!") == ""


@pytest.mark.parametrize("typed", ["!!!", "—", "\u200b\u200b", "\u3164"])
def test_a_recipient_named_without_letters_is_refused(officer_client, stream, typed):
    response = post(officer_client, stream, recipient_name=typed)
    assert response.status_code == 200
    assert NAME_WITHOUT_LETTERS.replace("'", "&#x27;") in response.text
    assert 'href="#id_recipient_name"' in response.text
    assert not Provider.objects.exists()


def test_a_recipient_without_letters_is_not_taken_for_another_so_named(officer_client, stream):
    ProviderFactory(name="!!!")  # recorded before names needed letters
    response = post(officer_client, stream, recipient_name="—")
    assert response.status_code == 200
    assert not Allocation.objects.exists()


def test_a_provider_named_without_letters_is_refused(officer_client):
    data = {"provider_type": "other", "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0"}
    response = officer_client.post("/commissioning/providers/new/", {**data, "name": "???"})
    assert response.status_code == 200
    assert NAME_WITHOUT_LETTERS.replace("'", "&#x27;") in response.text
    assert not Provider.objects.exists()


def test_suggestions_give_names_and_types_only_and_treat_wildcards_as_text(
    officer_client, partnership
):
    ProviderFactory(name="Harbour Refuge", is_active=False, charity_number="1123456")
    response = officer_client.get("/commissioning/providers/suggest/", {"q": "%%"})
    assert response.json() == {"providers": []}
    response = officer_client.get("/commissioning/providers/suggest/", {"q": "h_r"})
    assert response.json() == {"providers": []}
    response = officer_client.get("/commissioning/providers/suggest/", {"q": "harbour"})
    assert response.json() == {"providers": [{"name": "Harbour Refuge", "type": "Other"}]}
    response = officer_client.get("/commissioning/providers/suggest/", {"q": "x" * 100_000})
    assert response.status_code == 200


def test_a_near_match_named_with_markup_is_text(officer_client, stream):
    ProviderFactory(name="<script>alert(1)</script> Safe")
    response = post(officer_client, stream, recipient_name="<script>alert(1)</script> Safee")
    assert "looks like one that is" in response.text
    assert "<script>alert(1)</script>" not in response.text


def test_the_migration_works_out_keys_again_without_invisible_characters(partnership):
    from importlib import import_module

    from django.apps import apps

    spaced = ProviderFactory(name="\u200b".join("Harbour Refuge"))
    Provider.objects.filter(pk=spaced.pk).update(match_key="h a r b o u r r e f u g e")
    migration = import_module(
        "commissioning.migrations.0005_match_keys_without_invisible_characters"
    )
    migration.refill_keys(apps, None)
    spaced.refresh_from_db()
    assert spaced.match_key == "harbour refuge"


def test_an_import_names_a_recipient_without_letters_in_its_column(stream):
    content = (
        "financial_year,funding_stream,recipient,title,amount\n"
        f"2016/17,{stream.name},—,Helpline,9400\n"
    ).encode()
    result = run_import(kind="allocations", content=content)
    assert [(error.row, error.column, error.message) for error in result.errors] == [
        (2, "recipient", NAME_WITHOUT_LETTERS)
    ]
    assert not Provider.objects.exists()
