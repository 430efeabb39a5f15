"""Tasks on a case, given to a member of the owning organisation."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.organisations.actor import as_actor

from .. import policies, selectors
from ..enums import AuditAction, EventKind
from ..models import Case, Task
from .common import audit_case, record_event, require


@transaction.atomic(durable=True)
def add_task(*, case: Case, acting_user, title: str, due_on: date, assignee) -> Task:
    require(policies.can_edit(as_actor(acting_user), case))
    if not selectors.assignable_users(case.organisation).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("Cette personne n'est pas membre de l'organisation.")})
    task = Task.objects.create(
        case=case, title=title.strip()[:200], due_on=due_on, assignee=assignee, created_by=acting_user
    )
    record_event(
        case, acting_user, EventKind.TASK, _("Tâche créée, échéance le %(d)s") % {"d": due_on.strftime("%d/%m/%Y")}
    )
    audit_case(AuditAction.TASK_ADDED, acting_user, case)
    if assignee != acting_user:
        from maillage.notifications.services import notify

        transaction.on_commit(
            lambda: notify(
                recipient=assignee,
                title=_("Nouvelle tâche sur le dossier %(ref)s") % {"ref": case.reference},
                link=f"/dossiers/{case.pk}/",
                organisation=case.organisation,
                idempotency_key=f"case-task-{task.pk}",
            )
        )
    return task


@transaction.atomic(durable=True)
def complete_task(*, task: Task, acting_user) -> Task:
    require(policies.can_edit(as_actor(acting_user), task.case))
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        record_event(task.case, acting_user, EventKind.TASK, _("Tâche terminée"))
        audit_case(AuditAction.TASK_DONE, acting_user, task.case)
    return task
