"""Reads of the directory: search, profile pages, coverage.

Every function starts from `policies.profiles_visible_for(viewer)`, so a list,
a search or an export can never show a profile the viewer may not see. Query
counts do not grow with the data: candidates are ranked on a narrow
`values_list`, then only the page shown is loaded with its relations
prefetched (a fixed number of queries).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from maillage.territories import reference

from . import policies, search
from .enums import MINOR_PUBLICS, Public, TerritoryKind
from .models import ExploitationForm, Network, NetworkMembership, Profile, ProfileLanguage, ProfilePublic, ProfileTerritory, Service

DEFAULT_LIMIT = 50


@dataclass
class SearchResult:
    profile: Profile
    score: float
    distance_km: float | None
    reasons: list[str]
    groups: frozenset[str] = field(default_factory=frozenset)

    @property
    def organisation(self):
        return self.profile.organisation


@dataclass
class SearchResults:
    results: list[SearchResult]
    total: int

    def __iter__(self):
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, index):
        return self.results[index]


def with_relations(qs: QuerySet[Profile]) -> QuerySet[Profile]:
    return qs.select_related("organisation").prefetch_related(
        "territories",
        "publics",
        "languages",
        "services",
        "exploitation_forms",
        Prefetch("organisation__network_memberships", queryset=NetworkMembership.objects.select_related("network")),
    )


def _code(value, model) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value.code if hasattr(value, "code") else value.slug
    return str(value)


def covers_departement_q(code: str) -> Q:
    """Profiles that work in a département: located there, listing it, listing
    its région, or national."""
    dep = reference.departement(code)
    return (
        Q(is_national=True)
        | Q(departement=dep.code)
        | Exists(ProfileTerritory.objects.filter(profile=OuterRef("pk"), kind=TerritoryKind.DEPARTEMENT, code=dep.code))
        | Exists(ProfileTerritory.objects.filter(profile=OuterRef("pk"), kind=TerritoryKind.REGION, code=dep.region_code))
    )


def covers_region_q(code: str) -> Q:
    region = reference.region(code)
    deps = [d.code for d in reference.departements_of_region(region.code)]
    return (
        Q(is_national=True)
        | Q(departement__in=deps)
        | Exists(ProfileTerritory.objects.filter(profile=OuterRef("pk"), kind=TerritoryKind.REGION, code=region.code))
        | Exists(ProfileTerritory.objects.filter(profile=OuterRef("pk"), kind=TerritoryKind.DEPARTEMENT, code__in=deps))
    )


def filtered_profiles(
    *,
    viewer,
    departement=None,
    region=None,
    service=None,
    form=None,
    public=None,
    language=None,
    accepts_minors=None,
    has_capacity=None,
    network=None,
) -> QuerySet[Profile]:
    viewer = policies.viewer_for(viewer)
    qs = policies.profiles_visible_for(viewer)
    if departement:
        qs = qs.filter(covers_departement_q(departement))
    if region:
        qs = qs.filter(covers_region_q(region))
    if code := _code(service, Service):
        qs = qs.filter(Exists(Profile.services.through.objects.filter(profile_id=OuterRef("pk"), service__code=code)))
    if code := _code(form, ExploitationForm):
        qs = qs.filter(Exists(Profile.exploitation_forms.through.objects.filter(profile_id=OuterRef("pk"), exploitationform__code=code)))
    if public:
        qs = qs.filter(Exists(ProfilePublic.objects.filter(profile=OuterRef("pk"), code=public)))
    if language:
        qs = qs.filter(Exists(ProfileLanguage.objects.filter(profile=OuterRef("pk"), code=str(language).lower())))
    if accepts_minors is not None:
        minors = Exists(ProfilePublic.objects.filter(profile=OuterRef("pk"), code__in=MINOR_PUBLICS))
        qs = qs.filter(minors if accepts_minors else ~minors)
    if has_capacity is not None:
        qs = qs.filter(capacity_places__gt=0) if has_capacity else qs.filter(Q(capacity_places__isnull=True) | Q(capacity_places=0))
    if slug := _code(network, Network):
        qs = qs.filter(Exists(NetworkMembership.objects.filter(organisation_id=OuterRef("organisation_id"), network__slug=slug)))
    return qs


def _normalise_departement(value) -> str | None:
    if not value:
        return None
    return reference.normalise_departement_code(value)


def search_directory(
    *,
    viewer,
    text: str = "",
    departement=None,
    region=None,
    service=None,
    form=None,
    public=None,
    language=None,
    accepts_minors: bool | None = None,
    has_capacity: bool | None = None,
    network=None,
    limit: int = DEFAULT_LIMIT,
) -> SearchResults:
    """Ranked directory search, with the reasons each result matches.

    Ranking: relevance of the words (a word in the name counts more than in
    the rest of the profile, a whole word more than a prefix), then nearness
    of the organisation's département to `departement` (distance between
    centroids), then name. Used by the directory page and, later, to suggest
    recipients of a referral. Raises UnknownTerritoryError (a ValueError) on
    an unknown département or région code.
    """
    viewer = policies.viewer_for(viewer)
    departement = _normalise_departement(departement)
    if region:
        region = reference.region(region).code
    qs = filtered_profiles(
        viewer=viewer,
        departement=departement,
        region=region,
        service=service,
        form=form,
        public=public,
        language=language,
        accepts_minors=accepts_minors,
        has_capacity=has_capacity,
        network=network,
    )
    words = search.tokens(text)
    for word in words:
        # Stored text is " tok1 tok2 ": " word" matches a word start.
        qs = qs.filter(search_text__contains=f" {word}")
    candidates = list(qs.values_list("pk", "search_name", "search_text", "departement", "organisation__name"))

    scored = []
    for pk, search_name, search_text, dep, name in candidates:
        score = 0.0
        for word in words:
            in_name = f" {word}" in search_name
            whole = f" {word} " in (search_name if in_name else search_text)
            score += (3.0 if in_name else 1.0) + (0.5 if whole else 0.0)
        distance = None
        if departement and dep and reference.is_departement_code(dep):
            distance = reference.distance_km(departement, dep)
        scored.append((-score, distance if distance is not None else math.inf, search.strip_accents(name), pk, score, distance))
    scored.sort()
    top = scored[: max(0, limit)]
    profiles = {p.pk: p for p in with_relations(Profile.objects.filter(pk__in=[row[3] for row in top]))}
    context = _ReasonContext(words=words, departement=departement, region=region, service=_code(service, Service), form=_code(form, ExploitationForm),
                             public=public, language=language, accepts_minors=accepts_minors, has_capacity=has_capacity, network=_code(network, Network))
    results = []
    for row in top:
        profile = profiles[row[3]]
        results.append(SearchResult(profile=profile, score=row[4], distance_km=row[5], reasons=context.reasons(profile), groups=policies.field_groups(viewer, profile)))
    return SearchResults(results=results, total=len(candidates))


@dataclass
class _ReasonContext:
    words: list[str]
    departement: str | None
    region: str | None
    service: str | None
    form: str | None
    public: str | None
    language: str | None
    accepts_minors: bool | None
    has_capacity: bool | None
    network: str | None

    def reasons(self, profile: Profile) -> list[str]:
        out = []
        if self.words:
            in_name = [w for w in self.words if f" {w}" in profile.search_name]
            elsewhere = [w for w in self.words if w not in in_name]
            if in_name:
                out.append(_("Nom : « %(words)s »") % {"words": " ".join(in_name)})
            if elsewhere:
                out.append(_("Fiche : « %(words)s »") % {"words": " ".join(elsewhere)})
        territories = list(profile.territories.all())
        if self.departement:
            dep = reference.departement(self.departement)
            if profile.departement == dep.code:
                out.append(_("Implantée dans le département %(dep)s") % {"dep": dep.label})
            elif any(t.kind == TerritoryKind.DEPARTEMENT and t.code == dep.code for t in territories):
                out.append(_("Intervient dans le département %(dep)s") % {"dep": dep.label})
            elif any(t.kind == TerritoryKind.REGION and t.code == dep.region_code for t in territories):
                out.append(_("Intervient dans la région %(region)s") % {"region": reference.region(dep.region_code).name})
            elif profile.is_national:
                out.append(_("Intervient sur tout le territoire national"))
        if self.region:
            if profile.is_national:
                out.append(_("Intervient sur tout le territoire national"))
            else:
                out.append(_("Intervient dans la région %(region)s") % {"region": reference.region(self.region).name})
        if self.service:
            label = next((s.label for s in profile.services.all() if s.code == self.service), self.service)
            out.append(_("Service : %(label)s") % {"label": label})
        if self.form:
            label = next((f.label for f in profile.exploitation_forms.all() if f.code == self.form), self.form)
            out.append(_("Forme d'exploitation : %(label)s") % {"label": label})
        if self.public and self.public in Public.values:
            out.append(_("Public : %(label)s") % {"label": Public(self.public).label})
        if self.language:
            out.append(_("Langue parlée : %(label)s") % {"label": _language_name(self.language)})
        if self.accepts_minors:
            out.append(_("Accueille des mineur·es"))
        if self.has_capacity:
            out.append(_("Places disponibles"))
        if self.network:
            name = next((m.network.name for m in profile.organisation.network_memberships.all() if m.network.slug == self.network), self.network)
            out.append(_("Membre du réseau %(name)s") % {"name": name})
        return out


def _language_name(code: str) -> str:
    try:
        return reference.language_name(code)
    except (KeyError, ValueError):
        return code


def profile_for_slug(*, viewer, slug: str) -> Profile | None:
    viewer = policies.viewer_for(viewer)
    return with_relations(policies.profiles_visible_for(viewer).filter(organisation__slug=slug)).first()


def visible_profiles(*, viewer) -> QuerySet[Profile]:
    return with_relations(policies.profiles_visible_for(policies.viewer_for(viewer))).order_by("organisation__name")


# --- Coverage ----------------------------------------------------------------

ALL_DEPARTEMENTS = None  # marker for national profiles


def _covered_departements(qs: QuerySet[Profile]) -> dict[int, set[str] | None]:
    """profile id → set of département codes it covers (None = national)."""
    covered: dict[int, set[str] | None] = {}
    for pk, dep, national in qs.values_list("pk", "departement", "is_national"):
        covered[pk] = None if national else ({dep} if dep else set())
    territories = ProfileTerritory.objects.filter(profile__in=qs.values("pk"), kind__in=[TerritoryKind.DEPARTEMENT, TerritoryKind.REGION])
    for pk, kind, code in territories.values_list("profile_id", "kind", "code"):
        target = covered.get(pk)
        if target is None:
            continue
        if kind == TerritoryKind.DEPARTEMENT:
            target.add(code)
        elif reference.is_region_code(code):
            target.update(d.code for d in reference.departements_of_region(code))
    return covered


def coverage_by_departement(*, viewer, service=None, form=None, public=None) -> dict[str, int]:
    """Number of visible organisations covering each département (all 101
    codes present, 0 = not covered) for the chosen service, form and public."""
    qs = filtered_profiles(viewer=viewer, service=service, form=form, public=public)
    counts = dict.fromkeys((d.code for d in reference.departements()), 0)
    for deps in _covered_departements(qs).values():
        for code in counts if deps is None else deps:
            if code in counts:
                counts[code] += 1
    return counts


@dataclass(frozen=True)
class CoverageRow:
    code: str
    name: str
    region: str
    count: int


def coverage_rows(counts: dict[str, int]) -> list[CoverageRow]:
    regions = {r.code: r.name for r in reference.regions()}
    return [CoverageRow(d.code, d.name, regions.get(d.region_code, ""), counts.get(d.code, 0)) for d in reference.departements()]


def services_with_most_uncovered(*, limit: int = 5) -> list[dict]:
    """For the coordinator's home panel: services with the most départements
    where no organisation (listed at least to members) offers them."""
    viewer_qs = policies.profiles_visible_for(policies.Viewer(organisation_ids=frozenset({-1})))
    covered = _covered_departements(viewer_qs)
    all_codes = {d.code for d in reference.departements()}
    per_service: dict[int, set[str]] = defaultdict(set)
    through = Profile.services.through.objects.filter(profile__in=viewer_qs.values("pk"))
    for profile_id, service_id in through.values_list("profile_id", "service_id"):
        deps = covered.get(profile_id, set())
        per_service[service_id].update(all_codes if deps is None else deps)
    rows = [
        {"service": service, "uncovered": len(all_codes - per_service.get(service.pk, set()))}
        for service in Service.objects.all()
    ]
    rows.sort(key=lambda r: (-r["uncovered"], r["service"].order))
    return rows[:limit]
