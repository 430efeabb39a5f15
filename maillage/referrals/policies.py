"""Who may see and act on referrals.

Everything starts from the actor's active memberships
(`maillage.organisations.actor`: an `Actor` read once per request, or a user):
a worker who leaves an organisation loses its referrals at once. A referral
is visible to the case workers of the sending organisation, and to those of
the recipient once it has been sent (never a draft). Anything else is a 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from maillage.cases import policies as case_policies
from maillage.organisations.actor import as_actor
from maillage.organisations.enums import OrganisationType

from .enums import ReferralStatus
from .models import Referral
from .roles import acse_role, acting_membership

# Organisations that never receive a referral, and where the worker goes
# instead. A referral gives the recipient the shared parts of the case once it
# accepts: the coordination body and the national rapporteur see only counts
# (R-PRIVACY, R-STATS); the Ac.Sé coordination is reached through an Ac.Sé
# request, which keeps the host confidential (R-ACSE); a foreign counterpart
# only through an international exchange with a legal basis (Warsaw art. 34).
NOT_A_RECIPIENT = {
    OrganisationType.COORDINATION: _(
        "L'instance de coordination ne reçoit pas d'orientations : elle ne voit que des chiffres."
    ),
    OrganisationType.NATIONAL_RAPPORTEUR: _(
        "Le rapporteur national ne reçoit pas d'orientations : il ne voit que des chiffres."
    ),
    OrganisationType.ACSE_COORDINATION: _(
        "La coordination Ac.Sé ne reçoit pas d'orientations : pour un hébergement sécurisé loin du danger, "
        "faites une demande Ac.Sé depuis le dossier."
    ),
    OrganisationType.FOREIGN_COUNTERPART: _(
        "Un homologue étranger ne reçoit pas d'orientations : passez par un échange international, "
        "qui exige une base légale (Convention de Varsovie, art. 34)."
    ),
}


def referrals_visible_to(actor, organisation) -> QuerySet[Referral]:
    if acting_membership(actor, organisation) is None:
        return Referral.objects.none()
    return Referral.objects.filter(
        Q(sender_organisation=organisation)
        | (Q(recipient_organisation=organisation) & ~Q(status=ReferralStatus.DRAFT))
    )


def can_refer(actor, organisation, case) -> bool:
    """Anyone who can open the case for this organisation may refer it on,
    sharing at most the parts they see themselves."""
    actor = as_actor(actor)
    return (
        acting_membership(actor, organisation) is not None
        and case_policies.cases_visible_to(actor, organisation).filter(pk=case.pk).exists()
    )


def can_override_consent(actor, organisation) -> bool:
    """Referring an adult without consent: administrators of the sending
    organisation only (Primero: overriding consent is its own permission).
    docs/domain/referrals.md, « Consentement »."""
    membership = acting_membership(actor, organisation)
    return membership is not None and membership.is_admin


def can_transfer(actor, organisation, case) -> bool:
    """Only the owner may hand the case over (a partner cannot give away what it does not own)."""
    actor = as_actor(actor)
    return (
        acting_membership(actor, organisation) is not None
        and case.organisation_id == organisation.pk
        and case_policies.is_owner(actor, case)
    )


def can_act_on_case(actor, organisation, case) -> bool:
    """The pathways of a case (minors' chain, return plans, exchanges, an Ac.Sé
    request) are the owner's: a case worker of the organisation holding it,
    acting for it."""
    return (
        organisation is not None
        and acting_membership(actor, organisation) is not None
        and case.organisation_id == organisation.pk
        and case_policies.can_edit(actor, case)
    )


def can_act_on_step(actor, organisation, step) -> bool:
    """A step of the minors' chain is recorded or lifted by a case worker of its
    owner organisation: the case's holder for its own steps, the CRIP or the
    parquet for the steps a transmission gave them (issue 10.2)."""
    if organisation is None or step.owner_organisation_id != organisation.pk:
        return False
    if acting_membership(actor, organisation) is None:
        return False
    return step.case.organisation_id != organisation.pk or case_policies.can_edit(actor, step.case)


def can_view_minor_chain(actor, organisation, case) -> bool:
    """The chain of a child is read by the case's holder, by an organisation that
    owns one of its steps (the CRIP or the parquet that received a transmission)
    and by one the case was referred to and that accepted it (a CRIP)."""
    from .models import MinorStep

    if organisation is None or acting_membership(actor, organisation) is None:
        return False
    if can_act_on_case(actor, organisation, case):
        return True
    if MinorStep.objects.filter(case=case, owner_organisation=organisation).exists():
        return True
    return case_policies.cases_visible_to(actor, organisation).filter(pk=case.pk).exists()


# --- Ac.Sé (rules.md §3.4; Warsaw art. 11) -------------------------------------


def placements_visible_to(actor, organisation):
    """Placements seen by the referring organisation, the Ac.Sé coordination
    and the host."""
    from .models import AcsePlacement

    if acting_membership(actor, organisation) is None:
        return AcsePlacement.objects.none()
    return AcsePlacement.objects.filter(
        Q(referring_organisation=organisation) | Q(coordination=organisation) | Q(host=organisation)
    )


def can_see_acse_host(actor, organisation, placement) -> bool:
    """Only the Ac.Sé coordination and the host know where the person is."""
    return acse_role(actor, organisation, placement) in ("coordination", "host")
