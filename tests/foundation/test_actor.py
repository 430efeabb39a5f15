"""The actor (maillage/organisations/actor.py): the person's active
memberships read once, answering every policy's questions in memory."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from maillage.organisations.actor import Actor, actor_for_request, as_actor
from maillage.organisations.enums import Role

pytestmark = pytest.mark.django_db


def test_case_worker_of_an_operational_organisation_reads_victims_data(member, organisation, other_organisation):
    worker = member(Role.CASE_WORKER).user
    actor = as_actor(worker)
    assert actor.is_case_worker_of(organisation)
    assert not actor.is_case_worker_of(other_organisation)
    assert not actor.is_admin_of(organisation)
    assert not actor.is_coordinator


def test_the_coordination_body_never_counts_as_a_case_worker(db, coordination, member):
    # R-PRIVACY: the mission sees aggregates, never identities.
    user = member(Role.CASE_WORKER, admin=True, organisation=coordination).user
    actor = as_actor(user)
    assert actor.case_worker_organisation_ids == frozenset()
    assert actor.is_admin_of(coordination)
    assert actor.is_coordination_body_member


def test_coordinator(coordinator):
    assert as_actor(coordinator).is_coordinator


def test_an_inactive_membership_grants_nothing(member, organisation):
    membership = member(Role.CASE_WORKER, admin=True)
    membership.is_active = False
    membership.removed_at = timezone.now()
    membership.save()
    actor = as_actor(membership.user)
    assert actor.memberships == ()
    assert not actor.is_member_of(organisation)


def test_a_service_reads_memberships_afresh(member, organisation):
    membership = member(Role.CASE_WORKER)
    assert as_actor(membership.user).is_case_worker_of(organisation)
    membership.is_active = False
    membership.removed_at = timezone.now()
    membership.save()
    # A new actor is built at each service call: the removal holds at once.
    assert not as_actor(membership.user).is_case_worker_of(organisation)


def test_anonymous_has_no_membership():
    actor = as_actor(AnonymousUser())
    assert not actor.is_authenticated
    assert actor.memberships == ()


def test_one_actor_per_request(member, organisation, django_assert_num_queries):
    user = member(Role.CASE_WORKER).user
    request = RequestFactory().get("/")
    request.user = user
    with django_assert_num_queries(1):
        actor = actor_for_request(request)
        assert actor_for_request(request) is actor
        assert actor.is_case_worker_of(organisation)
    assert as_actor(actor) is actor
    assert isinstance(actor, Actor)
