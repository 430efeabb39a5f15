"""What every plans service shares: the coordinator's refusal, the status
checks read from the database, and the checks of numbers typed by people."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from .. import policies
from ..enums import PlanStatus
from ..models import Plan


def require_coordinator(actor) -> None:
    if not policies.can_manage_plans(actor):
        raise PermissionDenied


def require_draft(plan: Plan) -> None:
    # Read the status from the database: the caller's instance may be stale.
    if Plan.objects.filter(pk=plan.pk).values_list("status", flat=True).first() != PlanStatus.DRAFT:
        raise ValidationError(_("Le texte du plan ne peut être modifié qu'à l'état de projet."))


def require_not_closed(plan_id: int) -> None:
    """The follow-up of a closed plan is history: it is no longer edited."""
    if Plan.objects.filter(pk=plan_id).values_list("status", flat=True).first() == PlanStatus.CLOSED:
        raise ValidationError(
            _("Le plan est clos : son suivi (actions, jalons, indicateurs) ne peut plus être modifié.")
        )


def check_percent(value, label=None) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("L'avancement doit être un nombre entier entre 0 et 100.")) from None
    if not 0 <= value <= 100:
        raise ValidationError(
            _("L'avancement doit être compris entre 0 et 100 %% (valeur reçue : %(value)s).") % {"value": value}
        )
    return value


def check_weight(weight) -> int | None:
    if weight is not None and weight <= 0:
        raise ValidationError(_("Le poids d'une action doit être un entier positif."))
    return weight


def jsonable(value):
    return value if value is None or isinstance(value, (str, int)) else str(value)
