"""Every write to a case goes through here.

Each function is atomic, checks the policy (PermissionDenied otherwise),
validates the whole input before writing anything (ValidationError with French
messages keyed by field: nothing is partly saved), writes its audit row and
its timeline event in the same transaction, and sends notifications only
after commit.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.encryption import lookup_hash
from maillage.core.models import AuditKind
from maillage.core.sequences import next_in_year
from maillage.identification import screening as engine
from maillage.identification.models import IndicatorSetVersion, Screening
from maillage.territories import reference as ref

from . import deadlines, hooks, policies, workflow
from .enums import (
    SEXUAL_FORMS,
    AgeStatus,
    AssistanceCode,
    CaseStatus,
    ClosureReason,
    ConsentStatus,
    ControlMethod,
    CrossBorder,
    DocumentType,
    EventKind,
    ExploitationForm,
    FirstDetectedBy,
    IdentifyingAuthority,
    InterruptionReason,
    NoteVisibility,
    PermitBasis,
    ProceedingKind,
    ProtectionBeneficiary,
    ProtectionType,
    ReflectionStatus,
    RelationToExploiter,
    Sex,
)
from .models import (
    AssistanceMeasure,
    Case,
    CaseEvent,
    Document,
    Note,
    Person,
    Proceeding,
    ProtectionMeasure,
    ReferenceCounter,
    ReflectionPeriod,
    ResidencePermit,
    RightsInformation,
    Task,
)

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
    "exploitation_start",
    "exploitation_end",
    "cross_border",
    "relation_to_exploiter",
    "control_methods",
    "first_detected_by",
    "compelled_offences",
)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _event(case: Case, actor, kind: str, summary: str) -> CaseEvent:
    return CaseEvent.objects.create(case=case, actor=actor, kind=kind, summary=summary[:300])


def _audit(action: str, actor, case: Case, *, kind: str = AuditKind.WRITE, details: dict | None = None) -> None:
    audit.record(
        action=action,
        actor=actor,
        kind=kind,
        target=case,
        target_label=case.reference,
        organisation=case.organisation,
        details=details,
    )


def _touch(case: Case) -> None:
    case.updated_at = timezone.now()
    Case.objects.filter(pk=case.pk).update(updated_at=case.updated_at)


def allocate_reference(*, year: int | None = None) -> str:
    """Next `TEH-YYYY-NNNNNN`: the year's counter row is locked for update, so
    two concurrent creations never get the same number (and the unique
    constraint on Case.reference is the last line of defence)."""
    year = year or timezone.localdate().year
    return f"TEH-{year}-{next_in_year(ReferenceCounter, year, field='last'):06d}"


def _parse_iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def validate_facts(facts: dict, identity: dict | None = None) -> None:
    """Domain validation of a case's facts and identity, every error at once."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    def choice(field: str, enum) -> None:
        if field in facts and facts[field] not in enum.values:
            err(field, _("Valeur inconnue."))

    for field, enum in (
        ("age_status", AgeStatus),
        ("sex", Sex),
        ("cross_border", CrossBorder),
        ("relation_to_exploiter", RelationToExploiter),
        ("first_detected_by", FirstDetectedBy),
    ):
        choice(field, enum)
    for code in facts.get("nationalities") or []:
        if not ref.is_citizenship_code(code):
            err("nationalities", _("Code de pays inconnu : %(code)s.") % {"code": code})
    for code in facts.get("languages") or []:
        if not ref.is_language_code(code):
            err("languages", _("Code de langue inconnu : %(code)s.") % {"code": code})
    for code in facts.get("exploitation_forms") or []:
        if code not in ExploitationForm.values:
            err("exploitation_forms", _("Forme d'exploitation inconnue : %(code)s.") % {"code": code})
    for code in facts.get("control_methods") or []:
        if code not in ControlMethod.values:
            err("control_methods", _("Moyen de contrôle inconnu : %(code)s.") % {"code": code})
    for prefix in ("recruitment", "exploitation"):
        country = facts.get(f"{prefix}_country") or ""
        dep = facts.get(f"{prefix}_departement") or ""
        if country and not ref.is_country_code(country):
            err(f"{prefix}_country", _("Code de pays inconnu : %(code)s.") % {"code": country})
        if dep:
            if country != "FR":
                err(f"{prefix}_departement", _("Un département ne se renseigne que pour un lieu en France."))
            elif not ref.is_departement_code(dep):
                err(f"{prefix}_departement", _("Département inconnu : %(code)s.") % {"code": dep})
    birth_year = facts.get("birth_year")
    if birth_year is not None and not (1900 <= int(birth_year) <= today.year):
        err("birth_year", _("L'année de naissance doit être comprise entre 1900 et l'année en cours."))
    estimated_age = facts.get("estimated_age")
    if estimated_age is not None and not (0 <= int(estimated_age) <= 120):
        err("estimated_age", _("L'âge estimé doit être compris entre 0 et 120 ans."))
    start, end = facts.get("exploitation_start"), facts.get("exploitation_end")
    if start and start > today:
        err("exploitation_start", _("La date de début ne peut pas être dans le futur."))
    if start and end and end < start:
        err("exploitation_end", _("La fin de l'exploitation ne peut pas précéder son début."))
    if identity:
        raw = identity.get("birth_date") or ""
        if raw:
            parsed = _parse_iso_date(raw)
            if parsed is None:
                err("birth_date", _("Date de naissance invalide (format attendu : AAAA-MM-JJ)."))
            elif parsed > today:
                err("birth_date", _("La date de naissance ne peut pas être dans le futur."))
            elif birth_year is not None and int(birth_year) != parsed.year:
                err("birth_year", _("L'année de naissance ne correspond pas à la date de naissance."))
    if errors:
        raise ValidationError(errors)


def _normalise_facts(facts: dict, identity: dict | None) -> dict:
    facts = dict(facts)
    for key in ("nationalities", "languages", "exploitation_forms", "control_methods"):
        if key in facts:
            facts[key] = list(dict.fromkeys(facts[key] or []))
    for prefix in ("recruitment", "exploitation"):
        if facts.get(f"{prefix}_departement"):
            facts[f"{prefix}_departement"] = ref.normalise_departement_code(facts[f"{prefix}_departement"])
    if identity and identity.get("birth_date") and facts.get("birth_year") is None:
        parsed = _parse_iso_date(identity["birth_date"])
        if parsed:
            facts["birth_year"] = parsed.year
    return facts


# ---------------------------------------------------------------------------
# Duplicates, creation, edition
# ---------------------------------------------------------------------------


def duplicate_references(
    *, organisation, identity: dict, birth_year: int | None, exclude: Case | None = None
) -> list[str]:
    """References of the organisation's cases whose identity keys match."""
    last, first = identity.get("last_name") or "", identity.get("first_name") or ""
    if not last:
        return []
    name_hash = lookup_hash(f"{last}\x1e{first}", purpose="case.person.name") if first else ""
    qs = Person.objects.filter(case__organisation=organisation)
    if exclude is not None:
        qs = qs.exclude(case=exclude)
    matches = set()
    if name_hash:
        matches |= set(qs.filter(name_hash=name_hash).values_list("case__reference", flat=True))
    if birth_year:
        nby = lookup_hash(f"{last}\x1e{first}\x1e{birth_year}", purpose="case.person.name_birth_year")
        matches |= set(qs.filter(name_birth_year_hash=nby).values_list("case__reference", flat=True))
    return sorted(matches)


class DuplicateWarning(Exception):
    """Raised before saving when identity keys match existing cases."""

    def __init__(self, references: list[str]):
        self.references = references
        super().__init__(", ".join(references))


@transaction.atomic
def create_case(*, organisation, acting_user, facts: dict, identity: dict, confirm_duplicate: bool = False) -> Case:
    _require(policies.can_create_in(acting_user, organisation))
    validate_facts(facts, identity)
    facts = _normalise_facts(facts, identity)
    if not confirm_duplicate:
        duplicates = duplicate_references(
            organisation=organisation, identity=identity, birth_year=facts.get("birth_year")
        )
        if duplicates:
            raise DuplicateWarning(duplicates)
    case = Case(
        organisation=organisation,
        created_by=acting_user,
        reference=allocate_reference(),
        **{k: v for k, v in facts.items() if k in FACT_FIELDS},
    )
    case.save()
    Person.objects.create(
        case=case, lookup_birth_year=case.birth_year, **{k: identity.get(k) or "" for k in IDENTITY_FIELDS}
    )
    _event(case, acting_user, EventKind.CREATED, _("Dossier créé"))
    _audit("case.created", acting_user, case, details={"duplicate_confirmed": bool(confirm_duplicate)})
    if case.treated_as_minor:
        hooks.case_became_minor(case=case, acting_user=acting_user)
    return case


@transaction.atomic
def update_case(*, case: Case, acting_user, facts: dict, identity: dict | None = None) -> Case:
    """Edit facts and, when given, identity (also the GDPR rectification path)."""
    _require(policies.can_edit(acting_user, case))
    case = Case.objects.select_for_update().get(pk=case.pk)
    was_minor = case.treated_as_minor
    validate_facts(facts, identity)
    facts = _normalise_facts(facts, identity)
    changed = [k for k in FACT_FIELDS if k in facts and getattr(case, k) != facts[k]]
    for key in changed:
        setattr(case, key, facts[key])
    case.updated_at = timezone.now()
    case.save()
    identity_changed: list[str] = []
    if identity is not None:
        person, _created = Person.objects.get_or_create(case=case)
        for key in IDENTITY_FIELDS:
            if key in identity and (identity[key] or "") != (getattr(person, key) or ""):
                setattr(person, key, identity[key] or "")
                identity_changed.append(key)
        person.lookup_birth_year = case.birth_year
        person.save()
    if changed or identity_changed:
        _event(case, acting_user, EventKind.EDITED, _("Dossier modifié"))
        # Field *names* only, never values (audit details carry no identity).
        _audit(
            "case.updated",
            acting_user,
            case,
            details={"facts": changed, "identity_fields_changed": len(identity_changed)},
        )
    if case.treated_as_minor and not was_minor:
        hooks.case_became_minor(case=case, acting_user=acting_user)
    return case


# ---------------------------------------------------------------------------
# Status workflow (workflow.TRANSITIONS)
# ---------------------------------------------------------------------------


@transaction.atomic
def change_status(
    *,
    case: Case,
    target: str,
    acting_user,
    authority: str = "",
    on: date | None = None,
    reference: str = "",
    reason: str = "",
) -> Case:
    _require(policies.can_edit(acting_user, case))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if target == "reopen":
        target = case.status_before_closure or CaseStatus.REPORTED
    if not workflow.can_transition(case.status, target):
        raise ValidationError(
            {
                "status": _("Ce changement de statut n'est pas possible depuis « %(status)s ».")
                % {"status": case.get_status_display()}
            }
        )
    now = timezone.now()
    previous = case.status
    if target == CaseStatus.PRESUMED and previous != CaseStatus.CLOSED:
        # Warsaw art. 10.2: reasonable grounds, recorded with who and when.
        case.presumed_at, case.presumed_by = now, acting_user
    elif target == CaseStatus.IDENTIFIED and previous != CaseStatus.CLOSED:
        errors = {}
        if authority not in IdentifyingAuthority.values:
            errors["authority"] = _("Indiquez l'autorité qui a identifié la personne.")
        if on is None:
            errors["on"] = _("Indiquez la date de l'identification.")
        elif on > timezone.localdate():
            errors["on"] = _("La date ne peut pas être dans le futur.")
        if errors:
            raise ValidationError(errors)
        case.identifying_authority, case.identified_on, case.identification_reference = authority, on, reference
    elif target == CaseStatus.NOT_RETAINED and previous != CaseStatus.CLOSED:
        case.not_retained_at = now
    elif target == CaseStatus.CLOSED:
        if reason not in ClosureReason.values:
            raise ValidationError({"reason": _("Choisissez un motif de clôture dans la liste.")})
        # Minors' chain (rules.md §3.5): no closure while a mandatory step is open.
        from maillage.referrals.pathways import check_minor_closure

        check_minor_closure(case)
        case.closed_at, case.closure_reason, case.status_before_closure = now, reason, previous
    if previous == CaseStatus.CLOSED:
        case.closed_at, case.closure_reason = None, ""
    case.status = target
    case.updated_at = now
    case.save()
    label = dict(CaseStatus.choices)[target]
    _event(case, acting_user, EventKind.STATUS, _("Statut : %(status)s") % {"status": label})
    if target == CaseStatus.PRESUMED and previous == CaseStatus.REPORTED:
        _apply_reasonable_grounds(case, acting_user)
    _audit("case.status_changed", acting_user, case, details={"from": previous, "to": target, "reason": reason})
    return case


# R-REASONABLE-GROUNDS (Warsaw art. 10.2, 12.1-2, 13): what presuming a victim sets in motion.
REASONABLE_GROUNDS_ASSISTANCE = (
    AssistanceCode.HOUSING,
    AssistanceCode.PSY,
    AssistanceCode.MATERIAL,
    AssistanceCode.MED_EMERG,
    AssistanceCode.INTERP,
    AssistanceCode.INFO_RIGHTS,
    AssistanceCode.LEGAL_PROC,
)


def _apply_reasonable_grounds(case: Case, acting_user) -> None:
    # Art. 10.2: no removal from the territory until identification is complete.
    _event(
        case,
        acting_user,
        EventKind.STATUS,
        _(
            "Alerte non-éloignement : aucune mesure d'éloignement tant que l'identification n'est pas terminée (art. 10.2)"
        ),
    )
    # Art. 12.1-2: the assistance package is offered (consent recorded per measure, art. 12.7).
    codes = list(REASONABLE_GROUNDS_ASSISTANCE) + ([AssistanceCode.EDU_CHILD] if case.treated_as_minor else [])
    existing = set(AssistanceMeasure.objects.filter(case=case).values_list("code", flat=True))
    AssistanceMeasure.objects.bulk_create(
        [
            AssistanceMeasure(case=case, code=code, status=ConsentStatus.OFFERED, updated_by=acting_user)
            for code in codes
            if code not in existing
        ]
    )
    _event(case, acting_user, EventKind.ASSISTANCE, _("Mesures d'assistance de l'article 12 proposées"))
    # Art. 13 / CESEDA L425-1: a foreign national is offered the reflection period.
    if any(code != "FR" for code in case.nationalities) or not case.nationalities:
        Task.objects.create(
            case=case,
            title=str(_("Proposer le délai de réflexion (art. 13, CESEDA L425-1)")),
            due_on=timezone.localdate() + timedelta(days=2),
            assignee=acting_user,
            created_by=acting_user,
        )


# ---------------------------------------------------------------------------
# Notes, tasks, documents
# ---------------------------------------------------------------------------


@transaction.atomic
def add_note(*, case: Case, acting_user, text: str, visibility: str = NoteVisibility.INTERNAL) -> Note:
    _require(policies.can_edit(acting_user, case))
    if not (text or "").strip():
        raise ValidationError({"text": _("La note est vide.")})
    if visibility not in NoteVisibility.values:
        raise ValidationError({"visibility": _("Valeur inconnue.")})
    note = Note.objects.create(case=case, author=acting_user, text=text.strip(), visibility=visibility)
    _event(case, acting_user, EventKind.NOTE, _("Note ajoutée (%(v)s)") % {"v": note.get_visibility_display()})
    _audit("case.note_added", acting_user, case)
    _touch(case)
    return note


@transaction.atomic
def add_task(*, case: Case, acting_user, title: str, due_on: date, assignee) -> Task:
    _require(policies.can_edit(acting_user, case))
    if not policies.assignable_users(case.organisation).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("Cette personne n'est pas membre de l'organisation.")})
    task = Task.objects.create(
        case=case, title=title.strip()[:200], due_on=due_on, assignee=assignee, created_by=acting_user
    )
    _event(case, acting_user, EventKind.TASK, _("Tâche créée, échéance le %(d)s") % {"d": due_on.strftime("%d/%m/%Y")})
    _audit("case.task_added", acting_user, case)
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


@transaction.atomic
def complete_task(*, task: Task, acting_user) -> Task:
    _require(policies.can_edit(acting_user, task.case))
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        _event(task.case, acting_user, EventKind.TASK, _("Tâche terminée"))
        _audit("case.task_done", acting_user, task.case)
    return task


def check_upload(upload) -> str:
    """Size, declared type and magic bytes; returns the content type."""
    if upload is None:
        raise ValidationError({"file": _("Choisissez un fichier.")})
    if upload.size > deadlines.document_max_bytes():
        raise ValidationError(
            {
                "file": _("Le fichier dépasse la taille maximale de %(mb)s Mo.")
                % {"mb": deadlines.document_max_bytes() // (1024 * 1024)}
            }
        )
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip()
    expected = deadlines.DOCUMENT_TYPES.get(content_type)
    head = upload.read(8)
    upload.seek(0)
    if expected is None or not head.startswith(expected[1]):
        raise ValidationError({"file": _("Type de fichier non accepté : seuls les PDF, JPEG et PNG sont acceptés.")})
    return content_type


@transaction.atomic
def add_document(*, case: Case, acting_user, doc_type: str, upload) -> Document:
    _require(policies.can_edit(acting_user, case))
    if doc_type not in DocumentType.values:
        raise ValidationError({"doc_type": _("Type de document inconnu.")})
    content_type = check_upload(upload)
    document = Document(
        case=case,
        doc_type=doc_type,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=acting_user,
    )
    # Default storage is PRIVATE_MEDIA_ROOT, outside the web root; the file is
    # only served by the permission-checked download view.
    document.file.save(f"{case.pk}", upload, save=False)
    try:
        document.save()
        _event(
            case,
            acting_user,
            EventKind.DOCUMENT,
            _("Document ajouté : %(t)s") % {"t": document.get_doc_type_display()},
        )
        _audit("case.document_added", acting_user, case, details={"type": doc_type, "size": upload.size})
    except Exception:
        _delete_file(document.file.name)  # nothing partly saved
        raise
    return document


def open_document(*, document: Document, acting_user):
    """Audited read of a document (identity documents are identifying data)."""
    _require(policies.can_edit(acting_user, document.case))
    audit.record_read(
        action="case.document.downloaded",
        actor=acting_user,
        target=document.case,
        target_label=document.case.reference,
        organisation=document.case.organisation,
    )
    return document.file.open("rb")


# ---------------------------------------------------------------------------
# Screening (ILO/EC indicators) and pre-qualification
# ---------------------------------------------------------------------------


def indicator_set_code_for(case: Case) -> str:
    """R-AGE: treated as a minor → child set; sexual exploitation → S set."""
    prefix = "C" if case.treated_as_minor else "A"
    suffix = "S" if SEXUAL_FORMS.intersection(case.exploitation_forms) else "L"
    return prefix + suffix


def candidate_set_codes(case: Case) -> list[str]:
    prefix = "C" if case.treated_as_minor else "A"
    return [prefix + "L", prefix + "S"]


def current_indicator_set(code: str) -> IndicatorSetVersion:
    return IndicatorSetVersion.objects.filter(code=code).order_by("-loaded_at", "-id").first()


@transaction.atomic
def record_screening(
    *, case: Case, acting_user, present_codes: list[str], act_established: bool, set_code: str | None = None
) -> Screening:
    _require(policies.can_edit(acting_user, case))
    set_code = set_code or indicator_set_code_for(case)
    if set_code not in candidate_set_codes(case):
        # R-AGE: a person treated as a minor is screened with a child set.
        raise ValidationError(
            {"set_code": _("Ce jeu d'indicateurs ne correspond pas à l'âge retenu pour la personne.")}
        )
    stored = current_indicator_set(set_code)
    if stored is None:
        raise ValidationError({"set_code": _("Jeu d'indicateurs indisponible.")})
    try:
        result = engine.assess(stored.to_engine(), list(present_codes), act_established=act_established)
    except engine.UnknownIndicatorError as exc:
        raise ValidationError(
            {
                "present_codes": _("Indicateurs inconnus pour le jeu %(set)s : %(codes)s.")
                % {"set": set_code, "codes": ", ".join(exc.codes)}
            }
        ) from exc
    screening = Screening.objects.create(
        case=case,
        indicator_set=stored,
        author=acting_user,
        treated_as_minor=case.treated_as_minor,
        act_established=act_established,
        present_codes=sorted(set(present_codes)),
        dimensions=result.dimensions,
        outcome=result.outcome,
        rule_applied=result.rule_applied.name,
    )
    _event(
        case,
        acting_user,
        EventKind.SCREENING,
        _("Repérage %(set)s : %(label)s") % {"set": set_code, "label": result.label_fr},
    )
    _audit(
        "case.screened",
        acting_user,
        case,
        details={"set": set_code, "version": stored.version, "outcome": result.outcome},
    )
    _touch(case)
    return screening


# ---------------------------------------------------------------------------
# Rights, assistance, reflection period, residence, protection, proceedings
# ---------------------------------------------------------------------------


@transaction.atomic
def record_rights_information(
    *, case: Case, acting_user, delivered_on: date, language: str, interpreter: bool, delivered_by: str
) -> RightsInformation:
    _require(policies.can_edit(acting_user, case))
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
    _event(case, acting_user, EventKind.RIGHTS, _("Information sur les droits délivrée"))
    _audit("case.rights_informed", acting_user, case)
    return info


@transaction.atomic
def set_assistance(*, case: Case, acting_user, code: str, status: str, on: date | None = None) -> AssistanceMeasure:
    """Warsaw art. 12; consent recorded per measure (12.7); never conditional
    on cooperation (12.6): this function has no such parameter."""
    _require(policies.can_edit(acting_user, case))
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
    _event(case, acting_user, EventKind.ASSISTANCE, f"{measure.get_code_display()} : {measure.get_status_display()}")
    _audit("case.assistance_set", acting_user, case, details={"code": code, "status": status})
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


@transaction.atomic
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
    _require(policies.can_edit(acting_user, case))
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
    _event(
        case, acting_user, EventKind.REFLECTION, _("Délai de réflexion : %(s)s") % {"s": period.get_status_display()}
    )
    _audit("case.reflection_period_recorded", acting_user, case, details={"status": status})
    return period


@transaction.atomic
def record_residence_permit(
    *,
    case: Case,
    acting_user,
    legal_basis: str,
    start: date,
    end: date | None,
    renewal_of: ResidencePermit | None = None,
) -> ResidencePermit:
    _require(policies.can_edit(acting_user, case))
    errors = {}
    if legal_basis not in PermitBasis.values:
        errors["legal_basis"] = _("Fondement inconnu.")
    if end is not None and end <= start:
        errors["end"] = _("La fin de validité doit être postérieure au début.")
    if renewal_of is not None and renewal_of.case_id != case.pk:
        errors["renewal_of"] = _("Titre inconnu pour ce dossier.")
    if errors:
        raise ValidationError(errors)
    permit = ResidencePermit.objects.create(
        case=case, legal_basis=legal_basis, start=start, end=end, renewal_of=renewal_of
    )
    _event(
        case,
        acting_user,
        EventKind.PERMIT,
        _("Titre de séjour enregistré : %(b)s") % {"b": permit.get_legal_basis_display()},
    )
    _audit("case.permit_recorded", acting_user, case, details={"basis": legal_basis})
    return permit


@transaction.atomic
def record_protection_measure(
    *, case: Case, acting_user, beneficiary: str, kind: str, start: date, end: date | None = None
) -> ProtectionMeasure:
    _require(policies.can_edit(acting_user, case))
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
    _event(
        case, acting_user, EventKind.PROTECTION, _("Mesure de protection : %(k)s") % {"k": measure.get_kind_display()}
    )
    _audit("case.protection_recorded", acting_user, case)
    return measure


@transaction.atomic
def record_proceeding(*, case: Case, acting_user, kind: str, on: date, reference: str = "") -> Proceeding:
    _require(policies.can_edit(acting_user, case))
    if kind not in ProceedingKind.values:
        raise ValidationError({"kind": _("Valeur inconnue.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("La date ne peut pas être dans le futur.")})
    proceeding = Proceeding.objects.create(case=case, kind=kind, on=on, reference=reference)
    _event(case, acting_user, EventKind.PROCEEDING, proceeding.get_kind_display())
    _audit("case.proceeding_recorded", acting_user, case)
    return proceeding


# ---------------------------------------------------------------------------
# Privacy: subject access, erasure, retention (R-PRIVACY, GDPR art. 15-17)
# ---------------------------------------------------------------------------


def _jsonable(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def build_subject_access_export(*, case: Case, acting_user, password: str) -> bytes:
    """GDPR art. 15: one person's data as an AES-encrypted zip (pyzipper)."""
    import pyzipper

    _require(policies.can_see_identity(acting_user, case))
    if len(password or "") < 12:
        raise ValidationError({"password": _("Le mot de passe de l'archive doit comporter au moins 12 caractères.")})
    person = Person.objects.filter(case=case).first()
    data = {
        "reference": case.reference,
        "identity": {k: getattr(person, k) for k in IDENTITY_FIELDS} if person else {},
        "facts": {k: _jsonable(getattr(case, k)) for k in FACT_FIELDS},
        "status": case.status,
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
    with transaction.atomic():
        _event(case, acting_user, EventKind.PRIVACY, _("Export des données de la personne (droit d'accès)"))
        _audit("case.subject_access_export", acting_user, case, kind=AuditKind.EXPORT)
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
        transaction.on_commit(lambda name=name: _delete_file(name))
    # Free text other domains keep about the person (referral messages, Ac.Sé
    # danger assessment, return risk assessment): R-PRIVACY, GDPR art. 17.
    hooks.identity_wiped(case=case)
    case.anonymised_at = timezone.now()
    Case.objects.filter(pk=case.pk).update(anonymised_at=case.anonymised_at)


def _delete_file(name: str) -> None:
    from django.core.files.storage import default_storage

    default_storage.delete(name)


@transaction.atomic
def erase_identity(*, case: Case, acting_user) -> Case:
    """GDPR art. 17, with the legal-hold exception of art. 17.3 b and e
    (obligation to keep, establishment or defence of legal claims)."""
    _require(policies.can_edit(acting_user, case))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.legal_hold:
        raise ValidationError(
            {
                "legal_hold": _("Effacement impossible : le dossier fait l'objet d'une conservation légale (%(r)s).")
                % {"r": case.legal_hold_reason}
            }
        )
    _wipe_identity(case)
    _event(case, acting_user, EventKind.PRIVACY, _("Identité effacée à la demande de la personne"))
    _audit("case.identity_erased", acting_user, case)
    return case


@transaction.atomic
def set_legal_hold(*, case: Case, acting_user, hold: bool, reason: str = "") -> Case:
    _require(policies.can_edit(acting_user, case))
    if hold and not reason.strip():
        raise ValidationError({"legal_hold_reason": _("Indiquez le motif de la conservation légale.")})
    Case.objects.filter(pk=case.pk).update(legal_hold=hold, legal_hold_reason=reason.strip() if hold else "")
    case.refresh_from_db()
    _event(
        case,
        acting_user,
        EventKind.PRIVACY,
        _("Conservation légale activée") if hold else _("Conservation légale levée"),
    )
    _audit("case.legal_hold_set", acting_user, case, details={"hold": hold})
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
        with transaction.atomic():
            _wipe_identity(case)
            _event(case, None, EventKind.PRIVACY, _("Identité anonymisée (durée de conservation échue)"))
            audit.record(
                action="case.retention_anonymised",
                actor=None,
                kind=AuditKind.ADMIN,
                target=case,
                target_label=case.reference,
                organisation=case.organisation,
                details={"retention_days": deadlines.RETENTION_AFTER_CLOSURE.days()},
            )
    return report
