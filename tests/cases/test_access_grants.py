"""The case file owns its access (decision 0008): `cases_visible_to`, `parts_for`
and `can_see_identity` read the owner and the open `CaseAccessGrant`s, which only
the cases steps open and end, inside another service's transaction."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from maillage.cases import access as case_access
from maillage.cases import policies, services
from maillage.cases.enums import AccessReason
from maillage.cases.models import CaseAccessGrant
from maillage.organisations.actor import as_actor
from maillage.organisations.enums import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(other_organisation):
    return MembershipFactory(organisation=other_organisation, role=Role.CASE_WORKER).user


def grant(case, organisation, parts=("facts",), source="tests.grant:1", reason=AccessReason.REFERRAL):
    with transaction.atomic(durable=True):
        return services.grant_access(case=case, organisation=organisation, parts=parts, reason=reason, source=source)


def end(source="tests.grant:1", organisation=None):
    with transaction.atomic(durable=True):
        return services.end_access(source=source, organisation=organisation)


def visible(user, organisation, case):
    return policies.cases_visible_to(user, organisation).filter(pk=case.pk).exists()


def test_an_open_grant_shows_its_parts_and_nothing_else(case, case_worker, partner, other_organisation):
    assert not visible(partner, other_organisation, case)
    assert case_access.parts_for(partner, case) == frozenset()
    grant(case, other_organisation, parts=("facts", "notes_shareable"))
    assert visible(partner, other_organisation, case)
    assert case_access.parts_for(partner, case) == {"facts", "notes_shareable"}
    assert not policies.can_see_identity(partner, case) and not policies.can_edit(partner, case)
    # The owner is untouched: everything, and its case list stays its own.
    assert case_access.parts_for(case_worker, case) == case_access.ALL_PARTS
    assert case_access.access_for(as_actor(partner), case).grants[0].source == "tests.grant:1"


def test_ending_a_grant_ends_the_access(client, login, case, partner, other_organisation):
    grant(case, other_organisation, parts=("identity", "facts"))
    login(client, partner)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert end() == 1
    assert not visible(partner, other_organisation, case)
    assert case_access.parts_for(partner, case) == frozenset()
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    # The ended row stays: who could read what, and until when.
    row = CaseAccessGrant.objects.get()
    assert row.ended_at is not None and row.granted_at <= row.ended_at
    assert end() == 0  # ending twice is a no-op


def test_grants_of_parts_nobody_may_share_are_refused(case, other_organisation):
    for parts in (("notes_internal",), ("tasks",), ("privacy",)):
        with pytest.raises(ValueError):
            grant(case, other_organisation, parts=parts)
    assert not CaseAccessGrant.objects.exists()


def test_one_open_grant_per_source(case, other_organisation, organisation):
    first = grant(case, other_organisation)
    assert grant(case, other_organisation) == first  # a retried step does not grant twice
    with pytest.raises(ValueError):
        grant(case, organisation)  # the same source cannot grant someone else
    # The database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseAccessGrant.objects.create(
            case=case, organisation=other_organisation, parts=["facts"], reason="referral", source="tests.grant:1"
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_steps_refuse_to_run_outside_a_service_transaction(make_case, other_organisation):
    case = make_case()
    with pytest.raises(RuntimeError):
        services.grant_access(
            case=case, organisation=other_organisation, parts=["facts"], reason="referral", source="tests.grant:9"
        )
    with pytest.raises(RuntimeError):
        services.end_access(source="tests.grant:9")
    assert not CaseAccessGrant.objects.exists()


def test_a_grant_rolls_back_with_the_service_that_wrote_it(case, other_organisation, partner):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic(durable=True):
        services.grant_access(
            case=case, organisation=other_organisation, parts=["facts"], reason="referral", source="tests.grant:2"
        )
        raise Boom
    assert not CaseAccessGrant.objects.exists()
    assert not visible(partner, other_organisation, case)


def test_a_grant_only_serves_the_organisation_the_person_acts_for(case, partner, other_organisation, organisation):
    """Acting for another organisation, the partner's grant does not apply."""
    MembershipFactory(organisation=organisation, user=partner, role=Role.MEMBER)
    grant(case, other_organisation)
    assert visible(partner, other_organisation, case)
    assert not visible(partner, organisation, case)


def test_a_grant_to_the_coordination_body_opens_nothing(case, coordinator, coordination):
    """The coordination body sees counts, never a case (R-PRIVACY), whatever a grant says."""
    coordination_worker = MembershipFactory(organisation=coordination, role=Role.CASE_WORKER).user
    grant(case, coordination, parts=("identity", "facts"))
    for user in (coordinator, coordination_worker):
        assert not visible(user, coordination, case)
        assert not policies.can_see_identity(user, case)


def test_a_transfer_moves_ownership_and_ends_the_referral_grants_of_both_owners(
    case, case_worker, organisation, partner, other_organisation
):
    grant(case, other_organisation, source="tests.grant:partner-before")
    with transaction.atomic(durable=True):
        services.transfer_case(
            case=case, from_organisation=organisation, to_organisation=other_organisation, acting_user=case_worker
        )
    case.refresh_from_db()
    assert case.organisation == other_organisation
    # The new owner reads everything as the owner; its partner grant is over.
    assert case_access.parts_for(partner, case) == case_access.ALL_PARTS
    assert not CaseAccessGrant.objects.open().exists()
    # The former owner keeps nothing.
    assert not visible(case_worker, organisation, case)
    assert case.events.filter(summary__contains="transféré").exists()
