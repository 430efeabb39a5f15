"""The person's legal situation and support: information on rights (Warsaw
art. 15.1), assistance (art. 12), reflection period (art. 13), residence
permits (services.permits), protection (art. 28) and proceedings (arts. 15, 27)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.organisations.actor import as_actor
from maillage.territories import reference as ref

from .. import deadlines, policies
from ..enums import (
    AssistanceCode,
    AuditAction,
    ConsentStatus,
    EventKind,
    InterruptionReason,
    ProceedingKind,
    ProtectionBeneficiary,
    ProtectionType,
    ReflectionStatus,
)
from ..models import (
    AssistanceMeasure,
    Case,
    Proceeding,
    ProtectionMeasure,
    ReflectionPeriod,
    RightsInformation,
)
from .common import audit_case, record_event, require


@transaction.atomic(durable=True)
def record_rights_information(
    *, case: Case, acting_user, delivered_on: date, language: str, interpreter: bool, delivered_by: str
) -> RightsInformation:
    require(policies.can_edit(as_actor(acting_user), case))
    errors = {}
    if delivered_on > timezone.localdate():
        errors["delivered_on"] = _("La date ne peut pas être dans le futur.")
    if not ref.is_language_code(language):
        errors["language"] = _("Code de langue inconnu : %(code)s.") % {"code": language}
    if not delivered_by.strip():
        errors["delivered_by"] = _("Indiquez qui a délivré l'information.")
    if errors:
        raise ValidationError(errors)
    info = RightsInformation.objects.create(
        case=case,
        delivered_on=delivered_on,
        language=language,
        interpreter=interpreter,
        delivered_by=delivered_by.strip(),
        recorded_by=acting_user,
    )
    record_event(case, acting_user, EventKind.RIGHTS, _("Information sur les droits délivrée"))
    audit_case(AuditAction.RIGHTS_INFORMED, acting_user, case)
    return info


@transaction.atomic(durable=True)
def set_assistance(*, case: Case, acting_user, code: str, status: str, on: date | None = None) -> AssistanceMeasure:
    """Warsaw art. 12; consent recorded per measure (12.7); never conditional
    on cooperation (12.6): this function has no such parameter."""
    require(policies.can_edit(as_actor(acting_user), case))
    errors = {}
    if code not in AssistanceCode.values:
        errors["code"] = _("Mesure inconnue.")
    if status not in ConsentStatus.values:
        errors["status"] = _("Statut inconnu.")
    if errors:
        raise ValidationError(errors)
    measure, _created = AssistanceMeasure.objects.update_or_create(
        case=case,
        code=code,
        defaults={"status": status, "status_on": on or timezone.localdate(), "updated_by": acting_user},
    )
    record_event(
        case, acting_user, EventKind.ASSISTANCE, f"{measure.get_code_display()} : {measure.get_status_display()}"
    )
    audit_case(AuditAction.ASSISTANCE_SET, acting_user, case, details={"code": code, "status": status})
    return measure


def validate_reflection(*, start: date, end: date, status: str, interruption_reason: str) -> None:
    errors = {}
    if end <= start:
        errors["end"] = _("La fin du délai de réflexion doit être postérieure à son début.")
    elif (end - start).days < deadlines.REFLECTION_MIN.days():
        errors["end"] = _("Le délai de réflexion dure au moins %(days)s jours (%(source)s).") % {
            "days": deadlines.REFLECTION_MIN.days(),
            "source": deadlines.REFLECTION_MIN.source,
        }
    if status not in ReflectionStatus.values:
        errors["status"] = _("Statut inconnu.")
    elif status == ReflectionStatus.INTERRUPTED and interruption_reason not in InterruptionReason.values:
        errors["interruption_reason"] = _("Une interruption exige un motif de la liste (art. 13.3 ; CESEDA R425-2).")
    elif status != ReflectionStatus.INTERRUPTED and interruption_reason:
        errors["interruption_reason"] = _("Le motif ne s'indique que pour une interruption.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic(durable=True)
def record_reflection_period(
    *,
    case: Case,
    acting_user,
    start: date,
    end: date,
    status: str = ReflectionStatus.OFFERED,
    granting_authority: str = "",
    document_reference: str = "",
    interruption_reason: str = "",
    period: ReflectionPeriod | None = None,
) -> ReflectionPeriod:
    require(policies.can_edit(as_actor(acting_user), case))
    validate_reflection(start=start, end=end, status=status, interruption_reason=interruption_reason)
    period = period or ReflectionPeriod(case=case)
    if period.case_id != case.pk:
        raise PermissionDenied
    period.start, period.end, period.status = start, end, status
    period.granting_authority, period.document_reference, period.interruption_reason = (
        granting_authority,
        document_reference,
        interruption_reason,
    )
    period.save()
    record_event(
        case, acting_user, EventKind.REFLECTION, _("Délai de réflexion : %(s)s") % {"s": period.get_status_display()}
    )
    audit_case(AuditAction.REFLECTION_PERIOD_RECORDED, acting_user, case, details={"status": status})
    return period


@transaction.atomic(durable=True)
def record_protection_measure(
    *, case: Case, acting_user, beneficiary: str, kind: str, start: date, end: date | None = None
) -> ProtectionMeasure:
    require(policies.can_edit(as_actor(acting_user), case))
    errors = {}
    if beneficiary not in ProtectionBeneficiary.values:
        errors["beneficiary"] = _("Valeur inconnue.")
    if kind not in ProtectionType.values:
        errors["kind"] = _("Valeur inconnue.")
    if end is not None and end < start:
        errors["end"] = _("La fin ne peut pas précéder le début.")
    if errors:
        raise ValidationError(errors)
    measure = ProtectionMeasure.objects.create(case=case, beneficiary=beneficiary, kind=kind, start=start, end=end)
    record_event(
        case, acting_user, EventKind.PROTECTION, _("Mesure de protection : %(k)s") % {"k": measure.get_kind_display()}
    )
    audit_case(AuditAction.PROTECTION_RECORDED, acting_user, case)
    return measure


@transaction.atomic(durable=True)
def record_proceeding(*, case: Case, acting_user, kind: str, on: date, reference: str = "") -> Proceeding:
    require(policies.can_edit(as_actor(acting_user), case))
    if kind not in ProceedingKind.values:
        raise ValidationError({"kind": _("Valeur inconnue.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("La date ne peut pas être dans le futur.")})
    proceeding = Proceeding.objects.create(case=case, kind=kind, on=on, reference=reference)
    record_event(case, acting_user, EventKind.PROCEEDING, proceeding.get_kind_display())
    audit_case(AuditAction.PROCEEDING_RECORDED, acting_user, case)
    return proceeding
