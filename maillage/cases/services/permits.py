"""Residence permits (Warsaw art. 14; CESEDA L425-1 to L425-4, L435-1;
R-PERMIT-COOP, R-PERMIT-NOCOOP). Each permit records its ground, the
conditions the ground requires and its dates; a permit that does not meet its
ground's conditions, or whose dates contradict its ground, is refused with the
reason (permit_rules.RULES, versioned with their source). Assistance is never
conditional on cooperation (art. 12.6): nothing here touches assistance."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.organisations.actor import as_actor

from .. import permit_rules, policies
from ..enums import AuditAction, EventKind, PermitGround
from ..models import Case, Proceeding, ResidencePermit
from .common import audit_case, record_event, require


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def check_permit(
    *,
    case: Case,
    ground: str,
    start: date | None,
    end: date | None,
    ties_broken: bool | None,
    public_order_threat: bool | None,
    exit_pathway_engaged: bool | None,
    final_conviction_on: date | None,
    proceedings_ongoing: bool | None,
    renewal_of: ResidencePermit | None,
) -> dict[str, str]:
    """Every reason the permit cannot be recorded, by field (French)."""
    errors: dict[str, str] = {}
    rule = permit_rules.RULES.get(ground)
    if rule is None:
        return {"ground": _("Choisissez le motif de délivrance du titre.")}
    if start is None:
        return {"start": _("Indiquez le début de validité.")}
    if end is not None and end <= start:
        errors["end"] = _("La fin de validité doit être postérieure au début.")
    if renewal_of is not None and renewal_of.case_id != case.pk:
        errors["renewal_of"] = _("Titre inconnu pour ce dossier.")
        renewal_of = None
    # --- conditions of the ground ---
    if rule.proceeding_kinds:
        kinds = set(
            Proceeding.objects.filter(case=case, kind__in=rule.proceeding_kinds, on__lte=start).values_list(
                "kind", flat=True
            )
        )
        if not kinds:
            errors["ground"] = _(
                "Ce titre suppose une plainte ou un témoignage dans la procédure pénale, enregistré au dossier "
                "(rubrique « Procédures ») au plus tard le %(d)s (%(source)s)."
            ) % {"d": _fmt(start), "source": rule.source}
    if rule.ties_broken and ties_broken is not True:
        errors["ties_broken"] = _(
            "Ce titre n'est délivré que si la personne a rompu tout lien avec les auteurs (CESEDA L425-1)."
        )
    if rule.no_public_order_threat and public_order_threat is not False:
        errors["public_order_threat"] = _(
            "Ce titre n'est délivré qu'en l'absence de menace pour l'ordre public : indiquez « Non » si c'est le cas."
        )
    if rule.exit_pathway and exit_pathway_engaged is not True:
        errors["exit_pathway_engaged"] = _(
            "L'autorisation provisoire de séjour de l'article L425-4 suppose que la personne a cessé l'activité de "
            "prostitution et est engagée dans le parcours de sortie (CASF L121-9)."
        )
    if rule.final_conviction:
        if final_conviction_on is None:
            errors["final_conviction_on"] = _(
                "La carte de résident suppose la condamnation définitive des auteurs : indiquez sa date."
            )
        elif final_conviction_on > start:
            errors["final_conviction_on"] = _(
                "La condamnation définitive (%(c)s) ne peut pas être postérieure au début de validité (%(d)s)."
            ) % {"c": _fmt(final_conviction_on), "d": _fmt(start)}
    elif final_conviction_on is not None:
        errors["final_conviction_on"] = _(
            "Une condamnation définitive ouvre droit à la carte de résident de 10 ans : choisissez ce motif."
        )
    # --- dates as the law sets them ---
    expected = permit_rules.expected_end(rule, start)
    # One day either way: préfectures write the last day of validity or the anniversary.
    wrong_end = expected is not None and (
        end is None or not (expected - date.resolution <= end <= expected + date.resolution)
    )
    if wrong_end and "end" not in errors:
        errors["end"] = _(
            "%(document)s : la durée est fixée par la loi, la fin de validité attendue est le %(e)s (%(source)s)."
        ) % {"document": rule.document, "e": _fmt(expected), "source": rule.source}
    if rule.min_months and "end" not in errors:
        floor = permit_rules.add_months(start, rule.min_months) - date.resolution
        if end is None or end < floor:
            errors["end"] = _(
                "%(document)s : la durée est d'au moins %(n)d mois, soit une fin de validité au %(e)s au plus tôt "
                "(%(source)s)."
            ) % {"document": rule.document, "n": rule.min_months, "e": _fmt(floor), "source": rule.source}
    if renewal_of is not None:
        if start <= renewal_of.start:
            errors["start"] = _("Un renouvellement commence après le titre qu'il renouvelle (%(d)s).") % {
                "d": _fmt(renewal_of.start)
            }
        if rule.renewed_during_proceedings and proceedings_ongoing is not True:
            errors["proceedings_ongoing"] = _(
                "La carte « vie privée et familiale » de l'article L425-1 n'est renouvelée que pendant la procédure "
                "pénale ; après une condamnation définitive, choisissez la carte de résident."
            )
    return errors


@transaction.atomic(durable=True)
def record_residence_permit(
    *,
    case: Case,
    acting_user,
    ground: str,
    start: date | None,
    end: date | None = None,
    ties_broken: bool | None = None,
    public_order_threat: bool | None = None,
    exit_pathway_engaged: bool | None = None,
    final_conviction_on: date | None = None,
    proceedings_ongoing: bool | None = None,
    renewal_of: ResidencePermit | None = None,
) -> ResidencePermit:
    require(policies.can_edit(as_actor(acting_user), case))
    errors = check_permit(
        case=case,
        ground=ground,
        start=start,
        end=end,
        ties_broken=ties_broken,
        public_order_threat=public_order_threat,
        exit_pathway_engaged=exit_pathway_engaged,
        final_conviction_on=final_conviction_on,
        proceedings_ongoing=proceedings_ongoing,
        renewal_of=renewal_of,
    )
    if errors:
        raise ValidationError(errors)
    rule = permit_rules.RULES[ground]
    permit = ResidencePermit.objects.create(
        case=case,
        ground=ground,
        legal_basis=rule.legal_basis,
        start=start,
        end=end,
        ties_broken=ties_broken,
        public_order_threat=public_order_threat,
        exit_pathway_engaged=exit_pathway_engaged,
        final_conviction_on=final_conviction_on,
        proceedings_ongoing=proceedings_ongoing,
        renewal_of=renewal_of,
    )
    record_event(
        case,
        acting_user,
        EventKind.PERMIT,
        _("Titre de séjour enregistré : %(b)s") % {"b": PermitGround(ground).label},
    )
    audit_case(
        AuditAction.PERMIT_RECORDED,
        acting_user,
        case,
        details={"basis": rule.legal_basis, "ground": ground, "rules": permit_rules.VERSION},
    )
    return permit
