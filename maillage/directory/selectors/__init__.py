"""Reads of the directory: search, profile pages, coverage.

Every function starts from `policies.profiles_visible_to(viewer)`, so a list,
a search or an export can never show a profile the viewer may not see. Query
counts do not grow with the data: candidates are ranked on a narrow
`values_list`, then only the page shown is loaded with its relations
prefetched (a fixed number of queries).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, FloatField, Prefetch, Q, QuerySet, Value, When, Window
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maillage.territories import reference

from .. import policies, search, viewers
from ..enums import MINOR_PUBLICS, Public, TerritoryKind
from ..models import (
    ExploitationForm,
    Network,
    NetworkMembership,
    Profile,
    ProfileLanguage,
    ProfilePublic,
    ProfileTerritory,
    Service,
)
from .fulltext import SearchVectorColumn, uses_full_text_search
from .networks import (
    MAX_QUERY_WORDS,
    SQLITE_NAME_FUNCTION,
    NetworkMemberRow,
    member_organisation,
    network_candidates,
    network_for_slug,
    network_members,
    networks_with_counts,
    organisations_matching,
    sqlite_search_name,
)

DEFAULT_LIMIT = 20  # one page of results


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
    offset: int = 0

    def __iter__(self):
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, index):
        return self.results[index]


def with_relations(qs: QuerySet[Profile]) -> QuerySet[Profile]:
    return (
        qs.select_related("organisation")
        .defer("search_text")
        .prefetch_related(
            "territories",
            "publics",
            "languages",
            "services",
            "exploitation_forms",
            Prefetch(
                "organisation__network_memberships", queryset=NetworkMembership.objects.select_related("network")
            ),
        )
    )


def _code(value, model) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value.code if hasattr(value, "code") else value.slug
    return str(value)


def covers_departement_q(code: str) -> Q:
    """Profiles that work in a département: located there, listing it, listing
    its région, or national. Uncorrelated `IN (subquery)` rather than
    correlated EXISTS: both SQLite and PostgreSQL evaluate it once."""
    dep = reference.departement(code)
    listed = ProfileTerritory.objects.filter(
        Q(kind=TerritoryKind.DEPARTEMENT, code=dep.code) | Q(kind=TerritoryKind.REGION, code=dep.region_code)
    ).values("profile_id")
    return Q(is_national=True) | Q(departement=dep.code) | Q(pk__in=listed)


def covers_region_q(code: str) -> Q:
    region = reference.region(code)
    deps = [d.code for d in reference.departements_of_region(region.code)]
    listed = ProfileTerritory.objects.filter(
        Q(kind=TerritoryKind.REGION, code=region.code) | Q(kind=TerritoryKind.DEPARTEMENT, code__in=deps)
    ).values("profile_id")
    return Q(is_national=True) | Q(departement__in=deps) | Q(pk__in=listed)


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
    country=None,
) -> QuerySet[Profile]:
    viewer = viewers.viewer_for(viewer)
    qs = policies.profiles_visible_to(viewer)
    if departement:
        qs = qs.filter(covers_departement_q(departement))
    if region:
        qs = qs.filter(covers_region_q(region))
    if code := _code(service, Service):
        chosen = service if isinstance(service, Service) else Service.objects.filter(code=code).first()
        qs = qs.filter(service_q(chosen)) if chosen is not None else qs.none()
    if code := _code(form, ExploitationForm):
        qs = qs.filter(
            pk__in=Profile.exploitation_forms.through.objects.filter(exploitationform__code=code).values("profile_id")
        )
    if public:
        qs = qs.filter(pk__in=ProfilePublic.objects.filter(code=public).values("profile_id"))
    if language:
        qs = qs.filter(pk__in=ProfileLanguage.objects.filter(code=str(language).lower()).values("profile_id"))
    if accepts_minors is not None:
        minors = Q(pk__in=ProfilePublic.objects.filter(code__in=MINOR_PUBLICS).values("profile_id"))
        qs = qs.filter(minors if accepts_minors else ~minors)
    # Capacity is members-only (viewers.MEMBERS): for anyone else the filter
    # is ignored, otherwise the results would tell the public which
    # organisations have places.
    if has_capacity is not None and viewer.is_member:
        qs = (
            qs.filter(capacity_places__gt=0)
            if has_capacity
            else qs.filter(Q(capacity_places__isnull=True) | Q(capacity_places=0))
        )
    if country:
        qs = qs.filter(
            pk__in=ProfileTerritory.objects.filter(kind=TerritoryKind.COUNTRY, code=country).values("profile_id")
        )
    if slug := _code(network, Network):
        qs = qs.filter(
            organisation_id__in=NetworkMembership.objects.filter(network__slug=slug).values("organisation_id")
        )
    return qs


def service_q(service: Service) -> Q:
    """Profiles offering `service`; for a transmission the law addresses to
    a public body (`Service.receiving_types`, migration 0005), also every body
    of those types, whatever its profile lists."""
    listed = Q(pk__in=Profile.services.through.objects.filter(service_id=service.pk).values("profile_id"))
    if service.receiving_types:
        return listed | Q(organisation__type__in=service.receiving_types)
    return listed


def _normalise_departement(value) -> str | None:
    if not value:
        return None
    return reference.normalise_departement_code(value)


def _normalise_country(value) -> str:
    """Canonical ISO 3166-1 alpha-2 code; UnknownTerritoryError otherwise."""
    return reference.country(str(value)).code


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
    country=None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> SearchResults:
    """Ranked directory search, with the reasons each result matches.

    Ranking: relevance of the words (a word in the name counts more than in
    the rest of the profile, a whole word more than a prefix), then nearness
    of the organisation's département to `departement` (distance between
    centroids), then name. `country` keeps organisations intervening in
    that foreign country (ISO 3166-1 alpha-2). Used by the directory page and, later, to suggest
    recipients of a referral. Raises UnknownTerritoryError (a ValueError) on
    an unknown département, région or country code.
    """
    viewer = viewers.viewer_for(viewer)
    departement = _normalise_departement(departement)
    if region:
        region = reference.region(region).code
    if country:
        country = _normalise_country(country)
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
        country=country,
    )
    # At most ten words.
    words = search.query_tokens(text)[:10]
    qs = _match_words(qs, words)
    if departement is None:
        # No nearness to compute: rank and cut in the database, counting the
        # matches in the same query (a window over the whole result) rather
        # than running the search a second time for the count.
        start, stop = max(0, offset), max(0, offset) + max(0, limit)
        page = list(
            qs.annotate(total=Window(Count("pk")))
            .order_by("-score", "search_name", "pk")
            .values_list("pk", "score", "total")[start:stop]
        )
        # An empty page says nothing about the total unless it starts at 0.
        total = page[0][2] if page else (qs.count() if start or stop == start else 0)
        top = [(pk, score, None) for pk, score, _total in page]
    else:
        candidates = list(qs.values_list("pk", "score", "departement", "search_name"))
        total = len(candidates)
        ranked = []
        for pk, score, dep, search_name in candidates:
            distance = reference.distance_km(departement, dep) if dep and reference.is_departement_code(dep) else None
            ranked.append((-score, math.inf if distance is None else distance, search_name, pk, distance))
        ranked.sort()
        top = [(row[3], -row[0], row[4]) for row in ranked[max(0, offset) : max(0, offset) + max(0, limit)]]
    profiles = {p.pk: p for p in with_relations(Profile.objects.filter(pk__in=[row[0] for row in top]))}
    context = _ReasonContext(
        words=words,
        departement=departement,
        region=region,
        service=_code(service, Service),
        form=_code(form, ExploitationForm),
        public=public,
        language=language,
        accepts_minors=accepts_minors,
        has_capacity=has_capacity,
        network=_code(network, Network),
        country=country,
    )
    results = []
    for pk, score, distance in top:
        profile = profiles[pk]
        results.append(
            SearchResult(
                profile=profile,
                score=float(score),
                distance_km=distance,
                reasons=context.reasons(profile),
                groups=viewers.field_groups(viewer, profile),
            )
        )
    return SearchResults(results=results, total=total, offset=max(0, offset))


def _match_words(qs: QuerySet[Profile], words: list[str]) -> QuerySet[Profile]:
    """Keep profiles matching every word and annotate `score` (relevance).

    PostgreSQL: the stored `search_vector` column (French stemming after
    `unaccent`, name weighted A) against a prefix tsquery, ranked by
    `ts_rank`; the GIN index serves the match. SQLite: the normalised tokens
    with word-start `LIKE` and a `CASE` score. The query tokens are the
    normalised words in both cases, so accents, ligatures and plurals behave
    the same; PostgreSQL's stemmer also conflates a few more forms
    (« accompagner » / « accompagnement »)."""
    if not words:
        return qs.annotate(score=Value(0.0, output_field=FloatField()))
    if uses_full_text_search():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField

        # Column added by migration 0003 (not a model field: generated by
        # PostgreSQL from search_name and search_text).
        vector = SearchVectorColumn(output_field=SearchVectorField())
        # Tokens are [a-z0-9]+ only (search.tokens), safe in a raw tsquery.
        query = SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config=search.PG_CONFIG)
        return (
            qs.alias(search_vector=vector)
            .filter(search_vector=query)
            .annotate(score=SearchRank(vector, query, weights=[0.1, 0.2, 0.4, 1.0]))
        )
    for word in words:
        # Stored text is " tok1 tok2 ": " word" matches a word start.
        qs = qs.filter(search_text__contains=f" {word}")
    return qs.annotate(score=_score_expression(words))


def _score_expression(words: list[str]):
    """Relevance computed by the database: a word in the name counts more
    than elsewhere in the profile, a whole word more than a word start."""
    if not words:
        return Value(0.0, output_field=FloatField())
    parts = [
        Case(
            When(search_name__contains=f" {word} ", then=Value(3.5)),
            When(search_name__contains=f" {word}", then=Value(3.0)),
            When(search_text__contains=f" {word} ", then=Value(1.5)),
            default=Value(1.0),
            output_field=FloatField(),
        )
        for word in words
    ]
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


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
    country: str | None = None

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
                out.append(
                    _("Intervient dans la région %(region)s") % {"region": reference.region(dep.region_code).name}
                )
            elif profile.is_national:
                out.append(_("Intervient sur tout le territoire national"))
        if self.region:
            if profile.is_national:
                out.append(_("Intervient sur tout le territoire national"))
            else:
                out.append(_("Intervient dans la région %(region)s") % {"region": reference.region(self.region).name})
        if self.country:
            out.append(_("Intervient dans le pays : %(name)s") % {"name": _country_name(self.country)})
        if self.service:
            label = next((s.display_label for s in profile.services.all() if s.code == self.service), None)
            label = label or service_label(self.service) or self.service
            out.append(_("Service : %(label)s") % {"label": label})
        if self.form:
            label = next((f.display_label for f in profile.exploitation_forms.all() if f.code == self.form), None)
            label = label or form_label(self.form) or self.form
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
            name = next(
                (
                    m.network.name
                    for m in profile.organisation.network_memberships.all()
                    if m.network.slug == self.network
                ),
                self.network,
            )
            out.append(_("Membre du réseau %(name)s") % {"name": name})
        return out


def display_language() -> str:
    """The language of the names of languages and countries (pycountry's
    catalogues): English when the interface is, French otherwise."""
    return "en" if (get_language() or "fr").split("-")[0] == "en" else "fr"


def _language_name(code: str) -> str:
    try:
        return reference.language_name(code, display_language())
    except (KeyError, ValueError):
        return code


def _country_name(code: str) -> str:
    try:
        return reference.country_name(code, display_language())
    except (KeyError, ValueError):
        return code


def territory_labels(profile: Profile) -> list[str]:
    """Readable names of a profile's territories (« 75 – Paris », « Bretagne », « Roumanie »)."""
    labels = []
    for t in profile.territories.all():
        try:
            if t.kind == TerritoryKind.DEPARTEMENT:
                labels.append(reference.departement(t.code).label)
            elif t.kind == TerritoryKind.REGION:
                labels.append(_("Région %(name)s") % {"name": reference.region(t.code).name})
            else:
                labels.append(_country_name(t.code))
        except (KeyError, ValueError):
            labels.append(t.code)
    return labels


def language_labels(profile: Profile) -> list[str]:
    return [_language_name(lang.code) for lang in profile.languages.all()]


def profile_for_slug(*, viewer, slug: str) -> Profile | None:
    viewer = viewers.viewer_for(viewer)
    return with_relations(policies.profiles_visible_to(viewer).filter(organisation__slug=slug)).first()


def organisation_without_profile(*, viewer, slug: str):
    """An organisation the viewer administers that has no profile yet."""
    from maillage.organisations.models import Organisation

    viewer = viewers.viewer_for(viewer)
    if not viewer.admin_organisation_ids:
        return None
    return Organisation.objects.filter(
        pk__in=viewer.admin_organisation_ids, slug=slug, directory_profile__isnull=True, is_active=True
    ).first()


def visible_profiles(*, viewer) -> QuerySet[Profile]:
    return with_relations(policies.profiles_visible_to(viewers.viewer_for(viewer))).order_by("organisation__name")


# --- Coverage ----------------------------------------------------------------

ALL_DEPARTEMENTS = None  # marker for national profiles


def _covered_departements(qs: QuerySet[Profile]) -> dict[int, set[str] | None]:
    """profile id → set of département codes it covers (None = national)."""
    covered: dict[int, set[str] | None] = {}
    for pk, dep, national in qs.values_list("pk", "departement", "is_national"):
        covered[pk] = None if national else ({dep} if dep else set())
    territories = ProfileTerritory.objects.filter(
        profile__in=qs.values("pk"), kind__in=[TerritoryKind.DEPARTEMENT, TerritoryKind.REGION]
    )
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
    return [
        CoverageRow(d.code, d.name, regions.get(d.region_code, ""), counts.get(d.code, 0))
        for d in reference.departements()
    ]


def services_with_most_uncovered(*, limit: int = 5) -> list[dict]:
    """For the coordinator's home panel: services with the most départements
    where no organisation (listed at least to members) offers them."""
    viewer_qs = policies.profiles_visible_to(viewers.Viewer(organisation_ids=frozenset({-1})))
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


__all__ = [
    "MAX_QUERY_WORDS",
    "SQLITE_NAME_FUNCTION",
    "NetworkMemberRow",
    "member_organisation",
    "network_candidates",
    "network_for_slug",
    "network_members",
    "networks_with_counts",
    "organisations_matching",
    "sqlite_search_name",
    "uses_full_text_search",
]


def service_label(code: str) -> str:
    """The catalogue's label of a service code, in the active language ("" when unknown)."""
    service = Service.objects.filter(code=code).only("label", "label_en").first()
    return service.display_label if service else ""


def form_label(code: str) -> str:
    """The catalogue's label of a form of exploitation, in the active language ("" when unknown)."""
    form = ExploitationForm.objects.filter(code=code).only("label", "label_en").first()
    return form.display_label if form else ""
