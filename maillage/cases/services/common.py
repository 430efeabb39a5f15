"""What every case service shares: the policy check, the audit row, the
timeline event and the freshness of the case (used by the modules of this
package only; other domains call the public steps)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from maillage.core import audit
from maillage.core.models import AuditKind
from maillage.core.transactions import step

from ..enums import AuditAction
from ..models import Case, CaseEvent

IDENTITY_FIELDS = ("last_name", "first_name", "aliases", "birth_date", "phone", "email", "address")
FACT_FIELDS = (
    "age_status",
    "reasons_to_believe_minor",
    "minor_at_exploitation",
    "sex",
    "birth_year",
    "estimated_age",
    "nationalities",
    "languages",
    "exploitation_forms",
    "recruitment_country",
    "recruitment_departement",
    "exploitation_country",
    "exploitation_departement",
    "residence_departement",
    "exploitation_start",
    "exploitation_end",
    "cross_border",
    "relation_to_exploiter",
    "control_methods",
    "first_detected_by",
    "compelled_offences",
)


def require(allowed: bool) -> None:
    """A policy's refusal: PermissionDenied, answered as a 404 by the views."""
    if not allowed:
        raise PermissionDenied


@step
def record_event(case: Case, actor, kind: str, summary: str) -> CaseEvent:
    """A line of the case timeline (reference-level text, never an identity)."""
    return CaseEvent.objects.create(case=case, actor=actor, kind=kind, summary=summary[:300])


@step
def audit_case(
    action: AuditAction, actor, case: Case, *, kind: str = AuditKind.WRITE, details: dict | None = None
) -> None:
    audit.record(
        action=action,
        actor=actor,
        kind=kind,
        target=case,
        target_label=case.reference,
        organisation=case.organisation,
        details=details,
    )


def touch(case: Case) -> None:
    case.updated_at = timezone.now()
    Case.objects.filter(pk=case.pk).update(updated_at=case.updated_at)


def delete_file(name: str) -> None:
    from django.core.files.storage import default_storage

    default_storage.delete(name)
