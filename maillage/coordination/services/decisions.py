"""Decisions and action items of working groups, and the bridge that forwards
a decision to the national action plan (an extension point the plans domain
registers from its AppConfig.ready(): coordination never imports plans)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.transactions import step
from maillage.notifications.services import notify

from .. import policies
from ..enums import ActionStatus, AuditAction, DecisionStatus
from ..models import ActionItem, Decision
from .common import require

FORWARDED_TO_MAX = Decision._meta.get_field("forwarded_to").max_length


@transaction.atomic(durable=True)
def record_decision(
    *, acting_user, statement: str, group=None, meeting=None, review_on: date | None = None
) -> Decision:
    group = group or (meeting.group if meeting else None)
    require(
        policies.can_manage_meeting(acting_user, meeting) if meeting else policies.can_manage_group(acting_user, group)
    )
    if not statement.strip():
        raise ValidationError({"statement": _("Énoncez la décision.")})
    decision = Decision.objects.create(
        group=group, meeting=meeting, statement=statement, review_on=review_on, created_by=acting_user
    )
    audit.record(action=AuditAction.DECISION_RECORDED, actor=acting_user, target=decision)
    return decision


# Extension point for the national action plan (maillage/plans): the plans
# package registers a callable here from its AppConfig.ready(); it receives the
# decision and the acting user, creates the proposed measure or amendment with
# a link back to the decision inside this service's transaction (a service
# step), and returns its reference (shown on the decision).
PLAN_FORWARDERS: list[Callable[..., str]] = []


def register_plan_forwarder(func: Callable[..., str]) -> None:
    PLAN_FORWARDERS.append(func)


@transaction.atomic(durable=True)
def forward_decision_to_plan(*, decision, acting_user) -> Decision:
    group = decision.group or decision.meeting.group
    require(policies.can_manage_group(acting_user, group) if group else decision.created_by_id == acting_user.pk)
    if not PLAN_FORWARDERS:
        raise ValidationError(_("Le plan d'action national n'est pas encore disponible dans Maillage."))
    if decision.forwarded_to:
        raise ValidationError(_("Cette décision a déjà été transmise au plan d'action."))
    decision.forwarded_to = PLAN_FORWARDERS[-1](decision=decision, acting_user=acting_user)
    decision.save(update_fields=["forwarded_to"])
    audit.record(
        action=AuditAction.DECISION_FORWARDED,
        actor=acting_user,
        target=decision,
        details={"to": decision.forwarded_to},
    )
    return decision


@step
def note_forwarded_measure_deleted(
    *, decision_id: int, acting_user, organisation, measure_id: int, measure_number: int, plan_id: int
) -> Decision | None:
    """The plan's coordination deleted the measure proposed from this decision
    (plans' delete_measure, in its transaction): the decision's « transmise »
    line says so, rather than pointing at a number that no longer exists."""
    decision = Decision.objects.select_for_update().filter(pk=decision_id).first()
    if decision is None or not decision.forwarded_to:
        return None
    suffix = _(" — mesure supprimée du projet le %(d)s") % {"d": timezone.localdate().strftime("%d/%m/%Y")}
    decision.forwarded_to = decision.forwarded_to[: FORWARDED_TO_MAX - len(suffix)] + suffix
    decision.save(update_fields=["forwarded_to"])
    audit.record(
        action=AuditAction.DECISION_FORWARDED_MEASURE_DELETED,
        actor=acting_user,
        target=decision,
        organisation=organisation,
        details={"measure": measure_id, "number": measure_number, "plan": plan_id},
    )
    return decision


@transaction.atomic(durable=True)
def set_decision_status(*, decision, status: str, acting_user, review_on: date | None = None) -> Decision:
    group = decision.group or decision.meeting.group
    require(policies.can_manage_group(acting_user, group))
    if status not in DecisionStatus.values:
        raise ValidationError({"status": _("Statut inconnu.")})
    decision.status = status
    decision.review_on = review_on
    decision.save(update_fields=["status", "review_on"])
    audit.record(action=AuditAction.DECISION_UPDATED, actor=acting_user, target=decision, details={"status": status})
    return decision


@transaction.atomic(durable=True)
def create_action(
    *,
    acting_user,
    title: str,
    due_on: date,
    owner_user=None,
    owner_organisation=None,
    group=None,
    meeting=None,
    decision=None,
) -> ActionItem:
    group = group or (meeting.group if meeting else None) or (decision.group if decision else None)
    require(
        policies.can_manage_meeting(acting_user, meeting) if meeting else policies.can_manage_group(acting_user, group)
    )
    if owner_user is None and owner_organisation is None:
        raise ValidationError({"owner_user": _("Indiquez qui porte l'action : une personne ou une organisation.")})
    if due_on is None:
        raise ValidationError({"due_on": _("Indiquez une échéance.")})
    action = ActionItem.objects.create(
        group=group,
        meeting=meeting,
        decision=decision,
        title=title,
        due_on=due_on,
        owner_user=owner_user,
        owner_organisation=owner_organisation,
        created_by=acting_user,
    )
    if owner_user is not None:
        notify(
            recipient=owner_user,
            title=_("Nouvelle action : %(title)s") % {"title": title},
            link="/coordination/mes-actions/",
            idempotency_key=f"action-{action.pk}-assigned",
        )
    audit.record(action=AuditAction.ACTION_CREATED, actor=acting_user, target=action, organisation=owner_organisation)
    return action


@transaction.atomic(durable=True)
def set_action_status(*, action, status: str, acting_user) -> ActionItem:
    require(policies.can_update_action(acting_user, action))
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Statut inconnu.")})
    action.status = status
    action.done_at = timezone.now() if status == ActionStatus.DONE else None
    action.save(update_fields=["status", "done_at"])
    audit.record(action=AuditAction.ACTION_STATUS, actor=acting_user, target=action, details={"status": status})
    return action
