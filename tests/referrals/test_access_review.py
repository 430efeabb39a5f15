"""Access-control review: regressions for leaks found in the referrals and
pathways code (one test per bug, named after what must never happen)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.core.models import AuditEvent
from maillage.organisations.enums import Role
from maillage.referrals import pathways, services
from maillage.referrals.enums import AcseStatus, SharedPart
from tests.factories import MembershipFactory, OrganisationFactory

from .conftest import ACSE_REQUEST, CONSENT, HOST_NAME

pytestmark = pytest.mark.django_db
A = AcseStatus


@pytest.fixture
def hosted(placement, host):
    return placement(to=A.HOSTED, host=host)


def test_a_referral_by_the_acse_host_does_not_reveal_the_host_to_the_owner(
    client, login, case, sender, sender_org, host, hosted, recipient, recipient_org
):
    """The host may refer the person on (docs/domain/referrals.md), but the
    case owner (the referring organisation) must never learn who hosts the
    person: neither its journal nor its case timeline may name the host or its
    staff (docs/security.md, decision 0007)."""
    host_org, host_worker = host
    referral = services.create_referral(
        case=case,
        organisation=host_org,
        acting_user=host_worker,
        recipient=recipient_org,
        service="psychological_support",
        shared_parts=[SharedPart.FACTS],
        send=True,
        **CONSENT,
    )
    services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    second = services.create_referral(
        case=case,
        organisation=host_org,
        acting_user=host_worker,
        recipient=OrganisationFactory(slug="autre-r"),
        service="psychological_support",
        shared_parts=[SharedPart.FACTS],
        send=True,
        **CONSENT,
    )
    services.withdraw_referral(referral=second, organisation=host_org, acting_user=host_worker)

    for event in AuditEvent.objects.filter(organisation=sender_org):
        assert event.acting_organisation_id != host_org.pk and event.actor_id != host_worker.pk, event.action
        assert "host" not in event.details and HOST_NAME not in str(event.details), event.action
    # The host's own journal keeps who did it.
    assert AuditEvent.objects.filter(organisation=host_org, action="referral.sent", actor=host_worker).exists()
    assert not case.events.filter(actor=host_worker).exists()
    login(client, sender)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Montagnard" not in html and HOST_NAME not in html


def test_after_a_transfer_the_former_owner_no_longer_holds_the_acse_request_nor_the_minor_steps(
    client,
    login,
    make_case,
    sender,
    sender_org,
    recipient,
    recipient_org,
    acse,
    host,
    django_capture_on_commit_callbacks,
):
    """« The previous owner keeps no access » (docs/domain/referrals.md): after a
    transfer it must not keep reading or cancelling the person's Ac.Sé
    placement, nor be escalated about the child's steps, and the new owner must
    be able to carry both on."""
    from django.core.exceptions import PermissionDenied

    from maillage.notifications.models import Notification
    from maillage.referrals.enums import ReferralKind
    from maillage.referrals.models import MinorStep

    coord, _coord_worker = acse
    adult = make_case()
    p = pathways.request_acse(
        **ACSE_REQUEST,
        danger_departements=["93"],
        case=adult,
        organisation=sender_org,
        acting_user=sender,
        consent_on=datetime.date(2026, 1, 5),
        consent_method="written",
        coordination=coord,
        shared_parts=[SharedPart.FACTS],
    )
    minor = make_case(minor=True)
    assert MinorStep.objects.filter(case=minor, owner_organisation=sender_org).exists()
    sender_admin = MembershipFactory(organisation=sender_org, role=Role.CASE_WORKER, is_admin=True).user
    recipient_admin = MembershipFactory(organisation=recipient_org, role=Role.CASE_WORKER, is_admin=True).user
    for case in (adult, minor):
        referral = services.create_referral(
            case=case,
            organisation=sender_org,
            acting_user=sender,
            recipient=recipient_org,
            service="secure_accommodation",
            kind=ReferralKind.TRANSFER,
            shared_parts=[SharedPart.FACTS],
            send=True,
            **CONSENT,
        )
        services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)

    login(client, sender)
    assert client.get(reverse("referrals:acse_detail", args=[p.pk])).status_code == 404
    assert adult.reference not in client.get(reverse("referrals:acse_list")).content.decode()
    with pytest.raises(PermissionDenied):
        pathways.advance_acse(
            placement=p, organisation=sender_org, acting_user=sender, target=A.CANCELLED, reason="Plus suivie par nous"
        )
    # The new owner follows the request.
    pathways.advance_acse(
        placement=p,
        organisation=recipient_org,
        acting_user=recipient,
        target=A.CANCELLED,
        reason="La personne a changé d'avis",
    )

    step = MinorStep.objects.filter(case=minor, done_at__isnull=True).order_by("due_at").first()
    pathways.complete_step(
        step=step,
        organisation=recipient_org,
        acting_user=recipient,
        done_on=timezone.localdate(),
        recipient_name="Parquet de Bordeaux",
        channel="email",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert pathways.escalate_overdue_steps(now=timezone.now() + datetime.timedelta(days=90)).escalated
    assert not Notification.objects.filter(recipient=sender_admin).exists()
    assert Notification.objects.filter(recipient=recipient_admin, title__contains=minor.reference).exists()


def test_the_acse_host_cannot_refer_the_person_back_to_the_owner(case, sender_org, host, hosted):
    """The owner's inbox would name the sender, that is the host (R-ACSE)."""
    from django.core.exceptions import ValidationError

    from maillage.referrals.models import Referral

    host_org, host_worker = host
    with pytest.raises(ValidationError) as exc:
        services.create_referral(
            case=case,
            organisation=host_org,
            acting_user=host_worker,
            recipient=sender_org,
            service="psychological_support",
            shared_parts=[SharedPart.FACTS],
            send=True,
            **CONSENT,
        )
    assert "coordination Ac.Sé" in " ".join(exc.value.messages)
    assert not Referral.objects.filter(case=case, sender_organisation=host_org).exists()
