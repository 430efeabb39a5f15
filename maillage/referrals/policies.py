"""Who may see and act on referrals.

Everything starts from active memberships (maillage.organisations.policies):
a worker who leaves an organisation loses its referrals at once. A referral
is visible to the case workers of the sending organisation, and to those of
the recipient once it has been sent (never a draft). Anything else is a 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from maillage.cases import policies as case_policies
from maillage.organisations.enums import OrganisationType, Role
from maillage.organisations.selectors import active_memberships

from .enums import ReferralStatus
from .models import Referral

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
        "La coordination Ac.Sé ne reçoit pas d'orientations : pour un hébergement sécurisé loin du danger, faites une demande Ac.Sé depuis le dossier."
    ),
    OrganisationType.FOREIGN_COUNTERPART: _(
        "Un homologue étranger ne reçoit pas d'orientations : passez par un échange international, qui exige une base légale (Convention de Varsovie, art. 34)."
    ),
}


def acting_membership(user, organisation):
    """The user's active case-worker membership in `organisation`, or None."""
    if organisation is None:
        return None
    return (
        active_memberships(user)
        .filter(organisation=organisation, role=Role.CASE_WORKER)
        .exclude(organisation__type=OrganisationType.COORDINATION)
        .first()
    )


def referrals_visible_to(user, organisation) -> QuerySet[Referral]:
    if acting_membership(user, organisation) is None:
        return Referral.objects.none()
    return Referral.objects.filter(
        Q(sender_organisation=organisation)
        | (Q(recipient_organisation=organisation) & ~Q(status=ReferralStatus.DRAFT))
    )


def side(user, organisation, referral: Referral) -> str | None:
    """'sender', 'recipient' or None, for the organisation the user acts for."""
    if acting_membership(user, organisation) is None:
        return None
    if referral.sender_organisation_id == organisation.pk:
        return "sender"
    if referral.recipient_organisation_id == organisation.pk and referral.status != ReferralStatus.DRAFT:
        return "recipient"
    return None


def can_refer(user, organisation, case) -> bool:
    """Anyone who can open the case for this organisation may refer it on,
    sharing at most the parts they see themselves."""
    return (
        acting_membership(user, organisation) is not None
        and case_policies.cases_visible_to(user, organisation).filter(pk=case.pk).exists()
    )


def can_override_consent(user, organisation) -> bool:
    """Referring an adult without consent: administrators of the sending
    organisation only (Primero: overriding consent is its own permission).
    docs/domain/referrals.md, « Consentement »."""
    membership = acting_membership(user, organisation)
    return membership is not None and membership.is_admin


def can_transfer(user, organisation, case) -> bool:
    """Only the owner may hand the case over (a partner cannot give away what it does not own)."""
    return (
        acting_membership(user, organisation) is not None
        and case.organisation_id == organisation.pk
        and case_policies.is_owner(user, case)
    )


# --- Ac.Sé (rules.md §3.4; Warsaw art. 11) -------------------------------------


def acse_visible_to(user, organisation):
    """Placements seen by the referring organisation, the Ac.Sé coordination
    and the host."""
    from .models import AcsePlacement

    if acting_membership(user, organisation) is None:
        return AcsePlacement.objects.none()
    return AcsePlacement.objects.filter(
        Q(referring_organisation=organisation) | Q(coordination=organisation) | Q(host=organisation)
    )


def can_see_acse_host(user, organisation, placement) -> bool:
    """Only the Ac.Sé coordination and the host know where the person is."""
    if acting_membership(user, organisation) is None:
        return False
    return organisation.pk == placement.coordination_id or (
        placement.host_id is not None and organisation.pk == placement.host_id
    )
