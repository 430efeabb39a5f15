"""Who may reach a case, and which parts.

One object answers both questions (Wagtail-style policy): `cases_visible_to`
returns the restricted queryset every view starts from, so lists and detail
pages cannot leak; anything outside it is a 404 for the caller.

The case file owns its access (docs/decisions/0008-case-access-grants.md):
case workers of the owning organisation reach the whole case (R-PRIVACY,
Warsaw art. 11: need to know); case workers of an organisation holding an
open `CaseAccessGrant` reach the parts it shares among `SHARED_PARTS`. The
grants are opened and ended by the services of the domains that give access
(a referral accepted, an Ac.Sé host's place), through `services.access`; this
module reads only the grants and the owner, and imports no later domain.

Every function takes an actor (`maillage.organisations.actor`): an `Actor`
read once for the request, or a user (`as_actor` reads the memberships).
Active case-worker memberships only: a worker who leaves loses access at once.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from maillage.organisations.actor import as_actor

from .access import access_for  # how one actor reaches one case (parts, grants)
from .models import Case, CaseAccessGrant


def cases_visible_to(actor, organisation) -> QuerySet[Case]:
    """Cases the actor may open while acting for `organisation` (None: nothing):
    the organisation's own cases, and those it holds an open grant on.

    Coordinators, plain members, outsiders and anonymous users get an empty
    queryset; views turn that into a 404."""
    actor = as_actor(actor)
    if organisation is None or not actor.is_case_worker_of(organisation):
        return Case.objects.none()
    org_id = getattr(organisation, "pk", organisation)
    granted = CaseAccessGrant.objects.open().filter(organisation_id=org_id).values("case_id")
    return Case.objects.filter(Q(organisation_id=org_id) | Q(pk__in=granted))


def is_owner(actor, case: Case) -> bool:
    """A case worker of the organisation that holds the case."""
    return as_actor(actor).is_case_worker_of(case.organisation_id)


def can_see_identity(actor, case: Case) -> bool:
    return access_for(actor, case).can_see_identity


def can_edit(actor, case: Case) -> bool:
    """Every page but the detail page, and every write, is the owner's."""
    return is_owner(actor, case)


def can_create_in(actor, organisation) -> bool:
    return organisation is not None and as_actor(actor).is_case_worker_of(organisation)
