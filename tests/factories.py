from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from pcc_grants.models import OrganisationSettings, User
from pcc_grants.roles import Role

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            # get_or_create: transactional tests flush the groups the migration made.
            self.groups.set(
                [Group.objects.get_or_create(name=Role(role).value)[0] for role in extracted]
            )


class OrganisationSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationSettings
        django_get_or_create = ("id",)

    id = 1
    name = "Office of the Demonstration Police and Crime Commissioner"
    short_name = "Demonstration OPCC"
    officer_approval_statement = "I am satisfied that this is an appropriate request."
    decision_maker_statement = "I agree. My register of interests is up to date."
    monitoring_officer_statement = "I have determined what may be published."
    # Pages are reached as signed in (``force_login``); two factors at sign-in are
    # tested where a test sets the roles (tests/accounts, the browser journey).
    # Every signature still asks for a second factor (``signing_code``).
    two_factor_roles = factory.LazyFunction(list)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commissioning.Provider"

    name = factory.Sequence(lambda n: f"Provider {n}")


class FinancialYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "funding.FinancialYear"
        django_get_or_create = ("start_year",)

    start_year = 2016


class FundingStreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "funding.FundingStream"

    financial_year = factory.SubFactory(FinancialYearFactory)
    name = factory.Sequence(lambda n: f"Stream {n}")
    budget = Decimal("300000.00")
    carried_forward = Decimal("0.00")


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "funding.Allocation"

    funding_stream = factory.SubFactory(FundingStreamFactory)
    recipient = factory.SubFactory(ProviderFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    amount = Decimal("1000.00")
    period_start = factory.LazyAttribute(lambda a: a.funding_stream.financial_year.starts_on)
    period_end = factory.LazyAttribute(lambda a: a.funding_stream.financial_year.ends_on)
    status = "proposed"

    class Params:
        approved = factory.Trait(status="approved")
        contracted = factory.Trait(status="contracted")
        withdrawn = factory.Trait(status="withdrawn")


# Every section a record may have published in full (a record's attachments, each a
# section of its own, need their own choices: ``attachment_<id>``).
ALL_PUBLISHED = {
    part: {"choice": "publish"}
    for part in (
        "record",
        "financial",
        "legal",
        "equality",
        "human_rights",
        "sustainability",
        "risk",
        "financial_comment",
        "legal_comment",
        "key_discussion_points",
        "supporting_information",
        "funding_lines",
        "allocations",
    )
}


def signing_code(user, action: str | None = None) -> str:
    """A second factor for one signature: a single-use code, used up as it signs. With
    ``action``, none for a step that is not signed (it would be left unused)."""
    from decisions.workflow import TRANSITIONS
    from devtools.demo.second_factors import one_time_code

    if action is not None and not TRANSITIONS[action].signed:
        return ""
    return one_time_code(user)


def client_code(client) -> str:
    """A single-use code for the user a test client is signed in as."""
    return signing_code(User.objects.get(pk=client.session["_auth_user_id"]))
