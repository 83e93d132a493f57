from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from commissioning import services
from commissioning.models import (
    Agreement,
    CommissioningRoute,
    MonitoringReturn,
    Provider,
    ProviderType,
    SingleTenderGround,
)
from funding.models import Allocation

from ..factories import AllocationFactory

pytestmark = pytest.mark.django_db


def agreement_fields(**overrides):
    provider = overrides.pop("provider", None) or services.provider_create(
        by=None, name="Family Action", charity_number="264713"
    )
    fields = {
        "reference": "VS-2017-10",
        "provider": provider,
        "route": CommissioningRoute.GRANT,
        "title": "Specialist Victim Care Co-ordinator",
        "total_value": Decimal("29065"),
        "start_date": date(2017, 4, 1),
        "end_date": date(2018, 3, 31),
    }
    fields.update(overrides)
    return fields


@pytest.mark.parametrize(
    ("fields", "org_id"),
    [
        ({"charity_number": "1123456"}, "GB-CHC-1123456"),
        ({"charity_number": "SC012345"}, "GB-SC-SC012345"),
        ({"company_number": "1234567"}, "GB-COH-01234567"),
        ({"company_number": "sc 123456"}, "GB-COH-SC123456"),
        ({"local_authority_code": "dur"}, "GB-LAE-DUR"),
        ({"charity_number": "1123456", "company_number": "01234567"}, "GB-CHC-1123456"),
    ],
)
def test_org_id_is_derived_from_the_registered_number(fields, org_id):
    provider = services.provider_create(by=None, name="Example", **fields)
    assert provider.org_id == org_id


def test_a_provider_with_no_registered_number_gets_an_internal_id(organisation):
    organisation.open_data_prefix = "360G-DurhamPCC"
    organisation.save()
    provider = services.provider_create(by=None, name="Darlington Peer Mentors")
    assert provider.org_id == f"360G-DurhamPCC-provider-{provider.pk}"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("charity_number", "12AB", "Enter a charity number such as 1123456"),
        ("company_number", "123456789", "Enter a Companies House number of 8 characters"),
        ("postcode", "NOT A CODE", "Enter a UK postcode such as DH1 5UL."),
        ("local_authority_code", "D1", "Enter the council's three or four letter code"),
    ],
)
def test_badly_formed_numbers_are_refused_on_their_field(field, value, message):
    with pytest.raises(ValidationError) as refused:
        services.provider_create(by=None, name="Example", **{field: value})
    assert message in refused.value.message_dict[field][0]
    assert not Provider.objects.exists()


def test_a_postcode_is_stored_in_its_usual_form():
    provider = services.provider_create(by=None, name="Example", postcode="dh15ul")
    assert provider.postcode == "DH1 5UL"


def test_a_provider_with_the_same_name_ignoring_case_and_punctuation_is_refused():
    services.provider_create(by=None, name="Embrace – Child Victims of Crime")
    with pytest.raises(ValidationError) as refused:
        services.provider_create(by=None, name="EMBRACE, child victims of crime!")
    assert refused.value.message_dict["name"] == [
        "A provider called “Embrace – Child Victims of Crime” already exists."
    ]
    assert Provider.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "first", "second", "message"),
    [
        (
            "charity_number",
            "1123456",
            "1123456",
            "A provider with charity number 1123456 already exists: First.",
        ),
        (
            "company_number",
            "01234567",
            "1234567",
            "A provider with company number 01234567 already exists: First.",
        ),
    ],
)
def test_a_provider_with_the_same_registered_number_is_refused(field, first, second, message):
    services.provider_create(by=None, name="First", **{field: first})
    with pytest.raises(ValidationError) as refused:
        services.provider_create(by=None, name="Second", **{field: second})
    assert refused.value.message_dict[field] == [message]


def test_contacts_are_saved_with_the_provider():
    provider = services.provider_create(
        by=None,
        name="Victim Support",
        provider_type=ProviderType.CHARITY,
        contacts=[{"name": "Ann Other", "role": "Area manager", "email": "ann@example.org"}],
    )
    assert [c.name for c in provider.contacts.all()] == ["Ann Other"]


def test_a_single_tender_action_without_grounds_is_refused_with_both_messages():
    with pytest.raises(ValidationError) as refused:
        services.agreement_create(
            by=None, **agreement_fields(route=CommissioningRoute.SINGLE_TENDER)
        )
    assert refused.value.message_dict["single_tender_ground"] == [
        "A single tender action needs one of the two grounds: only one supplier can do the "
        "work for technical reasons, or continuity with an existing supplier."
    ]
    assert refused.value.message_dict["single_tender_justification"] == [
        "A single tender action needs a justification: the evidence for the ground chosen."
    ]
    assert not Agreement.objects.exists()


def test_a_single_tender_action_with_a_ground_and_narrative_is_saved():
    agreement = services.agreement_create(
        by=None,
        **agreement_fields(
            route=CommissioningRoute.SINGLE_TENDER,
            single_tender_ground=SingleTenderGround.CONTINUITY,
            single_tender_justification="The co-ordinator already works in the hub.",
        ),
    )
    assert agreement.get_single_tender_ground_display().startswith("Continuity of supply")


def test_a_pooled_budget_needs_partners_whose_shares_equal_the_total():
    fields = agreement_fields(route=CommissioningRoute.POOLED, total_value=Decimal("400000"))
    with pytest.raises(ValidationError) as refused:
        services.agreement_create(by=None, **fields)
    assert (
        "needs its partners and their contributions" in refused.value.message_dict["partners"][0]
    )

    partners = [
        ("Police and Crime Commissioner", Decimal("213000")),
        ("Cambridgeshire County Council", Decimal("100000")),
        ("NHS England", Decimal("80000")),
    ]
    with pytest.raises(ValidationError) as refused:
        services.agreement_create(by=None, partners=partners, **fields)
    assert refused.value.message_dict["partners"] == [
        "The partners' contributions add up to £393,000, but the total value is £400,000: "
        "they must be equal."
    ]
    assert not Agreement.objects.exists()

    partners.append(("Peterborough City Council", Decimal("7000")))
    agreement = services.agreement_create(by=None, partners=partners, **fields)
    assert sum(p.contribution for p in agreement.partners.all()) == Decimal("400000")


def test_partners_are_refused_on_an_agreement_that_is_not_pooled():
    with pytest.raises(ValidationError) as refused:
        services.agreement_create(
            by=None, partners=[("Council", Decimal("1"))], **agreement_fields()
        )
    assert refused.value.message_dict["partners"] == [
        "Partners' shares apply only to a co-commissioned or pooled budget."
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": date(2017, 4, 1)}, "end_date", "The end date must be after the start date."),
        ({"end_date": date(2016, 4, 1)}, "end_date", "The end date must be after the start date."),
        (
            {"review_date": date(2017, 1, 1)},
            "review_date",
            "The review date cannot be before the start date.",
        ),
        (
            {"annual_value": Decimal("30000")},
            "annual_value",
            "The annual value cannot be more than the total value.",
        ),
    ],
)
def test_agreement_dates_and_values_must_make_sense(overrides, field, message):
    with pytest.raises(ValidationError) as refused:
        services.agreement_create(by=None, **agreement_fields(**overrides))
    assert refused.value.message_dict[field] == [message]


def test_twice_yearly_monitoring_generates_two_returns_due_a_month_after_each_half():
    agreement = services.agreement_create(
        by=None, **agreement_fields(monitoring_frequency="twice_yearly")
    )
    returns = [
        (r.period_start.isoformat(), r.period_end.isoformat(), r.due_date.isoformat())
        for r in agreement.returns.all()
    ]
    assert returns == [
        ("2017-04-01", "2017-09-30", "2017-10-30"),
        ("2017-10-01", "2018-03-31", "2018-04-30"),
    ]


def test_changing_the_frequency_keeps_received_returns_and_replaces_expected_ones(officer):
    agreement = services.agreement_create(
        by=None, **agreement_fields(monitoring_frequency="twice_yearly")
    )
    first = agreement.returns.first()
    services.monitoring_return_record(
        monitoring_return=first,
        by=officer,
        received_date=date(2017, 10, 20),
        spend_to_date=Decimal("14000"),
        rag="green",
        narrative="On track.",
        measures=[("Young victims supported", Decimal("52"), Decimal("50"))],
    )
    services.agreement_update(agreement=agreement, by=None, monitoring_frequency="quarterly")
    periods = [r.period_start.isoformat() for r in agreement.returns.all()]
    assert periods == ["2017-04-01", "2017-07-01", "2017-10-01", "2018-01-01"]
    kept = MonitoringReturn.objects.get(pk=first.pk)
    assert (kept.spend_to_date, kept.measures.get().metric) == (
        Decimal("14000.00"),
        "Young victims supported",
    )


def test_a_return_cannot_be_received_in_the_future(officer):
    agreement = services.agreement_create(
        by=None, **agreement_fields(monitoring_frequency="annual")
    )
    with pytest.raises(ValidationError) as refused:
        services.monitoring_return_record(
            monitoring_return=agreement.returns.get(),
            by=officer,
            received_date=date(2999, 1, 1),
            spend_to_date=None,
            rag="",
            narrative="",
        )
    assert refused.value.message_dict["received_date"] == [
        "The received date cannot be in the future."
    ]


def test_linking_allocations_records_the_agreement_that_delivers_them(officer):
    agreement = services.agreement_create(by=None, **agreement_fields())
    allocation = AllocationFactory(recipient=agreement.provider, amount=Decimal("29065"))
    services.agreement_set_allocations(agreement=agreement, allocations=[allocation], by=officer)
    assert Allocation.objects.get(pk=allocation.pk).agreement == agreement
    services.agreement_set_allocations(agreement=agreement, allocations=[], by=officer)
    assert Allocation.objects.get(pk=allocation.pk).agreement is None


def test_an_agreement_delivers_only_its_own_providers_allocations(officer):
    agreement = services.agreement_create(by=None, **agreement_fields())
    elsewhere = AllocationFactory()
    with pytest.raises(ValidationError) as refused:
        services.agreement_set_allocations(
            agreement=agreement, allocations=[elsewhere], by=officer
        )
    assert refused.value.messages == [
        f"{elsewhere.reference}: an agreement delivers only allocations to its own provider, "
        "Family Action."
    ]
    assert Allocation.objects.get(pk=elsewhere.pk).agreement is None


def test_names_in_other_scripts_are_told_apart_and_their_duplicates_refused(db):
    arabic = services.provider_create(by=None, name="جمعية دعم الضحايا")
    hebrew = services.provider_create(by=None, name="עמותת תמיכה בנפגעים")
    assert arabic.normalised_name != hebrew.normalised_name
    with pytest.raises(ValidationError) as refused:
        services.provider_create(by=None, name="جمعية  دعم الضحايا!")
    assert "name" in refused.value.message_dict
    assert services.provider_get_or_create(name="עמותת תמיכה בנפגעים") == hebrew
