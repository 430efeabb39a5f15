"""Fixtures shared by the whole suite.

`login(client, user)` signs a user in *as if* they had passed the second factor
(the real password + TOTP flow is tested in tests/foundation/test_auth.py and in
the browser tests); `member(role=..., admin=...)` creates a person in an
organisation.
"""

import time

import pytest
from django.conf import settings
from hypothesis import settings as hypothesis_settings

from maillage.organisations.enums import Role

from .factories import CoordinationFactory, MembershipFactory, OrganisationFactory, UserFactory

# Browser-test fixtures (one server and one browser per worker, shared by all domains).
pytest_plugins = ["tests.e2e.fixtures"]

# No time limit per example: a loaded CI machine would turn hypothesis's
# default 200 ms deadline into a timed assertion (speed is measured in bench/).
hypothesis_settings.register_profile("maillage", deadline=None)
hypothesis_settings.load_profile("maillage")


@pytest.fixture(autouse=True)
def _private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": tmp_path / "private", "base_url": None}},
    }


@pytest.fixture(autouse=True)
def _french_by_default():
    """Each test starts in the default language. A request served by the test
    client leaves its language active in the thread (LocaleMiddleware does not
    deactivate it), so a test that switched to English would otherwise turn
    the French messages of later service-level tests into English ones."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _login(client, user, *, second_factor=True):
    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[0])
    if second_factor:
        session = client.session
        session["account_authentication_methods_user"] = str(user.pk)
        session["account_authentication_methods"] = [
            {"method": "password", "at": time.time(), "email": user.email},
            {"method": "mfa", "at": time.time(), "type": "totp"},
        ]
        session.save()
    return client


@pytest.fixture
def login():
    return _login


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory()


@pytest.fixture
def coordination(db):
    return CoordinationFactory(slug="miprof", name="MIPROF", acronym="MIPROF")


@pytest.fixture
def member(db, organisation):
    """member(role=Role.CASE_WORKER, admin=False, organisation=None) -> Membership"""

    def make(role=Role.CASE_WORKER, admin=False, organisation=organisation, **kwargs):
        return MembershipFactory(organisation=organisation, role=role, is_admin=admin, **kwargs)

    return make


@pytest.fixture
def case_worker(member):
    return member(Role.CASE_WORKER).user


@pytest.fixture
def org_admin(member):
    return member(Role.CASE_WORKER, admin=True).user


@pytest.fixture
def plain_member(member):
    return member(Role.MEMBER).user


@pytest.fixture
def coordinator(db, coordination):
    return MembershipFactory(organisation=coordination, role=Role.COORDINATOR, is_admin=True).user


@pytest.fixture
def outsider(db, other_organisation):
    """A case worker of another organisation."""
    return MembershipFactory(organisation=other_organisation, role=Role.CASE_WORKER).user


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@exemple.fr", is_superuser=True, is_staff=True, with_totp=True)
