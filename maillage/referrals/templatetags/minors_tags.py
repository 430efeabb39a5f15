"""Words for what a step of the minors' chain recorded (codes are never shown)."""

from django import template

from maillage.referrals.enums import (
    AgeEvaluationBasis,
    CripOutcome,
    LegalRepresentation,
    MinorityConclusion,
    ParquetDecision,
)
from maillage.territories import reference

register = template.Library()


@register.filter
def minor_step_outcomes(step) -> list[str]:
    details = step.details or {}
    labels: list[str] = []
    if details.get("representatives"):
        labels.append(str(dict(LegalRepresentation.choices).get(details["representatives"], "")))
    if details.get("crip_outcome"):
        labels.append(str(dict(CripOutcome.choices).get(details["crip_outcome"], "")))
    decisions = dict(ParquetDecision.choices)
    labels += [str(decisions.get(d, "")) for d in details.get("decisions", [])]
    if details.get("age_conclusion"):
        labels.append(str(dict(MinorityConclusion.choices).get(details["age_conclusion"], "")))
        bases = dict(AgeEvaluationBasis.choices)
        labels.append(", ".join(str(bases.get(b, "")) for b in details.get("age_bases", [])))
        labels.append(details.get("margin_of_error", ""))
    return [label for label in labels if label]


@register.filter
def departement_name(code: str) -> str:
    try:
        return reference.departement(code).label
    except (KeyError, ValueError):
        return code
