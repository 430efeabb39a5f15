"""The minors' chain between actors (issue 10.2, issue 11.4–11.6; rules.md §3.5,
R-CHILD-CRIP, R-MNA, R-AAH): mandatory steps never waived, each step owned by
the actor the law gives it to, every completion recorded in full."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.cases import services as case_services
from maillage.core.models import AuditEvent
from maillage.notifications.models import Notification
from maillage.organisations.enums import Role
from maillage.referrals import pathways
from maillage.referrals.enums import MinorStepKind
from maillage.referrals.models import MinorStep
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
K = MinorStepKind
T0 = timezone.make_aware(datetime.datetime(2026, 4, 1, 10, 0))
REASON = "La personne a été confiée à un autre département, qui reprend le suivi."


def msgs(exc):
    return " ".join(exc.value.messages)


@pytest.fixture
def minor(make_case):
    with time_machine.travel(T0, tick=False):
        return make_case(minor=True)


def steps_of(case):
    return {s.kind: s for s in MinorStep.objects.filter(case=case)}


# --- issue 11.6: mandatory steps cannot be waived ---------------------------------------


@pytest.mark.parametrize("kind", [K.SIGNALEMENT_PARQUET, K.IP_CRIP])
def test_r_child_crip_report_to_prosecutor_and_transmission_to_crip_are_never_waived(minor, sender, sender_org, kind):
    step = steps_of(minor)[kind]
    journal = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        pathways.waive_step(step=step, organisation=sender_org, acting_user=sender, reason=REASON)
    assert "ne peut jamais être levée" in msgs(exc)
    step.refresh_from_db()
    assert step.is_open and step.waived_reason == "" and AuditEvent.objects.count() == journal


def test_r_child_crip_unwaivable_whoever_the_owner(minor, sender, sender_org, crip_org):
    """Even the organisation that owns it (here a CRIP, after a transfer of the step) cannot lift it."""
    crip_worker = MembershipFactory(organisation=crip_org, role=Role.CASE_WORKER).user
    step = steps_of(minor)[K.IP_CRIP]
    MinorStep.objects.filter(pk=step.pk).update(owner_organisation=crip_org)
    with pytest.raises((ValidationError, PermissionDenied)):
        pathways.waive_step(step=step, organisation=crip_org, acting_user=crip_worker, reason=REASON)
    assert MinorStep.objects.get(pk=step.pk).waived_reason == ""


def test_r_mna_prosecutor_informed_is_never_waived(minor, sender, sender_org):
    pathways.start_minor_chain(case=minor, acting_user=sender, organisation=sender_org, unaccompanied=True, now=T0)
    step = steps_of(minor)[K.PROSECUTOR_INFORMED]
    with pytest.raises(ValidationError) as exc:
        pathways.waive_step(step=step, organisation=sender_org, acting_user=sender, reason=REASON)
    assert "ne peut jamais être levée" in msgs(exc)


def test_other_steps_are_waived_only_by_their_owner_with_a_reason(
    minor, sender, sender_org, outsider, other_organisation
):
    step = steps_of(minor)[K.FAMILY_TRACING]
    with pytest.raises(PermissionDenied):
        pathways.waive_step(step=step, organisation=other_organisation, acting_user=outsider, reason=REASON)
    with pytest.raises(ValidationError) as exc:
        pathways.waive_step(step=step, organisation=sender_org, acting_user=sender, reason="court")
    assert "Documentez" in msgs(exc)
    assert MinorStep.objects.get(pk=step.pk).waived_reason == ""
    pathways.waive_step(step=step, organisation=sender_org, acting_user=sender, reason=REASON)
    assert MinorStep.objects.get(pk=step.pk).waived_reason == REASON


# --- the chain's steps, deadlines and closure (moved from test_pathways.py) ------------


def test_the_chain_starts_when_a_case_becomes_treated_as_a_minor(make_case, sender, sender_org):
    minor_case = make_case(minor=True)
    kinds = set(MinorStep.objects.filter(case=minor_case).values_list("kind", flat=True))
    assert {K.SIGNALEMENT_PARQUET, K.IP_CRIP, K.LEGAL_REPRESENTATION} <= kinds
    adult = make_case()
    assert not MinorStep.objects.filter(case=adult).exists()
    # An adult whose age is later disputed becomes treated as a minor (R-AGE).
    from maillage.cases.enums import AgeStatus

    case_services.update_case(
        case=adult, acting_user=sender, facts={"age_status": AgeStatus.DECLARED_MINOR_UNVERIFIED}
    )
    adult.refresh_from_db()
    assert adult.treated_as_minor and MinorStep.objects.filter(case=adult, kind=K.SIGNALEMENT_PARQUET).exists()


def test_chain_steps_and_deadlines_from_data(minor, sender, sender_org):
    steps = pathways.start_minor_chain(
        case=minor, acting_user=sender, organisation=sender_org, unaccompanied=True, now=T0
    )
    by_kind = {s.kind: s for s in steps}
    assert by_kind[K.SIGNALEMENT_PARQUET].due_at == T0 + datetime.timedelta(hours=24)
    assert "CPP art. 40" in by_kind[K.SIGNALEMENT_PARQUET].legal_source
    assert by_kind[K.EMERGENCY_RECEPTION].due_at == T0 + datetime.timedelta(days=5)
    assert {
        K.GUARDIAN,
        K.PROSECUTOR_INFORMED,
        K.IP_CRIP,
        K.LEGAL_REPRESENTATION,
        K.PLACEMENT,
        K.BEST_INTERESTS,
        K.FAMILY_TRACING,
    } <= set(by_kind)
    assert all(s.owner_organisation == sender_org for s in steps)
    # Idempotent.
    pathways.start_minor_chain(case=minor, acting_user=sender, organisation=sender_org, unaccompanied=True, now=T0)
    assert MinorStep.objects.filter(case=minor).count() == len(steps)


def test_accompanied_minor_has_no_mna_steps(minor, sender, sender_org):
    kinds = {
        s.kind for s in pathways.start_minor_chain(case=minor, acting_user=sender, organisation=sender_org, now=T0)
    }
    assert K.EMERGENCY_RECEPTION not in kinds and K.GUARDIAN not in kinds


def test_adult_case_has_no_chain(case, sender, sender_org):
    with pytest.raises(ValidationError):
        pathways.start_minor_chain(case=case, acting_user=sender, organisation=sender_org)


def test_deadline_is_a_setting(minor, sender, sender_org, settings):
    settings.MINORS_SIGNALEMENT_HOURS = 4
    MinorStep.objects.filter(case=minor).delete()
    steps = {
        s.kind: s for s in pathways.start_minor_chain(case=minor, acting_user=sender, organisation=sender_org, now=T0)
    }
    assert steps[K.SIGNALEMENT_PARQUET].due_at == T0 + datetime.timedelta(hours=4)


def test_emergency_reception_renewed_twice_with_prosecutor_informed(minor, sender, sender_org):
    pathways.start_minor_chain(case=minor, acting_user=sender, organisation=sender_org, unaccompanied=True, now=T0)
    first = pathways.renew_emergency_reception(case=minor, organisation=sender_org, acting_user=sender)
    second = pathways.renew_emergency_reception(case=minor, organisation=sender_org, acting_user=sender)
    assert first.due_at == T0 + datetime.timedelta(days=10) and second.due_at == T0 + datetime.timedelta(days=15)
    assert MinorStep.objects.filter(case=minor, kind=K.PROSECUTOR_INFORMED).count() == 3
    with pytest.raises(ValidationError) as exc:
        pathways.renew_emergency_reception(case=minor, organisation=sender_org, acting_user=sender)
    assert "deux fois" in msgs(exc)


def test_failing_representatives_trigger_an_aah_request(minor, sender, sender_org):
    steps = {
        s.kind: s for s in pathways.start_minor_chain(case=minor, acting_user=sender, organisation=sender_org, now=T0)
    }
    pathways.complete_step(
        step=steps[K.LEGAL_REPRESENTATION], organisation=sender_org, acting_user=sender, representatives_failing=True
    )
    assert MinorStep.objects.filter(case=minor, kind=K.AAH_REQUEST).exists()


def test_family_tracing_only_after_best_interests(minor, sender, sender_org):
    steps = {
        s.kind: s for s in pathways.start_minor_chain(case=minor, acting_user=sender, organisation=sender_org, now=T0)
    }
    with pytest.raises(ValidationError) as exc:
        pathways.complete_step(step=steps[K.FAMILY_TRACING], organisation=sender_org, acting_user=sender)
    assert "intérêt supérieur" in msgs(exc)
    with pytest.raises(ValidationError):
        pathways.complete_step(
            step=steps[K.BEST_INTERESTS], organisation=sender_org, acting_user=sender
        )  # conclusion required
    pathways.complete_step(
        step=steps[K.BEST_INTERESTS], organisation=sender_org, acting_user=sender, conclusion="family_contact_ok"
    )
    pathways.complete_step(step=steps[K.FAMILY_TRACING], organisation=sender_org, acting_user=sender)


def test_other_organisation_cannot_complete_a_step(minor, sender, sender_org, outsider, other_organisation):
    step = pathways.start_minor_chain(case=minor, acting_user=sender, organisation=sender_org, now=T0)[0]
    with pytest.raises(PermissionDenied):
        pathways.complete_step(step=step, organisation=other_organisation, acting_user=outsider)


def test_overdue_steps_escalate_once_to_the_admin(minor, sender, sender_org, django_capture_on_commit_callbacks):
    admin = MembershipFactory(organisation=sender_org, role=Role.CASE_WORKER, is_admin=True).user
    with time_machine.travel(T0, tick=False):
        steps = {
            s.kind: s for s in pathways.start_minor_chain(case=minor, acting_user=sender, organisation=sender_org)
        }
        pathways.complete_step(step=steps[K.IP_CRIP], organisation=sender_org, acting_user=sender)
    with time_machine.travel(T0 + datetime.timedelta(hours=23), tick=False):
        assert pathways.escalate_overdue_steps().escalated == 0
    with (
        time_machine.travel(T0 + datetime.timedelta(hours=25), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert pathways.escalate_overdue_steps().escalated == 1  # signalement only (IP done)
        assert pathways.escalate_overdue_steps().escalated == 0  # idempotent
    notes = Notification.objects.filter(recipient=admin)
    assert (
        notes.count() == 1 and "Signalement au procureur" in notes.get().title and minor.reference in notes.get().title
    )


def test_scheduled_sweep_starts_missing_chains(minor):
    # A case that became a minor outside the services (e.g. bulk import).
    MinorStep.objects.filter(case=minor).delete()
    report = pathways.escalate_overdue_steps()
    assert report.chains_started == 1 and MinorStep.objects.filter(case=minor).exists()


def test_closure_blocked_while_a_mandatory_step_is_open(minor, sender, sender_org):
    steps = pathways.start_minor_chain(case=minor, acting_user=sender, organisation=sender_org, now=T0)
    with pytest.raises(ValidationError) as exc:
        case_services.change_status(case=minor, target="closed", acting_user=sender, reason="referred")
    assert "ne peut pas être clos" in msgs(exc) and "Signalement au procureur" in msgs(exc)
    with pytest.raises(ValidationError):
        pathways.waive_step(step=steps[0], organisation=sender_org, acting_user=sender, reason="trop court")
    for step in steps:
        if step.kind == K.FAMILY_TRACING:
            continue  # not mandatory
        if step.kind == K.BEST_INTERESTS:
            pathways.complete_step(
                step=step, organisation=sender_org, acting_user=sender, conclusion="return_not_in_interest"
            )
        elif not step.is_waivable:
            pathways.complete_step(step=step, organisation=sender_org, acting_user=sender)
        else:
            pathways.waive_step(
                step=step,
                organisation=sender_org,
                acting_user=sender,
                reason="Pris en charge par le département voisin, dossier transmis",
            )
    closed = case_services.change_status(case=minor, target="closed", acting_user=sender, reason="referred")
    assert closed.status == "closed"
