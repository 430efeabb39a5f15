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


def record(*, step, organisation, acting_user, **kw):
    """Record a step as its owner would: today, to a named recipient by e-mail for a transmission."""
    kw.setdefault("done_on", timezone.localdate())
    if step.definition.transmission_to:
        kw.setdefault("recipient_name", "Destinataire hors annuaire")
        kw.setdefault("channel", "email")
    elif step.kind == K.LEGAL_REPRESENTATION:
        kw.setdefault("representatives", "present")
    else:
        kw.setdefault("note", "Fait, suites notées au dossier.")
    return pathways.complete_step(step=step, organisation=organisation, acting_user=acting_user, **kw)


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
    record(step=steps[K.LEGAL_REPRESENTATION], organisation=sender_org, acting_user=sender, representatives="failing")
    assert MinorStep.objects.filter(case=minor, kind=K.AAH_REQUEST).exists()


def test_family_tracing_only_after_best_interests(minor, sender, sender_org):
    steps = {
        s.kind: s for s in pathways.start_minor_chain(case=minor, acting_user=sender, organisation=sender_org, now=T0)
    }
    with pytest.raises(ValidationError) as exc:
        record(step=steps[K.FAMILY_TRACING], organisation=sender_org, acting_user=sender)
    assert "intérêt supérieur" in msgs(exc)
    with pytest.raises(ValidationError):
        record(step=steps[K.BEST_INTERESTS], organisation=sender_org, acting_user=sender)  # conclusion required
    record(step=steps[K.BEST_INTERESTS], organisation=sender_org, acting_user=sender, conclusion="family_contact_ok")
    record(step=steps[K.FAMILY_TRACING], organisation=sender_org, acting_user=sender)


def test_other_organisation_cannot_complete_a_step(minor, sender, sender_org, outsider, other_organisation):
    step = pathways.start_minor_chain(case=minor, acting_user=sender, organisation=sender_org, now=T0)[0]
    with pytest.raises(PermissionDenied):
        record(step=step, organisation=other_organisation, acting_user=outsider)


def test_overdue_steps_escalate_once_to_the_admin(minor, sender, sender_org, django_capture_on_commit_callbacks):
    admin = MembershipFactory(organisation=sender_org, role=Role.CASE_WORKER, is_admin=True).user
    with time_machine.travel(T0, tick=False):
        steps = {
            s.kind: s for s in pathways.start_minor_chain(case=minor, acting_user=sender, organisation=sender_org)
        }
        record(step=steps[K.IP_CRIP], organisation=sender_org, acting_user=sender)
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
            record(step=step, organisation=sender_org, acting_user=sender, conclusion="return_not_in_interest")
        elif not step.is_waivable:
            record(step=step, organisation=sender_org, acting_user=sender)
        else:
            pathways.waive_step(
                step=step,
                organisation=sender_org,
                acting_user=sender,
                reason="Pris en charge par le département voisin, dossier transmis",
            )
    closed = case_services.change_status(case=minor, target="closed", acting_user=sender, reason="referred")
    assert closed.status == "closed"


# --- issue 10.2: each step belongs to the actor the law gives it to -----------------------


@pytest.fixture
def crip(crip_org):
    return crip_org, MembershipFactory(organisation=crip_org, role=Role.CASE_WORKER, is_admin=True).user


@pytest.fixture
def parquet(db):
    from maillage.organisations.enums import OrganisationType
    from tests.factories import OrganisationFactory

    org = OrganisationFactory(
        name="Parquet de Bobigny", slug="parquet-bobigny-t", type=OrganisationType.PROSECUTOR, departement="93"
    )
    return org, MembershipFactory(organisation=org, role=Role.CASE_WORKER, is_admin=True).user


def transmit(step, org, user, recipient, **kw):
    return record(step=step, organisation=org, acting_user=user, recipient=recipient, channel="maillage", **kw)


def test_completion_records_who_when_to_whom_how_and_what_came_of_it(minor, sender, sender_org):
    step = steps_of(minor)[K.SIGNALEMENT_PARQUET]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    record(
        step=step,
        organisation=sender_org,
        acting_user=sender,
        done_on=yesterday,
        recipient_name="Parquet de Créteil (hors annuaire)",
        channel="courier",
        reference="LRAR 1A 234",
        note="Accusé de réception reçu.",
    )
    step.refresh_from_db()
    assert step.done_by == sender and timezone.localtime(step.done_at).date() == yesterday
    assert step.recorded_at is not None and step.recipient_label == "Parquet de Créteil (hors annuaire)"
    assert (step.channel, step.reference, step.note) == ("courier", "LRAR 1A 234", "Accusé de réception reçu.")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"recipient_name": "", "channel": "email"}, "Indiquez le destinataire"),
        ({"channel": ""}, "Indiquez comment"),
        ({"done_on": None}, "Indiquez la date"),
        ({"done_on": datetime.date(2099, 1, 1)}, "dans le futur"),
    ],
)
def test_bad_completion_is_refused_in_french_and_nothing_is_written(minor, sender, sender_org, changes, message):
    step = steps_of(minor)[K.IP_CRIP]
    journal = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        record(step=step, organisation=sender_org, acting_user=sender, **changes)
    assert message in msgs(exc)
    step.refresh_from_db()
    assert step.is_open and step.recipient_name == "" and AuditEvent.objects.count() == journal


def test_a_step_recorded_by_an_actor_who_does_not_own_it_is_refused(minor, sender, sender_org, crip, parquet):
    crip_org, crip_worker = crip
    transmit(steps_of(minor)[K.IP_CRIP], sender_org, sender, crip_org)
    step = steps_of(minor)[K.SIGNALEMENT_PARQUET]  # the association's, not the CRIP's
    with pytest.raises(ValidationError) as exc:
        record(step=step, organisation=crip_org, acting_user=crip_worker, recipient=parquet[0], channel="maillage")
    assert "revient à" in msgs(exc) and sender_org.name in msgs(exc)
    assert MinorStep.objects.get(pk=step.pk).is_open


def test_r_child_crip_information_preoccupante_reaches_the_crip_with_its_three_month_evaluation(
    minor, sender, sender_org, crip
):
    crip_org, crip_worker = crip
    with time_machine.travel(T0 + datetime.timedelta(hours=2), tick=False):
        transmit(steps_of(minor)[K.IP_CRIP], sender_org, sender, crip_org, note="Enfant repéré à Saint-Denis.")
    evaluation = MinorStep.objects.get(case=minor, kind=K.CRIP_EVALUATION)
    assert evaluation.owner_organisation == crip_org and evaluation.source_step.kind == K.IP_CRIP
    received = T0 + datetime.timedelta(hours=2)
    assert evaluation.due_at == received.replace(month=7)  # 1 April + 3 months
    # The steps the law gives the CRIP move to it once it is reached.
    assert steps_of(minor)[K.BEST_INTERESTS].owner_organisation == crip_org
    assert steps_of(minor)[K.SIGNALEMENT_PARQUET].owner_organisation == sender_org
    # And it can record its evaluation; the association cannot.
    with pytest.raises(ValidationError) as exc:
        record(step=evaluation, organisation=crip_org, acting_user=crip_worker)
    assert "conclusion" in msgs(exc)
    record(step=evaluation, organisation=crip_org, acting_user=crip_worker, crip_outcome="administrative")
    assert MinorStep.objects.get(pk=evaluation.pk).details == {"crip_outcome": "administrative"}


def test_r_child_crip_evaluation_is_shorter_for_a_child_under_two(make_case, sender, sender_org, crip, settings):
    with time_machine.travel(T0, tick=False):
        baby = make_case(minor=True, birth_year=2025)
        transmit(steps_of(baby)[K.IP_CRIP], sender_org, sender, crip[0])
    evaluation = MinorStep.objects.get(case=baby, kind=K.CRIP_EVALUATION)
    assert evaluation.due_at == T0 + datetime.timedelta(days=30)
    settings.MINORS_CRIP_EVALUATION_UNDER_TWO_DAYS = 15
    from maillage.referrals import deadlines

    assert deadlines.crip_evaluation_due(T0, under_two=True) == T0 + datetime.timedelta(days=15)


def test_r_child_crip_grave_danger_goes_to_the_prosecutor_and_the_parquet_decides(
    minor, sender, sender_org, crip, parquet
):
    crip_org, crip_worker = crip
    parquet_org, parquet_worker = parquet
    transmit(steps_of(minor)[K.IP_CRIP], sender_org, sender, crip_org, grave_danger=True)
    evaluation = MinorStep.objects.get(case=minor, kind=K.CRIP_EVALUATION)
    assert evaluation.grave_danger
    record(step=evaluation, organisation=crip_org, acting_user=crip_worker, crip_outcome="grave_danger")
    to_prosecutor = MinorStep.objects.get(case=minor, kind=K.CRIP_SIGNALEMENT)
    assert to_prosecutor.owner_organisation == crip_org and to_prosecutor.grave_danger
    assert not to_prosecutor.is_waivable
    transmit(to_prosecutor, crip_org, crip_worker, parquet_org)
    decision = MinorStep.objects.get(case=minor, kind=K.PARQUET_DECISION)
    assert decision.owner_organisation == parquet_org and decision.source_step == to_prosecutor
    with pytest.raises(ValidationError):
        record(step=decision, organisation=parquet_org, acting_user=parquet_worker, decisions=["nonsense"])
    record(
        step=decision,
        organisation=parquet_org,
        acting_user=parquet_worker,
        decisions=["opp", "investigation"],
        reference="OPP 2026/114",
    )
    assert MinorStep.objects.get(pk=decision.pk).details == {"decisions": ["opp", "investigation"]}


def test_r_aah_request_reaches_the_parquet_which_designates(minor, sender, sender_org, parquet):
    parquet_org, parquet_worker = parquet
    record(
        step=steps_of(minor)[K.LEGAL_REPRESENTATION],
        organisation=sender_org,
        acting_user=sender,
        representatives="implicated",
    )
    transmit(steps_of(minor)[K.AAH_REQUEST], sender_org, sender, parquet_org)
    designation = MinorStep.objects.get(case=minor, kind=K.AAH_DESIGNATION)
    assert designation.owner_organisation == parquet_org
    with pytest.raises(ValidationError) as exc:
        record(step=designation, organisation=parquet_org, acting_user=parquet_worker, note="")
    assert "administrateur ad hoc" in msgs(exc)
    record(step=designation, organisation=parquet_org, acting_user=parquet_worker, note="Association Enfance et Droit")


def test_a_transmission_in_maillage_needs_a_body_with_an_account_of_the_right_kind(
    minor, sender, sender_org, crip, parquet
):
    from maillage.organisations.enums import OrganisationType
    from tests.factories import OrganisationFactory

    no_account = OrganisationFactory(name="CRIP 95", slug="crip-95-t", type=OrganisationType.CHILD_PROTECTION)
    step = steps_of(minor)[K.IP_CRIP]
    with pytest.raises(ValidationError) as exc:
        transmit(step, sender_org, sender, no_account)
    assert "pas de compte" in msgs(exc)
    with pytest.raises(ValidationError) as exc:
        transmit(step, sender_org, sender, parquet[0])
    assert "ne reçoit pas cette transmission" in msgs(exc)
    # Without an account, the transmission is recorded with the channel actually used.
    record(step=step, organisation=sender_org, acting_user=sender, recipient=no_account, channel="email")
    assert not MinorStep.objects.filter(case=minor, kind=K.CRIP_EVALUATION).exists()


def test_r_child_crip_overdue_evaluation_escalates_to_the_crip(
    minor, sender, sender_org, crip, django_capture_on_commit_callbacks
):
    crip_org, crip_worker = crip
    with time_machine.travel(T0, tick=False):
        transmit(steps_of(minor)[K.IP_CRIP], sender_org, sender, crip_org)
    with (
        time_machine.travel(T0 + datetime.timedelta(days=100), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        pathways.escalate_overdue_steps()
    assert MinorStep.objects.get(case=minor, kind=K.CRIP_EVALUATION).escalated_at is not None
    assert Notification.objects.filter(recipient=crip_worker, title__contains="Évaluation").exists()


def test_crip_and_parquet_queues_list_what_waits_for_them(minor, sender, sender_org, crip, parquet):
    from maillage.core import queues

    crip_org, crip_worker = crip
    parquet_org, parquet_worker = parquet
    transmit(steps_of(minor)[K.IP_CRIP], sender_org, sender, crip_org)
    transmit(steps_of(minor)[K.SIGNALEMENT_PARQUET], sender_org, sender, parquet_org, grave_danger=True)
    by_key = {q.provider.key: q for q in queues.queues_for(crip_worker, crip_org)}
    crip_items = by_key["minors_crip"].items
    # Soonest due first: the placement (5 days) before the evaluation (3 months).
    assert "Évaluation de l'information préoccupante par la CRIP" in [i.label for i in crip_items]
    assert [i.due_at for i in crip_items] == sorted(i.due_at for i in crip_items)
    assert all(i.subject == minor.reference for i in crip_items) and "minors_parquet" not in by_key
    (item,) = {q.provider.key: q for q in queues.queues_for(parquet_worker, parquet_org)}["minors_parquet"].items
    assert item.urgent and item.label == "Suites données par le parquet au signalement"
    assert "R-" not in item.detail and sender_org.name in item.detail
    # An association's queue lists its own steps of the chain.
    own = {q.provider.key: q for q in queues.queues_for(sender, sender_org)}["minors_steps"]
    assert own.total >= 1 and all(i.subject == minor.reference for i in own.items)
