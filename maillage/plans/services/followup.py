"""Following a plan's measures: sub-actions and the progress they roll up
to, milestones, indicators and their values. The coordination edits the
follow-up; the bodies responsible for a measure record progress, milestones
reached and values (policies.can_follow_up). A closed plan's follow-up is
history."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.audit import record
from maillage.core.transactions import step

from .. import policies
from ..enums import AuditAction
from ..models import Indicator, Measure, Measurement, Milestone, SubAction
from ..rollup import weighted_progress
from .common import check_percent, check_weight, jsonable, require_coordinator, require_not_closed


@step
def recompute_progress(measure: Measure) -> int:
    """Roll the measure's progress up from its sub-actions; with none, take the
    default progress of its workflow status (Decidim)."""
    value = weighted_progress(measure.sub_actions.values_list("progress", "weight"))
    if value is None and measure.status is not None:
        value = measure.status.default_progress
    if value is not None:
        measure.progress = value
        measure.progress_updated_at = timezone.now()
        measure.save(update_fields=["progress", "progress_updated_at"])
    return measure.progress


@transaction.atomic(durable=True)
def set_sub_action_progress(*, sub_action: SubAction, progress, acting_user) -> SubAction:
    measure = sub_action.measure
    if not policies.can_follow_up(acting_user, measure):
        raise PermissionDenied
    require_not_closed(measure.plan_id)
    sub_action.progress = check_percent(progress)
    sub_action.save(update_fields=["progress"])
    recompute_progress(measure)
    record(
        action=AuditAction.SUB_ACTION_PROGRESS,
        actor=acting_user,
        target=measure,
        organisation=measure.plan.coordination,
        details={"sub_action": sub_action.pk, "progress": sub_action.progress},
    )
    return sub_action


@transaction.atomic(durable=True)
def add_sub_action(*, measure: Measure, title: str, weight: int | None = None, acting_user) -> SubAction:
    require_coordinator(acting_user)
    require_not_closed(measure.plan_id)
    check_weight(weight)
    sub_action = SubAction.objects.create(measure=measure, title=title, weight=weight)
    recompute_progress(measure)
    record(
        action=AuditAction.SUB_ACTION_CREATED,
        actor=acting_user,
        target=measure,
        organisation=measure.plan.coordination,
        details={"sub_action": sub_action.pk},
    )
    return sub_action


@transaction.atomic(durable=True)
def add_milestone(*, measure: Measure, title: str, due_date, acting_user) -> Milestone:
    require_coordinator(acting_user)
    require_not_closed(measure.plan_id)
    milestone = Milestone.objects.create(measure=measure, title=title, due_date=due_date)
    record(
        action=AuditAction.MILESTONE_CREATED,
        actor=acting_user,
        target=measure,
        organisation=measure.plan.coordination,
        details={"milestone": milestone.pk},
    )
    return milestone


@transaction.atomic(durable=True)
def add_indicator(*, measure: Measure, acting_user, **fields) -> Indicator:
    require_coordinator(acting_user)
    require_not_closed(measure.plan_id)
    indicator = Indicator.objects.create(measure=measure, **fields)
    record(
        action=AuditAction.INDICATOR_CREATED,
        actor=acting_user,
        target=indicator,
        organisation=measure.plan.coordination,
    )
    return indicator


@transaction.atomic(durable=True)
def record_measurement(*, indicator: Indicator, value, date, departement: str = "", acting_user) -> Measurement:
    """Entered by the responsible bodies (or the coordination); public once validated."""
    measure = indicator.measure
    if not policies.can_follow_up(acting_user, measure):
        raise PermissionDenied
    require_not_closed(measure.plan_id)
    measurement = Measurement.objects.create(
        indicator=indicator, value=value, date=date, departement=departement, entered_by=acting_user
    )
    record(
        action=AuditAction.MEASUREMENT_CREATED,
        actor=acting_user,
        target=measurement,
        organisation=measure.plan.coordination,
    )
    return measurement


@transaction.atomic(durable=True)
def validate_measurement(*, measurement: Measurement, acting_user) -> Measurement:
    require_coordinator(acting_user)
    require_not_closed(measurement.indicator.measure.plan_id)
    if measurement.validated_at is not None:
        raise ValidationError(_("Cette valeur a déjà été validée."))
    measurement.validated_by = acting_user
    measurement.validated_at = timezone.now()
    measurement.save(update_fields=["validated_by", "validated_at"])
    record(
        action=AuditAction.MEASUREMENT_VALIDATED,
        actor=acting_user,
        target=measurement,
        organisation=measurement.indicator.measure.plan.coordination,
    )
    return measurement


@transaction.atomic(durable=True)
def update_sub_action(*, sub_action: SubAction, title: str, weight: int | None = None, acting_user) -> SubAction:
    require_coordinator(acting_user)
    sub_action = (
        SubAction.objects.select_for_update(of=("self",))
        .select_related("measure__plan", "measure__status")
        .get(pk=sub_action.pk)
    )
    measure = sub_action.measure
    require_not_closed(measure.plan_id)
    if not title.strip():
        raise ValidationError(_("Donnez un intitulé à l'action."))
    before = {"title": sub_action.title, "weight": sub_action.weight}
    sub_action.title, sub_action.weight = title, check_weight(weight)
    sub_action.save(update_fields=["title", "weight"])
    progress = recompute_progress(measure)
    record(
        action=AuditAction.SUB_ACTION_UPDATED,
        actor=acting_user,
        target=measure,
        organisation=measure.plan.coordination,
        details={
            "sub_action": sub_action.pk,
            "before": before,
            "after": {"title": title, "weight": sub_action.weight},
            "measure_progress": progress,
        },
    )
    return sub_action


@transaction.atomic(durable=True)
def delete_sub_action(*, sub_action: SubAction, acting_user) -> Measure:
    """Delete a sub-action and roll the measure's progress up again from the others."""
    require_coordinator(acting_user)
    sub_action = (
        SubAction.objects.select_for_update(of=("self",))
        .select_related("measure__plan", "measure__status")
        .get(pk=sub_action.pk)
    )
    measure = sub_action.measure
    require_not_closed(measure.plan_id)
    details = {
        "sub_action": sub_action.pk,
        "title": sub_action.title,
        "weight": sub_action.weight,
        "progress": sub_action.progress,
    }
    sub_action.delete()
    details["measure_progress"] = recompute_progress(measure)
    record(
        action=AuditAction.SUB_ACTION_DELETED,
        actor=acting_user,
        target=measure,
        organisation=measure.plan.coordination,
        details=details,
    )
    return measure


@transaction.atomic(durable=True)
def update_milestone(*, milestone: Milestone, title: str, due_date, acting_user) -> Milestone:
    require_coordinator(acting_user)
    milestone = Milestone.objects.select_for_update(of=("self",)).select_related("measure__plan").get(pk=milestone.pk)
    require_not_closed(milestone.measure.plan_id)
    if not title.strip():
        raise ValidationError(_("Donnez un intitulé au jalon."))
    before = {"title": milestone.title, "due_date": milestone.due_date.isoformat()}
    milestone.title, milestone.due_date = title, due_date
    milestone.save(update_fields=["title", "due_date"])
    record(
        action=AuditAction.MILESTONE_UPDATED,
        actor=acting_user,
        target=milestone.measure,
        organisation=milestone.measure.plan.coordination,
        details={
            "milestone": milestone.pk,
            "before": before,
            "after": {"title": title, "due_date": due_date.isoformat()},
        },
    )
    return milestone


@transaction.atomic(durable=True)
def delete_milestone(*, milestone: Milestone, acting_user) -> Measure:
    require_coordinator(acting_user)
    milestone = Milestone.objects.select_for_update(of=("self",)).select_related("measure__plan").get(pk=milestone.pk)
    measure = milestone.measure
    require_not_closed(measure.plan_id)
    details = {"milestone": milestone.pk, "title": milestone.title, "due_date": milestone.due_date.isoformat()}
    milestone.delete()
    record(
        action=AuditAction.MILESTONE_DELETED,
        actor=acting_user,
        target=measure,
        organisation=measure.plan.coordination,
        details=details,
    )
    return measure


@transaction.atomic(durable=True)
def set_milestone_reached(*, milestone: Milestone, reached_on, acting_user) -> Milestone:
    """Mark a milestone reached on a date (or not reached, with None).

    Like sub-action progress, this is follow-up information: the coordination
    and the members of the measure's lead or co-lead organisations may record it."""
    milestone = Milestone.objects.select_for_update(of=("self",)).select_related("measure__plan").get(pk=milestone.pk)
    measure = milestone.measure
    if not policies.can_follow_up(acting_user, measure):
        raise PermissionDenied
    require_not_closed(measure.plan_id)
    if reached_on is not None and reached_on > timezone.localdate():
        raise ValidationError(_("La date à laquelle le jalon a été atteint ne peut pas être dans le futur."))
    previous = milestone.reached_on
    milestone.reached_on = reached_on
    milestone.save(update_fields=["reached_on"])
    record(
        action=AuditAction.MILESTONE_REACHED if reached_on else AuditAction.MILESTONE_UNREACHED,
        actor=acting_user,
        target=measure,
        organisation=measure.plan.coordination,
        details={
            "milestone": milestone.pk,
            "before": previous.isoformat() if previous else None,
            "reached_on": reached_on.isoformat() if reached_on else None,
        },
    )
    return milestone


INDICATOR_FIELDS = (
    "name",
    "unit",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "source",
    "method",
)


@transaction.atomic(durable=True)
def update_indicator(*, indicator: Indicator, acting_user, **fields) -> Indicator:
    require_coordinator(acting_user)
    indicator = Indicator.objects.select_for_update(of=("self",)).select_related("measure__plan").get(pk=indicator.pk)
    require_not_closed(indicator.measure.plan_id)
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"unknown indicator fields: {sorted(unknown)}")
    if not (fields.get("name", indicator.name) or "").strip():
        raise ValidationError(_("Donnez un nom à l'indicateur."))
    changes = {}
    for key, value in fields.items():
        if getattr(indicator, key) != value:
            changes[key] = {"before": jsonable(getattr(indicator, key)), "after": jsonable(value)}
            setattr(indicator, key, value)
    indicator.save()
    record(
        action=AuditAction.INDICATOR_UPDATED,
        actor=acting_user,
        target=indicator,
        organisation=indicator.measure.plan.coordination,
        details={"changes": changes},
    )
    return indicator


@transaction.atomic(durable=True)
def delete_indicator(*, indicator: Indicator, acting_user) -> Measure:
    """Refused once a value has been validated: published figures stay traceable.
    Values still awaiting validation are deleted with the indicator."""
    require_coordinator(acting_user)
    indicator = Indicator.objects.select_for_update(of=("self",)).select_related("measure__plan").get(pk=indicator.pk)
    measure = indicator.measure
    require_not_closed(measure.plan_id)
    validated = indicator.measurements.filter(validated_at__isnull=False).count()
    if validated:
        raise ValidationError(
            _(
                "L'indicateur « %(name)s » a %(n)s valeur(s) validée(s) et publiée(s) : il ne peut pas être supprimé. "
                "Modifiez-le plutôt (nom, méthode, cible)."
            )
            % {"name": indicator.name, "n": validated}
        )
    details = {
        "indicator": indicator.pk,
        "indicator_label": indicator.name,
        "pending_values_deleted": indicator.measurements.count(),
    }
    indicator.delete()
    record(
        action=AuditAction.INDICATOR_DELETED,
        actor=acting_user,
        target=measure,
        organisation=measure.plan.coordination,
        details=details,
    )
    return measure
