"""The national tables, as pure functions over anonymous records.

Records are first encoded column-wise (`Frame`: one numpy array per variable,
a leaf index for a single-valued variable, a bit mask for a multi-valued one),
so that the tables of a national release over a million records are counted
in a fraction of a second. Every table is a `disclosure.Table` over the
classifications of `release_variables()`; the disclosure control then protects
them together.

The tables (docs/domain/statistics.md lists them with their sources):
- MIPROF's annual profile of the persons followed (all statuses);
- Eurostat crim_thb: registered victims (identified + presumed) by sex × age ×
  citizenship group, by sex × age × form, top citizenships (Eurostat codes at export);
- GRETA: identified / presumed by sex and age, forms (several per person) by
  age, nationalities;
- UNODC GLOTIP / SDG 16.2.2: registered victims by sex × age and by form, with
  rates per 100,000 inhabitants (INSEE population, `population.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
from django.utils.translation import gettext_lazy

from maillage.territories import reference as territories

from . import classifications as cls
from .disclosure.model import TOTAL, Table, Variable, variable
from .questionnaire import Questionnaire
from .records import AnonymousRecord

STATUSES = ("reported", "presumed", "identified")
SEXES = ("F", "M", "X", "U")
AGE_LEAVES = ("0-11", "12-14", "15-17", "C?", "18-24", "25-34", "35-44", "45-54", "55+", "A?", "U")
BANDS = ("0-11", "12-14", "15-17", "18-24", "25-34", "35-44", "45-54", "55+")
PLACE_EXTRA = ("FR?", "ABROAD", "ZZ")
NEW = ("NEW", "EARLIER")
IDENTIFIED_BY = ("police", "gendarmerie", "other", "none")
TOP_MIPROF = 10
TOP_EUROSTAT = 5


@cache
def citizenship_leaves() -> tuple[str, ...]:
    return (territories.STATELESS, territories.UNKNOWN_COUNTRY, *sorted(c.code for c in territories.countries("en")))


@cache
def departement_codes() -> tuple[str, ...]:
    return tuple(d.code for d in territories.departements())


def place_leaves() -> tuple[str, ...]:
    return (*departement_codes(), *PLACE_EXTRA)


def place_leaf(value: str) -> str:
    country, dep = cls.parse_place(value)
    if dep:
        return dep
    if country == cls.FRANCE:
        return "FR?"
    if country == territories.UNKNOWN_COUNTRY:
        return "ZZ"
    return "ABROAD"


def age_leaf(record: AnonymousRecord) -> str:
    if record.age_band != "UNK":
        return record.age_band
    return {"CHILD": "C?", "ADULT": "A?"}.get(record.age_group, "U")


@dataclass
class Frame:
    """Anonymous records, column-wise. `forms` and `services` are bit masks
    over the questionnaire's codes (in its order)."""

    year: int
    on: date  # reference date of the EU composition (31 December of the year)
    form_codes: tuple[str, ...]
    service_codes: tuple[str, ...]
    status: np.ndarray
    sex: np.ndarray
    age: np.ndarray
    citizenship: np.ndarray  # main citizenship (index into citizenship_leaves())
    forms: np.ndarray
    services: np.ndarray
    place: np.ndarray  # place of exploitation (index into place_leaves())
    new: np.ndarray
    identified_by: np.ndarray
    glotip: np.ndarray

    def __len__(self) -> int:
        return len(self.status)


def frame_from_records(records: Sequence[AnonymousRecord], questionnaire: Questionnaire, *, year: int) -> Frame:
    on = date(year, 12, 31)
    form_codes = questionnaire.variable("forms").code_values
    service_codes = questionnaire.variable("services").code_values
    cit_index = {c: i for i, c in enumerate(citizenship_leaves())}
    place_index = {c: i for i, c in enumerate(place_leaves())}
    form_bit = {c: 1 << i for i, c in enumerate(form_codes)}
    service_bit = {c: 1 << i for i, c in enumerate(service_codes)}
    n = len(records)
    cols = {
        name: np.zeros(n, dtype=np.int64)
        for name in (
            "status",
            "sex",
            "age",
            "citizenship",
            "forms",
            "services",
            "place",
            "new",
            "identified_by",
            "glotip",
        )
    }
    for i, r in enumerate(records):
        cols["status"][i] = STATUSES.index(r.status)
        cols["sex"][i] = SEXES.index(r.sex)
        cols["age"][i] = AGE_LEAVES.index(age_leaf(r))
        cols["citizenship"][i] = cit_index[cls.main_citizenship(r.citizenships, on=on)]
        cols["forms"][i] = sum(form_bit[f] for f in r.forms)
        cols["services"][i] = sum(service_bit[s] for s in r.services)
        cols["place"][i] = place_index[place_leaf(r.exploitation_place)]
        cols["new"][i] = 0 if r.year_first_followed == year else 1
        cols["identified_by"][i] = IDENTIFIED_BY.index(r.identified_by or "none")
        cols["glotip"][i] = cls.GLOTIP_FORMS.index(cls.glotip_form(r.forms))
    return Frame(year=year, on=on, form_codes=form_codes, service_codes=service_codes, **cols)


# --- classifications -------------------------------------------------------------------------


def _form_groups(form_codes: Sequence[str]) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for code in form_codes:
        greta = cls.GRETA_OF_FORM.get(code)
        if greta:
            groups.setdefault(f"greta:{greta}", set()).add(code)
    for label, members in cls.EUROSTAT_FORM_ORDER:
        present = set(members) & set(form_codes)
        if present:
            groups[f"eurostat:{label}"] = present
    if cls.UNKNOWN_FORM in form_codes:
        groups["eurostat:UNK"] = {cls.UNKNOWN_FORM}
    return groups


def others_code(listed: Sequence[str]) -> str:
    """The code of « every other citizenship » of a top-N table (named after
    the list, so two releases listing other countries never share it)."""
    return "others:" + ",".join(listed)


def release_variables(frame: Frame, *, tops: Mapping[str, Sequence[str]] | None = None) -> dict[str, Variable]:
    """The classifications of a release. `tops` names the citizenships listed
    by each top-N table (their complement is a code of its own)."""
    cit = citizenship_leaves()
    groups = {g: set() for g in cls.CITIZENSHIP_GROUPS}
    for code in cit:
        groups[cls.citizenship_group(code, on=frame.on)].add(code)
    cit_groups = {f"group:{g}": members for g, members in groups.items() if members}
    for listed in (tops or {}).values():
        cit_groups[others_code(listed)] = set(cit) - set(listed)
    regions = {}
    for dep in departement_codes():
        regions.setdefault(f"region:{territories.departement(dep).region_code}", set()).add(dep)
    return {
        "status": variable("status", STATUSES, {"registered": {"presumed", "identified"}}),
        "sex": variable("sex", SEXES, {"UNK": {"X", "U"}}),
        "age": variable(
            "age",
            AGE_LEAVES,
            {
                "CHILD": {"0-11", "12-14", "15-17", "C?"},
                "ADULT": {"18-24", "25-34", "35-44", "45-54", "55+", "A?"},
                "AGE_UNK": {"U"},
                "BAND_UNK": {"C?", "A?", "U"},
            },
        ),
        "citizenship": variable("citizenship", cit, cit_groups),
        "form": variable("form", frame.form_codes, _form_groups(frame.form_codes), multi=True),
        "service": variable("service", frame.service_codes, multi=True, exhaustive=False),
        "place": variable("place", place_leaves(), {**regions, "FRANCE": {*departement_codes(), "FR?"}}),
        "new": variable("new", NEW),
        "identified_by": variable("identified_by", IDENTIFIED_BY),
        "glotip": variable("glotip", cls.GLOTIP_FORMS),
    }


# --- counting --------------------------------------------------------------------------------


def _column(frame: Frame, name: str) -> np.ndarray:
    return getattr(frame, {"form": "forms", "service": "services", "place": "place"}.get(name, name))


def _leaf_positions(var: Variable, codes: Sequence[str]) -> np.ndarray:
    """For a single-valued variable: leaf index → position of its code in
    `codes`, or len(codes) for a leaf no code covers (counted in the margin only)."""
    pos = np.full(len(var.leaves), len(codes), dtype=np.int64)
    leaf_index = {leaf: i for i, leaf in enumerate(var.leaves)}
    for k, code in enumerate(codes):
        for leaf in var.leafset(code):
            pos[leaf_index[leaf]] = k
    return pos


def _mask_of(var: Variable, code: str) -> int:
    leaf_index = {leaf: i for i, leaf in enumerate(var.leaves)}
    return sum(1 << leaf_index[leaf] for leaf in var.leafset(code))


def _population_mask(frame: Frame, variables: Mapping[str, Variable], population: Mapping[str, str]) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    for name, code in population.items():
        var = variables[name]
        if var.multi:
            mask &= (_column(frame, name) & _mask_of(var, code)) != 0
        else:
            members = np.zeros(len(var.leaves), dtype=bool)
            members[_leaf_positions(var, [code]) == 0] = True
            mask &= members[_column(frame, name)]
    return mask


def count(
    frame: Frame,
    variables: Mapping[str, Variable],
    *,
    key: str,
    dims: Sequence[tuple[str, Sequence[str]]],
    population: Mapping[str, str] | None = None,
    title: str = "",
) -> Table:
    """A table of counts with every margin (TOTAL) over `dims`."""
    population = dict(population or {})
    selected = _population_mask(frame, variables, population)
    singles = [(i, n, c) for i, (n, c) in enumerate(dims) if not variables[n].multi]
    multis = [(i, n, c) for i, (n, c) in enumerate(dims) if variables[n].multi]
    if len(multis) > 1:
        raise ValueError("one multi-valued variable per table")
    sizes = [len(c) + 1 for _, _, c in singles]  # + a slot for leaves outside the codes
    combined = np.zeros(len(frame), dtype=np.int64)
    for (_, name, codes), size in zip(singles, sizes, strict=True):
        combined = combined * size + _leaf_positions(variables[name], codes)[_column(frame, name)]
    shape = tuple(sizes)
    total_slots = int(np.prod(shape)) if shape else 1

    def grid(mask: np.ndarray) -> np.ndarray:
        counts = np.bincount(combined[mask], minlength=total_slots)
        return counts.reshape(shape) if shape else counts.reshape(())

    grids = {TOTAL: grid(selected)}
    if multis:
        _, mname, mcodes = multis[0]
        column = _column(frame, mname)
        for code in mcodes:
            grids[code] = grid(selected & ((column & _mask_of(variables[mname], code)) != 0))
    cells: dict[tuple[str, ...], int] = {}
    single_choices = [(*codes, TOTAL) for _, _, codes in singles]
    for mcode, g in grids.items():
        for combo in np.ndindex(*[len(c) for c in single_choices]) if single_choices else [()]:
            index = []
            for axis, k in enumerate(combo):
                codes = single_choices[axis]
                index.append(slice(None) if codes[k] == TOTAL else k)
            value = int(g[tuple(index)].sum()) if index else int(g)
            coords = [None] * len(dims)
            for axis, (pos, _, _) in enumerate(singles):
                coords[pos] = single_choices[axis][combo[axis]]
            if multis:
                coords[multis[0][0]] = mcode
            cells[tuple(coords)] = value
    return Table(
        key=key,
        title=str(title),
        variables=tuple(n for n, _ in dims),
        codes=tuple(tuple(c) for _, c in dims),
        cells=cells,
        population=population,
    )


def top_citizenships(frame: Frame, variables, *, population: Mapping[str, str], n: int) -> list[str]:
    selected = _population_mask(frame, variables, population)
    counts = np.bincount(frame.citizenship[selected], minlength=len(citizenship_leaves()))
    leaves = citizenship_leaves()
    order = sorted(
        (i for i in range(len(leaves)) if counts[i] and leaves[i] != territories.UNKNOWN_COUNTRY),
        key=lambda i: (-counts[i], leaves[i]),
    )
    return [leaves[i] for i in order[:n]]


# --- the release ------------------------------------------------------------------------------

REGISTERED = {"status": "registered"}


@dataclass(frozen=True)
class Spec:
    key: str
    family: str  # miprof | eurostat | greta | unodc
    title: object
    dims: tuple[tuple[str, tuple[str, ...]], ...]
    population: Mapping[str, str]


def specs(frame: Frame, tops: Mapping[str, Sequence[str]]) -> list[Spec]:
    forms = tuple(frame.form_codes)
    services = tuple(frame.service_codes)
    regions = tuple(f"region:{r.code}" for r in territories.regions())
    cit_groups = tuple(f"group:{g}" for g in cls.CITIZENSHIP_GROUPS)
    greta_forms = tuple(f"greta:{g}" for g in cls.GRETA_FORMS if any(cls.GRETA_OF_FORM.get(f) == g for f in forms))
    eurostat_forms = tuple(f"eurostat:{f}" for f in cls.EUROSTAT_FORMS if f != "UNK" or cls.UNKNOWN_FORM in forms)
    age3 = ("CHILD", "ADULT", "AGE_UNK")
    sex3 = ("F", "M", "UNK")
    return [
        Spec(
            "miprof.status_sex",
            "miprof",
            gettext_lazy("Personnes suivies par statut et sexe"),
            (("status", STATUSES), ("sex", SEXES)),
            {},
        ),
        Spec(
            "miprof.age_sex",
            "miprof",
            gettext_lazy("Personnes suivies par âge au début de l'exploitation et sexe"),
            (("age", (*BANDS, "BAND_UNK")), ("sex", SEXES)),
            {},
        ),
        Spec(
            "miprof.form_age",
            "miprof",
            gettext_lazy("Personnes suivies par forme d'exploitation (plusieurs possibles) et minorité"),
            (("form", forms), ("age", age3)),
            {},
        ),
        Spec(
            "miprof.form_sex",
            "miprof",
            gettext_lazy("Personnes suivies par forme d'exploitation (plusieurs possibles) et sexe"),
            (("form", forms), ("sex", SEXES)),
            {},
        ),
        Spec(
            "miprof.citizenship_sex",
            "miprof",
            gettext_lazy("Personnes suivies par nationalité (groupe) et sexe"),
            (("citizenship", cit_groups), ("sex", SEXES)),
            {},
        ),
        Spec(
            "miprof.top_citizenships",
            "miprof",
            gettext_lazy("Principales nationalités des personnes suivies"),
            (("citizenship", (*tops["miprof.top_citizenships"], others_code(tops["miprof.top_citizenships"]))),),
            {},
        ),
        Spec(
            "miprof.place_region",
            "miprof",
            gettext_lazy("Personnes suivies par lieu d'exploitation (région)"),
            (("place", (*regions, *PLACE_EXTRA)),),
            {},
        ),
        Spec(
            "miprof.place_departement",
            "miprof",
            gettext_lazy("Personnes suivies par lieu d'exploitation (département)"),
            (("place", (*departement_codes(), *PLACE_EXTRA)),),
            {},
        ),
        Spec(
            "miprof.services_age",
            "miprof",
            gettext_lazy("Services apportés (plusieurs possibles) par minorité"),
            (("service", services), ("age", age3)),
            {},
        ),
        Spec(
            "miprof.new_status",
            "miprof",
            gettext_lazy("Personnes suivies pour la première fois dans l'année, par statut"),
            (("new", NEW), ("status", STATUSES)),
            {},
        ),
        Spec(
            "miprof.identified_by",
            "miprof",
            gettext_lazy("Victimes identifiées par autorité d'identification"),
            (("identified_by", IDENTIFIED_BY[:3]),),
            {"status": "identified"},
        ),
        Spec(
            "eurostat.sex_age_citizenship",
            "eurostat",
            gettext_lazy("Victimes enregistrées par sexe, âge et nationalité (Eurostat crim_thb)"),
            (("sex", sex3), ("age", age3), ("citizenship", cit_groups)),
            REGISTERED,
        ),
        Spec(
            "eurostat.sex_age_form",
            "eurostat",
            gettext_lazy("Victimes enregistrées par sexe, âge et forme d'exploitation (Eurostat crim_thb)"),
            (("form", eurostat_forms), ("sex", sex3), ("age", age3)),
            REGISTERED,
        ),
        Spec(
            "eurostat.top_citizenships",
            "eurostat",
            gettext_lazy("Principales nationalités des victimes enregistrées (Eurostat)"),
            (("citizenship", (*tops["eurostat.top_citizenships"], others_code(tops["eurostat.top_citizenships"]))),),
            REGISTERED,
        ),
        Spec(
            "greta.status_sex_age",
            "greta",
            gettext_lazy("Victimes identifiées et présumées par sexe et âge (GRETA)"),
            (("status", ("presumed", "identified")), ("sex", SEXES), ("age", age3)),
            {},
        ),
        Spec(
            "greta.form_age",
            "greta",
            gettext_lazy("Victimes enregistrées par forme d'exploitation (plusieurs possibles) et âge (GRETA)"),
            (("form", greta_forms), ("age", age3)),
            REGISTERED,
        ),
        Spec(
            "unodc.sex_age",
            "unodc",
            gettext_lazy("Victimes enregistrées par sexe et âge (ONUDC, ODD 16.2.2)"),
            (("sex", sex3), ("age", age3)),
            REGISTERED,
        ),
        Spec(
            "unodc.form_sex",
            "unodc",
            gettext_lazy("Victimes enregistrées par forme d'exploitation et sexe (ONUDC GLOTIP)"),
            (("glotip", cls.GLOTIP_FORMS), ("sex", sex3)),
            REGISTERED,
        ),
    ]


def national_tables(frame: Frame) -> tuple[list[Table], dict[str, Variable], list[Spec]]:
    """Every table of a national release (counts, margins included)."""
    base = release_variables(frame)
    tops = {
        "miprof.top_citizenships": top_citizenships(frame, base, population={}, n=TOP_MIPROF),
        "eurostat.top_citizenships": top_citizenships(frame, base, population=REGISTERED, n=TOP_EUROSTAT),
    }
    variables = release_variables(frame, tops=tops)
    out_specs = specs(frame, tops)
    tables = [
        count(frame, variables, key=s.key, dims=s.dims, population=s.population, title=s.title) for s in out_specs
    ]
    return tables, variables, out_specs


def families(keys: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(k.split(".")[0] for k in keys))


# --- persons (issue 13) -----------------------------------------------------------------------
# After a linkage run, persons are counted beside records: one record per
# person (linking.persons_of). The persons' cells are a population of their
# own, « unit = person », nested in the records' cells (each person counted in
# a cell has a record there), so the disclosure control knows that persons ≤
# records cell by cell, and never takes a persons cell for a records cell.

UNITS = ("person", "duplicate")  # records = persons + records of a person already counted
PERSONS = {"unit": "person"}
FOLLOWED_BY = ("1", "2", "3+")


def persons_variables() -> dict[str, Variable]:
    return {
        "unit": variable("unit", UNITS),
        "followed_by": variable("followed_by", FOLLOWED_BY, {"several": {"2", "3+"}}),
    }


def persons_tables(frame: Frame, organisations: Sequence[int]) -> tuple[list[Table], dict[str, Variable], list[Spec]]:
    """Persons by status and sex, and by how many organisations followed them.
    `frame` holds one record per person; `organisations` is aligned with it."""
    variables = {**release_variables(frame), **persons_variables()}
    out_specs = [
        Spec(
            "persons.status_sex",
            "persons",
            gettext_lazy("Personnes distinctes (dédupliquées entre organisations) par statut et sexe"),
            (("status", STATUSES), ("sex", SEXES)),
            PERSONS,
        ),
        Spec(
            "persons.followed_by",
            "persons",
            gettext_lazy("Personnes distinctes par nombre d'organisations qui les ont suivies"),
            (("followed_by", FOLLOWED_BY),),
            PERSONS,
        ),
        Spec(
            "persons.several",
            "persons",
            gettext_lazy("Personnes suivies par une ou plusieurs organisations"),
            (("followed_by", ("1", "several")),),
            PERSONS,
        ),
    ]
    status_sex = count(frame, variables, key=out_specs[0].key, dims=out_specs[0].dims, title=out_specs[0].title)
    status_sex.population = dict(PERSONS)
    tallies = dict.fromkeys(FOLLOWED_BY, 0)
    for n in organisations:
        tallies["1" if n <= 1 else "2" if n == 2 else "3+"] += 1
    total = sum(tallies.values())
    followed = Table(
        key=out_specs[1].key,
        variables=("followed_by",),
        codes=(FOLLOWED_BY,),
        cells={**{(code,): value for code, value in tallies.items()}, (TOTAL,): total},
        population=dict(PERSONS),
        title=str(out_specs[1].title),
    )
    several = Table(
        key=out_specs[2].key,
        variables=("followed_by",),
        codes=(("1", "several"),),
        cells={("1",): tallies["1"], ("several",): total - tallies["1"], (TOTAL,): total},
        population=dict(PERSONS),
        title=str(out_specs[2].title),
    )
    return [status_sex, followed, several], variables, out_specs


# A person followed by several organisations counts once, with the record that
# went furthest in the procedure (identified > presumed > reported), the
# earliest year of first follow-up breaking ties: the status that counts for
# Warsaw art. 10 is the most advanced one any organisation reached.
_STATUS_RANK = {"identified": 0, "presumed": 1, "reported": 2}


@dataclass
class Persons:
    records: list[AnonymousRecord]  # one per person
    organisations: list[int]  # how many organisations followed each person (aligned)


def persons_of(rows: Sequence[tuple[AnonymousRecord, int]]) -> Persons:
    """One record per person from (record, organisation id) pairs; a record
    without person_id is a person of its own."""
    groups: dict[str, list[tuple[AnonymousRecord, int]]] = {}
    out = Persons(records=[], organisations=[])
    for record, organisation in rows:
        if record.person_id:
            groups.setdefault(record.person_id, []).append((record, organisation))
        else:
            out.records.append(record)
            out.organisations.append(1)
    for members in groups.values():
        kept = min(members, key=lambda m: (_STATUS_RANK.get(m[0].status, 3), m[0].year_first_followed))[0]
        out.records.append(kept)
        out.organisations.append(len({organisation for _, organisation in members}))
    return out
