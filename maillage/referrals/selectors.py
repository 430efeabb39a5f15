"""Reads of referrals. Every list starts from `policies.referrals_visible_to`
(or `placements_visible_to`), so no list can show a referral the detail page
would refuse. Functions take an actor (`maillage.organisations.actor`): views
pass `actor_for_request(request)`, read once per request.

Access to the case itself is the case file's (`cases.policies`, its grants):
nothing here decides who reads a case."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.listing import capped_counts

from . import policies, roles, workflow
from .enums import ReferralStatus
from .models import Referral

S = ReferralStatus

# --- inbox / outbox --------------------------------------------------------------

GROUPS = {
    "attente": _("En attente"),
    "retard": _("En retard"),
    "acceptees": _("Acceptées"),
    "refusees": _("Refusées"),
    "closes": _("Retirées, expirées, brouillons"),
}


def _group_q(group: str, now) -> Q | None:
    return {
        "attente": Q(status=S.SENT, answer_due_at__gte=now),
        "retard": Q(status=S.SENT, answer_due_at__lt=now),
        "acceptees": Q(status__in=[S.ACCEPTED, S.COMPLETED]),
        "refusees": Q(status=S.DECLINED),
        "closes": Q(status__in=[S.DRAFT, S.WITHDRAWN, S.EXPIRED]),
    }.get(group)


@dataclass
class Box:
    box: str  # "recues" or "envoyees"
    group: str
    counts: dict[str, int] = field(default_factory=dict)
    referrals: QuerySet | None = None

    def waiting(self, limit: int = 5) -> list[Referral]:
        """The first referrals of the box still waiting for an answer (home panel)."""
        return list(self.referrals.filter(status=S.SENT)[:limit]) if self.referrals is not None else []


def box_for(actor, organisation, *, box: str = "recues", group: str = "") -> Box:
    now = timezone.now()
    # Same rows as policies.referrals_visible_to, written per box so that
    # each query uses its (organisation, created_at) index instead of an OR.
    if roles.acting_membership(actor, organisation) is None:
        qs = Referral.objects.none()
    elif box == "envoyees":
        qs = Referral.objects.filter(sender_organisation=organisation)
    else:
        box = "recues"
        qs = Referral.objects.filter(recipient_organisation=organisation).exclude(status=S.DRAFT)
    # Per-state counts read through the (organisation, status) indexes and
    # capped, in one statement: the aggregate read every referral the
    # organisation ever had (7,609 at national scale, issue 17).
    counts = capped_counts({key: qs.filter(_group_q(key, now)) for key in GROUPS})
    listed = qs
    if (q := _group_q(group, now)) is not None:
        listed = listed.filter(q)
    else:
        group = ""
    listed = (
        listed.select_related("case", "sender_organisation", "recipient_organisation")
        .only(
            "id",
            "kind",
            "status",
            "service",
            "created_at",
            "sent_at",
            "answer_due_at",
            "decided_at",
            "case__reference",
            "case__treated_as_minor",
            "sender_organisation__name",
            "recipient_organisation__name",
        )
        .order_by("-created_at", "-id")
    )
    return Box(box=box, group=group, counts=counts, referrals=listed)


def referral_for(actor, organisation, pk) -> Referral | None:
    return (
        policies.referrals_visible_to(actor, organisation)
        .select_related("case", "sender_organisation", "recipient_organisation", "sender_user", "decided_by")
        .filter(pk=pk)
        .first()
    )


def history_of(referral: Referral) -> QuerySet:
    """The referral's history (a referral the caller got from `referral_for`)."""
    return referral.events.select_related("actor")


def referrals_for_case(actor, organisation, case) -> QuerySet[Referral]:
    return (
        policies.referrals_visible_to(actor, organisation)
        .filter(case=case)
        .select_related("sender_organisation", "recipient_organisation")
    )


def pending_count(actor, organisation) -> int:
    return (
        policies.referrals_visible_to(actor, organisation)
        .filter(recipient_organisation=organisation, status=S.SENT)
        .count()
    )


# --- suggested recipients ------------------------------------------------------

# Services for which the person must be moved away from where they were
# exploited or are in danger (R-ACSE distancing; rules.md §3.4, §3.5.5).
DISTANCING_SERVICES = frozenset({"secure_accommodation", "emergency_accommodation"})


@dataclass
class Suggestion:
    organisation: object
    profile: object
    reasons: list[str]
    bonus: int = 0


def suggest_recipients(
    *, user, organisation, case, service: str, danger_departements=(), text: str = "", limit: int = 10
) -> list[Suggestion]:
    """Recipients from the directory (maillage.directory.selectors.recipients:
    the competent body first, the bodies the law addresses a transmission to
    included, with its legal basis), then, within the same competence tier,
    what fits the person: languages spoken, forms of exploitation handled,
    places available. Minors only to organisations receiving minors or acting
    for them by law. For accommodation, départements where the person was
    exploited or is in danger are excluded. `hints` on the returned list say
    which filter to loosen when nothing is found."""
    from maillage.directory.selectors.recipients import ELSEWHERE, recipients_for
    from maillage.directory.viewers import MEMBERS
    from maillage.territories import reference as ref

    distancing = service in DISTANCING_SERVICES
    excluded = {d for d in [case.exploitation_departement, *danger_departements] if d} if distancing else set()
    # The competent body is the one of the département of the facts, then of
    # where the person is (the sender's département) (CASF L226-3, CPP art. 43).
    anchors = [] if distancing else [case.exploitation_departement, organisation.departement]
    found = recipients_for(
        viewer=user,
        text=text,
        service=service or None,
        anchors=anchors,
        minors=bool(case.treated_as_minor),
        referrals_only=not text,
        excluded_departements=excluded,
        exclude_organisations=[organisation.pk],
        exclude_types=list(policies.NOT_A_RECIPIENT),
        limit=max(limit * 4, 40),
    )
    wanted_languages = set(case.languages)
    wanted_forms = set(case.exploitation_forms)
    out = SuggestionList(hints=found.hints)
    ranked = []
    for rank, result in enumerate(found):
        profile = result.profile
        reasons = list(result.reasons)
        if not profile.accepts_referrals and not (found.service and found.service.receiving_types):
            reasons.append(_("N'indique pas recevoir d'orientations dans l'annuaire : prenez contact avant d'envoyer"))
        bonus = 0
        spoken = wanted_languages & {lang.code for lang in profile.languages.all()}
        if spoken:
            bonus += 2 * len(spoken)
            reasons.append(
                _("Parle : %(langs)s")
                % {"langs": ", ".join(ref.language_name(c) for c in sorted(spoken) if ref.is_language_code(c))}
            )
        handled = wanted_forms & {f.code for f in profile.exploitation_forms.all()}
        if handled:
            bonus += len(handled)
            reasons.append(
                _("Accompagne les victimes de : %(forms)s")
                % {
                    "forms": ", ".join(
                        sorted(f.display_label for f in profile.exploitation_forms.all() if f.code in handled)
                    )
                }
            )
        if MEMBERS in result.groups and profile.capacity_places:  # capacity is members-only
            bonus += 1
            reasons.append(_("Places déclarées disponibles : %(n)s") % {"n": profile.capacity_places})
        if excluded:
            reasons.append(_("Éloignée des départements à éviter (%(deps)s)") % {"deps": ", ".join(sorted(excluded))})
        suggestion = Suggestion(organisation=profile.organisation, profile=profile, reasons=reasons, bonus=bonus)
        # Competence first (the directory's tier); within the département or
        # région (or anywhere, for accommodation away from danger), what fits
        # the person; farther away, distance before fit.
        fit = -bonus if distancing or result.tier < ELSEWHERE else 0
        ranked.append(((result.tier, fit, rank), suggestion))
    ranked.sort(key=lambda pair: pair[0])
    out.extend(suggestion for _key, suggestion in ranked)
    del out[limit:]
    return out


class SuggestionList(list):
    """The suggestions, and when there are none, which filter to loosen."""

    def __init__(self, *args, hints=()):
        super().__init__(*args)
        self.hints = list(hints)


def service_labels() -> dict[str, str]:
    from maillage.directory.models import Service

    return {s.code: s.display_label for s in Service.objects.only("code", "label", "label_en")}


def service_choices() -> list[tuple[str, str]]:
    """The directory's services, in their catalogue order (referral forms)."""
    from maillage.directory.models import Service

    return [
        (s.code, s.display_label) for s in Service.objects.order_by("order", "code").only("code", "label", "label_en")
    ]


def chosen_organisation(pk, *, active_only: bool = True):
    """The organisation a form names by its id (a referral's recipient, an Ac.Sé
    host), or None. The services check whether it may receive."""
    from maillage.organisations.models import Organisation

    organisations = Organisation.objects.filter(is_active=True) if active_only else Organisation.objects.all()
    return organisations.filter(pk=pk or 0).first()


def foreign_counterparts():
    """Foreign counterparts of the directory (Warsaw art. 34 exchanges)."""
    from maillage.organisations.enums import OrganisationType
    from maillage.organisations.models import Organisation

    return Organisation.objects.filter(type=OrganisationType.FOREIGN_COUNTERPART, is_active=True).order_by("name")


# --- Ac.Sé ---------------------------------------------------------------------------


def acse_host_label(actor, organisation, placement) -> str:
    """The host for the coordination and the host; a neutral phrase for the
    referring organisation (R-ACSE: host location confidential)."""
    if placement.host_id is None:
        return ""
    if policies.can_see_acse_host(actor, organisation, placement):
        return placement.host.name
    return str(_("Hébergée dans un centre partenaire"))


def placements_for(actor, organisation, *, limit: int = 200) -> list:
    """The Ac.Sé list: each placement with the host as this organisation may
    see it (`host_label`)."""
    placements = list(
        policies.placements_visible_to(actor, organisation).select_related("case", "host", "referring_organisation")[
            :limit
        ]
    )
    for placement in placements:
        placement.host_label = acse_host_label(actor, organisation, placement)
    return placements


def case_placements(actor, organisation, case) -> list:
    """The Ac.Sé requests of one case, as the organisation may see them."""
    placements = list(
        policies.placements_visible_to(actor, organisation).filter(case=case).select_related("host", "case")
    )
    for placement in placements:
        placement.host_label = acse_host_label(actor, organisation, placement)
    return placements


def placement_for(actor, organisation, pk):
    return (
        policies.placements_visible_to(actor, organisation)
        .select_related("case", "host", "referring_organisation", "coordination")
        .filter(pk=pk)
        .first()
    )


# --- Ac.Sé: the centres that fit, the queues (issue 10.4) ------------------------------------


@dataclass(frozen=True)
class AcseCentre:
    """A partner centre as the coordination chooses it: where it is and how
    many places it has left (declared in the directory, minus the arrivals
    announced since that declaration)."""

    organisation: object
    commune: str
    departement: str
    departement_label: str
    places_left: int | None
    in_danger_zone: bool

    @property
    def fits(self) -> bool:
        return not self.in_danger_zone and (self.places_left or 0) > 0


def acse_partner_centres(coordination, *, danger_departements=(), only: int | None = None) -> list[AcseCentre]:
    """The members of the Ac.Sé networks `coordination` coordinates (the
    directory's networks), with their département and places left. Two
    queries whatever the number of centres."""
    from maillage.directory.enums import NetworkKind
    from maillage.directory.models import NetworkMembership, Profile
    from maillage.territories import reference as ref

    from .models import AcsePlacement

    networks = NetworkMembership.objects.filter(
        organisation=coordination, is_coordinator=True, network__kind=NetworkKind.ACSE
    ).values("network_id")
    profiles = (
        Profile.objects.filter(
            organisation__network_memberships__network_id__in=networks,
            organisation__network_memberships__is_coordinator=False,
            organisation__is_active=True,
        )
        .exclude(organisation=coordination)
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name")
    )
    if only is not None:
        profiles = profiles.filter(organisation_id=only)
    profiles = list(profiles)
    announced = AcsePlacement.objects.filter(
        host_id__in=[p.organisation_id for p in profiles], status__in=workflow.ACSE_ANNOUNCED_STATUSES
    ).values_list("host_id", "placed_at")
    taken: dict[int, list] = {}
    for host_id, placed_at in announced:
        taken.setdefault(host_id, []).append(placed_at)
    centres = []
    danger = set(danger_departements)
    for profile in profiles:
        places = profile.capacity_places
        if places is not None:
            since = profile.capacity_updated_at
            places -= sum(1 for at in taken.get(profile.organisation_id, []) if since is None or (at and at > since))
            places = max(places, 0)
        dep = profile.departement or profile.organisation.departement
        centres.append(
            AcseCentre(
                organisation=profile.organisation,
                commune=profile.commune,
                departement=dep,
                departement_label=ref.departement(dep).label if ref.is_departement_code(dep) else "",
                places_left=places,
                in_danger_zone=bool(dep) and dep in danger,
            )
        )
    return centres


def acse_centres_for(placement) -> tuple[list[AcseCentre], int]:
    """The centres the coordination may choose for `placement` (away from the
    danger départements, with places), and how many members were left out."""
    current = placement.host_id if placement.status in workflow.ACSE_HOST_ACCESS_STATUSES else None
    centres = [
        c
        for c in acse_partner_centres(placement.coordination, danger_departements=placement.danger_departements)
        if c.organisation.pk != current
    ]
    fitting = [c for c in centres if c.fits]
    return fitting, len(centres) - len(fitting)


def acse_to_place(actor, organisation):
    """The coordination's queue: requests to assess and place (a no-show
    included), most urgent first, then the oldest (issue 10.1)."""
    from django.db.models import Case as CaseWhen
    from django.db.models import IntegerField, Value, When

    from .enums import AcseUrgency

    rank = CaseWhen(
        When(urgency=AcseUrgency.IMMEDIATE, then=Value(0)),
        When(urgency=AcseUrgency.DAYS, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        policies.placements_visible_to(actor, organisation)
        .filter(coordination=organisation, status__in=workflow.ACSE_PLACEABLE_STATUSES)
        .select_related("case", "referring_organisation")
        .annotate(urgency_rank=rank)
        .order_by("urgency_rank", "created_at", "id")
    )


def acse_arrivals(actor, organisation):
    """The host's queue: announced arrivals to confirm, the oldest first.
    Only the pseudonymous case reference travels with it (R-ACSE; Warsaw art. 11)."""
    return (
        policies.placements_visible_to(actor, organisation)
        .filter(host=organisation, status__in=workflow.ACSE_ANNOUNCED_STATUSES)
        .select_related("case")
        .order_by("placed_at", "id")
    )


# --- the pathways page of a case (minors' chain, return plans, exchanges) ----------------------


def minor_steps_for(actor, organisation, case):
    """The whole chain of a child, for whoever may read it (policies.can_view_minor_chain)."""
    from .models import MinorStep

    if not policies.can_view_minor_chain(actor, organisation, case):
        return MinorStep.objects.none()
    return (
        MinorStep.objects.filter(case=case)
        .select_related("owner_organisation", "recipient_organisation", "done_by", "source_step")
        .order_by("due_at", "kind", "sequence")
    )


def minor_step_of(actor, organisation, case, pk):
    return minor_steps_for(actor, organisation, case).filter(pk=pk or 0).first()


def minor_chain_case(actor, organisation, case_pk):
    """The case whose chain the organisation may read (its holder, a CRIP or a
    parquet that owns one of its steps, a partner with an accepted referral), or None."""
    from maillage.cases.models import Case

    case = Case.objects.filter(pk=case_pk or 0).select_related("organisation").first()
    if case is None or not policies.can_view_minor_chain(actor, organisation, case):
        return None
    return case


def minor_steps_waiting_for(actor, organisation):
    """Open steps the organisation owns, most urgent first (its work queue):
    one query, whatever the number of cases."""
    from .models import MinorStep

    if roles.acting_membership(actor, organisation) is None:
        return MinorStep.objects.none()
    return (
        MinorStep.objects.filter(owner_organisation=organisation, done_at__isnull=True, waived_reason="")
        .select_related("case", "source_step__owner_organisation")
        .order_by("due_at", "id")
    )


def minor_recipient_candidates(case, kind_of_recipient: str) -> list:
    """The CRIPs or parquets to propose for a transmission, the competent ones
    first: those of the département of the facts and of the département where
    the child is cared for (the case holder's), then by distance from the
    facts (issue 10.3). Each carries `has_account` and `competent`."""
    from django.db.models import Exists, OuterRef

    from maillage.organisations.enums import OrganisationType, Role
    from maillage.organisations.models import Membership, Organisation
    from maillage.territories import reference

    org_type = {"crip": OrganisationType.CHILD_PROTECTION, "parquet": OrganisationType.PROSECUTOR}[kind_of_recipient]
    accounts = Membership.objects.active().filter(organisation=OuterRef("pk"), role=Role.CASE_WORKER)
    orgs = list(Organisation.objects.filter(type=org_type).annotate(has_account=Exists(accounts)).order_by("name"))
    competent = [d for d in (case.exploitation_departement, case.organisation.departement) if d]
    origin = competent[0] if competent else ""

    def centroid(code):
        try:
            return reference.departement(code).centroid if code else None
        except (KeyError, ValueError):
            return None

    here = centroid(origin)

    def distance(org):
        there = centroid(org.departement)
        if here is None or there is None:
            return float("inf")
        return (here[0] - there[0]) ** 2 + (here[1] - there[1]) ** 2

    for org in orgs:
        org.competent = org.departement in competent
    return sorted(
        orgs,
        key=lambda o: (not o.competent, competent.index(o.departement) if o.competent else 0, distance(o), o.name),
    )


def return_plans_for(actor, organisation, case):
    from .models import ReturnPlan

    if not policies.can_act_on_case(actor, organisation, case):
        return ReturnPlan.objects.none()
    return ReturnPlan.objects.filter(case=case).order_by("-created_at")


def return_plan_of(actor, organisation, case, pk):
    return return_plans_for(actor, organisation, case).filter(pk=pk or 0).first()


def exchanges_for(actor, organisation, case):
    from .models import InternationalExchange

    if not policies.can_act_on_case(actor, organisation, case):
        return InternationalExchange.objects.none()
    return InternationalExchange.objects.filter(case=case).select_related("counterpart")


def exchange_of(actor, organisation, case, pk):
    return exchanges_for(actor, organisation, case).filter(pk=pk or 0).first()


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

    from .enums import MinorStepKind
    from .models import MinorStep

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
    from .models import AnonymousNotification

    # UK « duty to notify »: refusals still count nationally.
    anonymous = AnonymousNotification.objects.values("reason").annotate(n=Count("pk")).order_by("reason")
    from .enums import AnonymousReason

    reasons = dict(AnonymousReason.choices)
    anonymous_rows = [{"reason": reasons.get(r["reason"], r["reason"]), "count": small(r["n"])} for r in anonymous]
    return {
        "by_service": by_service,
        "by_territory": by_territory,
        "overdue_steps": overdue_steps,
        "anonymous": anonymous_rows,
    }


# --- work queue (issue 10) ---------------------------------------------------------


def awaiting_answer(actor, organisation) -> QuerySet[Referral]:
    """Referrals `organisation` received and has not answered yet, the nearest
    answer deadline first (the « À traiter » queue). The same rows as the
    inbox's « en attente » and « en retard » groups: the recipient's side only."""
    if roles.acting_membership(actor, organisation) is None:
        return Referral.objects.none()
    return (
        Referral.objects.filter(recipient_organisation=organisation, status=S.SENT)
        .select_related("case", "sender_organisation")
        .only(
            "id",
            "kind",
            "status",
            "service",
            "sent_at",
            "created_at",
            "answer_due_at",
            "urgent",
            "case__reference",
            "case__treated_as_minor",
            "sender_organisation__name",
        )
        .order_by("answer_due_at", "sent_at", "id")
    )


def police_liaisons():
    """Police and gendarmerie services of the directory, to receive an urgent
    alert from abroad at once (Warsaw art. 33; issue 11)."""
    from maillage.organisations.enums import OrganisationType
    from maillage.organisations.models import Organisation

    return Organisation.objects.filter(type=OrganisationType.POLICE, is_active=True).order_by("name")


def incoming_exchanges_awaiting(actor, organisation):
    """Requests from abroad about the organisation's own cases that France has
    not answered yet (Warsaw art. 34.4: without delay), urgent and oldest first."""
    from maillage.cases import policies as case_policies

    from .enums import ExchangeDirection
    from .models import InternationalExchange

    owned = case_policies.cases_visible_to(actor, organisation).filter(organisation=organisation)
    return (
        InternationalExchange.objects.filter(
            direction=ExchangeDirection.INCOMING,
            answered_at__isnull=True,
            answer_due_on__isnull=False,
            case__in=owned,
        )
        .select_related("case", "counterpart")
        .order_by("-urgent", "answer_due_on", "sent_at", "id")
    )
