"""The plan's lifecycle (plans/workflow.py): numbered versions frozen from
the draft, and the moves from draft to consultation, adoption,
implementation and closure."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.audit import record
from maillage.core.transactions import step

from .. import workflow
from ..enums import AuditAction, PlanStatus
from ..models import Plan, PlanVersion
from .common import require_coordinator, require_draft


def snapshot_of(plan: Plan) -> dict:
    measures = plan.measures.select_related("priority", "lead").order_by("number")
    return {
        "title": plan.title,
        "priorities": [{"id": p.pk, "number": p.number, "title": p.title} for p in plan.priorities.order_by("number")],
        "measures": [
            {
                "id": m.pk,
                "number": m.number,
                "priority_number": m.priority.number,
                "title": m.title,
                "description": m.description,
                "lead": m.lead.display_name if m.lead else "",
                "deadline": m.deadline.isoformat() if m.deadline else "",
            }
            for m in measures
        ],
    }


@step
def new_version(*, plan: Plan, changelog: str, acting_user) -> PlanVersion:
    """Freeze the plan's text as its next numbered version, whatever its
    status (adoption freezes the adopted text); the caller checks the rest."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    last = plan.versions.order_by("-number").first()
    version = PlanVersion.objects.create(
        plan=plan,
        number=(last.number + 1) if last else 1,
        changelog=changelog,
        snapshot=snapshot_of(plan),
        created_by=acting_user,
    )
    record(
        action=AuditAction.VERSION_FROZEN,
        actor=acting_user,
        target=plan,
        organisation=plan.coordination,
        details={"version": version.number},
    )
    return version


@transaction.atomic(durable=True)
def freeze_version(*, plan: Plan, changelog: str, acting_user) -> PlanVersion:
    require_coordinator(acting_user)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    require_draft(plan)
    return new_version(plan=plan, changelog=changelog, acting_user=acting_user)


@step
def move_plan(*, plan: Plan, to: str, acting_user, changelog: str = "") -> Plan:
    """Move the plan along its lifecycle (workflow.TRANSITIONS); the caller
    checks that the person is a coordinator."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not workflow.can_transition(plan.status, to):
        raise ValidationError(
            _("Le plan ne peut pas passer de « %(a)s » à « %(b)s ».")
            % {"a": PlanStatus(plan.status).label, "b": PlanStatus(to).label if to in PlanStatus.values else to}
        )
    if to == PlanStatus.CONSULTATION and not plan.versions.exists():
        raise ValidationError(
            _("Figez d'abord une version du projet : la consultation porte sur une version numérotée.")
        )
    if to == PlanStatus.ADOPTED:
        if plan.rounds.filter(closes_at__gt=timezone.now()).exists():
            raise ValidationError(
                _("Une consultation est encore ouverte ou à venir : attendez sa clôture avant l'adoption.")
            )
        # Adoption freezes the adopted text as its own numbered version.
        version = new_version(plan=plan, changelog=changelog or _("Version adoptée"), acting_user=acting_user)
        plan.adopted_version = version
        plan.adopted_at = timezone.now()
        if plan.next_reporting_date is None:
            plan.next_reporting_date = timezone.localdate() + timedelta(days=plan.reporting_interval_days)
    previous = plan.status
    plan.status = to
    plan.save()
    record(
        action=AuditAction.PLAN_TRANSITION,
        actor=acting_user,
        target=plan,
        organisation=plan.coordination,
        details={"from": previous, "to": to},
    )
    return plan


@transaction.atomic(durable=True)
def transition_plan(*, plan: Plan, to: str, acting_user, changelog: str = "") -> Plan:
    require_coordinator(acting_user)
    return move_plan(plan=plan, to=to, acting_user=acting_user, changelog=changelog)
