"""INSEE population, the denominators of SDG 16.2.2 rates (data/README.md).

Pure module. `population(year, sex, age_min, age_max)` sums the shipped
five-year groups of the most recent year ≤ `year`; an age range the groups do
not cut exactly (under 18) gives None: the rate is shown as unavailable,
never estimated."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

FILES = ("population-insee-rp2018-france.csv",)
SOURCE = "Insee, RP2018 exploitation principale, France entière (Licence Ouverte 2.0)"


@dataclass(frozen=True)
class Group:
    year: int
    territory: str
    sex: str
    age_min: int
    age_max: int
    population: int


@cache
def groups() -> tuple[Group, ...]:
    out = []
    for name in FILES:
        text = resources.files("maillage.statistics").joinpath("data", name).read_text("utf-8")
        for row in csv.DictReader(text.splitlines()):
            out.append(
                Group(
                    year=int(row["year"]),
                    territory=row["territory"],
                    sex=row["sex"],
                    age_min=int(row["age_min"]),
                    age_max=int(row["age_max"]),
                    population=int(row["population"]),
                )
            )
    return tuple(out)


def reference_year(year: int, territory: str = "FR") -> int | None:
    years = [g.year for g in groups() if g.territory == territory and g.year <= year]
    return max(years) if years else None


def population(year: int, *, sex: str | None = None, age_min: int = 0, age_max: int = 200, territory: str = "FR"):
    """People of `sex` (F, M or None for both) aged age_min..age_max, or None."""
    ref = reference_year(year, territory)
    if ref is None:
        return None
    total = 0
    for g in groups():
        if g.year != ref or g.territory != territory or (sex and g.sex != sex):
            continue
        if g.age_max < age_min or g.age_min > age_max:
            continue
        if g.age_min < age_min or g.age_max > age_max:
            return None  # a group straddles the range: no exact denominator
        total += g.population
    return total or None


def rate_per_100k(count: int | None, denominator: int | None) -> float | None:
    if count is None or not denominator:
        return None
    return round(count * 100_000 / denominator, 2)
