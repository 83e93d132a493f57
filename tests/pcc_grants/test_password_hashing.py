"""The deployed password hasher. The suite hashes with MD5 for speed (tests/conftest.py);
this test puts the project's own setting back and holds to it."""

import importlib

from django.conf import global_settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import override_settings


def test_passwords_are_stored_with_pbkdf2_sha256_at_django_s_iterations():
    project = importlib.import_module("pcc_grants.settings")
    deployed = getattr(project, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    with override_settings(PASSWORD_HASHERS=deployed):
        encoded = make_password("correct horse battery staple")
        hasher = identify_hasher(encoded)
        assert hasher.algorithm == "pbkdf2_sha256"
        assert encoded.split("$")[1] == str(hasher.iterations)
        assert hasher.iterations >= 870_000
        assert check_password("correct horse battery staple", encoded)
        assert not check_password("Correct horse battery staple", encoded)
