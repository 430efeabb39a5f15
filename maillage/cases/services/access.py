"""Who holds a case and who else reads it: the case file's own steps.

The case file decides access to its cases (docs/decisions/0008): the owning
organisation's case workers, and the organisations holding an open
`CaseAccessGrant`. The domains that give or take access — a referral
accepted, an Ac.Sé host's place found, changed or ended, a transfer — call
these steps inside their own transaction (`@step`), so the grant and the
decision commit or roll back together. The steps write no journal row: the
calling service's row says what happened and, for an Ac.Sé host, keeps the
host from the owner's journal (R-ACSE).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.transactions import step

from ..access import SHARED_PARTS
from ..enums import AccessReason, EventKind
from ..models import Case, CaseAccessGrant
from .common import record_event


def source_of(obj: models.Model) -> str:
    """The domain-neutral reference of the object that grants access
    (« referrals.referral:12 »): the case file stores it, never follows it."""
    return f"{obj._meta.label_lower}:{obj.pk}"


@step
def grant_access(
    *, case: Case, organisation, parts: Iterable[str], reason: str, source: str, granted_by=None
) -> CaseAccessGrant:
    """Open a grant: `organisation`'s case workers read `parts` of `case` until
    the grant ends. Idempotent per source (an open grant from the same source is
    returned as it is; the database holds one open grant per source)."""
    if reason not in AccessReason.values:
        raise ValueError(f"Unknown access reason: {reason}")
    parts = list(dict.fromkeys(parts))
    if unknown := set(parts) - SHARED_PARTS:
        raise ValueError(f"Parts a grant cannot share: {sorted(unknown)}")
    existing = CaseAccessGrant.objects.open().filter(source=source).first()
    if existing is not None:
        if existing.case_id != case.pk or existing.organisation_id != organisation.pk:
            raise ValueError(f"{source} already grants access to another case or organisation")
        return existing
    return CaseAccessGrant.objects.create(
        case=case, organisation=organisation, parts=parts, reason=reason, source=source, granted_by=granted_by
    )


@step
def end_access(*, source: str, organisation=None, at=None) -> int:
    """End the open grant(s) from `source` (only `organisation`'s when given).
    Returns how many ended; ending what is not open is a no-op."""
    grants = CaseAccessGrant.objects.open().filter(source=source)
    if organisation is not None:
        grants = grants.filter(organisation=organisation)
    return grants.update(ended_at=at or timezone.now())


@step
def transfer_case(*, case: Case, from_organisation, to_organisation, acting_user) -> Case:
    """Hand the case over (Primero's transfer): the owner changes only if the
    case still belongs to `from_organisation` — otherwise a French
    ValidationError rolls the caller's transaction back whole.

    Ownership replaces what a referral gave: the referral grants of both
    organisations on this case end, so the former owner keeps no access
    (docs/domain/referrals.md) and the new owner's earlier partner access
    cannot outlive its ownership. An Ac.Sé host's grant follows the placement,
    not the owner, and stays."""
    now = timezone.now()
    moved = Case.objects.filter(pk=case.pk, organisation=from_organisation).update(
        organisation=to_organisation, updated_at=now
    )
    if moved != 1:
        raise ValidationError(
            {"status": _("Le dossier n'appartient plus à l'organisation qui l'a transféré : transfert impossible.")}
        )
    CaseAccessGrant.objects.open().filter(
        case=case, organisation__in=[from_organisation, to_organisation], reason=AccessReason.REFERRAL
    ).update(ended_at=now)
    case.organisation, case.updated_at = to_organisation, now
    record_event(
        case,
        acting_user,
        EventKind.EDITED,
        _("Dossier transféré de %(a)s à %(b)s") % {"a": from_organisation.name, "b": to_organisation.name},
    )
    return case
