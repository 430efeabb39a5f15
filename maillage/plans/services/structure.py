"""The plan's text while it is drafted: the plan, its axes and measures."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.coordination.services import note_forwarded_measure_deleted
from maillage.core.audit import record

from .. import selectors
from ..enums import AuditAction, PlanStatus
from ..models import Measure, Plan, Priority
from ..selectors import coordination_of
from .common import require_coordinator, require_draft


@transaction.atomic(durable=True)
def create_plan(*, title: str, period_start, period_end, acting_user) -> Plan:
    require_coordinator(acting_user)
    if period_end < period_start:
        raise ValidationError(_("La fin de la période doit suivre son début."))
    plan = Plan.objects.create(
        title=title, period_start=period_start, period_end=period_end, coordination=coordination_of(acting_user)
    )
    record(action=AuditAction.PLAN_CREATED, actor=acting_user, target=plan, organisation=plan.coordination)
    return plan


@transaction.atomic(durable=True)
def add_priority(*, plan: Plan, number: int, title: str, description: str = "", acting_user) -> Priority:
    require_coordinator(acting_user)
    require_draft(plan)
    if plan.priorities.filter(number=number).exists():
        raise ValidationError(_("Un axe porte déjà le numéro %(n)s.") % {"n": number})
    priority = Priority.objects.create(plan=plan, number=number, title=title, description=description)
    record(action=AuditAction.PRIORITY_CREATED, actor=acting_user, target=priority, organisation=plan.coordination)
    return priority


@transaction.atomic(durable=True)
def save_measure(
    *, plan: Plan, measure: Measure | None = None, acting_user, co_leads=(), partners=(), **fields
) -> Measure:
    """Create or update a measure of a draft plan."""
    require_coordinator(acting_user)
    require_draft(plan)
    if fields.get("priority") is not None and fields["priority"].plan_id != plan.pk:
        raise ValidationError(_("Cet axe n'appartient pas à ce plan."))
    number = fields.get("number")
    clash = plan.measures.filter(number=number)
    if measure is not None:
        clash = clash.exclude(pk=measure.pk)
    if number is not None and clash.exists():
        raise ValidationError(_("Une mesure porte déjà le numéro %(n)s.") % {"n": number})
    creating = measure is None
    measure = measure or Measure(plan=plan)
    for key, value in fields.items():
        setattr(measure, key, value)
    measure.save()
    measure.co_leads.set(co_leads)
    measure.partners.set(partners)
    record(
        action=AuditAction.MEASURE_CREATED if creating else AuditAction.MEASURE_UPDATED,
        actor=acting_user,
        target=measure,
        organisation=plan.coordination,
    )
    return measure


def measure_deletion_refusal(*, plan: Plan, measure: Measure, dependents: dict[str, int]) -> str | None:
    """The French reason why this measure cannot be deleted, or None (also shown
    on the confirmation page, so the refusal is explained before any click)."""
    if plan.status != PlanStatus.DRAFT:
        return _(
            "Une mesure ne peut être supprimée que tant que le plan est à l'état de projet "
            "(statut actuel : « %(s)s »)."
        ) % {"s": plan.get_status_display()}
    if dependents["contributions"]:
        return _(
            "La mesure %(n)s a reçu %(c)s contribution(s) lors d'une consultation (positions, commentaires, "
            "amendements ou notes) : "
            "elle ne peut pas être supprimée, car ces contributions et les réponses de la coordination doivent rester "
            "consultables. "
            "Reformulez-la plutôt."
        ) % {"n": measure.number, "c": dependents["contributions"]}
    return None


@transaction.atomic(durable=True)
def delete_measure(*, measure: Measure, acting_user) -> Plan:
    """Delete a measure of a draft plan, e.g. a proposal forwarded from a working
    group that the coordination drops rather than rewords.

    - Draft only (like every edit of the text), read from the locked plan row.
    - Refused when the measure received contributions in a consultation round
      (positions, comments, amendments, internal notes): they and the answers
      to them stay readable on the round's pages; reword the measure instead.
    - Its follow-up (sub-actions, milestones, indicators and their values,
      progress reports) goes with it.
    - Frozen versions are snapshots and keep it; the remaining measures are not
      renumbered (numbers are references people cite)."""
    require_coordinator(acting_user)
    plan = Plan.objects.select_for_update().get(pk=measure.plan_id)
    measure = Measure.objects.select_for_update(of=("self",)).select_related("priority").get(pk=measure.pk)
    dependents = selectors.measure_dependents(measure)
    refusal = measure_deletion_refusal(plan=plan, measure=measure, dependents=dependents)
    if refusal:
        raise ValidationError(refusal)
    details = {
        "measure": measure.pk,
        "number": measure.number,
        "title": measure.title,
        "priority_number": measure.priority.number,
        "origin_decision": measure.origin_decision_id,
        "in_versions": selectors.versions_containing(plan, measure),
        **{f"{key}_deleted": n for key, n in dependents.items() if key != "contributions"},
    }
    if measure.origin_decision_id:
        # The decision's « transmise » line is written by its owner (coordination).
        note_forwarded_measure_deleted(
            decision_id=measure.origin_decision_id,
            acting_user=acting_user,
            organisation=plan.coordination,
            measure_id=measure.pk,
            measure_number=measure.number,
            plan_id=plan.pk,
        )
    measure.delete()
    record(
        action=AuditAction.MEASURE_DELETED,
        actor=acting_user,
        target=plan,
        organisation=plan.coordination,
        details=details,
    )
    return plan
