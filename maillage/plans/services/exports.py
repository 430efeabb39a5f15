"""Exports of the coordination: the consultation's synthesis (PDF, CSV) and
the progress file (XLSX). Each is journalled as an export (who took what)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from maillage.core.audit import record
from maillage.core.models import AuditKind

from .. import policies, reports, xlsx
from ..enums import AuditAction
from ..models import ConsultationRound, Plan
from .common import require_coordinator


def _journal(action: AuditAction, *, acting_user, target, organisation) -> None:
    record(action=action, actor=acting_user, kind=AuditKind.EXPORT, target=target, organisation=organisation)


def export_synthesis_pdf(*, round: ConsultationRound, acting_user) -> bytes:
    """The coordination at any time; an invited organisation once the synthesis is published."""
    if not policies.can_export_synthesis(acting_user, round):
        raise PermissionDenied
    # Built before the transaction opens: writing the journal row is quick,
    # laying out a large round is not, and nothing is held meanwhile.
    content = reports.consultation_pdf(round)
    with transaction.atomic(durable=True):
        _journal(
            AuditAction.SYNTHESIS_PDF, acting_user=acting_user, target=round, organisation=round.plan.coordination
        )
    return content


def export_synthesis_csv(*, round: ConsultationRound, acting_user) -> str:
    require_coordinator(acting_user)
    content = reports.consultation_csv(round)
    with transaction.atomic(durable=True):
        _journal(
            AuditAction.SYNTHESIS_CSV, acting_user=acting_user, target=round, organisation=round.plan.coordination
        )
    return content


def export_progress(*, plan: Plan, acting_user) -> bytes:
    require_coordinator(acting_user)
    content = xlsx.export_progress(plan)
    with transaction.atomic(durable=True):
        _journal(AuditAction.PROGRESS_EXPORTED, acting_user=acting_user, target=plan, organisation=plan.coordination)
    return content


def export_progress_pdf(*, plan: Plan, acting_user) -> bytes:
    """The plan's progress as a tagged PDF (State identity, PDF/UA-1)."""
    require_coordinator(acting_user)
    content = reports.progress_pdf(plan)
    with transaction.atomic(durable=True):
        _journal(AuditAction.PROGRESS_PDF, acting_user=acting_user, target=plan, organisation=plan.coordination)
    return content
