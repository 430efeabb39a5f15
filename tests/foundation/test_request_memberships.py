"""The user and the active memberships read in one statement per request
(maillage/organisations/middleware.py, issue 17), never kept across requests."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from maillage.organisations.enums import Role

pytestmark = pytest.mark.django_db


def _membership_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if "organisations_membership" in q["sql"] or "accounts_user" in q["sql"]]


@override_settings(ROOT_URLCONF="bench.urls")
def test_a_signed_in_request_reads_user_and_memberships_in_one_statement(client, login, member, organisation):
    membership = member(Role.CASE_WORKER)
    login(client, membership.user)
    client.get("/_bench/signed-in-empty")  # the session is written once (last seen)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/_bench/signed-in-empty").status_code == 200
    reads = _membership_reads(queries)
    assert len(reads) == 1, reads


def test_the_home_page_walks_the_memberships_once(client, login, member, coordination):
    membership = member(Role.CASE_WORKER, admin=True)
    member(Role.MEMBER, organisation=coordination, user=membership.user)
    login(client, membership.user)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    reads = [sql for sql in _membership_reads(queries) if "organisations_organisation" in sql and "LEFT" in sql]
    assert len(reads) == 1
    assert not [q for q in queries if 'FROM "organisations_membership"' in q["sql"] and "user_id" in q["sql"]]


def test_a_member_removed_is_refused_at_the_next_request(client, login, member, organisation):
    membership = member(Role.CASE_WORKER)
    login(client, membership.user)
    url = reverse("organisation_members", kwargs={"slug": organisation.slug})
    assert client.get(url).status_code == 200
    membership.is_active = False
    membership.removed_at = timezone.now()
    membership.save()
    assert client.get(url).status_code == 404


def test_an_organisation_deactivated_grants_nothing_at_the_next_request(client, login, member, organisation):
    login(client, member(Role.CASE_WORKER).user)
    url = reverse("organisation_members", kwargs={"slug": organisation.slug})
    assert client.get(url).status_code == 200
    organisation.is_active = False
    organisation.save()
    assert client.get(url).status_code == 404


def test_an_account_deactivated_is_signed_out_at_the_next_request(client, login, member):
    user = member(Role.CASE_WORKER).user
    login(client, user)
    assert client.get("/").status_code == 200
    user.is_active = False
    user.save()
    response = client.get("/")
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_password_change_elsewhere_ends_the_session(client, login, member):
    # Django's session hash check, kept by the one-statement read.
    user = member(Role.CASE_WORKER).user
    login(client, user)
    assert client.get("/").status_code == 200
    user.set_password("another-long-password-42")
    user.save()
    response = client.get("/")
    assert response.status_code == 302
    assert not client.session.get("_auth_user_id")


def test_memberships_are_those_of_the_current_user_only(rf, member, organisation, other_organisation):
    from maillage.organisations.middleware import request_memberships

    first = member(Role.CASE_WORKER)
    second = member(Role.MEMBER, organisation=other_organisation)
    request = rf.get("/")
    request.user = first.user
    assert [m.pk for m in request_memberships(request)] == [first.pk]
    # A sign-in as someone else during the request: never the first person's.
    request.user = second.user
    assert [m.pk for m in request_memberships(request)] == [second.pk]
