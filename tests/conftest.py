from decimal import Decimal

import pytest

from decisions import services
from pcc_grants.roles import Role

from .factories import (
    ALL_PUBLISHED,
    PASSWORD,
    OrganisationSettingsFactory,
    UserFactory,
    signing_code,
)

# Passwords: the suite hashes them with MD5, not the deployed PBKDF2 (870,000
# iterations, about a third of a second a password). Signing re-asks a password, so the
# slow hasher cost minutes of every run and tested nothing; the deployed hasher is
# held to by tests/pcc_grants/test_password_hashing.py, which restores it.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture(autouse=True)
def _sign_in_without_two_factor(monkeypatch):
    """Pages are reached as signed in (``force_login``): no role is sent to set up a
    second factor unless a test says so (tests/accounts sets the roles). Every
    signature still asks for a second factor (``signing_code``)."""
    from pcc_grants.models import OrganisationSettings

    field = OrganisationSettings._meta.get_field("two_factor_roles")
    # Django keeps the default's callable once asked (``_get_default``): both change.
    monkeypatch.setattr(field, "_get_default", list)
    monkeypatch.setattr(field, "default", list)


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


# Decision records -----------------------------------------------------------------


@pytest.fixture
def draft(db, officer, organisation):
    """A draft with two implications and three funding lines."""
    return services.decision_create(
        by=officer,
        lead_officer=officer,
        title="Extending Community Peer Mentors Project into Bishop Auckland",
        executive_summary="The project in Darlington has achieved successful outcomes.",
        decision="Agree the allocation of £9,400 to extend the project.",
        financial_implications=True,
        financial_details="The allocation of £9,400 is within the 2016/17 budget limits.",
        legal_implications=True,
        legal_details="No specific legal implications",
        lines=[
            ("Out of pocket expenses and mileage", Decimal("1200")),
            ("Training of 2 x Community Peer Mentor Cohorts", Decimal("2300")),
            ("Support Coordinator", Decimal("5900")),
        ],
    )


@pytest.fixture
def cfo(make_user):
    return make_user(Role.CHIEF_FINANCE_OFFICER, username="cfo")


@pytest.fixture
def people(make_user, officer):
    """One user per role, as the demo has them."""
    return {
        "officer": officer,
        "cfo": make_user(Role.CHIEF_FINANCE_OFFICER, username="cfo"),
        "chief_executive": make_user(Role.CHIEF_EXECUTIVE, username="chief.executive"),
        "monitoring_officer": make_user(Role.MONITORING_OFFICER, username="monitoring.officer"),
        "commissioner": make_user(Role.COMMISSIONER, username="commissioner"),
        "panel": make_user(Role.PANEL_MEMBER, username="panel"),
        "admin": make_user(Role.ADMINISTRATOR, username="admin", is_staff=True, is_superuser=True),
    }


@pytest.fixture
def advance(people, password):
    """Move a record through the real services up to ``status``."""
    from decisions.services import decision_comment_add, decision_transition

    steps = {
        "awaiting_officer_approval": [("officer", "submit", {})],
        "awaiting_decision": [("chief_executive", "officer_approve", {})],
        "approved": [("commissioner", "approve", {})],
        "published": [
            ("monitoring_officer", "decide_publication", {"publication": ALL_PUBLISHED})
        ],
    }
    order = list(steps)

    def move(decision, status):
        start = order.index(decision.status) + 1 if decision.status in order else 0
        for stage in order[start : order.index(status) + 1]:
            for who, action, extra in steps[stage]:
                decision = decision_transition(
                    decision=decision,
                    by=people[who],
                    action=action,
                    password=password,
                    code=signing_code(people[who], action),
                    **extra,
                )
            if stage == "awaiting_officer_approval":
                # Comments first: officer approval waits for the advice the
                # implications call for, asked for at submission.
                if decision.financial_implications:
                    decision_comment_add(
                        decision=decision, by=people["cfo"], kind="financial", text="Affordable."
                    )
                if decision.legal_implications:
                    decision_comment_add(
                        decision=decision,
                        by=people["monitoring_officer"],
                        kind="legal",
                        text="Lawful.",
                    )
        return decision

    return move


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


# The organisation's seal --------------------------------------------------------------
# Publishing seals every PDF (pcc_grants/sealing.py). Each test process makes one
# demonstration certificate and points the SEAL_* settings at it, and the environment
# too, for the commands tests run in a subprocess (check --deploy, the restore drill).

SEAL_PASSWORD = "test-seal-password"  # noqa: S105 - a throwaway certificate's


@pytest.fixture(scope="session", autouse=True)
def seal_certificate(tmp_path_factory):
    """The demonstration certificate the suite seals with: its file, password and
    certificate (``cryptography``'s)."""
    import os
    from types import SimpleNamespace

    from django.test import override_settings

    from devtools.demo.seal import as_pkcs12, demonstration_certificate

    key, certificate = demonstration_certificate(
        "Test Police and Crime Commissioner", short_name="Test PCC"
    )
    path = tmp_path_factory.mktemp("seal") / "demo-seal.p12"
    path.write_bytes(as_pkcs12(key, certificate, password=SEAL_PASSWORD))
    values = {
        "SEAL_PKCS12_FILE": str(path),
        "SEAL_PKCS12_PASSWORD": SEAL_PASSWORD,
        "SEAL_CERT_FILE": "",
        "SEAL_KEY_FILE": "",
        "SEAL_KEY_PASSWORD": "",
        "SEAL_CHAIN_FILE": "",
        "SEAL_EARLIER_CERTS_FILE": "",
        "SEAL_TSA_URL": "",
    }
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    with override_settings(**values):
        yield SimpleNamespace(path=path, password=SEAL_PASSWORD, certificate=certificate)
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


# Files ----------------------------------------------------------------------------------


@pytest.fixture
def in_memory_storage(settings, tmp_path):
    """Django's ``InMemoryStorage`` as the default storage, as a bucket shared by several
    servers would be: nothing on disk. ``MEDIA_ROOT`` is an empty folder of the test's
    own, returned, so that a file written by path rather than through the storage shows
    there."""
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return media
