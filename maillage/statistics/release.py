"""Building a release: the records of the last submitted version of every
return → the tables → disclosure control (with the release already
published, if any) → protected payloads, and the optional differentially
private open data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .disclosure import Cell, Protected, ProtectedTable, Rules, protect
from .disclosure.model import Variable
from .models import PublishedTable, Record, ReturnVersion
from .presentation import payload
from .records import AnonymousRecord, from_dict
from .tables import Frame, frame_from_records, national_tables

HISTORY_INDICATORS = {
    "victims.total": "Personnes suivies",
    "victims.registered": "Victimes enregistrées (identifiées ou présumées)",
    "victims.minors": "Personnes mineures",
    "victims.female": "Femmes et filles",
    "victims.sexual": "Exploitation sexuelle",
    "victims.labour": "Exploitation par le travail",
}


def threshold() -> int:
    from django.conf import settings

    return int(getattr(settings, "STATISTICS_SMALL_COUNT_THRESHOLD", 11))


def latest_submitted_versions(campaign) -> list[ReturnVersion]:
    out = []
    for return_obj in campaign.returns.all():
        version = return_obj.versions.filter(submitted_at__isnull=False).order_by("-number").first()
        if version is not None:
            out.append(version)
    return out


def records_of(versions) -> list[AnonymousRecord]:
    rows = Record.objects.filter(version__in=versions).order_by("version_id", "line").values(*Record.FIELDS)
    return [from_dict(r) for r in rows]


@dataclass
class Built:
    protected: Protected
    payload: list[dict]
    record_count: int
    change: int = 0
    dp_epsilon: float | None = None
    dp_budget: dict = field(default_factory=dict)


def _merge(a: dict[str, Variable], b: dict[str, Variable]) -> dict[str, Variable]:
    merged = {**a, **b}
    for name in a:
        if name in b:
            merged[name] = Variable(
                name=name, leaves=b[name].leaves, codes={**a[name].codes, **b[name].codes},
                multi=b[name].multi, exhaustive=b[name].exhaustive,
            )  # fmt: skip
    return merged


def _change(old: list[AnonymousRecord], new: list[AnonymousRecord]) -> int:
    """Records added or removed between two snapshots (a corrected record counts twice)."""
    key = lambda r: tuple(sorted(r.as_dict().items(), key=lambda kv: kv[0]).__repr__())  # noqa: E731
    a, b = Counter(map(key, old)), Counter(map(key, new))
    return sum(((a - b) + (b - a)).values())


def protect_frame(frame: Frame, *, previous: tuple[Frame, Protected] | None = None, change: int = 0):
    """Tables and protection of one frame (the pure core of a release; bench/)."""
    tables, variables, specs = national_tables(frame)
    prev_protected = None
    if previous is not None:
        prev_frame, prev_pattern = previous
        prev_tables, prev_variables, _ = national_tables(prev_frame)
        variables = _merge(prev_variables, variables)
        prev_protected = _with_values(prev_pattern, prev_tables)
    protected = protect(tables, variables, Rules(threshold=threshold()), previous=prev_protected, change=change)
    return protected, variables, specs


def _with_values(pattern: Protected, tables) -> Protected:
    by_key = {t.key: t for t in tables}
    out = []
    for t in pattern.tables:
        source = by_key[t.key]
        out.append(
            ProtectedTable(
                key=t.key,
                title=t.title,
                variables=t.variables,
                codes=t.codes,
                population=t.population,
                cells=t.cells,
                true_values=dict(source.cells),
            )
        )
    return Protected(tables=out, rules=pattern.rules)


def pattern_of(release) -> Protected:
    """The published pattern of a stored release (which cells were suppressed)."""
    tables = []
    for stored in release.tables.exclude(family="opendata").order_by("position"):
        data = stored.payload
        cells = {
            tuple(coords): Cell(value, "published" if value is not None else "secondary")
            for coords, value in data["cells"]
        }
        tables.append(
            ProtectedTable(
                key=data["key"],
                title="",
                variables=tuple(d["variable"] for d in data["dims"]),
                codes=tuple(tuple(c["code"] for c in d["codes"][:-1]) for d in data["dims"]),
                population=data["population"],
                cells=cells,
            )
        )
    return Protected(tables=tables, rules=Rules(threshold=release.threshold))


def build(campaign, versions, *, previous=None, open_data_epsilon: float | None = None) -> Built:
    questionnaire = campaign.questionnaire.parsed()
    rows = records_of(versions)
    frame = frame_from_records(rows, questionnaire, year=campaign.year)
    prev = None
    change = 0
    if previous is not None:
        old_rows = records_of(list(previous.versions.all()))
        prev = (frame_from_records(old_rows, questionnaire, year=campaign.year), pattern_of(previous))
        change = _change(old_rows, rows)
    protected, _variables, specs = protect_frame(frame, previous=prev, change=change)
    families = {s.key: s.family for s in specs}
    items = payload(protected, questionnaire, year=campaign.year, families=families)
    built = Built(protected=protected, payload=items, record_count=len(rows), change=change)
    if open_data_epsilon:
        from . import opendata

        tables, _variables, _specs = national_tables(frame)
        noisy, budget = opendata.release([t for t in tables if t.key in opendata.TABLES], epsilon=open_data_epsilon)
        built.dp_epsilon = budget["total"]
        built.dp_budget = budget
        for item in payload(
            noisy, questionnaire, year=campaign.year, families=dict.fromkeys(opendata.TABLES, "opendata")
        ):
            item["key"] = "opendata." + item["key"]
            item["family"] = "opendata"
            built.payload.append(item)
    return built


def store(release, built: Built) -> None:
    PublishedTable.objects.bulk_create(
        [
            PublishedTable(release=release, key=item["key"], family=item["family"], position=i, payload=item)
            for i, item in enumerate(built.payload)
        ]
    )
