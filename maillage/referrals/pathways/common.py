"""What the protection pathways share: the journal row about a case, and the
owner's check (the pathways of a case belong to the organisation holding it)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from maillage.cases.models import Case
from maillage.core import audit

from .. import policies
from ..enums import AuditAction

WAIVE_REASON_MIN_LENGTH = 20


def audit_pathway(
    action: AuditAction, actor, target, *, case: Case, organisation=None, details: dict | None = None
) -> None:
    audit.record(
        action=action,
        actor=actor,
        target=target,
        target_label=case.reference,
        organisation=case.organisation,
        acting_organisation=organisation,
        details=details,
    )


def require_owner(actor, organisation, case: Case) -> None:
    if not policies.can_act_on_case(actor, organisation, case):
        raise PermissionDenied
