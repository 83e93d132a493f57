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


def pytest_collection_modifyitems(config, items):
    """Deselect (not skip) PostgreSQL-only tests when the suite runs on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    kept = [item for item in items if "postgresql" not in item.keywords]
    dropped = [item for item in items if "postgresql" in item.keywords]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
