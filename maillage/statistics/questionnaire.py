"""The annual questionnaire, held as versioned data.

A questionnaire version is a JSON document (`data/questionnaire-*.json`,
loaded into `models.Questionnaire` by a data migration): its variables, their
codings, which are required and where each coding comes from (rules.md §5.6).
A campaign points at one version, so a later change of the questionnaire never
rewrites what an earlier campaign collected. Pure module: no database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType

from django.utils.translation import get_language

CURRENT_FILE = "questionnaire-2025-v1.json"


@dataclass(frozen=True)
class Code:
    code: str
    label: MappingProxyType
    min: int | None = None
    max: int | None = None

    def text(self, language: str | None = None) -> str:
        language = (language or get_language() or "fr")[:2]
        return self.label.get(language) or self.label["fr"]


@dataclass(frozen=True)
class Variable:
    name: str
    column: str
    type: str  # code | codes | countries | place | integer | year
    required: bool
    label: MappingProxyType
    source: str
    codes: tuple[Code, ...] = ()
    min: int | None = None
    max: int | None = None
    catalogue: str = ""
    values: tuple[str, ...] = ()  # the codes, in order (read once per row checked)

    def text(self, language: str | None = None) -> str:
        language = (language or get_language() or "fr")[:2]
        return self.label.get(language) or self.label["fr"]

    @property
    def code_values(self) -> tuple[str, ...]:
        return self.values

    def code(self, value: str) -> Code | None:
        for c in self.codes:
            if c.code == value:
                return c
        return None

    def label_of(self, value: str, language: str | None = None) -> str:
        c = self.code(value)
        return c.text(language) if c else value


@dataclass(frozen=True)
class Questionnaire:
    code: str
    version: int
    title: MappingProxyType
    variables: tuple[Variable, ...] = field(default=())

    def variable(self, name: str) -> Variable:
        return _by_name(self)[name]

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(v.column for v in self.variables)

    def text(self, language: str | None = None) -> str:
        language = (language or get_language() or "fr")[:2]
        return self.title.get(language) or self.title["fr"]


_INDEX: dict[int, dict[str, Variable]] = {}


def _by_name(questionnaire: Questionnaire) -> dict[str, Variable]:
    index = _INDEX.get(id(questionnaire))
    if index is None or index.get(questionnaire.variables[0].name) is not questionnaire.variables[0]:
        index = _INDEX[id(questionnaire)] = {v.name: v for v in questionnaire.variables}
    return index


def _code(raw: dict) -> Code:
    return Code(code=raw["code"], label=MappingProxyType(dict(raw["label"])), min=raw.get("min"), max=raw.get("max"))


def parse(definition: dict) -> Questionnaire:
    """A questionnaire from its JSON definition (checked: unknown types refused)."""
    variables = []
    for raw in definition["variables"]:
        if raw["type"] not in {"code", "codes", "countries", "place", "integer", "year"}:
            raise ValueError(f"Unknown variable type {raw['type']!r} for {raw['name']!r}")
        variables.append(
            Variable(
                name=raw["name"],
                column=raw["column"],
                type=raw["type"],
                required=bool(raw.get("required")),
                label=MappingProxyType(dict(raw["label"])),
                source=raw.get("source", ""),
                codes=tuple(_code(c) for c in raw.get("codes", ())),
                values=tuple(c["code"] for c in raw.get("codes", ())),
                min=raw.get("min"),
                max=raw.get("max"),
                catalogue=raw.get("catalogue", ""),
            )
        )
    return Questionnaire(
        code=definition["code"],
        version=int(definition["version"]),
        title=MappingProxyType(dict(definition["title"])),
        variables=tuple(variables),
    )


def shipped_definition(filename: str = CURRENT_FILE) -> dict:
    return json.loads(resources.files("maillage.statistics").joinpath("data", filename).read_text("utf-8"))


@cache
def shipped(filename: str = CURRENT_FILE) -> Questionnaire:
    return parse(shipped_definition(filename))
