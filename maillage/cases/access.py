"""How one actor reaches one case: which parts, through which grants.

Worked out once per page (a case page asks several questions about it) and
read by the policies (`policies.can_see_identity`), the selectors and the
referral pathways that must share only what the actor itself may see. The
case file owns its access (docs/decisions/0008-case-access-grants.md): the
owning organisation's case workers reach every part; the case workers of an
organisation holding an open `CaseAccessGrant` reach the parts it shares
(R-PRIVACY, Warsaw art. 11: need to know).
"""

from __future__ import annotations

from dataclasses import dataclass

from maillage.organisations.actor import as_actor

from .models import Case, CaseAccessGrant

# Parts of a case; the owner's case workers see all of them.
ALL_PARTS = frozenset(
    {"identity", "facts", "notes_internal", "notes_shareable", "documents", "tasks", "screening", "rights", "privacy"}
)
# Parts a grant may share (maillage.referrals.enums.SharedPart uses the same codes).
SHARED_PARTS = frozenset({"identity", "facts", "notes_shareable", "documents", "screening", "rights"})

# What a child's transmission shares: who the child is and the facts the CRIP
# evaluates or the parquet acts on (need to know, Warsaw art. 11): never the
# notes, documents, screenings or rights records of the holder.
CHILD_TRANSMISSION_PARTS = ("identity", "facts")


def grants_for(actor, case: Case) -> tuple[CaseAccessGrant, ...]:
    """The open grants through which the actor reads `case` (those of the
    organisations where the actor is an active case worker)."""
    actor = as_actor(actor)
    if not actor.case_worker_organisation_ids:
        return ()
    return tuple(
        CaseAccessGrant.objects.open()
        .filter(case_id=case.pk, organisation_id__in=actor.case_worker_organisation_ids)
        .order_by("-granted_at", "-id")
    )


@dataclass(frozen=True)
class CaseAccess:
    """How one actor reaches one case, worked out once (a page asks several
    questions about it: parts, identity, ownership)."""

    case: Case
    is_owner: bool
    grants: tuple[CaseAccessGrant, ...] = ()

    @property
    def parts(self) -> frozenset[str]:
        if self.is_owner:
            return ALL_PARTS
        return frozenset(part for grant in self.grants for part in grant.parts) & SHARED_PARTS

    @property
    def can_see_identity(self) -> bool:
        # Coordinators never see identities (R-PRIVACY): they are no case workers.
        return self.case.anonymised_at is None and "identity" in self.parts


def access_for(actor, case: Case) -> CaseAccess:
    actor = as_actor(actor)
    if actor.is_case_worker_of(case.organisation_id):
        return CaseAccess(case=case, is_owner=True)
    return CaseAccess(case=case, is_owner=False, grants=grants_for(actor, case))


def parts_for(actor, case: Case) -> frozenset[str]:
    """Parts of `case` the actor may see: everything for the owner's case
    workers, else the union of the parts its open grants share (data
    minimisation: nothing else is readable)."""
    return access_for(actor, case).parts
