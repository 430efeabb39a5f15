"""Schemathesis against the API's own OpenAPI schema (issue 14): generated
requests to every endpoint, with a token holding every scope, find no server
error and no answer that breaks the schema. The database holds a referral
received and one sent, a case, a public profile."""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings

from maillage.api import services as token_services
from maillage.api.enums import Scope

pytestmark = pytest.mark.django_db


# Loaded at collection: generating the schema reads no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _one_connection_for_the_test():
    """The WSGI app closes « old » connections at the end of each request; in a
    test transaction that is the test's own connection (PostgreSQL; SQLite's
    in-memory database is never closed). Django's test client disconnects the
    same handler; schemathesis calls the WSGI app directly, so the test does it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(refer, recipient_org, recipient_admin):
    refer()
    _token, secret = token_services.create_token(
        organisation=recipient_org,
        acting_user=recipient_admin,
        name="Schemathesis",
        scopes=list(Scope.values),
        expires_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    return secret


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_error_and_answers_follow_the_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
