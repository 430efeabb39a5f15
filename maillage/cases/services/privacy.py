"""The person's data-subject rights and the retention of the case file
(R-PRIVACY; GDPR art. 15 access, art. 17 erasure with the legal-hold
exception of art. 17.3 b/e, art. 5.1 e retention)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.models import AuditKind
from maillage.identification.models import Screening
from maillage.organisations.actor import as_actor

from .. import deadlines, hooks, policies
from ..enums import AuditAction, CaseStatus, EventKind
from ..models import Case, Document, Note, Person, Task
from .common import FACT_FIELDS, IDENTITY_FIELDS, audit_case, delete_file, record_event, require


def _jsonable(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def build_subject_access_export(*, case: Case, acting_user, password: str) -> bytes:
    """GDPR art. 15: one person's data as an AES-encrypted zip (pyzipper)."""
    import pyzipper

    require(policies.can_see_identity(as_actor(acting_user), case))
    if len(password or "") < 12:
        raise ValidationError({"password": _("Le mot de passe de l'archive doit comporter au moins 12 caractères.")})
    person = Person.objects.filter(case=case).first()
    data = {
        "reference": case.reference,
        "identity": {k: getattr(person, k) for k in IDENTITY_FIELDS} if person else {},
        "facts": {k: _jsonable(getattr(case, k)) for k in FACT_FIELDS},
        "status": case.status,
        # Warsaw art. 10.2: the non-removal alert travels with every export of the case.
        "non_removal": {
            "active": case.non_removal_alert,
            "since": _jsonable(case.non_removal_since),
            "ended_at": _jsonable(case.non_removal_ended_at),
            "legal_basis": "Convention de Varsovie (STCE 197), art. 10.2",
        },
        "reflection_offers": [
            {"offered_at": o.offered_at.isoformat(), "answer": o.answer, "answered_on": _jsonable(o.answered_on)}
            for o in case.reflection_offers.all()
        ],
        "notes": [{"date": n.created_at.isoformat(), "text": n.text} for n in case.notes.all()],
        "rights_information": [
            {"date": r.delivered_on.isoformat(), "language": r.language, "interpreter": r.interpreter}
            for r in case.rights_information.all()
        ],
        "assistance": [{"code": m.code, "status": m.status} for m in case.assistance_measures.all()],
        "reflection_periods": [
            {"start": p.start.isoformat(), "end": p.end.isoformat(), "status": p.status}
            for p in case.reflection_periods.all()
        ],
        "residence_permits": [
            {"basis": p.legal_basis, "start": p.start.isoformat(), "end": _jsonable(p.end)}
            for p in case.residence_permits.all()
        ],
        # Everything else kept about the person (GDPR art. 15: all their data).
        "screenings": [
            {
                "date": s.performed_at.isoformat(),
                "set": s.indicator_set.code,
                "version": s.indicator_set.version,
                "present": s.present_codes,
                "dimensions": s.dimensions,
                "outcome": s.outcome,
            }
            for s in Screening.objects.filter(case=case).select_related("indicator_set")
        ],
        "protection_measures": [
            {"beneficiary": m.beneficiary, "kind": m.kind, "start": m.start.isoformat(), "end": _jsonable(m.end)}
            for m in case.protection_measures.all()
        ],
        "proceedings": [
            {"kind": p.kind, "date": p.on.isoformat(), "reference": p.reference} for p in case.proceedings.all()
        ],
        "timeline": [{"date": e.at.isoformat(), "event": e.summary} for e in case.events.all()],
    }
    buffer = io.BytesIO()
    with pyzipper.AESZipFile(buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(password.encode("utf-8"))
        archive.writestr(f"{case.reference}.json", json.dumps(data, ensure_ascii=False, indent=2))
        for document in case.documents.all():
            with document.file.open("rb") as handle:
                archive.writestr(f"documents/{document.pk}-{document.doc_type}", handle.read())
    with transaction.atomic(durable=True):
        record_event(case, acting_user, EventKind.PRIVACY, _("Export des données de la personne (droit d'accès)"))
        audit_case(AuditAction.SUBJECT_ACCESS_EXPORT, acting_user, case, kind=AuditKind.EXPORT)
    return buffer.getvalue()


def _wipe_identity(case: Case) -> None:
    Person.objects.filter(case=case).update(
        **dict.fromkeys(IDENTITY_FIELDS, ""), name_hash="", name_birth_year_hash="", lookup_birth_year=None
    )
    # Free text and files may carry identity: they go too. Tasks stay (who
    # owed what, when) without their wording (« Appeler Mme … »).
    Note.objects.filter(case=case).delete()
    Task.objects.filter(case=case).update(title=_("Tâche (intitulé effacé)"))
    for document in Document.objects.filter(case=case):
        name = document.file.name
        document.delete()
        transaction.on_commit(lambda name=name: delete_file(name))
    # Free text other domains keep about the person (referral messages, Ac.Sé
    # danger assessment, return risk assessment): R-PRIVACY, GDPR art. 17.
    hooks.identity_wiped(case=case)
    case.anonymised_at = timezone.now()
    Case.objects.filter(pk=case.pk).update(anonymised_at=case.anonymised_at)


@transaction.atomic(durable=True)
def erase_identity(*, case: Case, acting_user) -> Case:
    """GDPR art. 17, with the legal-hold exception of art. 17.3 b and e
    (obligation to keep, establishment or defence of legal claims)."""
    require(policies.can_edit(as_actor(acting_user), case))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.legal_hold:
        raise ValidationError(
            {
                "legal_hold": _("Effacement impossible : le dossier fait l'objet d'une conservation légale (%(r)s).")
                % {"r": case.legal_hold_reason}
            }
        )
    _wipe_identity(case)
    record_event(case, acting_user, EventKind.PRIVACY, _("Identité effacée à la demande de la personne"))
    audit_case(AuditAction.IDENTITY_ERASED, acting_user, case)
    return case


@transaction.atomic(durable=True)
def set_legal_hold(*, case: Case, acting_user, hold: bool, reason: str = "") -> Case:
    require(policies.can_edit(as_actor(acting_user), case))
    if hold and not reason.strip():
        raise ValidationError({"legal_hold_reason": _("Indiquez le motif de la conservation légale.")})
    Case.objects.filter(pk=case.pk).update(legal_hold=hold, legal_hold_reason=reason.strip() if hold else "")
    case.refresh_from_db()
    record_event(
        case,
        acting_user,
        EventKind.PRIVACY,
        _("Conservation légale activée") if hold else _("Conservation légale levée"),
    )
    audit_case(AuditAction.LEGAL_HOLD_SET, acting_user, case, details={"hold": hold})
    return case


@dataclass
class RetentionReport:
    anonymised: list[str]
    held: list[str]


def anonymise_closed_cases(*, now: datetime | None = None, dry_run: bool = False) -> RetentionReport:
    """Anonymise the identity of cases closed for longer than the retention
    period (deadlines.RETENTION_AFTER_CLOSURE), keeping non-identifying facts."""
    now = now or timezone.now()
    cutoff = now - deadlines.RETENTION_AFTER_CLOSURE.delta()
    due = Case.objects.filter(
        status=CaseStatus.CLOSED, closed_at__lt=cutoff, anonymised_at__isnull=True
    ).select_related("organisation")
    report = RetentionReport(anonymised=[], held=[])
    for case in due.iterator():
        if case.legal_hold:
            report.held.append(case.reference)
            continue
        report.anonymised.append(case.reference)
        if dry_run:
            continue
        with transaction.atomic(durable=True):
            _wipe_identity(case)
            record_event(case, None, EventKind.PRIVACY, _("Identité anonymisée (durée de conservation échue)"))
            audit.record(
                action=AuditAction.RETENTION_ANONYMISED,
                actor=None,
                kind=AuditKind.ADMIN,
                target=case,
                target_label=case.reference,
                organisation=case.organisation,
                details={"retention_days": deadlines.RETENTION_AFTER_CLOSURE.days()},
            )
    return report
