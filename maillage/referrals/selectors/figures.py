"""The coordination's view of referrals: aggregates only, small counts
suppressed (R-PRIVACY, R-STATS)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from ..enums import ReferralStatus
from ..models import Referral
from .labels import service_labels

S = ReferralStatus


# --- coordination view (aggregates only) -----------------------------------------------

SMALL_COUNT = 5


def small(n: int) -> str:
    """Counts below 5 are shown as « < 5 » (statistical disclosure control)."""
    return "< 5" if 0 < n < SMALL_COUNT else str(n)


def suppressed_row(total: int, parts: dict[str, int]) -> dict[str, str]:
    """A row of counts (`parts`, plus a remainder the row does not show, such
    as withdrawn referrals, making up `total`), displayed so that no count
    from 1 to 4 can be read or worked out (statistical disclosure control).

    Small counts show « < 5 ». Assume the reader knows everything else about
    the row, remainder included: the small cells' sum is then known, and one
    small cell, or several all at 1 or all at 4, would be given back. In that
    case the smallest other cell is hidden too (« — »), or the total when
    every cell is small."""
    shown = {key: small(n) for key, n in parts.items()}
    shown_total = small(total)
    small_cells = [n for n in parts.values() if 0 < n < SMALL_COUNT]
    count, added = len(small_cells), sum(small_cells)
    if count and (count == 1 or added in (count, 4 * count)):
        others = sorted((n, key) for key, n in parts.items() if n >= SMALL_COUNT)
        if others:
            shown[others[0][1]] = "—"
        else:
            shown_total = "—"
    return {"total": shown_total, **shown}


def coordination_figures(*, now=None) -> dict:
    """Counts only, never a reference or a name (R-PRIVACY, R-STATS)."""
    from django.db.models import Avg, DurationField, ExpressionWrapper, F

    from ..enums import MinorStepKind
    from ..models import MinorStep

    now = now or timezone.now()
    labels = service_labels()
    by_service = []
    rows = (
        Referral.objects.exclude(status=S.DRAFT)
        .values("service")
        .annotate(
            total=Count("pk"),
            accepted=Count("pk", filter=Q(status__in=[S.ACCEPTED, S.COMPLETED])),
            declined=Count("pk", filter=Q(status=S.DECLINED)),
            expired=Count("pk", filter=Q(status=S.EXPIRED)),
            waiting=Count("pk", filter=Q(status=S.SENT)),
            answer=Avg(
                ExpressionWrapper(F("decided_at") - F("sent_at"), output_field=DurationField()),
                filter=Q(decided_at__isnull=False, sent_at__isnull=False),
            ),
        )
        .order_by("service")
    )
    for row in rows:
        answered = row["accepted"] + row["declined"]
        # The rate gives its parts back (1 accepted of 5 answers is 20 %):
        # shown only when neither part is a small count.
        rate_safe = answered >= SMALL_COUNT and not any(0 < row[key] < SMALL_COUNT for key in ("accepted", "declined"))
        by_service.append(
            {
                "service": labels.get(row["service"], row["service"]),
                **suppressed_row(
                    row["total"], {key: row[key] for key in ("accepted", "declined", "expired", "waiting")}
                ),
                "rate": f"{round(100 * row['accepted'] / answered)} %" if rate_safe else "—",
                "answer_days": f"{row['answer'].total_seconds() / 86400:.1f}"
                if row["answer"] is not None and answered >= SMALL_COUNT
                else "—",
            }
        )
    by_territory = [
        {
            "departement": row["recipient_organisation__departement"] or "—",
            "total": small(row["total"]),
            "accepted": small(row["accepted"]),
        }
        for row in Referral.objects.exclude(status=S.DRAFT)
        .values("recipient_organisation__departement")
        .annotate(total=Count("pk"), accepted=Count("pk", filter=Q(status__in=[S.ACCEPTED, S.COMPLETED])))
        .order_by("recipient_organisation__departement")
    ]
    step_labels = dict(MinorStepKind.choices)
    overdue_steps = [
        {"kind": step_labels.get(row["kind"], row["kind"]), "count": small(row["n"])}
        for row in MinorStep.objects.filter(done_at__isnull=True, waived_reason="", due_at__lt=now)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    ]
    from ..models import AnonymousNotification

    # UK « duty to notify »: refusals still count nationally.
    anonymous = AnonymousNotification.objects.values("reason").annotate(n=Count("pk")).order_by("reason")
    from ..enums import AnonymousReason

    reasons = dict(AnonymousReason.choices)
    anonymous_rows = [{"reason": reasons.get(r["reason"], r["reason"]), "count": small(r["n"])} for r in anonymous]
    return {
        "by_service": by_service,
        "by_territory": by_territory,
        "overdue_steps": overdue_steps,
        "anonymous": anonymous_rows,
    }
