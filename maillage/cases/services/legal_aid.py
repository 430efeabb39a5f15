"""Legal aid and compensation (Warsaw art. 15; rules.md §2 art. 15): legal
assistance and aide juridictionnelle with the lawyer (from the directory when
listed, else named), and the compensation route (CIVI / FGTI, CPP 706-3, or
the criminal court) with its deadline (compensation_rules)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.organisations.actor import as_actor
from maillage.organisations.enums import OrganisationType

from .. import compensation_rules, policies
from ..enums import AuditAction, CompensationRoute, CompensationStatus, EventKind, LegalAidKind, LegalAidStatus
from ..models import Case, CompensationClaim, LegalAid
from .common import audit_case, record_event, require

NAME_MAX = 200


@transaction.atomic(durable=True)
def record_legal_aid(
    *,
    case: Case,
    acting_user,
    kind: str,
    status: str,
    on: date | None,
    lawyer_organisation=None,
    lawyer_name: str = "",
    decision_reference: str = "",
) -> LegalAid:
    require(policies.can_edit(as_actor(acting_user), case))
    errors = {}
    if kind not in LegalAidKind.values:
        errors["kind"] = _("Choisissez le type d'aide.")
    if status not in LegalAidStatus.values:
        errors["status"] = _("Choisissez l'état de la demande.")
    if on is None:
        errors["on"] = _("Indiquez la date.")
    elif on > timezone.localdate():
        errors["on"] = _("La date ne peut pas être dans le futur.")
    lawyer_name = (lawyer_name or "").strip()
    if lawyer_organisation is not None and (
        lawyer_organisation.type != OrganisationType.BAR or not lawyer_organisation.is_active
    ):
        errors["lawyer_organisation"] = _("Choisissez un avocat ou un barreau de l'annuaire.")
    elif lawyer_organisation is not None and lawyer_name:
        errors["lawyer_name"] = _("L'avocat·e est déjà choisi·e dans l'annuaire : laissez ce nom vide.")
    if len(lawyer_name) > NAME_MAX:
        errors["lawyer_name"] = _("Le nom ne peut pas dépasser %(n)d caractères.") % {"n": NAME_MAX}
    if errors:
        raise ValidationError(errors)
    aid = LegalAid.objects.create(
        case=case,
        kind=kind,
        status=status,
        on=on,
        lawyer_organisation=lawyer_organisation,
        lawyer_name=lawyer_name,
        decision_reference=(decision_reference or "").strip()[:200],
        recorded_by=acting_user,
    )
    record_event(
        case,
        acting_user,
        EventKind.LEGAL_AID,
        f"{aid.get_kind_display()} : {aid.get_status_display()}",
    )
    # No name in the journal (the lawyer's name is encrypted data): only whether one is from the directory.
    audit_case(
        AuditAction.LEGAL_AID_RECORDED,
        acting_user,
        case,
        details={"kind": kind, "status": status, "lawyer_from_directory": lawyer_organisation is not None},
    )
    return aid


@transaction.atomic(durable=True)
def record_compensation_claim(
    *,
    case: Case,
    acting_user,
    route: str,
    status: str = CompensationStatus.TO_FILE,
    offence_on: date | None = None,
    final_decision_on: date | None = None,
    filed_on: date | None = None,
) -> CompensationClaim:
    require(policies.can_edit(as_actor(acting_user), case))
    today = timezone.localdate()
    errors = {}
    if route not in CompensationRoute.values:
        errors["route"] = _("Choisissez la voie d'indemnisation.")
    if status not in CompensationStatus.values:
        errors["status"] = _("Choisissez l'état de la demande.")
    if route == CompensationRoute.CIVI and offence_on is None:
        errors["offence_on"] = _(
            "Indiquez la date des faits : le délai pour saisir la CIVI en dépend (%(source)s)."
        ) % {"source": compensation_rules.SOURCE}
    for field, value in (("offence_on", offence_on), ("final_decision_on", final_decision_on), ("filed_on", filed_on)):
        if value is not None and value > today:
            errors[field] = _("La date ne peut pas être dans le futur.")
    if offence_on and final_decision_on and final_decision_on < offence_on:
        errors["final_decision_on"] = _("La décision pénale ne peut pas précéder les faits.")
    if status == CompensationStatus.TO_FILE and filed_on is not None:
        errors["filed_on"] = _("Une demande à déposer n'a pas encore de date de dépôt.")
    elif status != CompensationStatus.TO_FILE and filed_on is None:
        errors["filed_on"] = _("Indiquez la date de dépôt de la demande.")
    elif filed_on and offence_on and filed_on < offence_on:
        errors["filed_on"] = _("La demande ne peut pas précéder les faits.")
    if errors:
        raise ValidationError(errors)
    claim = CompensationClaim.objects.create(
        case=case,
        route=route,
        status=status,
        offence_on=offence_on,
        final_decision_on=final_decision_on,
        filed_on=filed_on,
        recorded_by=acting_user,
    )
    record_event(case, acting_user, EventKind.LEGAL_AID, f"{claim.get_route_display()} : {claim.get_status_display()}")
    audit_case(
        AuditAction.COMPENSATION_RECORDED,
        acting_user,
        case,
        details={"route": route, "status": status, "rules": compensation_rules.VERSION},
    )
    return claim
