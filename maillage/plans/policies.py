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
- Everyone, signed in or not: the adopted plan's public page (selectors.public_plans).

`actor` is an `Actor` or a user (organisations/actor.py).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from maillage.organisations.actor import as_actor

from .enums import PlanStatus
from .models import ConsultationRound, Measure, Plan, Synthesis

CONTRIBUTOR_ROLES = ("member", "case_worker")
FOLLOWED_STATUSES = (PlanStatus.ADOPTED, PlanStatus.IN_IMPLEMENTATION)


def can_manage_plans(actor) -> bool:
    return as_actor(actor).is_coordinator


def managed_plans_visible_to(actor) -> QuerySet[Plan]:
    """Every plan, drafts included, for the coordination; none for anyone else."""
    return Plan.objects.all() if can_manage_plans(actor) else Plan.objects.none()


def can_contribute_for(actor, organisation) -> bool:
    """Whether this person may speak in the name of `organisation` in a
    consultation (the round must also have invited it)."""
    membership = as_actor(actor).membership_in(organisation)
    return membership is not None and (membership.role in CONTRIBUTOR_ROLES or membership.is_admin)


def rounds_visible_to(actor) -> QuerySet[ConsultationRound]:
    actor = as_actor(actor)
    if can_manage_plans(actor):
        return ConsultationRound.objects.all()
    orgs = [m.organisation_id for m in actor.memberships if can_contribute_for(actor, m.organisation_id)]
    if not orgs:
        return ConsultationRound.objects.none()
    return ConsultationRound.objects.filter(invited__in=orgs).distinct()


def can_read_synthesis(actor, synthesis: Synthesis) -> bool:
    """The coordination reads its draft; an invited organisation reads the
    synthesis once published (the answer owed to those consulted)."""
    actor = as_actor(actor)
    if can_manage_plans(actor):
        return True
    return synthesis.is_published and rounds_visible_to(actor).filter(pk=synthesis.round_id).exists()


def can_export_synthesis(actor, round_: ConsultationRound) -> bool:
    """The coordination exports at any time; invited organisations once the synthesis is published."""
    actor = as_actor(actor)
    if can_manage_plans(actor):
        return True
    synthesis = Synthesis.objects.filter(round=round_).first()
    return synthesis is not None and can_read_synthesis(actor, synthesis)


def can_report_on(actor, measure: Measure) -> bool:
    """Members of the measure's lead or co-lead organisations, while the plan
    is followed (adopted or in implementation)."""
    status = Plan.objects.filter(pk=measure.plan_id).values_list("status", flat=True).first()
    if status not in FOLLOWED_STATUSES:
        return False
    org_ids = as_actor(actor).organisation_ids
    if measure.lead_id in org_ids:
        return True
    return measure.co_leads.filter(pk__in=org_ids).exists()


def can_follow_up(actor, measure: Measure) -> bool:
    """Follow-up (progress of sub-actions, milestones reached, values of
    indicators): the coordination or the bodies responsible for the measure."""
    actor = as_actor(actor)
    return can_manage_plans(actor) or can_report_on(actor, measure)


def reportable_measures_visible_to(actor) -> QuerySet[Measure]:
    """The measures this person reports on (lead or co-lead organisation)."""
    org_ids = list(as_actor(actor).organisation_ids)
    if not org_ids:
        return Measure.objects.none()
    return (
        Measure.objects.filter(plan__status__in=FOLLOWED_STATUSES)
        .filter(Q(lead__in=org_ids) | Q(co_leads__in=org_ids))
        .distinct()
        .select_related("plan", "priority", "status", "lead")
    )
