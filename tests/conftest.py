import pytest

from pcc_grants.roles import Role

from .factories import PASSWORD, OrganisationSettingsFactory, UserFactory


@pytest.fixture
def organisation(db):
    return OrganisationSettingsFactory()


@pytest.fixture
def make_user(db):
    def make(*roles: Role, **kwargs):
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER, username="officer", first_name="Charles", last_name="Oakley")


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def password():
    return PASSWORD
