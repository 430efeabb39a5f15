"""The case itself: reference, creation, edition of facts and identity (also
GDPR art. 16 rectification), the status workflow (workflow.TRANSITIONS) and
what presuming a victim sets in motion (Warsaw art. 10.2, 12, 13)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.encryption import lookup_hash
from maillage.core.sequences import next_in_year
from maillage.core.transactions import step
from maillage.organisations.actor import as_actor
from maillage.territories import reference as ref

from .. import hooks, policies, workflow
from ..enums import (
    RESIDENCE_UNKNOWN,
    AgeStatus,
    AuditAction,
    CaseStatus,
    ClosureReason,
    ControlMethod,
    CrossBorder,
    EventKind,
    ExploitationForm,
    FirstDetectedBy,
    IdentifyingAuthority,
    RelationToExploiter,
    Sex,
)
from ..models import Case, CaseEvent, Person, ReferenceCounter
from .common import FACT_FIELDS, IDENTITY_FIELDS, audit_case, record_event, require
from .reasonable_grounds import apply_reasonable_grounds, end_non_removal


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
    residence = facts.get("residence_departement") or ""
    if residence and residence != RESIDENCE_UNKNOWN and not ref.is_departement_code(residence):
        err("residence_departement", _("Département inconnu : %(code)s.") % {"code": residence})
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
    if not errors:
        for field, message in check_ages(facts, identity).items():
            err(field, message)
    if errors:
        raise ValidationError(errors)


def check_ages(facts: dict, identity: dict | None) -> dict[str, str]:
    """The age status and the age at the time of the facts must agree with the
    birth date (R-AGE, Warsaw art. 4 and 10.3; C. civ. art. 47: a foreign
    civil-status document is presumed valid, so a documented birth date that
    makes the person an adult cannot sit with « mineur·e (documenté) »: the
    worker records « âge contesté » instead)."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    birth_date = _parse_iso_date((identity or {}).get("birth_date") or "")
    birth_year = facts.get("birth_year")
    bounds = workflow.age_bounds(birth_date=birth_date, birth_year=birth_year, on=today)
    status = facts.get("age_status")
    source = _("la date de naissance") if birth_date else _("l'année de naissance")
    if bounds is not None and status:
        low, high = bounds
        label = dict(AgeStatus.choices).get(status, status)
        if status in workflow.MINOR_CLAIMS and low >= workflow.MAJORITY:
            errors["age_status"] = _(
                "Le statut « %(status)s » contredit %(source)s : la personne a %(age)d ans aujourd'hui. "
                "Si l'âge est mis en doute, choisissez « Âge contesté »."
            ) % {"status": label, "source": source, "age": low}
        elif status in workflow.ADULT_CLAIMS and high < workflow.MAJORITY:
            errors["age_status"] = _(
                "Le statut « %(status)s » contredit %(source)s : la personne a %(age)d ans aujourd'hui. "
                "Si l'âge est mis en doute, choisissez « Âge contesté »."
            ) % {"status": label, "source": source, "age": high}
    derived = workflow.minor_at_facts_from_dates(
        birth_date=birth_date, birth_year=birth_year, facts_start=facts.get("exploitation_start")
    )
    given = facts.get("minor_at_exploitation")
    if derived is not None and given is not None and given != derived:
        if derived:
            errors["minor_at_exploitation"] = _(
                "D'après %(source)s et le début de l'exploitation, la personne était mineure au moment des faits."
            ) % {"source": source}
        else:
            errors["minor_at_exploitation"] = _(
                "D'après %(source)s et le début de l'exploitation, la personne était majeure au moment des faits."
            ) % {"source": source}
    return errors


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
    if facts.get("minor_at_exploitation") is None and "exploitation_start" in facts:
        # Rules.md §1.6: derived from the dates when they settle it, so the set
        # and the pre-qualification follow the age at the time of the facts.
        facts["minor_at_exploitation"] = workflow.minor_at_facts_from_dates(
            birth_date=_parse_iso_date((identity or {}).get("birth_date") or ""),
            birth_year=facts.get("birth_year"),
            facts_start=facts.get("exploitation_start"),
        )
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


@transaction.atomic(durable=True)
def create_case(*, organisation, acting_user, facts: dict, identity: dict, confirm_duplicate: bool = False) -> Case:
    require(policies.can_create_in(as_actor(acting_user), organisation))
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
    record_event(case, acting_user, EventKind.CREATED, _("Dossier créé"))
    audit_case(AuditAction.CREATED, acting_user, case, details={"duplicate_confirmed": bool(confirm_duplicate)})
    if case.treated_as_minor:
        hooks.case_became_minor(case=case, acting_user=acting_user)
    return case


@transaction.atomic(durable=True)
def update_case(*, case: Case, acting_user, facts: dict, identity: dict | None = None) -> Case:
    """Edit facts and, when given, identity (also the GDPR rectification path)."""
    require(policies.can_edit(as_actor(acting_user), case))
    case = Case.objects.select_for_update().get(pk=case.pk)
    was_minor = case.treated_as_minor
    # Ages are checked against the whole case as it will be (a partner or an
    # edit without identity still meets the stored birth date).
    merged = {**{k: getattr(case, k) for k in FACT_FIELDS}, **facts}
    if identity is None or "birth_date" not in identity:
        stored = Person.objects.filter(case=case).first()
        identity_for_ages = {"birth_date": stored.birth_date if stored else ""}
    else:
        identity_for_ages = identity
    validate_facts(facts, identity)
    age_errors = check_ages(merged, identity_for_ages)
    if age_errors:
        raise ValidationError(age_errors)
    facts = _normalise_facts(merged if "exploitation_start" in facts else facts, identity_for_ages)
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
        record_event(case, acting_user, EventKind.EDITED, _("Dossier modifié"))
        # Field *names* only, never values (audit details carry no identity).
        audit_case(
            AuditAction.UPDATED,
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


@transaction.atomic(durable=True)
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
    require(policies.can_edit(as_actor(acting_user), case))
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
        # Art. 10.2: the identification process is over; the alert ends (its dates stay).
        end_non_removal(case, now=now)
    elif target == CaseStatus.CLOSED:
        if reason not in ClosureReason.values:
            raise ValidationError({"reason": _("Choisissez un motif de clôture dans la liste.")})
        # Checks of later domains (the minors' chain, rules.md §3.5: no closure
        # while a mandatory step is open) raise their own ValidationError.
        hooks.check_closure(case=case)
        case.closed_at, case.closure_reason, case.status_before_closure = now, reason, previous
    if previous == CaseStatus.CLOSED:
        case.closed_at, case.closure_reason = None, ""
    case.status = target
    case.updated_at = now
    case.save()
    label = dict(CaseStatus.choices)[target]
    record_event(case, acting_user, EventKind.STATUS, _("Statut : %(status)s") % {"status": label})
    if target == CaseStatus.PRESUMED and previous == CaseStatus.REPORTED:
        apply_reasonable_grounds(case, acting_user)
    audit_case(
        AuditAction.STATUS_CHANGED, acting_user, case, details={"from": previous, "to": target, "reason": reason}
    )
    return case


# ---------------------------------------------------------------------------
# Steps other domains call inside their own transaction
# ---------------------------------------------------------------------------


@step
def add_case_event(*, case: Case, actor, summary: str, kind: str = EventKind.EDITED) -> CaseEvent:
    """A line on the case timeline written for another domain (a referral sent,
    accepted, declined…): the case file writes its own table. `actor` may be
    None when naming the person would reveal who acted (an Ac.Sé host)."""
    return record_event(case, actor, kind, summary)
