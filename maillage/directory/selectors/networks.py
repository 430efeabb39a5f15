"""Reads of the networks: lists with counts, members as the viewer may see
them, organisations to add (name search on PostgreSQL and SQLite)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Value

from .. import policies, search, viewers
from ..models import (
    Network,
    NetworkMembership,
    Profile,
)
from .fulltext import SearchVectorColumn, uses_full_text_search

# --- Networks ------------------------------------------------------------------


def networks_with_counts(*, viewer) -> QuerySet[Network]:
    """All networks, each annotated with `visible_members`: its member
    organisations whose profile the viewer may see."""
    viewer = viewers.viewer_for(viewer)
    visible = policies.profiles_visible_to(viewer).values("organisation_id")
    return Network.objects.annotate(
        visible_members=Count("memberships", filter=Q(memberships__organisation_id__in=visible))
    ).order_by("name")


def network_for_slug(slug: str) -> Network | None:
    return Network.objects.filter(slug=slug).first()


@dataclass(frozen=True)
class NetworkMemberRow:
    membership: NetworkMembership
    profile_visible: bool

    @property
    def organisation(self):
        return self.membership.organisation


def network_members(*, viewer, network: Network, include_hidden: bool = False) -> list[NetworkMemberRow]:
    """Member organisations of a network, coordinators first. Only those
    whose profile the viewer may see, unless `include_hidden` (the network's
    managers, who must see whom they manage: names only, no profile link)."""
    viewer = viewers.viewer_for(viewer)
    visible_ids = set(
        policies.profiles_visible_to(viewer)
        .filter(organisation__network_memberships__network=network)
        .values_list("organisation_id", flat=True)
    )
    memberships = (
        NetworkMembership.objects.filter(network=network)
        .select_related("organisation")
        .order_by("-is_coordinator", "organisation__name")
    )
    rows = [NetworkMemberRow(m, m.organisation_id in visible_ids) for m in memberships]
    return rows if include_hidden else [row for row in rows if row.profile_visible]


# --- Organisations to add to a network ---------------------------------------------

# SQLite function registered by apps.DirectoryConfig on every connection:
# search.normalise(name, acronym), the text stored in Profile.search_name.
SQLITE_NAME_FUNCTION = "maillage_search_name"
MAX_QUERY_WORDS = 10


@functools.lru_cache(maxsize=20_000)
def sqlite_search_name(name: str | None, acronym: str | None) -> str:
    # Cached: SQLite calls it once per organisation without a profile and per
    # query word, for every search.
    return search.normalise(name or "", acronym or "")


def _live_name_text(pg: bool):
    """Normalised name and acronym of an organisation computed by the
    database, for organisations without a profile (no stored column: the
    organisations table belongs to the organisations package).

    SQLite: search.normalise itself (a registered function). PostgreSQL:
    `unaccent`, lower case, and the dotted abbreviations joined again
    (« ac.se » → « acse »), fed to the `maillage_fr` configuration like the
    stored column."""
    from django.db.models import CharField, F, Func, TextField
    from django.db.models.functions import Concat, Lower

    if not pg:
        return Func(F("name"), F("acronym"), function=SQLITE_NAME_FUNCTION, output_field=CharField())
    plain = Lower(
        Func(
            Concat(F("name"), Value(" "), F("acronym"), output_field=TextField()),
            function="unaccent",
            output_field=TextField(),
        )
    )
    joined = Func(
        plain,
        Value(r"(?<=[a-z0-9])\.(?=[a-z0-9])"),
        Value(""),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    return Concat(plain, Value(" "), joined, output_field=TextField())


def organisations_matching(qs, text: str, *, also: Q | None = None):
    """Organisations of `qs` (or matching `also`) whose name or acronym matches `text` the way the
    directory search matches words: accents, case and plurals ignored, every
    query word must start a word of the name or acronym (« eglise » finds
    « Église Saint-Paul », « ACSE » finds « Ac.Sé »).

    - Organisations with a profile: the stored `Profile.search_name`
      (normalise(name, acronym)); on PostgreSQL through the GIN-indexed
      `search_vector`, restricted to its name part (weight A).
    - Organisations without a profile: the same normalisation computed by
      the database (see `_live_name_text`), evaluated only for those rows.
    - The phrase as typed, anywhere in the name or acronym (the behaviour
      before normalisation; also finds an organisation renamed since its
      profile was last written).

    One query whatever the number of organisations: the profile match is an
    uncorrelated subquery."""
    phrase = " ".join((text or "").split())
    raw = Q(name__icontains=phrase) | Q(acronym__icontains=phrase)
    if also is not None:
        raw |= also
    words = search.query_tokens(phrase)[:MAX_QUERY_WORDS]
    if not words:
        return qs.filter(raw)
    pg = uses_full_text_search()
    if pg:
        from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField

        # Tokens are [a-z0-9]+ only (search.query_tokens), safe in a raw tsquery;
        # « :*A »: a word start in the name part (weight A) of the stored vector.
        in_name = SearchQuery(" & ".join(f"{word}:*A" for word in words), search_type="raw", config=search.PG_CONFIG)
        profiles = Profile.objects.alias(search_vector=SearchVectorColumn(output_field=SearchVectorField())).filter(
            search_vector=in_name
        )
        query = SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config=search.PG_CONFIG)
        qs = qs.alias(live_name=SearchVector(_live_name_text(pg=True), config=search.PG_CONFIG))
        live = Q(live_name=query)
    else:
        profiles = Profile.objects.all()
        for word in words:
            # Stored text is " tok1 tok2 ": " word" matches a word start.
            profiles = profiles.filter(search_name__contains=f" {word}")
        qs = qs.alias(live_name=_live_name_text(pg=False))
        live = Q()
        for word in words:
            live &= Q(live_name__contains=f" {word}")
    # Written so that the costly normalisation is evaluated only for
    # organisations without a profile: the cheap hashed `NOT IN` comes first
    # in its AND (a LEFT JOIN … IS NULL would let PostgreSQL push the
    # normalisation down to every row of the organisation scan).
    no_profile = ~Q(pk__in=Profile.objects.values("organisation_id")) & live
    return qs.filter(Q(pk__in=profiles.values("organisation_id")) | no_profile | raw)


def network_candidates(*, network: Network, text: str, limit: int) -> tuple[list, bool]:
    """At most `limit` active organisations not yet members of `network`
    matching `text` (name or acronym as in `organisations_matching`, or the
    beginning of a SIRET), by name; and whether there were more."""
    from maillage.organisations.models import Organisation

    qs = Organisation.objects.filter(is_active=True).exclude(network_memberships__network=network)
    digits = "".join((text or "").split())
    matched = organisations_matching(qs, text, also=Q(siret__startswith=digits) if digits.isdigit() else None)
    rows = list(
        matched.order_by("name", "pk").only("pk", "name", "acronym", "siret", "departement", "country")[: limit + 1]
    )
    return rows[:limit], len(rows) > limit


def member_organisation(network: Network, organisation_id) -> object | None:
    """The member organisation `organisation_id` of `network`, or None."""
    membership = network.memberships.select_related("organisation").filter(organisation_id=organisation_id).first()
    return membership.organisation if membership else None
