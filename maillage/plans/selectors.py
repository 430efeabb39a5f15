"""Reads of the plans domain, already restricted by the policies."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet

from maillage.directory.models import Network, NetworkMembership
from maillage.organisations.actor import as_actor
from maillage.organisations.enums import OrganisationType, Role
from maillage.organisations.models import Membership, Organisation

from . import policies
from .enums import MAX_COMMENT_DEPTH, PUBLIC_PLAN_STATUSES, Decision, PositionValue
from .models import (
    Amendment,
    Comment,
    ConsultationRound,
    Indicator,
    InternalNote,
    Measure,
    Measurement,
    MeasureStatus,
    Milestone,
    Plan,
    PlanVersion,
    Position,
    PrioritySetting,
    ProgressReport,
    SubAction,
    Synthesis,
)
from .rollup import mean_progress

# --- Plans -------------------------------------------------------------------------


def public_plans() -> QuerySet[Plan]:
    """Plans shown to everyone, signed in or not, on /plan/."""
    return Plan.objects.filter(status__in=PUBLIC_PLAN_STATUSES)


def current_public_plan() -> Plan | None:
    return public_plans().order_by("-adopted_at", "-pk").first()


def coordination_of(actor):
    """The coordination body this coordinator acts for (plans are kept in its name)."""
    for membership in as_actor(actor).memberships:
        if membership.role == Role.COORDINATOR and membership.organisation.type == OrganisationType.COORDINATION:
            return membership.organisation
    return None


def plan_structure(plan: Plan):
    """The axes of a plan with their measures (lead and forwarded origin)."""
    return plan.priorities.prefetch_related(
        Prefetch(
            "measures",
            queryset=Measure.objects.select_related("lead", "origin_decision__meeting", "origin_decision__group"),
        )
    ).order_by("number")


def version_numbered(plan: Plan, number) -> PlanVersion | None:
    return plan.versions.filter(number=number).first()


def versions_containing(plan: Plan, measure: Measure) -> list[int]:
    """Numbers of the frozen versions that cite this measure."""
    return [v.number for v in plan.versions.order_by("number") if measure.pk in v.measure_ids()]


def measure_dependents(measure: Measure) -> dict[str, int]:
    """What deleting this measure would touch: its follow-up (deleted with it)
    and the consultation contributions it received (which forbid deleting it)."""
    return {
        "sub_actions": measure.sub_actions.count(),
        "milestones": measure.milestones.count(),
        "indicators": measure.indicators.count(),
        "measurements": Measurement.objects.filter(indicator__measure=measure).count(),
        "reports": measure.reports.count(),
        "contributions": (
            measure.positions.count()
            + measure.comments.count()
            + measure.amendments.count()
            + InternalNote.objects.filter(Q(measure=measure) | Q(amendment__measure=measure)).count()
        ),
    }


def networks() -> QuerySet[Network]:
    """The directory's networks, whose members a round may invite at once."""
    return Network.objects.all()


def network_members(network) -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True, network_memberships__network=network)


# --- Follow-up ---------------------------------------------------------------------


def measure_statuses() -> QuerySet[MeasureStatus]:
    return MeasureStatus.objects.all()


FOLLOWUP_MODELS = {"sub_action": SubAction, "milestone": Milestone, "indicator": Indicator}


def followup_items(plan: Plan, kind: str):
    """The sub-actions, milestones or indicators of a plan's measures."""
    return FOLLOWUP_MODELS[kind].objects.select_related("measure").filter(measure__plan=plan)


def milestones_with_plan() -> QuerySet[Milestone]:
    return Milestone.objects.select_related("measure__plan")


def indicators_with_plan() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("measure__plan")


def plan_measurements(plan: Plan) -> QuerySet[Measurement]:
    return Measurement.objects.select_related("indicator__measure").filter(indicator__measure__plan=plan)


def plan_reports(plan: Plan) -> QuerySet[ProgressReport]:
    return ProgressReport.objects.filter(measure__plan=plan)


def reporting_organisation(actor, measure: Measure):
    """The organisation in whose name this person reports on the measure:
    its lead, otherwise the first of its co-leads they belong to."""
    actor = as_actor(actor)
    membership = actor.membership_in(measure.lead_id)
    if membership is not None:
        return membership.organisation
    return measure.co_leads.filter(pk__in=list(actor.organisation_ids)).first()


# --- Consultation ------------------------------------------------------------------


def contributing_organisation(actor, round_: ConsultationRound, *, preferred=None):
    """The invited organisation this person speaks for in this round, or None.

    The organisation currently selected in the session wins when it is invited."""
    actor = as_actor(actor)
    orgs = [m.organisation for m in actor.memberships if policies.can_contribute_for(actor, m.organisation_id)]
    invited_ids = set(round_.invited.filter(pk__in=[o.pk for o in orgs]).values_list("pk", flat=True))
    if preferred is not None and preferred.pk in invited_ids:
        return preferred
    for org in orgs:
        if org.pk in invited_ids:
            return org
    return None


def round_measure(round_: ConsultationRound, measure_id: int) -> Measure | None:
    """A measure of the version under consultation (None for any other)."""
    if measure_id not in round_.version.measure_ids():
        return None
    return Measure.objects.select_related("priority").filter(pk=measure_id, plan=round_.plan).first()


def priority_setting(round_: ConsultationRound, measure: Measure) -> PrioritySetting | None:
    """Which contributions the round opens on the measure's axe (None: all)."""
    return round_.priority_settings.filter(priority_id=measure.priority_id).first()


def comment_in(round_: ConsultationRound, measure: Measure, pk) -> Comment | None:
    return Comment.objects.filter(pk=pk, round=round_, measure=measure).first()


def plan_overview(plan: Plan) -> dict:
    """What /plan/ shows: public fields only (no contribution, no note, no pending report)."""
    latest_measurements = Measurement.objects.filter(validated_at__isnull=False).order_by("-date")
    measures = list(
        plan.measures.select_related("priority", "status", "lead")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related(Prefetch("measurements", queryset=latest_measurements)),
            )
        )
        .order_by("number")
    )
    by_priority = defaultdict(list)
    for m in measures:
        by_priority[m.priority_id].append(m)
    priorities = []
    for p in plan.priorities.order_by("number"):
        items = by_priority.get(p.pk, [])
        priorities.append(
            {"priority": p, "measures": items, "progress": mean_progress(m.progress for m in items) or 0}
        )
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


ANSWERED_DECISIONS = (Decision.ACCEPTED, Decision.PARTIALLY_ACCEPTED, Decision.REJECTED)


def round_measures(round_: ConsultationRound, *, with_counts: bool = False) -> list[Measure]:
    """Measures of the consulted version, ordered by number. With `with_counts`
    (the coordination's round page) each measure carries `position_counts`
    (one number per PositionValue, in that order), `n_positions`, `n_comments`,
    `n_amendments_pending` and `n_amendments_answered`, computed by three
    grouped aggregate queries whatever the number of contributions (separate
    queries, not joins on one: joining positions, comments and amendments
    would multiply the rows)."""
    measures = list(
        Measure.objects.filter(pk__in=round_.version.measure_ids()).select_related("priority").order_by("number")
    )
    if not with_counts:
        return measures
    values = list(PositionValue)
    positions = {
        row["measure_id"]: row
        for row in Position.objects.filter(round=round_)
        .values("measure_id")
        .annotate(**{f"n_{v.value}": Count("pk", filter=Q(value=v)) for v in values})
        .order_by()
    }
    comments = dict(
        Comment.objects.filter(round=round_)
        .values("measure_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("measure_id", "n")
    )
    amendments = {
        row["measure_id"]: row
        for row in Amendment.objects.filter(round=round_)
        .values("measure_id")
        .annotate(
            pending=Count("pk", filter=Q(decision=Decision.PENDING)),
            answered=Count("pk", filter=Q(decision__in=ANSWERED_DECISIONS)),
        )
        .order_by()
    }
    for m in measures:
        row = positions.get(m.pk, {})
        m.position_counts = [row.get(f"n_{v.value}", 0) for v in values]
        m.n_positions = sum(m.position_counts)
        m.n_comments = comments.get(m.pk, 0)
        a = amendments.get(m.pk, {})
        m.n_amendments_pending = a.get("pending", 0)
        m.n_amendments_answered = a.get("answered", 0)
    return measures


def pending_amendments(round_: ConsultationRound):
    """Amendments of the round awaiting the coordination's answer, oldest first."""
    return (
        Amendment.objects.filter(round=round_, decision=Decision.PENDING)
        .select_related("organisation", "measure")
        .order_by("created_at", "pk")
    )


def visible_positions(actor, round_: ConsultationRound, organisation=None):
    """Positions are the organisation's own; the coordination sees them all."""
    qs = Position.objects.filter(round=round_).select_related("organisation", "measure")
    if policies.can_manage_plans(actor):
        return qs
    if organisation is None:
        return qs.none()
    return qs.filter(organisation=organisation)


def own_position(actor, round_: ConsultationRound, organisation, measure: Measure) -> Position | None:
    if organisation is None:
        return None
    return visible_positions(actor, round_, organisation).filter(measure=measure).first()


def measure_positions(actor, round_: ConsultationRound, measure: Measure):
    """Every position on a measure, oldest first (the coordination's view)."""
    return visible_positions(actor, round_).filter(measure=measure).order_by("created_at", "pk")


def measure_root_comments(round_: ConsultationRound, measure: Measure):
    """Top-level comments of a measure (the threads), oldest first: what the measure page paginates."""
    return Comment.objects.filter(round=round_, measure=measure, parent__isnull=True).select_related(
        "organisation", "author"
    )


def comment_threads(roots) -> list[dict]:
    """The threads under `roots` ({"comment", "replies"} nodes): one query per
    reply level (at most MAX_COMMENT_DEPTH - 1), whatever the number of threads."""
    roots = list(roots)
    children = defaultdict(list)
    level = [c.pk for c in roots]
    for _depth in range(MAX_COMMENT_DEPTH - 1):
        if not level:
            break
        replies = list(Comment.objects.filter(parent_id__in=level).select_related("organisation", "author"))
        for c in replies:
            children[c.parent_id].append(c)
        level = [c.pk for c in replies]

    def walk(comment):
        return {"comment": comment, "replies": [walk(c) for c in children.get(comment.pk, [])]}

    return [walk(c) for c in roots]


def internal_notes(actor, round_: ConsultationRound, *, measure: Measure | None = None):
    """The coordination's internal notes of a round (none for anyone else);
    for a measure, the notes on it and on its amendments, oldest first."""
    if not policies.can_manage_plans(actor):
        return InternalNote.objects.none()
    qs = InternalNote.objects.filter(round=round_).select_related("author", "measure", "amendment")
    if measure is not None:
        qs = qs.filter(Q(measure=measure) | Q(amendment__measure=measure))
    return qs.order_by("created_at", "pk")


def measure_amendments(round_: ConsultationRound, measure: Measure):
    return Amendment.objects.filter(round=round_, measure=measure).select_related(
        "organisation", "version", "origin_decision__meeting", "origin_decision__group"
    )


def synthesis(round_: ConsultationRound) -> dict:
    """Positions per measure and per organisation type, contributions grouped by
    theme (the axe of the measure) with links back to the originals."""
    measures = list(
        Measure.objects.filter(pk__in=round_.version.measure_ids()).select_related("priority").order_by("number")
    )
    positions = Position.objects.filter(round=round_).select_related("organisation")
    per_measure: dict[int, Counter] = defaultdict(Counter)
    per_type: dict[str, Counter] = defaultdict(Counter)
    for pos in positions:
        per_measure[pos.measure_id][pos.value] += 1
        per_type[pos.organisation.type][pos.value] += 1
    values = list(PositionValue)
    measure_rows = [
        {"measure": m, "counts": [per_measure[m.pk][v] for v in values], "total": sum(per_measure[m.pk].values())}
        for m in measures
    ]
    type_labels = dict(OrganisationType.choices)
    type_rows = [
        {"type": type_labels.get(t, t), "counts": [c[v] for v in values], "total": sum(c.values())}
        for t, c in sorted(per_type.items())
    ]
    comments = Comment.objects.filter(round=round_).select_related("organisation", "measure__priority")
    amendments = Amendment.objects.filter(round=round_).select_related("organisation", "measure__priority")
    themes: dict[int, dict] = {}
    for m in measures:
        themes.setdefault(m.priority_id, {"priority": m.priority, "comments": [], "amendments": []})
    for c in comments:
        themes.setdefault(c.measure.priority_id, {"priority": c.measure.priority, "comments": [], "amendments": []})[
            "comments"
        ].append(c)
    for a in amendments:
        themes.setdefault(a.measure.priority_id, {"priority": a.measure.priority, "comments": [], "amendments": []})[
            "amendments"
        ].append(a)
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


def hearing_organisations(round_: ConsultationRound) -> QuerySet[Organisation]:
    """Who may be heard in this round (« le collectif sera entendu »): the active
    organisations invited to it, and the organisations that coordinate a
    directory network one of whose members is invited (a collective speaks for
    its members even when the round invited them one by one). One query with
    subqueries, whatever the size of the directory; `is_invited` tells the
    two apart for display."""
    invited = round_.invited.values("pk")
    heads = NetworkMembership.objects.filter(
        is_coordinator=True, network__in=NetworkMembership.objects.filter(organisation__in=invited).values("network")
    ).values("organisation")
    return (
        Organisation.objects.filter(is_active=True)
        .filter(Q(pk__in=invited) | Q(pk__in=heads))
        .annotate(
            is_invited=Exists(
                round_.invited.through.objects.filter(consultationround=round_, organisation=OuterRef("pk"))
            )
        )
        .order_by("name", "pk")
    )


def hearing_candidates(round_: ConsultationRound, text: str = "") -> QuerySet[Organisation]:
    """Who may be heard, narrowed by a search on the name or acronym."""
    allowed = hearing_organisations(round_)
    return allowed.filter(Q(name__icontains=text) | Q(acronym__icontains=text)) if text else allowed


def hearing_choice(round_: ConsultationRound, pk: int) -> list[Organisation]:
    """The organisation chosen, if it may be heard ([] otherwise)."""
    return list(hearing_organisations(round_).filter(pk=pk))


def pending_reports(actor, plan: Plan | None = None):
    if not policies.can_manage_plans(actor):
        return ProgressReport.objects.none()
    qs = ProgressReport.objects.filter(validated_at__isnull=True).select_related(
        "measure", "organisation", "status", "submitted_by"
    )
    return qs.filter(measure__plan=plan) if plan is not None else qs


def open_rounds():
    from django.utils import timezone

    now = timezone.now()
    return ConsultationRound.objects.filter(opens_at__lte=now, closes_at__gt=now)


def last_update_of(plan: Plan):
    return plan.measures.aggregate(last=Max("progress_updated_at"))["last"]


def open_data_plan(plan: Plan):
    """The adopted plan's measures with their indicators and validated
    measurements only (open data: what /plan/ shows, nothing in draft)."""
    return (
        Measure.objects.filter(plan=plan)
        .select_related("priority", "status", "lead")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related(
                    Prefetch(
                        "measurements",
                        queryset=Measurement.objects.filter(validated_at__isnull=False).order_by("date", "pk"),
                        to_attr="validated_measurements",
                    )
                ).order_by("pk"),
            )
        )
        .order_by("priority__number", "number")
    )


# --- Written synthesis ---------------------------------------------------------------


def consulted_measure_numbers(round_: ConsultationRound) -> dict[int, int]:
    """{measure id: number} of the measures in the version under consultation."""
    return dict(
        Measure.objects.filter(pk__in=round_.version.measure_ids()).order_by("number").values_list("pk", "number")
    )


def round_participants(round_: ConsultationRound):
    """The active memberships of the invited organisations (who hears of the round and of its synthesis)."""
    return (
        Membership.objects.active()
        .filter(organisation__in=round_.invited.all())
        .select_related("user", "organisation")
    )


def written_synthesis(round_: ConsultationRound) -> Synthesis | None:
    """The coordination's synthesis of a round, draft or published, with its lines."""
    return (
        Synthesis.objects.filter(round=round_)
        .select_related("published_by", "updated_by")
        .prefetch_related("items")
        .first()
    )


def published_synthesis_for(actor, round_: ConsultationRound) -> dict | None:
    """What a reader of the round sees of the synthesis: the coordination sees
    its draft, an invited organisation only the published text."""
    synthesis = written_synthesis(round_)
    if synthesis is None or not policies.can_read_synthesis(actor, synthesis):
        return None
    return {"synthesis": synthesis, "lines": synthesis_lines(round_, synthesis)}


def synthesis_lines(round_: ConsultationRound, synthesis: Synthesis | None) -> list[dict]:
    """One line per consulted measure, in number order, with its outcome and reasons (blank when not decided)."""
    items = {i.measure_id: i for i in synthesis.items.all()} if synthesis else {}
    measures = (
        Measure.objects.filter(pk__in=round_.version.measure_ids()).select_related("priority").order_by("number")
    )
    return [{"measure": m, "item": items.get(m.pk)} for m in measures]


def rounds_awaiting(actor) -> QuerySet[ConsultationRound]:
    """The rounds an invited organisation is asked to answer: upcoming or
    open, the soonest closing first (its home page and /plan/)."""
    from django.utils import timezone

    return (
        policies.rounds_visible_to(actor)
        .filter(closes_at__gt=timezone.now())
        .select_related("plan", "version")
        .order_by("closes_at", "pk")
    )


def round_switches(round_: ConsultationRound) -> dict[int, PrioritySetting]:
    """{priority id: its switches} of a round (the edit form's initial values)."""
    return {s.priority_id: s for s in round_.priority_settings.all()}
