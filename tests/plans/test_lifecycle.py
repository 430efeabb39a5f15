from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.core.models import AuditEvent
from maillage.plans import services
from maillage.plans.enums import Completion, Decision, Health, PlanStatus, PositionValue, Recommendation, Stance
from maillage.plans.models import MeasureStatus, Position, SubAction

from .conftest import measure

pytestmark = pytest.mark.django_db


def test_whole_life_of_a_plan(draft_plan, open_round, coordinator, invited_member, invited_org):
    plan = draft_plan
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CONSULTATION
    m1 = measure(plan, 1)
    services.submit_position(
        round=open_round, measure=m1, value=PositionValue.MIXED, argument="Trop vague", acting_user=invited_member
    )
    amendment = services.propose_amendment(
        round=open_round,
        measure=m1,
        version=open_round.version,
        field="title",
        proposed_text="Aller au-devant des victimes, y compris en ligne",
        rationale="Le recrutement se fait en ligne.",
        acting_user=invited_member,
    )
    services.answer_amendment(
        amendment=amendment,
        recommendation=Recommendation.ACCEPT,
        decision=Decision.ACCEPTED,
        answer="Retenu.",
        acting_user=coordinator,
    )
    # Close the round, go back to draft, rework, freeze v2, then adopt.
    open_round.closes_at = timezone.now() - timedelta(seconds=1)
    open_round.opens_at = open_round.closes_at - timedelta(days=30)
    open_round.save()
    services.transition_plan(plan=plan, to=PlanStatus.DRAFT, acting_user=coordinator)
    services.save_measure(
        plan=plan,
        measure=m1,
        priority=m1.priority,
        number=1,
        title=amendment.proposed_text,
        description=m1.description,
        acting_user=coordinator,
    )
    services.freeze_version(plan=plan, changelog="Amendements retenus", acting_user=coordinator)
    services.transition_plan(plan=plan, to=PlanStatus.CONSULTATION, acting_user=coordinator)
    services.transition_plan(plan=plan, to=PlanStatus.ADOPTED, acting_user=coordinator)
    plan.refresh_from_db()
    assert plan.adopted_version.number == 3
    assert plan.adopted_version.snapshot["measures"][0]["title"].endswith("en ligne")
    # Adopted text is frozen.
    with pytest.raises(ValidationError):
        services.save_measure(
            plan=plan, measure=m1, priority=m1.priority, number=1, title="x", acting_user=coordinator
        )
    services.transition_plan(plan=plan, to=PlanStatus.IN_IMPLEMENTATION, acting_user=coordinator)
    m1.lead = invited_org
    m1.save()
    status = MeasureStatus.objects.get(code="engagee")
    report = services.submit_progress_report(
        measure=m1,
        status=status,
        progress=40,
        health=Health.AT_RISK,
        completion=Completion.LIMITED,
        comment="En cours",
        acting_user=invited_member,
    )
    m1.refresh_from_db()
    assert m1.progress == 0  # not public until validated
    services.validate_progress_report(report=report, acting_user=coordinator)
    m1.refresh_from_db()
    assert (m1.progress, m1.health, m1.completion, m1.status) == (40, Health.AT_RISK, Completion.LIMITED, status)
    services.transition_plan(plan=plan, to=PlanStatus.CLOSED, acting_user=coordinator)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    assert AuditEvent.objects.filter(action="plans.plan.transition").count() == 6
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.transition_plan(plan=plan, to=PlanStatus.DRAFT, acting_user=coordinator)


def test_illegal_transition_and_adoption_during_open_round(draft_plan, open_round, coordinator):
    with pytest.raises(ValidationError, match="encore ouverte"):
        services.transition_plan(plan=draft_plan, to=PlanStatus.ADOPTED, acting_user=coordinator)
    with pytest.raises(ValidationError):
        services.transition_plan(plan=draft_plan, to=PlanStatus.CLOSED, acting_user=coordinator)


def test_consultation_needs_a_frozen_version(draft_plan, coordinator):
    with pytest.raises(ValidationError, match="Figez"):
        services.transition_plan(plan=draft_plan, to=PlanStatus.CONSULTATION, acting_user=coordinator)


def test_non_coordinator_cannot_manage(draft_plan, plain_member):
    with pytest.raises(PermissionDenied):
        services.freeze_version(plan=draft_plan, changelog="x", acting_user=plain_member)


def test_second_position_updates_and_db_refuses_duplicates(open_round, draft_plan, invited_member, invited_org):
    m1 = measure(draft_plan, 1)
    services.submit_position(
        round=open_round, measure=m1, value=PositionValue.AGREE, argument="", acting_user=invited_member
    )
    services.submit_position(
        round=open_round,
        measure=m1,
        value=PositionValue.DISAGREE,
        argument="Réflexion faite",
        acting_user=invited_member,
    )
    assert Position.objects.filter(round=open_round, measure=m1).count() == 1
    assert Position.objects.get().value == PositionValue.DISAGREE
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(
            round=open_round, measure=m1, organisation=invited_org, value="agree", author=invited_member
        )


def test_comments_thread_to_depth_three(open_round, draft_plan, invited_member):
    m1 = measure(draft_plan, 1)
    parent = None
    for _ in range(3):
        parent = services.add_comment(
            round=open_round,
            measure=m1,
            body="Oui",
            stance=Stance.IN_FAVOUR,
            parent=parent,
            acting_user=invited_member,
        )
    assert parent.depth == 3
    with pytest.raises(ValidationError, match="3 niveaux"):
        services.add_comment(
            round=open_round,
            measure=m1,
            body="Trop profond",
            stance=Stance.AGAINST,
            parent=parent,
            acting_user=invited_member,
        )


def test_amendment_to_another_version_refused(open_round, draft_plan, coordinator, invited_member):
    old_version = open_round.version
    draft_plan.refresh_from_db()
    services.transition_plan(plan=draft_plan, to=PlanStatus.DRAFT, acting_user=coordinator)
    newer = services.freeze_version(plan=draft_plan, changelog="v2", acting_user=coordinator)
    assert newer.number == old_version.number + 1
    with pytest.raises(ValidationError, match=r"version 2"):
        services.propose_amendment(
            round=open_round,
            measure=measure(draft_plan, 1),
            version=newer,
            field="title",
            proposed_text="x",
            rationale="y",
            acting_user=invited_member,
        )


def test_measure_added_after_freeze_is_not_in_the_round(open_round, draft_plan, coordinator, invited_member):
    draft_plan.refresh_from_db()
    services.transition_plan(plan=draft_plan, to=PlanStatus.DRAFT, acting_user=coordinator)
    m4 = services.save_measure(
        plan=draft_plan, priority=measure(draft_plan, 1).priority, number=4, title="Nouvelle", acting_user=coordinator
    )
    with pytest.raises(ValidationError, match="ne fait pas partie"):
        services.submit_position(round=open_round, measure=m4, value="agree", argument="", acting_user=invited_member)


def test_priority_settings_switch_off_contributions(draft_plan, coordinator, invited_org, invited_member):
    services.freeze_version(plan=draft_plan, changelog="v1", acting_user=coordinator)
    p2 = draft_plan.priorities.get(number=2)
    now = timezone.now()
    round_ = services.open_round(
        plan=draft_plan,
        title="R",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        invited=[invited_org],
        disabled={p2.pk: {"amendments"}},
        acting_user=coordinator,
    )
    m3 = measure(draft_plan, 3)
    services.submit_position(round=round_, measure=m3, value="agree", argument="", acting_user=invited_member)
    with pytest.raises(ValidationError, match="amendements ne sont pas ouverts"):
        services.propose_amendment(
            round=round_,
            measure=m3,
            version=round_.version,
            field="title",
            proposed_text="x",
            rationale="y",
            acting_user=invited_member,
        )


def test_progress_over_100_refused(db):
    from maillage.plans.services.common import check_percent

    with pytest.raises(ValidationError, match="entre 0 et 100"):
        check_percent(101)
    assert check_percent("100") == 100


def test_subaction_rollup_and_db_constraint(draft_plan, coordinator):
    m1 = measure(draft_plan, 1)
    a = SubAction.objects.create(measure=m1, title="a", weight=3)
    b = SubAction.objects.create(measure=m1, title="b", weight=1)
    services.set_sub_action_progress(sub_action=a, progress=100, acting_user=coordinator)
    services.set_sub_action_progress(sub_action=b, progress=0, acting_user=coordinator)
    m1.refresh_from_db()
    assert m1.progress == 75
    with pytest.raises(ValidationError):
        services.set_sub_action_progress(sub_action=b, progress=150, acting_user=coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        SubAction.objects.filter(pk=b.pk).update(progress=101)


def test_internal_note_and_hearing_only_for_coordination(open_round, coordinator, invited_member, invited_org):
    services.add_internal_note(round=open_round, body="Note", acting_user=coordinator)
    with pytest.raises(PermissionDenied):
        services.add_internal_note(round=open_round, body="Note", acting_user=invited_member)
    h = services.record_hearing(
        round=open_round,
        organisation=invited_org,
        date=timezone.localdate(),
        participants="2 personnes",
        summary="Entendu",
        acting_user=coordinator,
    )
    assert h.pk


def test_reminders_are_sent_once(draft_plan, open_round, coordinator, invited_org, invited_member):
    from maillage.notifications.models import Notification

    open_round.closes_at = timezone.now() - timedelta(seconds=1)
    open_round.opens_at = open_round.closes_at - timedelta(days=1)
    open_round.save()
    services.transition_plan(plan=draft_plan, to=PlanStatus.ADOPTED, acting_user=coordinator)
    m1 = measure(draft_plan, 1)
    m1.lead = invited_org
    m1.save()
    draft_plan.refresh_from_db()
    draft_plan.next_reporting_date = timezone.localdate() + timedelta(days=3)
    draft_plan.save()
    before = Notification.objects.filter(recipient=invited_member).count()
    assert services.send_reporting_reminders() == 1
    assert services.send_reporting_reminders() == 0
    assert Notification.objects.filter(recipient=invited_member).count() == before + 1


def test_indicators_measurements_entered_by_lead_and_validated(
    draft_plan, open_round, coordinator, invited_org, invited_member, outsider
):
    open_round.closes_at = timezone.now() - timedelta(seconds=1)
    open_round.opens_at = open_round.closes_at - timedelta(days=1)
    open_round.save()
    services.transition_plan(plan=draft_plan, to=PlanStatus.ADOPTED, acting_user=coordinator)
    m1 = measure(draft_plan, 1)
    m1.lead = invited_org
    m1.save()
    indicator = services.add_indicator(
        measure=m1,
        name="Victimes orientées",
        unit="personnes",
        baseline_value=10,
        target_value=50,
        acting_user=coordinator,
    )
    with pytest.raises(PermissionDenied):
        services.record_measurement(indicator=indicator, value=20, date=timezone.localdate(), acting_user=outsider)
    value = services.record_measurement(
        indicator=indicator, value=20, date=timezone.localdate(), departement="93", acting_user=invited_member
    )
    assert value.validated_at is None
    services.validate_measurement(measurement=value, acting_user=coordinator)
    with pytest.raises(ValidationError):
        services.validate_measurement(measurement=value, acting_user=coordinator)
    services.add_milestone(
        measure=m1, title="Circulaire publiée", due_date=timezone.localdate(), acting_user=coordinator
    )
    services.add_sub_action(measure=m1, title="a", weight=1, acting_user=coordinator)
    with pytest.raises(ValidationError):
        services.add_sub_action(measure=m1, title="b", weight=0, acting_user=coordinator)


def test_status_default_progress_when_no_sub_action(draft_plan):
    m1 = measure(draft_plan, 1)
    m1.status = MeasureStatus.objects.get(code="bien-avancee")
    m1.save()
    assert services.recompute_progress(m1) == 75
