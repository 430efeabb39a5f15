"""« Duty to notify » (UK NRM): an anonymous notification when an adult
refuses referral or identification, so that national counts stay complete."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.cases.enums import ExploitationForm, Sex
from maillage.core import audit
from maillage.territories import reference as ref

from .. import roles
from ..enums import AnonymousReason, AuditAction
from ..models import AnonymousNotification

AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55+", "inconnu")


@transaction.atomic(durable=True)
def record_anonymous_notification(
    *,
    organisation,
    acting_user,
    reason: str,
    sex: str = "",
    age_band: str = "",
    nationality: str = "",
    exploitation_forms: list[str] | None = None,
    exploitation_departement: str = "",
    exploitation_country: str = "",
) -> AnonymousNotification:
    """Non-identifying facts only (UK NRM « duty to notify »): no name, no birth
    date, no contact; the age is a band of adults (the person refused, which
    only an adult may do: a child is referred without consent)."""
    if roles.acting_membership(acting_user, organisation) is None:
        raise PermissionDenied
    errors = {}
    if reason not in AnonymousReason.values:
        errors["reason"] = _("Choisissez un motif.")
    if sex and sex not in Sex.values:
        errors["sex"] = _("Valeur inconnue.")
    if age_band and age_band not in AGE_BANDS:
        errors["age_band"] = _("Tranche d'âge inconnue (le signalement anonyme concerne une personne majeure).")
    if nationality and not ref.is_citizenship_code(nationality):
        errors["nationality"] = _("Nationalité inconnue.")
    forms = list(exploitation_forms or [])
    if any(f not in ExploitationForm.values for f in forms):
        errors["exploitation_forms"] = _("Forme d'exploitation inconnue.")
    # Issue 5, « Bad input »: unknown country codes are refused like the other codes.
    if exploitation_country and not ref.is_country_code(exploitation_country):
        errors["exploitation_country"] = _("Code de pays inconnu : %(code)s.") % {"code": exploitation_country}
    elif exploitation_departement and exploitation_country and exploitation_country != "FR":
        errors["exploitation_departement"] = _("Un département ne se renseigne que pour un lieu en France.")
    if exploitation_departement and not ref.is_departement_code(exploitation_departement):
        errors["exploitation_departement"] = _("Département inconnu.")
    if errors:
        raise ValidationError(errors)
    notification = AnonymousNotification.objects.create(
        organisation=organisation,
        recorded_by=acting_user,
        reason=reason,
        sex=sex,
        age_band=age_band,
        nationality=nationality,
        exploitation_forms=forms,
        exploitation_departement=exploitation_departement,
        exploitation_country=exploitation_country,
    )
    audit.record(
        action=AuditAction.ANONYMOUS_NOTIFICATION,
        actor=acting_user,
        target=notification,
        target_label=f"SIG-{notification.pk}",
        organisation=organisation,
        acting_organisation=organisation,
    )
    return notification
