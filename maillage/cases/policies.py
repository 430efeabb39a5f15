"""Who may reach a case, and which parts.

One object answers both questions (Wagtail-style policy): `cases_visible_to`
returns the restricted queryset every view starts from, so lists and detail
pages cannot leak; anything outside it is a 404 for the caller.

Case workers of the owning organisation reach a case (R-PRIVACY, Warsaw
art. 11: need to know); partners holding an accepted referral reach it
through `_partner_grants()`, limited to the parts the sender shared among
`SHARED_PARTS` (docs/domain/referrals.md).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from maillage.organisations.enums import OrganisationType, Role
from maillage.organisations.selectors import active_memberships

from .models import Case

# Parts of a case a partner may see once referrals exist (extension point).
ALL_PARTS = frozenset(
    {"identity", "facts", "notes_internal", "notes_shareable", "documents", "tasks", "screening", "rights", "privacy"}
)
# Parts a referral may share (maillage.referrals.enums.SharedPart uses the same codes).
SHARED_PARTS = frozenset({"identity", "facts", "notes_shareable", "documents", "screening", "rights"})


def _owner_grants(user, organisation) -> Q | None:
    memberships = (
        active_memberships(user)
        .filter(role=Role.CASE_WORKER)
        .exclude(organisation__type=OrganisationType.COORDINATION)
    )
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    org_ids = list(memberships.values_list("organisation_id", flat=True))
    return Q(organisation_id__in=org_ids) if org_ids else None


def _partner_case_worker(user, organisation) -> bool:
    return (
        organisation is not None
        and active_memberships(user)
        .filter(role=Role.CASE_WORKER, organisation=organisation)
        .exclude(organisation__type=OrganisationType.COORDINATION)
        .exists()
    )


def _partner_grants(user, organisation) -> Q | None:
    """Case workers of an organisation holding an accepted (or completed)
    referral of the case reach it, limited to the shared parts (`parts_for`).
    Active memberships only: a worker who leaves loses access at once."""
    if not _partner_case_worker(user, organisation):
        return None
    from maillage.referrals.selectors import granted_case_ids

    return Q(pk__in=granted_case_ids(organisation))


def cases_visible_to(user, organisation) -> QuerySet[Case]:
    """Cases `user` may open while acting for `organisation` (None: nothing).

    Coordinators, plain members, outsiders and anonymous users get an empty
    queryset; views turn that into a 404."""
    if organisation is None or not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    grants = [g for g in (_owner_grants(user, organisation), _partner_grants(user, organisation)) if g is not None]
    if not grants:
        return Case.objects.none()
    condition = grants[0]
    for g in grants[1:]:
        condition |= g
    return Case.objects.filter(condition)


def parts_for(user, case: Case) -> frozenset[str]:
    """Parts of `case` the user may see (owner case workers: everything)."""
    if _owner_grants(user, case.organisation) is not None:
        return ALL_PARTS
    from maillage.referrals.selectors import granted_parts

    return frozenset(granted_parts(user, case)) & SHARED_PARTS


def is_owner(user, case: Case) -> bool:
    return _owner_grants(user, case.organisation) is not None


def can_see_identity(user, case: Case) -> bool:
    # Coordinators never see identities (R-PRIVACY): they have no owner grant.
    return "identity" in parts_for(user, case) and case.anonymised_at is None


def can_edit(user, case: Case) -> bool:
    return _owner_grants(user, case.organisation) is not None


def can_create_in(user, organisation) -> bool:
    return organisation is not None and _owner_grants(user, organisation) is not None


def assignable_users(organisation):
    """Members a task may be given to: active members of the owning organisation."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(memberships__organisation=organisation, memberships__is_active=True, is_active=True)
        .order_by("last_name", "email")
    )
