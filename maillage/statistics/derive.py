"""A return derived from the organisation's own case files (read-only).

The one link from statistics to cases: this module reads the cases domain's
models, never writes them, and keeps no reference from a record to its case
(the administrator reviews the derived records, corrects them, submits).
With `identities=True` it also returns, beside each record and in memory
only, the person's identity decrypted from the case file, which the service
turns at once into keyed linkage encodings (issue 13) and then drops.

A case counts when the organisation followed the person during the year:
opened on or before 31 December, not closed before 1 January, and not « non
retenu » (a person found not to be a victim is not counted). Closed cases
count with the status they had before closure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Q
from django.utils import timezone

from . import records
from .questionnaire import Questionnaire

# Assistance measures of the case file (Warsaw art. 12 codes) → questionnaire services.
SERVICE_OF_MEASURE = {
    "A-HOUSING": "accommodation",
    "A-MED-EMERG": "health",
    "A-MED-RESIDENT": "health",
    "A-PSY": "health",
    "A-INFO-RIGHTS": "legal",
    "A-LEGAL-PROC": "legal",
}
GIVEN = ("accepted", "delivered", "closed")
PROCEEDINGS = {"civil_party", "compensation", "testimony"}


@dataclass
class Derived:
    records: list[records.AnonymousRecord] = field(default_factory=list)
    skipped: int = 0
    adjusted: int = 0
    # Aligned with `records` when asked for: the linkage encoder's input columns
    # (maillage/linkage/encoding.INPUT_COLUMNS). Never stored, never logged.
    identities: list[dict[str, str]] = field(default_factory=list, repr=False)


def _place(country: str, departement: str) -> str:
    if departement and (country or "FR") == "FR":
        return f"FR-{departement}"
    if country:
        return country
    return "ZZ"


def _raw(case, services: set[str]) -> dict:
    status = case.status_before_closure if case.status == "closed" else case.status
    age = None
    if case.birth_year and case.exploitation_start:
        age = case.exploitation_start.year - case.birth_year
    minor = {True: "O", False: "N"}.get(case.minor_at_exploitation, "I")
    return {
        "sex": case.sex or "U",
        "age": age,
        "age_band": "",
        "minor": minor,
        "citizenships": list(case.nationalities) or ["ZZ"],
        "forms": list(case.exploitation_forms) or ["INCONNUE"],
        "domestic": "N",
        "exploitation_place": _place(case.exploitation_country, case.exploitation_departement),
        "recruitment_place": _place(case.recruitment_country, case.recruitment_departement),
        "status": status,
        "identified_by": case.identifying_authority if status == "identified" else "",
        "services": sorted(services),
        "year_first_followed": case.created_at.year,
    }


def identity_row(case) -> dict[str, str]:
    """The encoder's input for a case: names and birth date decrypted from the
    case's identity (cases.Person), sex and first nationality from its facts.
    The case reference, keyed with the organisation by the encoder, tells the
    linkage that two records of one case are one person (its own duplicate
    detection); it never leaves in clear."""
    person = getattr(case, "person", None)
    birth = (person.birth_date if person else "") or ""
    if not birth and case.birth_year:
        birth = str(case.birth_year)
    return {
        "record_id": "",
        "organisation": "",
        "given_names": (person.first_name if person else "") or "",
        "family_names": (person.last_name if person else "") or "",
        "birth_date": birth,
        "sex": case.sex if case.sex in ("F", "M") else "",
        "citizenship": (list(case.nationalities) or [""])[0],
        "local_person_id": case.reference,
    }


def derive(organisation, questionnaire: Questionnaire, *, year: int, identities: bool = False) -> Derived:
    from maillage.cases.models import AssistanceMeasure, Case, Proceeding, ReflectionPeriod, ResidencePermit

    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date(year, 1, 1), time.min), tz)
    end = timezone.make_aware(datetime.combine(date(year, 12, 31), time.max), tz)
    followed = (
        Case.objects.filter(organisation=organisation, created_at__lte=end, anonymised_at__isnull=True)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .exclude(status="not_retained")
        .exclude(status="closed", status_before_closure="not_retained")
        .order_by("created_at", "pk")
    )
    cases = list(followed.select_related("person") if identities else followed)
    ids = [c.pk for c in cases]
    services: dict[int, set[str]] = {pk: set() for pk in ids}
    for case_id, code in AssistanceMeasure.objects.filter(case_id__in=ids, status__in=GIVEN).values_list(
        "case_id", "code"
    ):
        if code in SERVICE_OF_MEASURE:
            services[case_id].add(SERVICE_OF_MEASURE[code])
    for case_id in ReflectionPeriod.objects.filter(
        case_id__in=ids, status__in=["granted", "converted_to_permit"]
    ).values_list("case_id", flat=True):
        services[case_id].add("reflection_period")
    for case_id in ResidencePermit.objects.filter(case_id__in=ids).values_list("case_id", flat=True):
        services[case_id].add("residence_permit")
    for case_id, kind in Proceeding.objects.filter(case_id__in=ids).values_list("case_id", "kind"):
        services[case_id].add("complaint" if kind == "complaint" else "proceedings")
        if kind in PROCEEDINGS:
            services[case_id].add("proceedings")
    out = Derived()
    for case in cases:
        raw = _raw(case, services[case.pk])
        validation = records.validate(raw, questionnaire, year=year)
        if not validation.ok:
            # An age that contradicts the minor flag (or out of range) is dropped:
            # the administrator sees « âge inconnu » and corrects it if need be.
            raw["age"] = None
            validation = records.validate(raw, questionnaire, year=year)
            if validation.ok:
                out.adjusted += 1
        if validation.ok:
            out.records.append(validation.record)
            if identities:
                out.identities.append(identity_row(case))
        else:
            out.skipped += 1
    return out
