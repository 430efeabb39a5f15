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

from django.utils.translation import gettext_lazy as _

from maillage.organisations.actor import as_actor

from .enums import AccessReason
from .models import Case, CaseAccessGrant

# Parts of a case; the owner's case workers see all of them.
ALL_PARTS = frozenset(
    {"identity", "facts", "notes_internal", "notes_shareable", "documents", "tasks", "screening", "rights", "privacy"}
)
# Parts a grant may share (maillage.referrals.enums.SharedPart uses the same codes).
SHARED_PARTS = frozenset({"identity", "facts", "notes_shareable", "documents", "screening", "rights"})

# The legal basis of each kind of grant, shown with it (who reads a case, and
# by what right). A referral shares what the person consented to or what its
# recorded legal basis allows (docs/domain/referrals.md, « Consentement »); an
# Ac.Sé host what the placement needs (R-ACSE). The transmissions of a child's
# protection must identify the child: the information préoccupante to the CRIP
# (CASF L226-2-1, L226-3), the report to the prosecutor (CASF L226-4, CPP
# art. 40), the request for an ad hoc administrator (CPP art. 706-50).
LEGAL_BASES = {
    AccessReason.REFERRAL: _("consentement de la personne ou base légale de l'orientation"),
    AccessReason.ACSE_HOST: _("CASF L345-1 et Convention de Varsovie art. 12 (hébergement sécurisé)"),
    AccessReason.CHILD_PROTECTION: _("CASF L226-2-1 et L226-3"),
    AccessReason.PROSECUTOR_REPORT: _("CASF L226-4 et CPP art. 40"),
    AccessReason.AD_HOC_ADMINISTRATOR: _("CPP art. 706-50"),
}
# What a child's transmission shares: who the child is and the facts the CRIP
# evaluates or the parquet acts on (need to know, Warsaw art. 11): never the
# notes, documents, screenings or rights records of the holder.
CHILD_TRANSMISSION_PARTS = ("identity", "facts")


def legal_basis(reason: str) -> str:
    return str(LEGAL_BASES.get(reason, ""))


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
