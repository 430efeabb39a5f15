"""Recipients of a transmission or a referral, the competent one first (issue 10 item 3).

The directory answers « who should receive this person or this report? »:

- a transmission the law addresses to a public body (a report to the
  prosecutor, an information préoccupante, a person to hear…: the services
  with `receiving_types`, migration 0005) reaches every body of those types,
  whatever its profile lists, and shows its legal basis;
- public bodies act for minors by law (CPP art. 40, CASF L226-3): the
  « receives minors » filter, which reads the publics an association declares,
  never hides them;
- ranking: the bodies located in (or listing) the département of the facts or
  of the person's residence first, then those working in its région or
  nationally, then the others by distance between département centroids, so
  an overseas or distant body never comes first unless it is asked for by
  name (its words then rank it);
- an empty result says which filter to loosen (one count per filter, only
  when nothing is found).

Everything starts from `policies.profiles_visible_to(viewer)`; the number of
queries does not grow with the data (candidates ranked on a narrow
`values_list`, the page loaded with its relations prefetched).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from maillage.core.legal import legal_reference
from maillage.organisations.enums import OrganisationType as T
from maillage.territories import reference

from .. import viewers
from ..enums import MINOR_PUBLICS, TerritoryKind
from ..models import Profile, ProfilePublic, ProfileTerritory, Service

# Bodies whose competence covers minors by law, whatever publics their profile
# lists: prosecutor (CPP art. 40, CASF L226-4), police and gendarmerie,
# child protection (CASF L226-3), labour inspection, courts and PJJ.
STATUTORY_TYPES = frozenset({T.PROSECUTOR, T.POLICE, T.CHILD_PROTECTION, T.LABOUR_INSPECTION, T.COURT, T.PJJ})

# Competence tiers, best first.
IN_DEPARTEMENT = 0  # located in, or listing, the département of the facts / residence
IN_REGION = 1  # listing its région, or national
ELSEWHERE = 2  # ranked by distance


@dataclass
class Recipient:
    profile: Profile
    score: float
    tier: int
    distance_km: float | None
    reasons: list[str]
    groups: frozenset[str] = frozenset()

    @property
    def organisation(self):
        return self.profile.organisation


@dataclass
class Recipients:
    results: list[Recipient]
    # When nothing is found: what to loosen, in words (« Sans le filtre … : 4 organisations »).
    hints: list[str] = field(default_factory=list)
    service: Service | None = None

    def __iter__(self):
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)


def service_for(code) -> Service | None:
    return Service.objects.filter(code=code).first() if code else None


def _minors_q() -> Q:
    declared = Q(pk__in=ProfilePublic.objects.filter(code__in=MINOR_PUBLICS).values("profile_id"))
    return declared | Q(organisation__type__in=STATUTORY_TYPES)


def _normalise_anchors(anchors) -> list[str]:
    out: list[str] = []
    for code in anchors or ():
        if code and reference.is_departement_code(reference.normalise_departement_code(code)):
            code = reference.normalise_departement_code(code)
            if code not in out:
                out.append(code)
    return out


@dataclass(frozen=True)
class _Filters:
    """The filters of one recipient search, each removable for the hints."""

    text: str = ""
    service: Service | None = None
    minors: bool = False
    referrals_only: bool = False
    excluded_departements: frozenset[str] = frozenset()

    def queryset(self, viewer, *, exclude_organisations, exclude_types) -> QuerySet[Profile]:
        from . import _match_words, filtered_profiles, service_q

        qs = filtered_profiles(viewer=viewer).exclude(organisation_id__in=list(exclude_organisations))
        if exclude_types:
            qs = qs.exclude(organisation__type__in=list(exclude_types))
        if self.service is not None:
            qs = qs.filter(service_q(self.service))
        if self.minors:
            qs = qs.filter(_minors_q())
        if self.referrals_only:
            # Suggestions list organisations that take referrals, and the bodies
            # that receive this transmission by law; a name search finds anyone.
            takes = Q(accepts_referrals=True)
            if self.service is not None and self.service.receiving_types:
                takes |= Q(organisation__type__in=self.service.receiving_types)
            qs = qs.filter(takes)
        if self.excluded_departements:
            qs = qs.exclude(departement__in=sorted(self.excluded_departements))
        from .. import search

        return _match_words(qs, search.query_tokens(self.text)[:10])


def recipients_for(
    *,
    viewer,
    text: str = "",
    service=None,
    anchors=(),
    minors: bool = False,
    referrals_only: bool = False,
    excluded_departements=(),
    exclude_organisations=(),
    exclude_types=(),
    limit: int = 10,
) -> Recipients:
    """Ranked recipients (see the module docstring). `anchors`: the
    départements of the facts and of the person's residence (or of the
    sender), the first competent; `excluded_departements`: départements to
    keep the person away from (R-ACSE distancing), never proposed."""
    from . import _ReasonContext, with_relations

    viewer = viewers.viewer_for(viewer)
    service_obj = service if isinstance(service, Service) or service is None else service_for(service)
    anchors = _normalise_anchors(anchors)
    filters = _Filters(
        text=(text or "").strip(),
        service=service_obj,
        minors=minors,
        referrals_only=referrals_only,
        excluded_departements=frozenset(_normalise_anchors(excluded_departements)),
    )
    excluded = {"exclude_organisations": tuple(exclude_organisations), "exclude_types": tuple(exclude_types)}
    qs = filters.queryset(viewer, **excluded)
    candidates = list(qs.values_list("pk", "score", "departement", "is_national", "search_name"))
    # The candidates as a subquery, not thousands of ids bound as parameters.
    listed = _listed_territories(qs.values("pk") if candidates else [], anchors)
    regions = {reference.departement(a).region_code for a in anchors}
    # Thousands of candidates but about a hundred départements: what depends on
    # the département alone (its anchor rank, its distance) is worked out once.
    by_departement: dict[str | None, tuple[int, float | None]] = {}

    def departement_facts(dep):
        facts = by_departement.get(dep)
        if facts is None:
            rank = next((i for i, a in enumerate(anchors) if a == dep), len(anchors))
            distance = None
            if anchors and dep and reference.is_departement_code(dep):
                distance = min(reference.distance_km(a, dep) for a in anchors)
            facts = by_departement[dep] = (rank, distance)
        return facts

    no_listing = (frozenset(), frozenset())
    ranked = []
    for pk, score, dep, national, search_name in candidates:
        deps, regs = listed.get(pk, no_listing)
        # Which anchor it is competent for: the département of the facts first.
        anchor_rank, distance = departement_facts(dep)
        if deps:
            anchor_rank = min(anchor_rank, next((i for i, a in enumerate(anchors) if a in deps), len(anchors)))
        if anchor_rank < len(anchors):
            tier = IN_DEPARTEMENT
        elif national or regs & regions:
            tier = IN_REGION
        else:
            tier = ELSEWHERE
        far = math.inf if distance is None else distance
        ranked.append((tier, anchor_rank, -float(score), far, search_name, pk, distance))
    ranked.sort()
    top = ranked[: max(0, limit)]
    profiles = {p.pk: p for p in with_relations(Profile.objects.filter(pk__in=[row[5] for row in top]))}
    from .. import search

    context = _ReasonContext(
        words=search.query_tokens(filters.text)[:10],
        departement=anchors[0] if anchors else None,
        region=None,
        service=None,
        form=None,
        public=None,
        language=None,
        accepts_minors=None,
        has_capacity=None,
        network=None,
    )
    results = []
    for tier, _anchor, _score, _far, _name, pk, distance in top:
        profile = profiles[pk]
        reasons = context.reasons(profile)
        if len(anchors) > 1 and tier == IN_DEPARTEMENT and profile.departement in anchors[1:]:
            reasons.append(
                _("Implantée dans le département %(dep)s") % {"dep": reference.departement(profile.departement).label}
            )
        if service_obj is not None:
            reasons.extend(_service_reasons(service_obj, profile, minors=minors))
        elif minors and profile.organisation.type in STATUTORY_TYPES:
            reasons.append(_("Compétent pour les mineur·es (mission légale)"))
        results.append(
            Recipient(
                profile=profile,
                score=-_score,
                tier=tier,
                distance_km=distance,
                reasons=reasons,
                groups=viewers.field_groups(viewer, profile),
            )
        )
    hints = _hints(viewer, filters, excluded) if not results else []
    return Recipients(results=results, hints=hints, service=service_obj)


def _listed_territories(pks, anchors: list[str]) -> dict[int, tuple[set[str], set[str]]]:
    """profile id → (anchor départements it lists, anchor régions it lists): one
    query; `pks` is a list of ids or a subquery of them."""
    if (isinstance(pks, list) and not pks) or not anchors:
        return {}
    regions = {reference.departement(a).region_code for a in anchors}
    out: dict[int, tuple[set[str], set[str]]] = {}
    rows = ProfileTerritory.objects.filter(
        Q(kind=TerritoryKind.DEPARTEMENT, code__in=anchors) | Q(kind=TerritoryKind.REGION, code__in=regions),
        profile_id__in=pks,
    ).values_list("profile_id", "kind", "code")
    for pk, kind, code in rows:
        deps, regs = out.setdefault(pk, (set(), set()))
        (deps if kind == TerritoryKind.DEPARTEMENT else regs).add(code)
    return out


def _service_reasons(service: Service, profile: Profile, *, minors: bool) -> list[str]:
    if service.receiving_types and profile.organisation.type in service.receiving_types:
        reason = _("Destinataire prévu par la loi : %(service)s (%(source)s)") % {
            "service": service.display_label,
            "source": legal_reference(service.source),
        }
        out = [reason]
        if minors:
            out.append(_("Compétent pour les mineur·es (mission légale)"))
        return out
    return [_("Service : %(label)s") % {"label": service.display_label}]


def _hints(viewer, filters: _Filters, excluded: dict) -> list[str]:
    """For an empty result: how many organisations each filter alone hides."""
    options = []
    if filters.text:
        options.append((_("le nom « %(text)s »") % {"text": filters.text}, {"text": ""}))
    if filters.service is not None:
        options.append((_("le service « %(label)s »") % {"label": filters.service.display_label}, {"service": None}))
    if filters.minors:
        options.append((_("l'accueil des mineur·es"), {"minors": False}))
    if filters.referrals_only:
        options.append((_("« accepte les orientations »"), {"referrals_only": False}))
    if filters.excluded_departements:
        options.append((_("les départements à éviter"), {"excluded_departements": frozenset()}))
    hints = []
    for label, change in options:
        loosened = dataclasses.replace(filters, **change)
        count = loosened.queryset(viewer, **excluded).count()
        if count:
            hints.append(
                _("Sans le filtre sur %(filter)s : %(count)s organisation(s).") % {"filter": label, "count": count}
            )
    if not hints:
        hints.append(
            _("Aucune organisation ne correspond, même en retirant un filtre : vérifiez l'orthographe du nom.")
        )
    return hints


def transmission_refusal(service_code: str, organisation_type: str) -> str:
    """Why an organisation of `organisation_type` cannot receive the
    transmission `service_code` (a report to the prosecutor goes to a
    parquet…), in French; "" when it can, or when the service is not a
    transmission the law addresses to given bodies."""
    service = service_for(service_code)
    if service is None or not service.receiving_types or organisation_type in service.receiving_types:
        return ""
    labels = dict(T.choices)
    return _("« %(service)s » s'adresse à : %(types)s (%(source)s). Choisissez un destinataire de ce type.") % {
        "service": service.display_label,
        "types": ", ".join(str(labels.get(t, t)) for t in service.receiving_types),
        "source": service.source,
    }


# What each search filter is called in the « loosen this filter » hints.
FILTER_NAMES = {
    "text": _lazy("les mots-clés"),
    "departement": _lazy("le département"),
    "region": _lazy("la région"),
    "service": _lazy("le service"),
    "form": _lazy("la forme d'exploitation"),
    "public": _lazy("le public"),
    "language": _lazy("la langue parlée"),
    "network": _lazy("le réseau"),
    "country": _lazy("le pays"),
    "accepts_minors": _lazy("l'accueil des mineur·es"),
    "has_capacity": _lazy("les places disponibles"),
}


def loosen_hints(*, viewer, **filters) -> list[str]:
    """For a search that found nothing: for each filter used, how many
    organisations the search finds without it (one count per filter, only
    when the result is empty)."""
    from . import search_directory

    used = {key: value for key, value in filters.items() if key in FILTER_NAMES and value not in (None, "")}
    hints = []
    for key in used:
        loosened = {**used, key: "" if key == "text" else None}
        count = search_directory(viewer=viewer, limit=1, **loosened).total
        if count:
            hints.append(
                _("Sans le filtre sur %(filter)s : %(count)s organisation(s).")
                % {"filter": FILTER_NAMES[key], "count": count}
            )
    return hints
