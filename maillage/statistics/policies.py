"""Who may do what with the annual collection (R-PRIVACY).

- The coordination body's statistics team (its coordinators) opens campaigns,
  follows them and publishes releases; it sees each return's counts and
  status, never its records.
- An invited organisation's administrator prepares and submits its return and
  is the only one to read its records.
- The national rapporteur (CNCDH: organisations of type « rapporteur
  national ») reads every published table, read-only.
- Published tables passed disclosure control: anyone may read the published
  release (the public page); nobody outside the organisation sees records.

Each function takes an `Actor` or a user (`as_actor`)."""

from __future__ import annotations

from django.db.models import QuerySet

from maillage.organisations.actor import as_actor
from maillage.organisations.enums import OrganisationType

from .models import Campaign, Invitation, Return, ReturnVersion


def can_run_campaigns(user_or_actor) -> bool:
    return as_actor(user_or_actor).is_coordinator


def is_rapporteur(user_or_actor) -> bool:
    return bool(as_actor(user_or_actor).organisations_of_type(OrganisationType.NATIONAL_RAPPORTEUR))


def can_read_all_published(user_or_actor) -> bool:
    """The statistics area's published tables (rapporteur, statistics team)."""
    actor = as_actor(user_or_actor)
    return actor.is_coordinator or is_rapporteur(actor)


def is_invited(campaign: Campaign, organisation) -> bool:
    return Invitation.objects.filter(campaign=campaign, organisation=organisation).exists()


def can_prepare_return(user_or_actor, campaign: Campaign, organisation) -> bool:
    """Write access: the organisation's administrator, invited, campaign open."""
    actor = as_actor(user_or_actor)
    return (
        organisation is not None
        and campaign.is_open
        and actor.is_admin_of(organisation)
        and is_invited(campaign, organisation)
    )


def can_read_return(user_or_actor, campaign: Campaign, organisation) -> bool:
    actor = as_actor(user_or_actor)
    return organisation is not None and actor.is_admin_of(organisation) and is_invited(campaign, organisation)


def invitations_visible_to(user_or_actor) -> QuerySet[Invitation]:
    """Invitations of the campaigns where the person administers an invited organisation."""
    actor = as_actor(user_or_actor)
    return Invitation.objects.filter(organisation_id__in=actor.admin_organisation_ids).select_related(
        "campaign", "organisation"
    )


def returns_visible_to(user_or_actor) -> QuerySet[Return]:
    actor = as_actor(user_or_actor)
    if actor.is_coordinator:
        return Return.objects.all()
    return Return.objects.filter(organisation_id__in=actor.admin_organisation_ids)


def return_versions_visible_to(user_or_actor) -> QuerySet[ReturnVersion]:
    """Versions whose records the person may read: their own organisation's."""
    actor = as_actor(user_or_actor)
    return ReturnVersion.objects.filter(return_obj__organisation_id__in=actor.admin_organisation_ids)
