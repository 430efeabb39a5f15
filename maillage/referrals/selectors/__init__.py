"""Reads of referrals. Every list starts from `policies.referrals_visible_to`
(or `placements_visible_to`), so no list can show a referral the detail page
would refuse. Functions take an actor (`maillage.organisations.actor`): views
pass `actor_for_request(request)`, read once per request.

Access to the case itself is the case file's (`cases.policies`, its grants):
nothing here decides who reads a case."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.listing import capped_counts

from .. import policies, roles
from ..enums import ReferralStatus
from ..models import Referral
from .acse import (
    AcseCentre,
    acse_arrivals,
    acse_centres_for,
    acse_host_label,
    acse_partner_centres,
    acse_to_place,
    case_placements,
    placement_for,
    placements_for,
)
from .figures import coordination_figures, small, suppressed_row
from .labels import service_labels

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
    from maillage.cases.enums import RESIDENCE_UNKNOWN
    from maillage.directory.selectors import display_language
    from maillage.directory.selectors.recipients import ELSEWHERE, recipients_for
    from maillage.directory.viewers import MEMBERS
    from maillage.territories import reference as ref

    distancing = service in DISTANCING_SERVICES
    excluded = {d for d in [case.exploitation_departement, *danger_departements] if d} if distancing else set()
    # The competent body is the one of the child's residence when recorded
    # (CASF L226-3), then of the département of the facts, then of where the
    # person is (the sender's département) (CPP art. 43).
    residence = case.residence_departement if case.residence_departement != RESIDENCE_UNKNOWN else ""
    anchors = (
        [] if distancing else [d for d in (residence, case.exploitation_departement, organisation.departement) if d]
    )
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
                % {
                    "langs": ", ".join(
                        ref.language_name(c, display_language()) for c in sorted(spoken) if ref.is_language_code(c)
                    )
                }
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


# --- the pathways page of a case (minors' chain, return plans, exchanges) ----------------------


def minor_steps_for(actor, organisation, case):
    """The whole chain of a child, for whoever may read it (policies.can_view_minor_chain)."""
    from ..models import MinorStep

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
    from ..models import MinorStep

    if roles.acting_membership(actor, organisation) is None:
        return MinorStep.objects.none()
    return (
        MinorStep.objects.filter(owner_organisation=organisation, done_at__isnull=True, waived_reason="")
        .select_related("case", "source_step__owner_organisation")
        .order_by("due_at", "id")
    )


def competent_departements(case) -> list[str]:
    """Where the competent CRIP and parquet are, most competent first (issue
    10.3): the child's département of residence (CASF L226-3; C. civ. art.
    375-1, CPC art. 1181: the juge des enfants of where the child lives), then
    where the child was found (the département of the facts), then where the
    child is cared for (the case holder's). Unknown or unrecorded places are
    skipped."""
    from maillage.cases.enums import RESIDENCE_UNKNOWN

    residence = case.residence_departement if case.residence_departement != RESIDENCE_UNKNOWN else ""
    places = (residence, case.exploitation_departement, case.organisation.departement)
    return list(dict.fromkeys(d for d in places if d))


def minor_recipient_candidates(case, kind_of_recipient: str) -> list:
    """The CRIPs or parquets to propose for a transmission, the competent ones
    first (`competent_departements`: the child's residence, where the child was
    found, where the child is cared for), then by distance from the first of
    them (issue 10.3). Each carries `has_account` and `competent`."""
    from django.db.models import Exists, OuterRef

    from maillage.organisations.enums import OrganisationType, Role
    from maillage.organisations.models import Membership, Organisation
    from maillage.territories import reference

    org_type = {"crip": OrganisationType.CHILD_PROTECTION, "parquet": OrganisationType.PROSECUTOR}[kind_of_recipient]
    accounts = Membership.objects.active().filter(organisation=OuterRef("pk"), role=Role.CASE_WORKER)
    orgs = list(Organisation.objects.filter(type=org_type).annotate(has_account=Exists(accounts)).order_by("name"))
    competent = competent_departements(case)
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
    from ..models import ReturnPlan

    if not policies.can_act_on_case(actor, organisation, case):
        return ReturnPlan.objects.none()
    return ReturnPlan.objects.filter(case=case).order_by("-created_at")


def return_plan_of(actor, organisation, case, pk):
    return return_plans_for(actor, organisation, case).filter(pk=pk or 0).first()


def exchanges_for(actor, organisation, case):
    from ..models import InternationalExchange

    if not policies.can_act_on_case(actor, organisation, case):
        return InternationalExchange.objects.none()
    return InternationalExchange.objects.filter(case=case).select_related("counterpart")


def exchange_of(actor, organisation, case, pk):
    return exchanges_for(actor, organisation, case).filter(pk=pk or 0).first()


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

    from ..enums import ExchangeDirection
    from ..models import InternationalExchange

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


__all__ = [  # the names read from the split modules
    "AcseCentre",
    "acse_arrivals",
    "acse_centres_for",
    "acse_host_label",
    "acse_partner_centres",
    "acse_to_place",
    "case_placements",
    "coordination_figures",
    "placement_for",
    "placements_for",
    "service_labels",
    "small",
    "suppressed_row",
]
