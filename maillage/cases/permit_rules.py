"""Residence permits of trafficking victims, as versioned data with their
legal source (R-PERMIT-COOP, R-PERMIT-NOCOOP; Warsaw art. 14; CESEDA L425-1 to
L425-4, L435-1; rules.md §2 art. 14 and §3.3). The service
(`services.permits.record_residence_permit`) refuses a permit whose ground's
conditions are not met or whose dates contradict its ground; nothing here
ties any *assistance* to cooperation (Warsaw art. 12.6).

Reliability tags are those of rules.md: [V-P] checked against the primary
text, [V-S] against a secondary source, [M] not re-checked — an [M] rule
constrains nothing it cannot source (the discretionary admission and asylum
set no duration here; their issuing authority decides)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from .enums import PermitBasis, PermitGround, ProceedingKind

VERSION = "2026-12-06 (rules.md §3.3, issue 11)"


@dataclass(frozen=True)
class PermitRule:
    ground: str
    legal_basis: str  # PermitBasis code stored on the permit
    document: str  # what the préfecture issues
    source: str
    reliability: str
    months: int | None = None  # the law fixes the duration
    min_months: int | None = None  # the law sets a minimum
    proceeding_kinds: tuple[str, ...] = ()  # one of them recorded on the case before the start
    ties_broken: bool = False  # all ties with the perpetrators broken (L425-1, 2021 recodification)
    no_public_order_threat: bool = False
    exit_pathway: bool = False  # engaged in the parcours de sortie de la prostitution (CASF L121-9)
    final_conviction: bool = False  # the perpetrator's final conviction, on or before the start
    renewed_during_proceedings: bool = False  # a renewal needs the criminal proceedings still running


COOPERATION = {
    "legal_basis": PermitBasis.L425_1,
    "document": _("Carte de séjour temporaire « vie privée et familiale » (1 an, renouvelable pendant la procédure)"),
    "source": "Convention de Varsovie art. 14.1 b ; CESEDA L425-1 [V-P, page du ministère de l'Intérieur]",
    "reliability": "V-P",
    "months": 12,
    "ties_broken": True,
    "no_public_order_threat": True,
    "renewed_during_proceedings": True,
}

RULES: dict[str, PermitRule] = {
    PermitGround.COOPERATION_COMPLAINT: PermitRule(
        ground=PermitGround.COOPERATION_COMPLAINT, proceeding_kinds=(ProceedingKind.COMPLAINT,), **COOPERATION
    ),
    PermitGround.COOPERATION_TESTIMONY: PermitRule(
        ground=PermitGround.COOPERATION_TESTIMONY, proceeding_kinds=(ProceedingKind.TESTIMONY,), **COOPERATION
    ),
    PermitGround.FINAL_CONVICTION: PermitRule(
        ground=PermitGround.FINAL_CONVICTION,
        legal_basis=PermitBasis.RESIDENT_CARD,
        document=_("Carte de résident (10 ans, renouvelable de plein droit)"),
        source="CESEDA L425-3 [V-P pour la carte de 10 ans ; numéro d'article M] ; Convention de Varsovie art. 14",
        reliability="V-P",
        months=120,
        proceeding_kinds=(ProceedingKind.COMPLAINT, ProceedingKind.TESTIMONY),
        final_conviction=True,
    ),
    PermitGround.PROSTITUTION_EXIT: PermitRule(
        ground=PermitGround.PROSTITUTION_EXIT,
        legal_basis=PermitBasis.L425_4,
        document=_("Autorisation provisoire de séjour (6 mois au moins, renouvelée pendant le parcours)"),
        source="CESEDA L425-4 ; CASF L121-9 [V-S, texte reproduit par le GISTI]",
        reliability="V-S",
        min_months=6,
        exit_pathway=True,
    ),
    PermitGround.DISCRETIONARY: PermitRule(
        ground=PermitGround.DISCRETIONARY,
        legal_basis=PermitBasis.L435_1,
        document=_("Titre délivré au titre de l'admission exceptionnelle au séjour"),
        source="CESEDA L435-1 ; circulaire du 19 mai 2015 [M : à vérifier]",
        reliability="M",
    ),
    PermitGround.ASYLUM: PermitRule(
        ground=PermitGround.ASYLUM,
        legal_basis=PermitBasis.ASYLUM,
        document=_("Titre au titre de la protection internationale (OFPRA / CNDA)"),
        source="Convention de Varsovie art. 14.5 [M] : sans préjudice du droit d'asile",
        reliability="M",
    ),
}


def add_months(day: date, months: int) -> date:
    """Same day `months` later (the last day of a shorter month)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expected_end(rule: PermitRule, start: date) -> date | None:
    """The last day of validity the law gives a permit of `rule` starting on `start`."""
    if rule.months is None:
        return None
    return add_months(start, rule.months) - timedelta(days=1)
