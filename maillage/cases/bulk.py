"""Bulk loads of case-access grants (demo seeders, benchmarks).

Not a service: no actor, no journal row, no transaction of its own. The rows
follow bulk-created referrals that were never decided through a service
either, so they are written as plain rows, in the caller's transaction if
there is one. Pages and tasks never call this.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from .access import SHARED_PARTS
from .models import CaseAccessGrant


def grant_access_in_bulk(*, grants: Iterable[dict]) -> int:
    """Bulk loads only (demo seeders, benchmarks): grants written without a
    service around them, as the bulk-created rows they follow. Each dict holds
    `case_id`, `organisation_id`, `parts`, `reason`, `source`, `granted_at`."""
    rows = [
        CaseAccessGrant(
            case_id=g["case_id"],
            organisation_id=g["organisation_id"],
            parts=[p for p in g["parts"] if p in SHARED_PARTS],
            reason=g["reason"],
            source=g["source"],
            granted_at=g.get("granted_at") or timezone.now(),
        )
        for g in grants
    ]
    return len(CaseAccessGrant.objects.bulk_create(rows, batch_size=5000))
