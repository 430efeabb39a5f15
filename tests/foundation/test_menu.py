"""The main menu, decided at every request from the memberships the request
loaded (maillage/www/navigation.py, issue 17)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.organisations.enums import Role
from maillage.www.navigation import menu_for

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def _labels(response) -> list[str]:
    return [entry["label"] for entry in response.context["main_nav"]]


def test_coordination_is_not_shown_to_a_person_without_an_organisation(client, login):
    # The lazy `request.membership` is never None itself: the entry used to
    # show to everyone signed in.
    login(client, UserFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 200
    labels = _labels(response)
    assert "Accueil" in labels
    assert "Coordination" not in labels
    assert "Dossiers" not in labels


def test_coordination_and_cases_are_shown_to_a_case_worker(client, login, case_worker):
    login(client, case_worker)
    labels = _labels(client.get(reverse("home")))
    assert "Coordination" in labels
    assert "Dossiers" in labels


def test_the_menu_follows_a_removal_at_the_next_request(client, login, member):
    membership = member(Role.CASE_WORKER)
    login(client, membership.user)
    assert "Dossiers" in _labels(client.get(reverse("home")))
    membership.is_active = False
    membership.removed_at = timezone.now()
    membership.save()
    labels = _labels(client.get(reverse("home")))
    assert "Dossiers" not in labels
    assert "Coordination" not in labels


def test_the_menu_costs_no_query_once_the_memberships_are_loaded(rf, member):
    from django.contrib.sessions.backends.cache import SessionStore

    from maillage.organisations.middleware import ActiveMembershipMiddleware, request_memberships

    request = rf.get("/")
    request.user = member(Role.CASE_WORKER).user
    request.session = SessionStore()
    ActiveMembershipMiddleware(lambda r: None)(request)
    request_memberships(request)
    with CaptureQueriesContext(connection) as queries:
        entries = menu_for(request)
    assert "Dossiers" in [e["label"] for e in entries]
    assert len(queries) == 0, [q["sql"] for q in queries]
