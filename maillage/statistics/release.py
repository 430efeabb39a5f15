"""Building a release: the records of the last submitted version of every
return → the tables → disclosure control (with the release already
published, if any) → protected payloads, and the optional differentially
private open data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .disclosure import TOTAL, Cell, Protected, ProtectedTable, Rules, protect
from .disclosure.model import Variable
from .models import PublishedTable, Record, ReturnVersion
from .presentation import payload
from .records import AnonymousRecord, from_dict
from .tables import Frame, frame_from_records, national_tables, persons_of, persons_tables

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


PersonsFrame = tuple[Frame, list[int]]  # one record per person, and how many organisations followed each


def persons_frame(versions, questionnaire, *, year: int) -> PersonsFrame:
    """The persons of a linkage run over these versions (linking.persons_of)."""
    organisation_of = {v.pk: v.return_obj.organisation_id for v in versions}
    rows = (
        Record.objects.filter(version__in=versions).order_by("version_id", "line").values("version_id", *Record.FIELDS)
    )
    persons = persons_of([(from_dict(r), organisation_of[r["version_id"]]) for r in rows])
    return frame_from_records(persons.records, questionnaire, year=year), persons.organisations


@dataclass
class Built:
    protected: Protected
    payload: list[dict]
    record_count: int
    change: int = 0
    dp_epsilon: float | None = None
    dp_budget: dict = field(default_factory=dict)
    linkage_run: object = None
    person_count: int | None = None  # the protected national total of persons (None: not deduplicated or masked)


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


def _tables(frame: Frame, persons: PersonsFrame | None):
    tables, variables, specs = national_tables(frame)
    if persons is not None:
        more, person_variables, more_specs = persons_tables(*persons)
        tables, specs = [*tables, *more], [*specs, *more_specs]
        variables = {**variables, **{k: v for k, v in person_variables.items() if k not in variables}}
    return tables, variables, specs


def protect_frame(
    frame: Frame,
    *,
    previous: tuple[Frame, Protected] | None = None,
    change: int = 0,
    persons: PersonsFrame | None = None,
    previous_persons: PersonsFrame | None = None,
):
    """Tables and protection of one frame (the pure core of a release; bench/).
    With `persons` (after a linkage run), the persons' tables are protected
    together with the records' (tables.persons_tables)."""
    tables, variables, specs = _tables(frame, persons)
    prev_protected = None
    if previous is not None:
        prev_frame, prev_pattern = previous
        prev_tables, prev_variables, _ = _tables(prev_frame, previous_persons)
        variables = _merge(prev_variables, variables)
        prev_protected = _with_values(prev_pattern, prev_tables)
    protected = protect(tables, variables, Rules(threshold=threshold()), previous=prev_protected, change=change)
    return protected, variables, specs


def _with_values(pattern: Protected, tables) -> Protected:
    by_key = {t.key: t for t in tables}
    out = []
    for t in pattern.tables:
        source = by_key.get(t.key)
        if source is None:  # persons' tables of a release whose linkage is no longer the current one
            continue
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
    # Issue 13: persons beside records once the linkage unit has run over these versions.
    run = campaign.linkage_runs.order_by("-ran_at").first()
    persons = persons_frame(versions, questionnaire, year=campaign.year) if run is not None else None
    prev = previous_persons = None
    change = 0
    if previous is not None:
        old_versions = list(previous.versions.select_related("return_obj"))
        old_rows = records_of(old_versions)
        prev = (frame_from_records(old_rows, questionnaire, year=campaign.year), pattern_of(previous))
        if persons is not None and previous.linkage_run_id is not None:
            previous_persons = persons_frame(old_versions, questionnaire, year=campaign.year)
        change = _change(old_rows, rows)
    protected, _variables, specs = protect_frame(
        frame, previous=prev, change=change, persons=persons, previous_persons=previous_persons
    )
    families = {s.key: s.family for s in specs}
    items = payload(protected, questionnaire, year=campaign.year, families=families)
    built = Built(protected=protected, payload=items, record_count=len(rows), change=change, linkage_run=run)
    if run is not None:
        totals = next(t for t in protected.tables if t.key == "persons.several")
        built.person_count = totals.cells[(TOTAL,)].value
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
