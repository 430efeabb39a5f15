"""Schemathesis against the API's own OpenAPI schema (issue 14): generated
requests to every endpoint, with a token holding every scope, find no server
error and no answer that breaks the schema. The database holds a referral
received and one sent, a case, a public profile, a minor's case of the
token's organisation (with its chain of steps) and an open campaign it is
invited to: the operations naming a case, a step or a campaign are sent to
those, so that the writes (create, update, status, steps, the annual return)
run through their services, not only into 404s."""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.generation.meta import GenerationMode, ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance

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


@pytest.fixture
def targets(recipient_org, recipient_admin, coordinator):
    """A minor's case held by the token's organisation and a campaign it is invited to."""
    from maillage.cases import services as case_services
    from maillage.cases.enums import AgeStatus
    from maillage.referrals.models import MinorStep
    from maillage.statistics import services as stats_services

    case = case_services.create_case(
        organisation=recipient_org,
        acting_user=recipient_admin,
        facts={"age_status": AgeStatus.DOCUMENTED_MINOR, "birth_year": 2012, "nationalities": ["NG"]},
        identity={"last_name": "Okafor", "birth_date": "2012-04-02"},
    )
    campaign = stats_services.open_campaign(
        year=timezone.localdate().year,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        organisations=[recipient_org],
        acting_user=coordinator,
    )
    step = MinorStep.objects.filter(case=case).order_by("pk").first()
    return {"reference": case.reference, "pk": step.pk, "year": campaign.year}


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_error_and_answers_follow_the_schema(case, token, targets):
    params = case.path_parameters or {}
    path = case.meta.components.get(ParameterLocation.PATH) if case.meta else None
    if path is not None and path.mode != GenerationMode.POSITIVE:
        params = {}  # a deliberately invalid address stays invalid (negative testing)
    for name in ("reference", "year"):
        if name in params:
            params[name] = targets[name]
    if "pk" in params and "/etapes/" in case.path:
        params["pk"] = targets["pk"]
    # Not « positive data acceptance »: the schema states types and codes, not
    # the domain's rules (a transition from the current status, a date not in
    # the future, an age that fits the birth date), which answer 400 with their
    # French messages. Every other check runs, negative data rejection included.
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=[positive_data_acceptance])
