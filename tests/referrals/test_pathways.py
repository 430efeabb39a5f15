"""Ac.Sé, the minors' chain (frozen clock), the return gate and cross-border exchanges."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.notifications.models import Notification
from maillage.organisations.enums import OrganisationType, Role
from maillage.referrals import pathways, policies, selectors
from maillage.referrals.enums import AcseStatus, MinorStepKind
from maillage.referrals.models import MinorStep
from tests.factories import MembershipFactory, OrganisationFactory
from tests.referrals.conftest import ACSE_REQUEST, CONSENT, make_acse_host

pytestmark = pytest.mark.django_db
K = MinorStepKind


def msgs(exc):
    return " ".join(exc.value.messages)


# --- Ac.Sé ---------------------------------------------------------------------------


# `acse` comes from conftest.py; this module's host is a shelter in Hérault.
@pytest.fixture
def host():
    return make_acse_host("Centre partenaire Sud", "cp-sud", "34")


def test_acse_refused_for_a_minor_with_an_explanation(make_case, sender, sender_org, acse):
    with pytest.raises(ValidationError) as exc:
        pathways.request_acse(
            **ACSE_REQUEST,
            danger_departements=["93"],
            case=make_case(minor=True),
            organisation=sender_org,
            acting_user=sender,
            consent_on=datetime.date(2026, 1, 5),
            consent_method="oral",
        )
    assert "uniquement des personnes majeures" in msgs(exc) and "protection de l'enfance" in msgs(exc)


def test_acse_needs_consent(case, sender, sender_org, acse):
    with pytest.raises(ValidationError) as exc:
        pathways.request_acse(
            **ACSE_REQUEST, case=case, organisation=sender_org, acting_user=sender, consent_on=None, consent_method=""
        )
    assert "consentement" in msgs(exc)


def test_acse_full_pathway_and_host_visibility(
    case, sender, sender_org, acse, host, django_capture_on_commit_callbacks
):
    coord, coordinator_worker = acse
    host_org, host_worker = host
    with django_capture_on_commit_callbacks(execute=True):
        placement = pathways.request_acse(
            **ACSE_REQUEST,
            case=case,
            organisation=sender_org,
            acting_user=sender,
            consent_on=datetime.date(2026, 1, 5),
            consent_method="written",
            danger_departements=["93"],
        )
    assert Notification.objects.filter(recipient=coordinator_worker).exists()
    assert placement.danger_departements == ["75", "93"]  # exploitation département always avoided
    # The referring organisation cannot run the coordination's steps.
    with pytest.raises(PermissionDenied):
        pathways.advance_acse(
            placement=placement, organisation=sender_org, acting_user=sender, target=AcseStatus.ASSESSMENT
        )
    for target in (AcseStatus.ASSESSMENT, AcseStatus.PLACE_SEARCH):
        placement = pathways.advance_acse(
            placement=placement,
            organisation=coord,
            acting_user=coordinator_worker,
            target=target,
            assessment="Danger local avéré",
        )
    # A place in a danger département is refused (distancing).
    near, _ = make_acse_host("Foyer 93", "foyer-93", "93")
    with pytest.raises(ValidationError) as exc:
        pathways.advance_acse(
            placement=placement,
            organisation=coord,
            acting_user=coordinator_worker,
            target=AcseStatus.PLACE_FOUND,
            host=near,
        )
    assert "éloignée" in msgs(exc)
    placement = pathways.advance_acse(
        placement=placement,
        organisation=coord,
        acting_user=coordinator_worker,
        target=AcseStatus.PLACE_FOUND,
        host=host_org,
    )
    placement = pathways.advance_acse(
        placement=placement, organisation=coord, acting_user=coordinator_worker, target=AcseStatus.TRANSFER
    )
    placement = pathways.advance_acse(
        placement=placement, organisation=host_org, acting_user=host_worker, target=AcseStatus.HOSTED
    )
    assert placement.status == AcseStatus.HOSTED and placement.arrived_on
    # Who sees where the person is.
    assert selectors.acse_host_label(sender, sender_org, placement) == "Hébergée dans un centre partenaire"
    assert selectors.acse_host_label(coordinator_worker, coord, placement) == "Centre partenaire Sud"
    assert selectors.acse_host_label(host_worker, host_org, placement) == "Centre partenaire Sud"
    assert not policies.placements_visible_to(MembershipFactory(role=Role.CASE_WORKER).user, None).exists()
    placement = pathways.advance_acse(
        placement=placement, organisation=host_org, acting_user=host_worker, target=AcseStatus.EXITED
    )
    assert placement.exited_on


def test_acse_refusal_needs_a_reason_and_illegal_steps_are_refused(case, sender, sender_org, acse):
    coord, worker = acse
    placement = pathways.request_acse(
        **ACSE_REQUEST,
        danger_departements=["93"],
        case=case,
        organisation=sender_org,
        acting_user=sender,
        consent_on=datetime.date(2026, 1, 5),
        consent_method="oral",
    )
    with pytest.raises(ValidationError):
        pathways.advance_acse(placement=placement, organisation=coord, acting_user=worker, target=AcseStatus.HOSTED)
    with pytest.raises(ValidationError):
        pathways.advance_acse(placement=placement, organisation=coord, acting_user=worker, target=AcseStatus.REFUSED)
    placement = pathways.advance_acse(
        placement=placement,
        organisation=sender_org,
        acting_user=sender,
        target=AcseStatus.CANCELLED,
        reason="La personne a changé d'avis",
    )
    assert placement.status == AcseStatus.CANCELLED


T0 = timezone.make_aware(datetime.datetime(2026, 4, 1, 10, 0))


@pytest.fixture
def minor(make_case):
    # Created at T0: the case services start the chain at once (cases.hooks).
    with time_machine.travel(T0, tick=False):
        return make_case(minor=True)


# --- return (Warsaw art. 16) --------------------------------------------------------------


def test_adult_return_needs_assessment_and_contacts(case, sender, sender_org):
    plan = pathways.create_return_plan(
        case=case, organisation=sender_org, acting_user=sender, destination_country="NG", voluntary=True
    )
    with pytest.raises(ValidationError) as exc:
        pathways.approve_return_plan(plan=plan, organisation=sender_org, acting_user=sender)
    assert "16.2" in msgs(exc) and "16.6" in msgs(exc)
    with pytest.raises(ValidationError):
        pathways.create_return_plan(
            case=case, organisation=sender_org, acting_user=sender, destination_country="NG", voluntary=False
        )
    plan = pathways.create_return_plan(
        case=case,
        organisation=sender_org,
        acting_user=sender,
        destination_country="NG",
        voluntary=True,
        risk_assessment="Risque faible, réseau démantelé",
        receiving_structures="ONG partenaire à Lagos",
    )
    assert pathways.approve_return_plan(plan=plan, organisation=sender_org, acting_user=sender).status == "approved"


def test_child_return_blocked_without_favourable_best_interests(minor, sender, sender_org):
    steps = {
        s.kind: s for s in pathways.start_minor_chain(case=minor, acting_user=sender, organisation=sender_org, now=T0)
    }
    plan = pathways.create_return_plan(
        case=minor,
        organisation=sender_org,
        acting_user=sender,
        destination_country="NG",
        voluntary=True,
        risk_assessment="Évaluation faite",
        receiving_structures="Service social de Benin City",
    )
    with pytest.raises(ValidationError) as exc:
        pathways.approve_return_plan(plan=plan, organisation=sender_org, acting_user=sender)
    assert "16.7" in msgs(exc)
    pathways.complete_step(
        step=steps[K.BEST_INTERESTS],
        organisation=sender_org,
        acting_user=sender,
        conclusion="return_not_in_interest",
        done_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError):
        pathways.approve_return_plan(plan=plan, organisation=sender_org, acting_user=sender)
    MinorStep.objects.filter(pk=steps[K.BEST_INTERESTS].pk).update(conclusion="return_in_interest")
    assert pathways.approve_return_plan(plan=plan, organisation=sender_org, acting_user=sender).status == "approved"


# --- cross-border ----------------------------------------------------------------------------


@pytest.fixture
def counterpart():
    return OrganisationFactory(
        name="NAPTIP (Nigeria)",
        slug="naptip",
        type=OrganisationType.FOREIGN_COUNTERPART,
        country="NG",
        departement="",
        region="",
        territory_level="foreign",
    )


def test_exchange_without_legal_basis_is_refused(case, sender, sender_org, counterpart):
    with pytest.raises(ValidationError) as exc:
        pathways.record_exchange(
            case=case,
            organisation=sender_org,
            acting_user=sender,
            counterpart=counterpart,
            purpose="rights_34_4",
            channel="consulate",
            legal_basis=" ",
            shared_parts=["facts"],
        )
    assert "base légale" in msgs(exc)


def test_exchange_only_to_a_foreign_counterpart(case, sender, sender_org, recipient_org):
    with pytest.raises(ValidationError) as exc:
        pathways.record_exchange(
            case=case,
            organisation=sender_org,
            acting_user=sender,
            counterpart=recipient_org,
            purpose="rights_34_4",
            channel="consulate",
            legal_basis="Art. 34.4",
            shared_parts=[],
        )
    assert "homologue" in msgs(exc)


def test_urgent_danger_is_flagged_and_escalated_at_once(
    case, sender, sender_org, counterpart, django_capture_on_commit_callbacks
):
    admin = MembershipFactory(organisation=sender_org, role=Role.CASE_WORKER, is_admin=True).user
    with django_capture_on_commit_callbacks(execute=True):
        exchange = pathways.record_exchange(
            case=case,
            organisation=sender_org,
            acting_user=sender,
            counterpart=counterpart,
            purpose="danger_33_1",
            channel="interpol",
            legal_basis="Convention de Varsovie art. 33.1",
            shared_parts=["identity", "facts"],
            conditions="Usage policier uniquement",
        )
    assert (
        exchange.urgent
        and exchange.escalated_at
        and exchange.answer_due_on == timezone.localdate() + datetime.timedelta(days=1)
    )
    assert Notification.objects.filter(recipient=admin, title__startswith="URGENT").count() == 1


def test_child_identity_does_not_leave_for_a_routine_exchange(minor, sender, sender_org, counterpart):
    with pytest.raises(ValidationError) as exc:
        pathways.record_exchange(
            case=minor,
            organisation=sender_org,
            acting_user=sender,
            counterpart=counterpart,
            purpose="spontaneous_34_2",
            channel="ngo_network",
            legal_basis="Art. 34.2",
            shared_parts=["identity"],
        )
    assert "mineur" in msgs(exc)


def test_exchange_shares_only_what_the_sender_sees(
    case, sender, sender_org, counterpart, refer, recipient, recipient_org
):
    from maillage.referrals import services

    services.accept_referral(referral=refer(shared_parts=["facts"]), organisation=recipient_org, acting_user=recipient)
    with pytest.raises(PermissionDenied):  # partners do not speak abroad for the owner
        pathways.record_exchange(
            case=case,
            organisation=recipient_org,
            acting_user=recipient,
            counterpart=counterpart,
            purpose="rights_34_4",
            channel="consulate",
            legal_basis="Art. 34.4",
            shared_parts=["facts"],
        )


# --- answers of the foreign counterpart (Warsaw art. 34.1) ----------------------------------


def _routine_exchange(case, sender, sender_org, counterpart):
    return pathways.record_exchange(
        case=case,
        organisation=sender_org,
        acting_user=sender,
        counterpart=counterpart,
        purpose="rights_34_4",
        channel="consulate",
        legal_basis="Art. 34.4",
        shared_parts=["facts"],
    )


def test_exchange_answer_is_recorded_once_and_audited(case, sender, sender_org, counterpart):
    from maillage.core.models import AuditEvent

    with time_machine.travel(T0, tick=False):
        exchange = _routine_exchange(case, sender, sender_org, counterpart)
    with time_machine.travel(T0 + datetime.timedelta(days=3), tick=False):
        answered = pathways.record_exchange_answer(
            exchange=exchange,
            organisation=sender_org,
            acting_user=sender,
            answered_on=datetime.date(2026, 4, 3),
            summary="  Droits au séjour confirmés par le ministère.  ",
        )
        assert (
            answered.answered_on == datetime.date(2026, 4, 3)
            and answered.answer_summary == "Droits au séjour confirmés par le ministère."
        )
        assert answered.answered_by == sender and answered.is_answered and not answered.is_overdue
        event = AuditEvent.objects.get(action="international.exchange_answered")
        assert "Droits" not in str(event.details)  # the free text stays out of the audit trail
        with pytest.raises(ValidationError) as exc:
            pathways.record_exchange_answer(
                exchange=exchange,
                organisation=sender_org,
                acting_user=sender,
                answered_on=datetime.date(2026, 4, 4),
                summary="Autre réponse",
            )
        assert "déjà été enregistrée" in msgs(exc)
    exchange.refresh_from_db()
    assert exchange.answer_summary == "Droits au séjour confirmés par le ministère."


def test_exchange_answer_refusals(case, sender, sender_org, counterpart):
    with time_machine.travel(T0, tick=False):
        exchange = _routine_exchange(case, sender, sender_org, counterpart)
    with time_machine.travel(T0 + datetime.timedelta(days=3), tick=False):
        for answered_on, summary, expected in [
            (datetime.date(2026, 3, 31), "Réponse", "antérieure à l'envoi"),
            (datetime.date(2026, 4, 10), "Réponse", "futur"),
            (None, "Réponse", "date de réception"),
            (datetime.date(2026, 4, 2), "   ", "Résumez la réponse"),
        ]:
            with pytest.raises(ValidationError) as exc:
                pathways.record_exchange_answer(
                    exchange=exchange,
                    organisation=sender_org,
                    acting_user=sender,
                    answered_on=answered_on,
                    summary=summary,
                )
            assert expected in msgs(exc)
    exchange.refresh_from_db()
    assert exchange.answered_at is None and exchange.answered_on is None


def test_exchange_answer_only_by_the_owner(
    case, sender, sender_org, counterpart, outsider, other_organisation, refer, recipient, recipient_org
):
    from maillage.referrals import services

    exchange = _routine_exchange(case, sender, sender_org, counterpart)
    services.accept_referral(referral=refer(shared_parts=["facts"]), organisation=recipient_org, acting_user=recipient)
    plain = MembershipFactory(organisation=sender_org, role=Role.MEMBER).user
    for user, org in [
        (outsider, other_organisation),
        (recipient, recipient_org),
        (outsider, sender_org),
        (plain, sender_org),
    ]:
        with pytest.raises(PermissionDenied):
            pathways.record_exchange_answer(
                exchange=exchange,
                organisation=org,
                acting_user=user,
                answered_on=timezone.localdate(),
                summary="Réponse",
            )
    exchange.refresh_from_db()
    assert exchange.answered_at is None


def test_overdue_unanswered_exchanges_escalate_once(
    case, sender, sender_org, counterpart, django_capture_on_commit_callbacks
):
    admin = MembershipFactory(organisation=sender_org, role=Role.CASE_WORKER, is_admin=True).user
    with time_machine.travel(T0, tick=False):
        late = _routine_exchange(case, sender, sender_org, counterpart)  # due T0 + 7 days
        answered = _routine_exchange(case, sender, sender_org, counterpart)
        pathways.record_exchange_answer(
            exchange=answered,
            organisation=sender_org,
            acting_user=sender,
            answered_on=T0.date(),
            summary="Réponse reçue",
        )
        pathways.record_exchange(
            case=case,
            organisation=sender_org,
            acting_user=sender,
            counterpart=counterpart,
            purpose="spontaneous_34_2",
            channel="consulate",
            legal_basis="Art. 34.2",
            shared_parts=[],
        )  # no answer expected
    with time_machine.travel(T0 + datetime.timedelta(days=7), tick=False):
        assert pathways.escalate_overdue_steps().exchanges_escalated == 0
    with (
        time_machine.travel(T0 + datetime.timedelta(days=8), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        late.refresh_from_db()
        assert late.is_overdue
        assert pathways.escalate_overdue_steps().exchanges_escalated == 1
        assert pathways.escalate_overdue_steps().exchanges_escalated == 0  # idempotent
    note = Notification.objects.get(recipient=admin)
    assert "sans réponse" in note.title and case.reference in note.title


def test_after_a_transfer_the_new_owner_answers_and_is_escalated_for_exchanges(
    case, sender, sender_org, counterpart, recipient, recipient_org, django_capture_on_commit_callbacks
):
    from maillage.referrals import services
    from maillage.referrals.enums import ReferralKind

    old_admin = MembershipFactory(organisation=sender_org, role=Role.CASE_WORKER, is_admin=True).user
    new_admin = MembershipFactory(organisation=recipient_org, role=Role.CASE_WORKER, is_admin=True).user
    with time_machine.travel(T0, tick=False):
        late = _routine_exchange(case, sender, sender_org, counterpart)
        answered_later = _routine_exchange(case, sender, sender_org, counterpart)
        transfer = services.create_referral(
            case=case,
            organisation=sender_org,
            acting_user=sender,
            recipient=recipient_org,
            service="social_support",
            kind=ReferralKind.TRANSFER,
            shared_parts=["facts"],
            send=True,
            **CONSENT,
        )
        services.accept_referral(referral=transfer, organisation=recipient_org, acting_user=recipient)
    with time_machine.travel(T0 + datetime.timedelta(days=2), tick=False):
        # The former owner no longer follows the person; the new one records the answer.
        with pytest.raises(PermissionDenied):
            pathways.record_exchange_answer(
                exchange=answered_later,
                organisation=sender_org,
                acting_user=sender,
                answered_on=T0.date(),
                summary="Réponse",
            )
        pathways.record_exchange_answer(
            exchange=answered_later,
            organisation=recipient_org,
            acting_user=recipient,
            answered_on=T0.date(),
            summary="Réponse reçue",
        )
    answered_later.refresh_from_db()
    assert answered_later.answered_by == recipient and answered_later.organisation == sender_org  # who sent it stays
    with (
        time_machine.travel(T0 + datetime.timedelta(days=8), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert pathways.escalate_overdue_steps().exchanges_escalated == 1
    assert Notification.objects.filter(recipient=new_admin, title__contains=case.reference).exists()
    assert not Notification.objects.filter(recipient=old_admin, title__contains="sans réponse").exists()
    late.refresh_from_db()
    assert late.escalated_at is not None
