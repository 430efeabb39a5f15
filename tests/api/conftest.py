import datetime

import pytest
from django.utils import timezone

from maillage.api import services as token_services
from maillage.api.enums import Scope
from maillage.organisations.enums import Role
from tests.cases.conftest import make_case  # noqa: F401 (fixture)
from tests.factories import MembershipFactory
from tests.referrals.conftest import (  # noqa: F401 (fixtures)
    case,
    recipient,
    recipient_org,
    refer,
    sender,
    sender_org,
)


@pytest.fixture
def recipient_admin(recipient_org):  # noqa: F811 (the imported fixture)
    return MembershipFactory(organisation=recipient_org, role=Role.CASE_WORKER, is_admin=True).user


@pytest.fixture
def make_token(recipient_org, recipient_admin):  # noqa: F811 (the imported fixture)
    """make_token(scopes=[...], organisation=…, user=…) -> secret."""

    def make(scopes=tuple(Scope.values), organisation=None, user=None, days=30):
        _token, secret = token_services.create_token(
            organisation=organisation or recipient_org,
            acting_user=user or recipient_admin,
            name="Logiciel de suivi",
            scopes=list(scopes),
            expires_on=timezone.localdate() + datetime.timedelta(days=days),
        )
        return secret

    return make


@pytest.fixture
def api(client):
    """api(secret) -> a client sending the token on every call."""

    def make(secret):
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        return client

    return make
