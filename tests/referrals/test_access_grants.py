"""Referrals and the Ac.Sé pathway give access to a case through the case
file's grants (decision 0008), in the transaction of their own step: a
rollback leaves no grant, an ended access ends the grant, a transfer gives
ownership instead, and the backfill writes what the services write."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction

from maillage.cases import access as case_access
from maillage.cases import policies as case_policies
from maillage.cases import services as case_services
from maillage.cases.enums import AccessReason
from maillage.cases.models import CaseAccessGrant
from maillage.directory.models import NetworkMembership
from maillage.referrals import pathways, services
from maillage.referrals.enums import AcseStatus as A
from maillage.referrals.enums import ReferralKind, SharedPart
from maillage.referrals.models import Referral
from tests.factories import MembershipFactory, OrganisationFactory
from tests.referrals.conftest import ACSE_REQUEST, acse_network

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def _visible(user, organisation, case):
    return case_policies.cases_visible_to(user, organisation).filter(pk=case.pk).exists()


def _open_grants(case=None):
    grants = CaseAccessGrant.objects.open()
    if case is not None:
        grants = grants.filter(case=case)
    return {(g.case_id, g.organisation_id, tuple(g.parts), g.reason, g.source) for g in grants}


def _fail_after(monkeypatch, module, name):
    """Make `module.name` do its work, then raise: the service's transaction rolls back."""
    real = getattr(module, name)

    def work_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        raise Boom

    monkeypatch.setattr(module, name, work_then_fail)


# --- a referral ---------------------------------------------------------------------------


def test_accepting_a_referral_grants_its_shared_parts_in_the_same_transaction(refer, case, recipient, recipient_org):
    referral = refer(shared_parts=[SharedPart.FACTS, SharedPart.IDENTITY])
    assert not CaseAccessGrant.objects.exists()  # sent, not yet accepted
    services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    row = CaseAccessGrant.objects.get()
    assert (row.case, row.organisation, row.reason) == (case, recipient_org, AccessReason.REFERRAL)
    assert row.source == f"referrals.referral:{referral.pk}" and row.granted_by == recipient
    assert set(row.parts) == {"facts", "identity"} and row.is_open
    assert case_access.parts_for(recipient, case) == {"facts", "identity"}
    # Completing keeps the access (the recipient follows up on what it did).
    services.complete_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    assert CaseAccessGrant.objects.get().is_open and _visible(recipient, recipient_org, case)


def test_a_rolled_back_acceptance_leaves_no_grant(monkeypatch, refer, case, recipient, recipient_org):
    from maillage.referrals.services import lifecycle

    referral = refer()
    _fail_after(monkeypatch, lifecycle, "tell")  # the last thing accept_referral does
    with pytest.raises(Boom):
        services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    assert not CaseAccessGrant.objects.exists()
    assert Referral.objects.get(pk=referral.pk).status == "sent"
    assert not _visible(recipient, recipient_org, case)


@pytest.mark.parametrize("end", ["decline", "withdraw", "expire"])
def test_a_referral_that_is_not_accepted_grants_nothing(end, refer, sender, sender_org, recipient, recipient_org):
    referral = refer()
    if end == "decline":
        services.decline_referral(
            referral=referral, organisation=recipient_org, acting_user=recipient, reason="no_capacity"
        )
    elif end == "withdraw":
        services.withdraw_referral(referral=referral, organisation=sender_org, acting_user=sender)
    else:
        Referral.objects.filter(pk=referral.pk).update(answer_due_at=referral.sent_at)
        services.expire_and_remind(now=referral.sent_at + datetime.timedelta(days=1))
    assert not CaseAccessGrant.objects.exists()


def test_ending_a_referrals_access_ends_its_grant(refer, case, recipient, recipient_org):
    """Whatever ends a referral's access (here the case file's step, called as a
    service would), the recipient no longer reads the case."""
    referral = refer()
    services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    assert _visible(recipient, recipient_org, case)
    with transaction.atomic(durable=True):
        assert case_services.end_access(source=case_services.source_of(referral)) == 1
    assert not _visible(recipient, recipient_org, case)
    assert case_access.parts_for(recipient, case) == frozenset()
    assert CaseAccessGrant.objects.get().ended_at is not None


# --- a transfer ------------------------------------------------------------------------------


def test_a_transfer_gives_ownership_not_a_grant_and_partners_keep_their_parts(
    refer, make_case, sender, sender_org, recipient, recipient_org, crip_org
):
    case = make_case()
    crip_worker = MembershipFactory(organisation=crip_org, role="case_worker").user
    partner = refer(case=case, recipient=crip_org, shared_parts=[SharedPart.FACTS])
    services.accept_referral(referral=partner, organisation=crip_org, acting_user=crip_worker)
    transfer = refer(case=case, kind=ReferralKind.TRANSFER, shared_parts=[SharedPart.FACTS])
    services.accept_referral(referral=transfer, organisation=recipient_org, acting_user=recipient)
    case.refresh_from_db()
    assert case.organisation == recipient_org
    assert not CaseAccessGrant.objects.filter(source=case_services.source_of(transfer)).exists()
    # The former owner keeps nothing; the new owner reads everything; the partner keeps its parts.
    assert not _visible(sender, sender_org, case)
    assert case_access.parts_for(recipient, case) == case_access.ALL_PARTS
    assert _visible(crip_worker, crip_org, case) and case_access.parts_for(crip_worker, case) == {"facts"}


def test_a_former_owner_keeps_no_access_after_handing_the_case_on(
    refer, make_case, sender, sender_org, recipient, recipient_org
):
    """The recipient first reads the case as a partner, then receives it by
    transfer and hands it back: its referral grant ended with its ownership."""
    case = make_case()
    services.accept_referral(referral=refer(case=case), organisation=recipient_org, acting_user=recipient)
    transfer = refer(case=case, kind=ReferralKind.TRANSFER, shared_parts=[SharedPart.FACTS])
    services.accept_referral(referral=transfer, organisation=recipient_org, acting_user=recipient)
    assert not CaseAccessGrant.objects.open().exists()  # ownership replaced the partner grant
    back = refer(
        case=case,
        organisation=recipient_org,
        acting_user=recipient,
        recipient=sender_org,
        kind=ReferralKind.TRANSFER,
        shared_parts=[SharedPart.FACTS],
    )
    services.accept_referral(referral=back, organisation=sender_org, acting_user=sender)
    case.refresh_from_db()
    assert case.organisation == sender_org
    assert not _visible(recipient, recipient_org, case)
    assert case_access.parts_for(recipient, case) == frozenset()


def test_a_failed_transfer_moves_nothing_and_grants_nothing(refer, case, recipient, recipient_org, other_organisation):
    transfer = refer(kind=ReferralKind.TRANSFER)
    type(case).objects.filter(pk=case.pk).update(organisation=other_organisation)  # moved meanwhile
    with pytest.raises(ValidationError):  # the case file's French refusal
        services.accept_referral(referral=transfer, organisation=recipient_org, acting_user=recipient)
    assert not CaseAccessGrant.objects.exists()
    assert not case.events.filter(summary__contains="transféré").exists()


# --- an Ac.Sé host ----------------------------------------------------------------------------


def test_the_host_grant_follows_the_placement(case, host, acse, placement, sender_org):
    host_org, host_worker = host
    coord, coord_worker = acse
    p = placement(A.PLACE_SEARCH)
    assert not CaseAccessGrant.objects.exists()
    p = pathways.advance_acse(
        placement=p, organisation=coord, acting_user=coord_worker, target=A.PLACE_FOUND, host=host_org
    )
    row = CaseAccessGrant.objects.get()
    assert (row.organisation, row.reason, row.source) == (
        host_org,
        AccessReason.ACSE_HOST,
        f"referrals.acseplacement:{p.pk}",
    )
    assert set(row.parts) == {"identity", "facts"} and row.granted_by == coord_worker
    p = pathways.advance_acse(placement=p, organisation=coord, acting_user=coord_worker, target=A.TRANSFER)
    p = pathways.advance_acse(placement=p, organisation=host_org, acting_user=host_worker, target=A.HOSTED)
    assert CaseAccessGrant.objects.open().count() == 1  # the same grant all along
    pathways.advance_acse(placement=p, organisation=host_org, acting_user=host_worker, target=A.EXITED)
    assert not CaseAccessGrant.objects.open().exists() and CaseAccessGrant.objects.get().ended_at


def test_a_changed_host_ends_one_grant_and_opens_another(case, host, acse, placement):
    from .conftest import make_acse_host

    host_org, _host_worker = host
    new_org, _new_worker = make_acse_host("Abri Discret", "abri-discret", "29")
    coord, coord_worker = acse
    p = placement(A.HOSTED, host=host)
    pathways.change_acse_host(placement=p, organisation=coord, acting_user=coord_worker, host=new_org)
    rows = {g.organisation_id: g for g in CaseAccessGrant.objects.all()}
    assert rows[host_org.pk].ended_at is not None and rows[new_org.pk].is_open
    assert rows[host_org.pk].source == rows[new_org.pk].source  # both from the same placement


def test_a_rolled_back_acse_step_leaves_no_grant(monkeypatch, case, host, acse, placement):
    from maillage.referrals.pathways import acse as acse_module

    host_org, host_worker = host
    coord, coord_worker = acse
    p = placement(A.PLACE_SEARCH)
    _fail_after(monkeypatch, acse_module, "notify_users")  # the host is told after its grant is written
    with pytest.raises(Boom):
        pathways.advance_acse(
            placement=p, organisation=coord, acting_user=coord_worker, target=A.PLACE_FOUND, host=host_org
        )
    p.refresh_from_db()
    assert p.status == A.PLACE_SEARCH and p.host is None
    assert not CaseAccessGrant.objects.exists() and not _visible(host_worker, host_org, case)


def test_the_host_keeps_its_grant_when_the_referrer_transfers_the_case(
    refer, case, host, placement, recipient, recipient_org
):
    """The host's access follows the placement, not the owner (the open request moves with the case)."""
    host_org, host_worker = host
    placement(A.HOSTED, host=host)
    transfer = refer(kind=ReferralKind.TRANSFER, shared_parts=[SharedPart.FACTS])
    services.accept_referral(referral=transfer, organisation=recipient_org, acting_user=recipient)
    assert _visible(host_worker, host_org, case)
    assert case_access.parts_for(host_worker, case) == {"identity", "facts"}


# --- the backfill migration ------------------------------------------------------------------


def test_the_backfill_writes_the_grants_the_services_write(
    refer, case, make_case, sender, sender_org, recipient, recipient_org, crip_org, host, acse, placement
):
    """referrals 0006 replays history: after it, every organisation reads exactly
    what the services now grant (same open grants, same parts)."""
    crip_worker = MembershipFactory(organisation=crip_org, role="case_worker").user
    host_org, host_worker = host
    cases = [make_case() for _ in range(4)]
    # Accepted, completed, declined, still waiting.
    accepted = refer(case=cases[0], shared_parts=[SharedPart.FACTS, SharedPart.IDENTITY])
    services.accept_referral(referral=accepted, organisation=recipient_org, acting_user=recipient)
    completed = refer(case=cases[1], recipient=crip_org)
    services.accept_referral(referral=completed, organisation=crip_org, acting_user=crip_worker)
    services.complete_referral(referral=completed, organisation=crip_org, acting_user=crip_worker)
    declined = refer(case=cases[2])
    services.decline_referral(referral=declined, organisation=recipient_org, acting_user=recipient, reason="safety")
    refer(case=cases[3])
    # A partner that receives the case by transfer, then hands it back.
    partner = refer(case=cases[3], recipient=crip_org)
    services.accept_referral(referral=partner, organisation=crip_org, acting_user=crip_worker)
    there = refer(case=cases[3], recipient=crip_org, kind=ReferralKind.TRANSFER, shared_parts=[SharedPart.FACTS])
    services.accept_referral(referral=there, organisation=crip_org, acting_user=crip_worker)
    back = refer(
        case=cases[3],
        organisation=crip_org,
        acting_user=crip_worker,
        recipient=sender_org,
        kind=ReferralKind.TRANSFER,
        shared_parts=[SharedPart.FACTS],
    )
    services.accept_referral(referral=back, organisation=sender_org, acting_user=sender)
    # A host reading the case through Ac.Sé, and another placement already over.
    placement(A.HOSTED, host=host)
    other = OrganisationFactory(name="Coordination Ac.Sé bis", slug="acse-bis", type="acse_coordination")
    NetworkMembership.objects.create(network=acse_network(), organisation=other, is_coordinator=True)
    exited_case = make_case()
    p = pathways.request_acse(
        **ACSE_REQUEST,
        danger_departements=["93"],
        case=exited_case,
        organisation=sender_org,
        acting_user=sender,
        consent_on=datetime.date(2026, 1, 5),
        consent_method="written",
        coordination=other,
        shared_parts=[SharedPart.FACTS],
    )
    other_worker = MembershipFactory(organisation=other, role="case_worker").user
    for target in (A.ASSESSMENT, A.PLACE_SEARCH, A.PLACE_FOUND):
        p = pathways.advance_acse(
            placement=p, organisation=other, acting_user=other_worker, target=target, host=host_org
        )
    pathways.advance_acse(
        placement=p, organisation=other, acting_user=other_worker, target=A.CANCELLED, reason="Départ volontaire"
    )

    readers = [(recipient, recipient_org), (crip_worker, crip_org), (host_worker, host_org), (sender, sender_org)]
    all_cases = [case, *cases, exited_case]

    def access():
        return {
            (user.pk, case.pk): (
                _visible(user, org, case),
                case_access.parts_for(user, case),
                case_policies.can_see_identity(user, case),
            )
            for user, org in readers
            for case in all_cases
        }

    written, before = _open_grants(), access()
    assert written  # the scenario opened grants
    CaseAccessGrant.objects.all().delete()
    # Without grants nobody but the owner reads a case: the grants are the only way in.
    assert not _visible(recipient, recipient_org, cases[0]) and not _visible(host_worker, host_org, case)
    migration = importlib.import_module("maillage.referrals.migrations.0006_backfill_case_access_grants")
    migration.backfill(apps, None)
    assert _open_grants() == written
    assert access() == before
    # The partner that held the case and handed it back reads nothing, as the services decided.
    assert not _visible(crip_worker, crip_org, cases[3])
