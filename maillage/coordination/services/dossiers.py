"""Advocacy dossiers (a « grande cause nationale » application, a legislative
proposal…): steps, status and the meetings that prepared them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit

from .. import policies
from ..enums import NATIONAL_CAUSE_STEPS, AuditAction, DossierKind
from ..models import AdvocacyDossier, DossierStep
from .common import require


@transaction.atomic(durable=True)
def create_dossier(
    *,
    acting_user,
    title: str,
    kind: str,
    lead_organisation,
    summary: str = "",
    supporting_organisations: Iterable = (),
) -> AdvocacyDossier:
    require(policies.can_lead_dossier(acting_user, lead_organisation))
    if kind not in DossierKind.values:
        raise ValidationError({"kind": _("Type de dossier inconnu.")})
    dossier = AdvocacyDossier.objects.create(
        title=title, kind=kind, lead_organisation=lead_organisation, summary=summary, created_by=acting_user
    )
    dossier.supporting_organisations.set(list(supporting_organisations))
    if kind == DossierKind.NATIONAL_CAUSE:
        DossierStep.objects.bulk_create(
            DossierStep(dossier=dossier, position=index, label=str(label))
            for index, label in enumerate(NATIONAL_CAUSE_STEPS, start=1)
        )
    audit.record(action=AuditAction.DOSSIER_CREATED, actor=acting_user, target=dossier, organisation=lead_organisation)
    return dossier


@transaction.atomic(durable=True)
def add_step(*, dossier, label: str, due_on: date | None, acting_user) -> DossierStep:
    require(policies.can_manage_dossier(acting_user, dossier))
    step = DossierStep.objects.create(dossier=dossier, label=label, due_on=due_on, position=dossier.steps.count() + 1)
    audit.record(action=AuditAction.DOSSIER_STEP_ADDED, actor=acting_user, target=dossier)
    return step


@transaction.atomic(durable=True)
def update_step(*, step, acting_user, due_on: date | None = None, done_on: date | None = None) -> DossierStep:
    require(policies.can_manage_dossier(acting_user, step.dossier))
    if done_on is not None and done_on > timezone.localdate():
        raise ValidationError({"done_on": _("Une étape ne peut pas être réalisée dans le futur.")})
    step.due_on = due_on
    step.done_on = done_on
    step.save(update_fields=["due_on", "done_on"])
    audit.record(
        action=AuditAction.DOSSIER_STEP_UPDATED,
        actor=acting_user,
        target=step.dossier,
        details={"step": step.pk, "done": done_on is not None},
    )
    return step


@transaction.atomic(durable=True)
def set_dossier_status(*, dossier, status: str, acting_user) -> AdvocacyDossier:
    require(policies.can_manage_dossier(acting_user, dossier))
    dossier.status = status
    dossier.full_clean()
    dossier.save(update_fields=["status"])
    audit.record(action=AuditAction.DOSSIER_STATUS, actor=acting_user, target=dossier, details={"status": status})
    return dossier


@transaction.atomic(durable=True)
def link_meeting_to_dossier(*, dossier, meeting, acting_user) -> None:
    require(policies.can_manage_dossier(acting_user, dossier) and meeting in policies.meetings_visible_to(acting_user))
    dossier.meetings.add(meeting)
    audit.record(
        action=AuditAction.DOSSIER_MEETING_LINKED,
        actor=acting_user,
        target=dossier,
        details={"meeting": meeting.pk},
    )
