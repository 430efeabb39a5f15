"""Screening with the ILO/EC indicators (identification.screening, pure) and
the set a case is screened with (R-AGE: a child set for a minor)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.identification import screening as engine
from maillage.identification.models import IndicatorSetVersion, Screening
from maillage.organisations.actor import as_actor

from .. import policies
from ..enums import SEXUAL_FORMS, AuditAction, EventKind
from ..models import Case
from .common import audit_case, record_event, require, touch


def indicator_set_code_for(case: Case) -> str:
    """Rules.md §1.6: the set follows the age *at the time of exploitation*
    (a child then → child set, even if an adult now; R-AGE: treated as a minor
    today → child set); sexual exploitation → S set."""
    prefix = "C" if case.child_at_facts else "A"
    suffix = "S" if SEXUAL_FORMS.intersection(case.exploitation_forms) else "L"
    return prefix + suffix


def candidate_set_codes(case: Case) -> list[str]:
    prefix = "C" if case.child_at_facts else "A"
    return [prefix + "L", prefix + "S"]


def current_indicator_set(code: str) -> IndicatorSetVersion:
    return IndicatorSetVersion.objects.filter(code=code).order_by("-loaded_at", "-id").first()


@transaction.atomic(durable=True)
def record_screening(
    *, case: Case, acting_user, present_codes: list[str], act_established: bool, set_code: str | None = None
) -> Screening:
    require(policies.can_edit(as_actor(acting_user), case))
    set_code = set_code or indicator_set_code_for(case)
    if set_code not in candidate_set_codes(case):
        # Rules.md §1.6, R-AGE: a person who was a child at the time of the facts is screened with a child set.
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
        treated_as_minor=case.child_at_facts,  # screened as a child (rules.md §1.6)
        act_established=act_established,
        present_codes=sorted(set(present_codes)),
        dimensions=result.dimensions,
        outcome=result.outcome,
        rule_applied=result.rule_applied.name,
    )
    record_event(
        case,
        acting_user,
        EventKind.SCREENING,
        _("Repérage %(set)s : %(label)s") % {"set": set_code, "label": result.label_fr},
    )
    audit_case(
        AuditAction.SCREENED,
        acting_user,
        case,
        details={"set": set_code, "version": stored.version, "outcome": result.outcome},
    )
    touch(case)
    return screening
