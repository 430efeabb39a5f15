"""Reads of the plans domain, already restricted by the policies."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count, Max, Prefetch

from maillage.organisations.enums import OrganisationType

from . import policies
from .enums import PositionValue
from .models import Amendment, Comment, ConsultationRound, Indicator, Measure, Measurement, Plan, Position, ProgressReport
from .rollup import mean_progress


def current_public_plan() -> Plan | None:
    return policies.public_plans().order_by("-adopted_at", "-pk").first()


def plan_overview(plan: Plan) -> dict:
    """What /plan/ shows: public fields only (no contribution, no note, no pending report)."""
    latest_measurements = Measurement.objects.filter(validated_at__isnull=False).order_by("-date")
    measures = list(
        plan.measures.select_related("priority", "status", "lead")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.prefetch_related(Prefetch("measurements", queryset=latest_measurements))))
        .order_by("number")
    )
    by_priority = defaultdict(list)
    for m in measures:
        by_priority[m.priority_id].append(m)
    priorities = []
    for p in plan.priorities.order_by("number"):
        items = by_priority.get(p.pk, [])
        priorities.append({"priority": p, "measures": items, "progress": mean_progress(m.progress for m in items) or 0})
    indicators = []
    for m in measures:
        for ind in m.indicators.all():
            values = list(ind.measurements.all())
            indicators.append({"measure": m, "indicator": ind, "current": values[0] if values else None})
    last_update = max((m.progress_updated_at for m in measures if m.progress_updated_at), default=None)
    return {
        "plan": plan,
        "priorities": priorities,
        "measures": measures,
        "indicators": indicators,
        "progress": mean_progress(m.progress for m in measures) or 0,
        "last_update": last_update or plan.adopted_at,
    }


def round_measures(round_: ConsultationRound):
    """Measures of the consulted version, with counts for the round page."""
    ids = round_.version.measure_ids()
    return (
        Measure.objects.filter(pk__in=ids)
        .select_related("priority")
        .annotate(n_positions=Count("positions", filter=_round_filter("positions", round_), distinct=True))
        .order_by("number")
    )


def _round_filter(rel: str, round_):
    from django.db.models import Q

    return Q(**{f"{rel}__round": round_})


def visible_positions(user, round_: ConsultationRound, organisation=None):
    """Positions are the organisation's own; the coordination sees them all."""
    qs = Position.objects.filter(round=round_).select_related("organisation", "measure")
    if policies.can_manage_plans(user):
        return qs
    if organisation is None:
        return qs.none()
    return qs.filter(organisation=organisation)


def measure_discussion(round_: ConsultationRound, measure: Measure) -> dict:
    comments = list(Comment.objects.filter(round=round_, measure=measure).select_related("organisation", "author"))
    children = defaultdict(list)
    for c in comments:
        children[c.parent_id].append(c)

    def walk(parent_id):
        return [{"comment": c, "replies": walk(c.pk)} for c in children.get(parent_id, [])]

    amendments = Amendment.objects.filter(round=round_, measure=measure).select_related(
        "organisation", "version", "origin_decision__meeting", "origin_decision__group"
    )
    return {"threads": walk(None), "amendments": amendments}


def synthesis(round_: ConsultationRound) -> dict:
    """Positions per measure and per organisation type, contributions grouped by
    theme (the axe of the measure) with links back to the originals."""
    measures = list(Measure.objects.filter(pk__in=round_.version.measure_ids()).select_related("priority").order_by("number"))
    positions = Position.objects.filter(round=round_).select_related("organisation")
    per_measure: dict[int, Counter] = defaultdict(Counter)
    per_type: dict[str, Counter] = defaultdict(Counter)
    for pos in positions:
        per_measure[pos.measure_id][pos.value] += 1
        per_type[pos.organisation.type][pos.value] += 1
    values = list(PositionValue)
    measure_rows = [{"measure": m, "counts": [per_measure[m.pk][v] for v in values], "total": sum(per_measure[m.pk].values())} for m in measures]
    type_labels = dict(OrganisationType.choices)
    type_rows = [{"type": type_labels.get(t, t), "counts": [c[v] for v in values], "total": sum(c.values())} for t, c in sorted(per_type.items())]
    comments = Comment.objects.filter(round=round_).select_related("organisation", "measure__priority")
    amendments = Amendment.objects.filter(round=round_).select_related("organisation", "measure__priority")
    themes: dict[int, dict] = {}
    for m in measures:
        themes.setdefault(m.priority_id, {"priority": m.priority, "comments": [], "amendments": []})
    for c in comments:
        themes.setdefault(c.measure.priority_id, {"priority": c.measure.priority, "comments": [], "amendments": []})["comments"].append(c)
    for a in amendments:
        themes.setdefault(a.measure.priority_id, {"priority": a.measure.priority, "comments": [], "amendments": []})["amendments"].append(a)
    return {
        "round": round_,
        "values": values,
        "measure_rows": measure_rows,
        "type_rows": type_rows,
        "themes": sorted(themes.values(), key=lambda t: t["priority"].number),
        "hearings": round_.hearings.select_related("organisation"),
        "n_positions": sum(r["total"] for r in measure_rows),
        "n_comments": comments.count(),
        "n_amendments": amendments.count(),
    }


def pending_reports(user, plan: Plan | None = None):
    if not policies.can_manage_plans(user):
        return ProgressReport.objects.none()
    qs = ProgressReport.objects.filter(validated_at__isnull=True).select_related("measure", "organisation", "status", "submitted_by")
    return qs.filter(measure__plan=plan) if plan is not None else qs


def open_rounds():
    from django.utils import timezone

    now = timezone.now()
    return ConsultationRound.objects.filter(opens_at__lte=now, closes_at__gt=now)


def last_update_of(plan: Plan):
    return plan.measures.aggregate(last=Max("progress_updated_at"))["last"]
