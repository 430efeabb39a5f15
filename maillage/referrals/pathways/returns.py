"""Return plans (Warsaw art. 16, R-RETURN): preferably voluntary, with a risk
and security assessment and the receiving structures' contacts; for a child,
only after a best-interests assessment in favour of return (art. 16.7)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.cases.models import Case
from maillage.organisations.actor import as_actor
from maillage.territories import reference as ref

from ..enums import AuditAction, BestInterestsConclusion, MinorStepKind, ReturnPlanStatus
from ..models import MinorStep, ReturnPlan
from .common import WAIVE_REASON_MIN_LENGTH, audit_pathway, require_owner

K = MinorStepKind


@transaction.atomic(durable=True)
def create_return_plan(
    *,
    case: Case,
    organisation,
    acting_user,
    destination_country: str,
    voluntary: bool,
    non_voluntary_justification: str = "",
    risk_assessment: str = "",
    receiving_structures: str = "",
) -> ReturnPlan:
    require_owner(as_actor(acting_user), organisation, case)
    errors = {}
    if not ref.is_country_code(destination_country):
        errors["destination_country"] = _("Choisissez le pays de retour.")
    if not voluntary and len((non_voluntary_justification or "").strip()) < WAIVE_REASON_MIN_LENGTH:
        errors["non_voluntary_justification"] = _(
            "Le retour doit de préférence être volontaire (art. 16.2) : justifiez l'exception."
        )
    if errors:
        raise ValidationError(errors)
    plan = ReturnPlan.objects.create(
        case=case,
        organisation=organisation,
        destination_country=destination_country,
        voluntary=voluntary,
        non_voluntary_justification=(non_voluntary_justification or "").strip()[:500],
        risk_assessment=(risk_assessment or "").strip(),
        receiving_structures=(receiving_structures or "").strip(),
        created_by=acting_user,
    )
    audit_pathway(
        AuditAction.RETURN_PLAN_CREATED,
        acting_user,
        plan,
        case=case,
        organisation=organisation,
        details={"voluntary": voluntary},
    )
    return plan


@transaction.atomic(durable=True)
def approve_return_plan(*, plan: ReturnPlan, organisation, acting_user) -> ReturnPlan:
    plan = ReturnPlan.objects.select_for_update().select_related("case").get(pk=plan.pk)
    require_owner(as_actor(acting_user), organisation, plan.case)
    errors = {}
    if plan.status != ReturnPlanStatus.DRAFT:
        errors["__all__"] = _("Ce plan de retour n'est plus en préparation.")
    if not plan.risk_assessment.strip():
        errors["risk_assessment"] = _(
            "Une évaluation des risques et de la sécurité est nécessaire avant de valider le retour (art. 16.2)."
        )
    if not plan.receiving_structures.strip():
        errors["receiving_structures"] = _(
            "Indiquez les contacts des structures d'accueil dans le pays de retour (art. 16.6)."
        )
    if plan.case.treated_as_minor:
        # Warsaw art. 16.7: no return of a child without a best-interests assessment in favour of it.
        favourable = MinorStep.objects.filter(
            case=plan.case,
            kind=K.BEST_INTERESTS,
            done_at__isnull=False,
            conclusion=BestInterestsConclusion.RETURN_IN_INTEREST,
        ).exists()
        if not favourable:
            errors["__all__"] = _(
                "Un·e mineur·e ne peut pas être renvoyé·e sans une évaluation de l'intérêt supérieur terminée "
                "qui conclut que le retour est dans son intérêt (Convention de Varsovie art. 16.7)."
            )
    if errors:
        raise ValidationError(errors)
    plan.status, plan.approved_at, plan.approved_by = ReturnPlanStatus.APPROVED, timezone.now(), acting_user
    plan.save()
    audit_pathway(AuditAction.RETURN_PLAN_APPROVED, acting_user, plan, case=plan.case, organisation=organisation)
    return plan
