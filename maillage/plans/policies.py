"""Who may do what with plans and consultations.

- The coordination (an active COORDINATOR member of a coordination body) drafts,
  freezes, opens rounds, answers, validates and exports.
- Designated members of an invited organisation: any *active* member of that
  organisation (role member or case worker, administrator or not). The letter
  of the collective asks that the network be consulted; restricting to
  administrators would silence small associations whose only account is a
  plain member. The organisation speaks with one position per measure, the
  last submission wins. See docs/domain/plans.md.
- Responsible bodies: active members of a measure's lead or co-lead organisation.
- Everyone, signed in or not: the adopted plan's public page.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from maillage.organisations.policies import is_coordinator
from maillage.organisations.selectors import active_memberships

from .enums import PUBLIC_PLAN_STATUSES, PlanStatus
from .models import ConsultationRound, Measure, Plan

CONTRIBUTOR_ROLES = ("member", "case_worker")


def can_manage_plans(user) -> bool:
    return is_coordinator(user)


def plans_managed_by(user) -> QuerySet[Plan]:
    return Plan.objects.all() if can_manage_plans(user) else Plan.objects.none()


def public_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(status__in=PUBLIC_PLAN_STATUSES)


def contributor_organisations(user):
    """Organisations in the name of which this user may contribute."""
    memberships = active_memberships(user).filter(Q(role__in=CONTRIBUTOR_ROLES) | Q(is_admin=True))
    return [m.organisation for m in memberships]


def rounds_visible_for(user) -> QuerySet[ConsultationRound]:
    if can_manage_plans(user):
        return ConsultationRound.objects.all()
    orgs = contributor_organisations(user)
    if not orgs:
        return ConsultationRound.objects.none()
    return ConsultationRound.objects.filter(invited__in=orgs).distinct()


def contributing_organisation(user, round_, *, preferred=None):
    """The invited organisation this user speaks for in this round, or None.

    The organisation currently selected in the session wins when it is invited."""
    orgs = contributor_organisations(user)
    invited_ids = set(round_.invited.filter(pk__in=[o.pk for o in orgs]).values_list("pk", flat=True))
    if preferred is not None and preferred.pk in invited_ids:
        return preferred
    for org in orgs:
        if org.pk in invited_ids:
            return org
    return None


def can_report_on(user, measure: Measure) -> bool:
    status = Plan.objects.filter(pk=measure.plan_id).values_list("status", flat=True).first()
    if status not in (PlanStatus.ADOPTED, PlanStatus.IN_IMPLEMENTATION):
        return False
    org_ids = {m.organisation_id for m in active_memberships(user)}
    if measure.lead_id in org_ids:
        return True
    return measure.co_leads.filter(pk__in=org_ids).exists()


def reporting_organisation(user, measure: Measure):
    org_ids = {m.organisation_id: m.organisation for m in active_memberships(user)}
    if measure.lead_id in org_ids:
        return org_ids[measure.lead_id]
    co = measure.co_leads.filter(pk__in=list(org_ids)).first()
    return co


def measures_reportable_by(user) -> QuerySet[Measure]:
    org_ids = [m.organisation_id for m in active_memberships(user)]
    if not org_ids:
        return Measure.objects.none()
    return (
        Measure.objects.filter(plan__status__in=(PlanStatus.ADOPTED, PlanStatus.IN_IMPLEMENTATION))
        .filter(Q(lead__in=org_ids) | Q(co_leads__in=org_ids))
        .distinct()
        .select_related("plan", "priority", "status", "lead")
    )
