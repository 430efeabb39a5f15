"""State machine, refusals and transfer (issue 5, priority 1)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from maillage.cases.models import Case
from maillage.core.models import AuditEvent
from maillage.organisations.enums import OrganisationType
from maillage.organisations.models import Membership
from maillage.referrals import services, workflow
from maillage.referrals.enums import ReferralKind, ReferralStatus
from maillage.referrals.models import Referral
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
S = ReferralStatus


def messages(exc):
    return " ".join(exc.value.messages)


def test_transition_table_is_explicit():
    assert workflow.can_transition(S.DRAFT, S.SENT)
    assert workflow.can_transition(S.SENT, S.ACCEPTED)
    assert not workflow.can_transition(S.ACCEPTED, S.DECLINED)
    assert not workflow.can_transition(S.WITHDRAWN, S.ACCEPTED)
    assert not workflow.can_transition(S.EXPIRED, S.ACCEPTED)
    assert set(workflow.targets_from(S.SENT)) == {S.ACCEPTED, S.DECLINED, S.WITHDRAWN, S.EXPIRED}
    assert workflow.targets_from(S.COMPLETED) == []


def test_draft_then_send_then_accept_then_complete(refer, sender, sender_org, recipient, recipient_org):
    referral = refer(send=False)
    assert referral.status == S.DRAFT and referral.sent_at is None
    referral = services.send_referral(referral=referral, organisation=sender_org, acting_user=sender)
    assert referral.status == S.SENT and referral.answer_due_at > referral.sent_at
    referral = services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    assert referral.status == S.ACCEPTED and referral.decided_by == recipient
    referral = services.complete_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    assert referral.status == S.COMPLETED and referral.completed_at
    assert [e.to_status for e in referral.events.all()] == [S.DRAFT, S.SENT, S.ACCEPTED, S.COMPLETED]
    actions = set(
        AuditEvent.objects.filter(object_type="referrals.referral", object_id=str(referral.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"referral.created", "referral.sent", "referral.accepted", "referral.completed"} <= actions


def test_decline_needs_a_reason(refer, recipient, recipient_org):
    referral = refer()
    with pytest.raises(ValidationError) as exc:
        services.decline_referral(referral=referral, organisation=recipient_org, acting_user=recipient, reason="")
    assert "motif" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.decline_referral(
            referral=referral, organisation=recipient_org, acting_user=recipient, reason="other", comment=" "
        )
    assert "Précisez" in messages(exc)
    referral = services.decline_referral(
        referral=referral, organisation=recipient_org, acting_user=recipient, reason="no_capacity"
    )
    assert referral.status == S.DECLINED and referral.decline_reason == "no_capacity"


def test_declined_without_reason_is_refused_by_the_database(refer):
    referral = refer()
    with pytest.raises(IntegrityError):
        Referral.objects.filter(pk=referral.pk).update(status=S.DECLINED, decline_reason="")


def test_sender_withdraws_then_recipient_cannot_answer(refer, sender, sender_org, recipient, recipient_org):
    referral = refer()
    services.withdraw_referral(referral=referral, organisation=sender_org, acting_user=sender)
    with pytest.raises(ValidationError) as exc:
        services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    assert "retirée" in messages(exc)
    with pytest.raises(ValidationError):
        services.decline_referral(
            referral=referral, organisation=recipient_org, acting_user=recipient, reason="no_capacity"
        )
    assert Referral.objects.get(pk=referral.pk).status == S.WITHDRAWN


def test_accepting_twice_is_refused(refer, recipient, recipient_org):
    referral = refer()
    services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    with pytest.raises(ValidationError) as exc:
        services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    assert "déjà été acceptée" in messages(exc)


def test_withdraw_after_acceptance_is_refused(refer, sender, sender_org, recipient, recipient_org):
    referral = refer()
    services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    with pytest.raises(ValidationError):
        services.withdraw_referral(referral=referral, organisation=sender_org, acting_user=sender)


def test_only_the_right_side_acts(refer, sender, sender_org, recipient, recipient_org, outsider, other_organisation):
    referral = refer()
    with pytest.raises(PermissionDenied):
        services.accept_referral(referral=referral, organisation=sender_org, acting_user=sender)
    with pytest.raises(PermissionDenied):
        services.withdraw_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    with pytest.raises(PermissionDenied):
        services.accept_referral(referral=referral, organisation=other_organisation, acting_user=outsider)


def test_draft_is_invisible_to_the_recipient(refer, recipient, recipient_org):
    referral = refer(send=False)
    with pytest.raises(PermissionDenied):
        services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)


def test_referring_to_own_organisation_is_refused(refer, sender_org):
    with pytest.raises(ValidationError) as exc:
        refer(recipient=sender_org)
    assert "votre propre organisation" in messages(exc)
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (OrganisationType.COORDINATION, "ne voit que des chiffres"),
        (OrganisationType.NATIONAL_RAPPORTEUR, "ne voit que des chiffres"),
        (OrganisationType.ACSE_COORDINATION, "demande Ac.Sé"),
        (OrganisationType.FOREIGN_COUNTERPART, "échange international"),
    ],
)
def test_organisations_that_never_receive_a_referral_are_refused_with_the_way_instead(refer, kind, expected):
    # Accepting a referral opens the case's shared parts: these organisations
    # see counts only, or are reached through the Ac.Sé request or an
    # international exchange with a legal basis.
    with pytest.raises(ValidationError) as exc:
        refer(recipient=OrganisationFactory(type=kind))
    assert expected in messages(exc)
    assert not Referral.objects.exists()


def test_second_open_referral_to_same_recipient_is_refused(refer):
    refer()
    with pytest.raises(ValidationError) as exc:
        refer()
    assert "déjà en cours" in messages(exc)


def test_unknown_service_is_refused(refer):
    with pytest.raises(ValidationError) as exc:
        refer(service="teleportation")
    assert "service" in messages(exc)


def test_worker_who_left_loses_access_at_once(refer, recipient, recipient_org):
    referral = refer()
    Membership.objects.filter(user=recipient, organisation=recipient_org).update(
        is_active=False, removed_at=timezone.now()
    )
    with pytest.raises(PermissionDenied):
        services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)


def test_nothing_half_done_when_transfer_fails(refer, case, recipient, recipient_org, other_organisation):
    referral = refer(kind=ReferralKind.TRANSFER)
    Case.objects.filter(pk=case.pk).update(organisation=other_organisation)  # moved meanwhile
    with pytest.raises(ValidationError):
        services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    assert Referral.objects.get(pk=referral.pk).status == S.SENT


def test_transfer_changes_owner_on_acceptance(refer, case, sender, sender_org, recipient, recipient_org):
    from maillage.cases import policies

    referral = refer(kind=ReferralKind.TRANSFER)
    assert Case.objects.get(pk=case.pk).organisation == sender_org
    services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    case.refresh_from_db()
    assert case.organisation == recipient_org
    assert Referral.objects.get(pk=referral.pk).previous_owner == sender_org
    assert policies.can_edit(recipient, case)
    assert not policies.cases_visible_to(sender, sender_org).filter(pk=case.pk).exists()


def test_referral_keeps_owner_and_adds_recipient(refer, case, sender, sender_org, recipient, recipient_org):
    from maillage.cases import policies

    referral = refer()
    assert not policies.cases_visible_to(recipient, recipient_org).filter(pk=case.pk).exists()
    services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    case.refresh_from_db()
    assert case.organisation == sender_org
    assert policies.cases_visible_to(recipient, recipient_org).filter(pk=case.pk).exists()
    assert not policies.can_edit(recipient, case)


def test_partner_cannot_transfer_a_case_it_does_not_own(refer, case, recipient, recipient_org, crip_org):
    services.accept_referral(referral=refer(), organisation=recipient_org, acting_user=recipient)
    with pytest.raises(ValidationError) as exc:
        refer(
            organisation=recipient_org,
            acting_user=recipient,
            recipient=crip_org,
            kind=ReferralKind.TRANSFER,
            shared_parts=["facts"],
        )
    assert "transférer" in messages(exc)


def test_closed_case_cannot_be_referred(refer, case, sender):
    from maillage.cases import services as case_services

    case_services.change_status(case=case, target="closed", acting_user=sender, reason="other")
    with pytest.raises(ValidationError) as exc:
        refer()
    assert "clos" in messages(exc)


def test_complete_only_after_acceptance(refer, recipient, recipient_org):
    referral = refer()
    with pytest.raises(ValidationError) as exc:
        services.complete_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    assert "attend la réponse" in messages(exc)


def test_expired_referral_cannot_be_accepted(refer, recipient, recipient_org):
    referral = refer()
    # Sent eleven days ago, due yesterday: past the general delay, it expires
    # (a referral past a short delay only is escalated, tests/referrals/test_answer_delays.py).
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=timezone.now() - timezone.timedelta(days=11), answer_due_at=timezone.now() - timezone.timedelta(days=1)
    )
    services.expire_and_remind()
    with pytest.raises(ValidationError) as exc:
        services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    assert "expiré" in messages(exc)


def test_sending_twice_is_refused(refer, sender, sender_org):
    referral = refer()
    with pytest.raises(ValidationError):
        services.send_referral(referral=referral, organisation=sender_org, acting_user=sender)


def test_coordination_body_cannot_receive(refer, coordination):
    with pytest.raises(ValidationError) as exc:
        refer(recipient=coordination)
    assert "coordination" in messages(exc)


def test_sharing_an_unknown_part_is_refused(refer):
    with pytest.raises(ValidationError):
        refer(shared_parts=["everything"])
