"""Charts of a release, drawn on the server as SVG (issue 12, « tableaux de bord »).

Why SVG from Python rather than `@gouvfr/dsfr-chart`: the pages run under a
CSP without `unsafe-inline` and the charts must work without script; the
figures come from the protected payloads only, so a chart can never show more
than the table it illustrates (R-PRIVACY: a suppressed cell is None in the
payload and is drawn as « s », never as a bar). The look follows the State
design system's data visualisation (Marianne, blue France #000091 and its
lighter tint, values written at the end of the bars, a legend when there are
several series). Accessibility (RGAA 1.1, 1.3): every SVG has role="img", a
<title> and a <desc> named by aria-labelledby, and the page shows a table of
the same figures beside it (`Chart.rows`). Colours are SVG presentation
attributes, which the CSP does not govern; sizes come from the static CSS.
Pure module: no database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.territories.map_svg import render_departement_map

from .disclosure import TOTAL

FONT = "Marianne, Arial, sans-serif"
TEXT = "#161616"
GRID = "#dddddd"
# DSFR blue France and its 625 tint: 15.9:1 and 4.9:1 against white (WCAG 1.4.11 asks 3:1).
COLOURS = ("#000091", "#6a6af4")
SUPPRESSED = "s"
_ID = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: str
    columns: list[str]  # the series, as the data table's column headers
    rows: list[tuple[str, list[int | None]]] = field(default_factory=list)  # None: suppressed or missing
    row_header: str = ""
    notes: list[str] = field(default_factory=list)
    table_anchor: str = ""  # the page's table holding these figures, when too long to repeat


def _fmt(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _dom_id(key: str) -> str:
    return "graphique-" + _ID.sub("-", key.lower()).strip("-")


def _open(dom_id: str, width: int, height: int, title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img"'
        f' aria-labelledby="{dom_id}-titre {dom_id}-desc" class="maillage-chart__svg" focusable="false">',
        f'<title id="{dom_id}-titre">{escape(title)}</title>',
        f'<desc id="{dom_id}-desc">{escape(description)}</desc>',
    ]


def _text(x: float, y: float, text: str, *, size: int = 12, anchor: str = "start", bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" font-family="{FONT}" font-size="{size}" fill="{TEXT}"'
        f' text-anchor="{anchor}"{weight}>{escape(text)}</text>'
    )


def _legend(series: Sequence[str], y: float) -> list[str]:
    out, x = [], 10.0
    for name, colour in zip(series, COLOURS, strict=False):
        out.append(f'<rect x="{x:.0f}" y="{y - 10:.0f}" width="12" height="12" fill="{colour}"/>')
        out.append(_text(x + 18, y, name))
        x += 30 + 7 * len(name)
    return out


def horizontal_bars(
    *, key: str, title: str, description: str, categories: Sequence[str], series: Sequence[str],
    values: Sequence[Sequence[int | None]], row_header: str, notes: Sequence[str] = (),
) -> Chart:  # fmt: skip
    """One group of bars per category, one bar per series (at most two)."""
    assert 1 <= len(series) <= len(COLOURS)
    dom_id = _dom_id(key)
    width, label_w, bar_w = 640, 230, 330
    bar_h, gap = 16, 12
    top = 34 if len(series) > 1 else 10
    group_h = bar_h * len(series) + gap
    height = top + group_h * len(categories) + 10
    visible = [v for row in values for v in row if v is not None]
    maximum = max(visible, default=0) or 1
    out = _open(dom_id, width, height, title, description)
    if len(series) > 1:
        out += _legend(series, 20)
    out.append(f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{height - 6}" stroke="{TEXT}"/>')
    for i, (category, row) in enumerate(zip(categories, values, strict=True)):
        y = top + i * group_h
        out.append(_text(label_w - 8, y + bar_h * len(series) / 2 + 4, _short(category), anchor="end"))
        for j, value in enumerate(row):
            by = y + j * bar_h
            if value is None:  # suppressed: no bar, the Eurostat flag instead
                out.append(_text(label_w + 6, by + bar_h - 4, SUPPRESSED, size=11))
                continue
            length = bar_w * value / maximum
            if value:
                out.append(
                    f'<rect x="{label_w}" y="{by + 1}" width="{max(length, 1):.1f}" height="{bar_h - 2}"'
                    f' fill="{COLOURS[j]}"/>'
                )
            out.append(_text(label_w + length + 6, by + bar_h - 4, _fmt(value), size=11))
    out.append("</svg>")
    rows = [(category, list(row)) for category, row in zip(categories, values, strict=True)]
    return Chart(key, title, "".join(out), list(series), rows, row_header, list(notes))


def vertical_bars(
    *, key: str, title: str, description: str, categories: Sequence[str], values: Sequence[int | None],
    series: str, row_header: str, notes: Sequence[str] = (),
) -> Chart:  # fmt: skip
    """One bar per category (years of a trend), values above the bars."""
    dom_id = _dom_id(key)
    # A fixed width (the page scales the SVG): few years get wide slots, not a giant chart.
    width, height = 640, 260
    slot = min(96, (width - 40) // max(len(categories), 1))
    base, plot_h = 220, 180
    visible = [v for v in values if v is not None]
    maximum = max(visible, default=0) or 1
    out = _open(dom_id, width, height, title, description)
    out.append(f'<line x1="20" y1="{base}" x2="{width - 10}" y2="{base}" stroke="{TEXT}"/>')
    for i, (category, value) in enumerate(zip(categories, values, strict=True)):
        x = 30 + i * slot
        centre = x + slot / 2 - 6
        out.append(_text(centre, base + 20, category, anchor="middle"))
        if value is None:
            out.append(_text(centre, base - 6, SUPPRESSED, size=11, anchor="middle"))
            continue
        h = plot_h * value / maximum
        if value:
            out.append(
                f'<rect x="{x + 8}" y="{base - h:.1f}" width="{slot - 28}" height="{max(h, 1):.1f}" fill="{COLOURS[0]}"/>'
            )
        out.append(_text(centre, base - h - 6, _fmt(value), size=11, anchor="middle"))
    out.append("</svg>")
    rows = [(category, [value]) for category, value in zip(categories, values, strict=True)]
    return Chart(key, title, "".join(out), [series], rows, row_header, list(notes))


# --- the charts of a release ----------------------------------------------------------------


def _cells(item: Mapping) -> dict[tuple, int | None]:
    return {tuple(coords): value for coords, value in item["cells"]}


def _labels(item: Mapping, axis: int, lang: str) -> list[tuple[str, str]]:
    return [(c["code"], c["label"][lang]) for c in item["dims"][axis]["codes"] if c["code"] != TOTAL]


def forms_chart(item: Mapping, lang: str) -> Chart:
    """« miprof.form_age »: persons per form of exploitation, minors and adults."""
    cells = _cells(item)
    ages = dict(_labels(item, 1, lang))
    series = [code for code in ("CHILD", "ADULT") if code in ages]
    forms = _labels(item, 0, lang)
    return horizontal_bars(
        key=item["key"],
        title=_("Personnes suivies par forme d'exploitation, mineures et majeures"),
        description=_(
            "Barres horizontales : pour chaque forme d'exploitation, le nombre de personnes mineures et majeures au début de l'exploitation (une personne peut en avoir subi plusieurs). « s » : valeur non diffusée (secret statistique). Les chiffres figurent dans le tableau qui suit."
        ),
        categories=[label for _code, label in forms],
        series=[ages[code] for code in series],
        values=[[cells.get((form, age)) for age in series] for form, _label in forms],
        row_header=str(item["dims"][0]["label"][lang]),
    )


def ages_chart(item: Mapping, lang: str) -> Chart:
    """« miprof.age_sex »: persons per age band at the start of exploitation (all sexes)."""
    cells = _cells(item)
    bands = _labels(item, 0, lang)
    return horizontal_bars(
        key=item["key"],
        title=_("Personnes suivies par âge au début de l'exploitation"),
        description=_(
            "Barres horizontales : le nombre de personnes suivies par tranche d'âge au début de l'exploitation. « s » : valeur non diffusée (secret statistique). Les chiffres figurent dans le tableau qui suit."
        ),
        categories=[label for _code, label in bands],
        series=[_("Personnes suivies")],
        values=[[cells.get((band, TOTAL))] for band, _label in bands],
        row_header=str(item["dims"][0]["label"][lang]),
    )


def map_chart(item: Mapping, lang: str, *, table_anchor: str) -> Chart:
    """« miprof.place_departement » as the coverage map's choropleth; a suppressed
    or unpublished département is drawn as « secret statistique », never as a value."""
    cells = _cells(item)
    departements = [(code, label) for code, label in _labels(item, 0, lang) if code[:1].isdigit()]
    values = {code: cells.get((code,)) for code, _label in departements}
    title = _("Personnes suivies par département d'exploitation")
    svg = render_departement_map(
        values,
        title=title,
        description=_(
            "Carte des départements colorés selon le nombre de personnes exploitées dans le département. Hachures : 0 ; points : valeur non diffusée (secret statistique). Les chiffres figurent dans le tableau « %(t)s »."
        )
        % {"t": item["title"][lang]},
        legend_title=_("Personnes suivies"),
        format_value=lambda n: ngettext("%(n)s personne suivie", "%(n)s personnes suivies", n) % {"n": _fmt(n)},
        id_prefix=_dom_id(item["key"]),
        zero_label="0",
        zero_suffix="",
        no_data_label=_("Secret statistique"),
        no_data_text=_("valeur non diffusée (secret statistique)"),
    )
    return Chart(item["key"], title, svg, [_("Personnes suivies")], [], table_anchor=table_anchor, row_header="")


def for_release(items: Sequence[Mapping], lang: str) -> list[Chart]:
    """The charts a release's tables allow, in page order (absent tables: no chart)."""
    lang = lang[:2] if lang[:2] in ("fr", "en") else "fr"
    by_key = {item["key"]: item for item in items}
    out = []
    if "miprof.form_age" in by_key:
        out.append(forms_chart(by_key["miprof.form_age"], lang))
    if "miprof.age_sex" in by_key:
        out.append(ages_chart(by_key["miprof.age_sex"], lang))
    if "miprof.place_departement" in by_key:
        item = by_key["miprof.place_departement"]
        out.append(map_chart(item, lang, table_anchor="tableau-" + slugify(item["key"])))
    return out


@dataclass(frozen=True)
class TrendPoint:
    year: int
    value: int | None  # None: suppressed in that year's release
    source: str


def trend_chart(points: Sequence[TrendPoint]) -> Chart | None:
    """Persons followed per year: Maillage's releases and the figures published before it."""
    if len(points) < 2:
        return None
    return vertical_bars(
        key="tendance",
        title=_("Personnes suivies par année"),
        description=_(
            "Barres verticales : le nombre de personnes suivies chaque année, des chiffres publiés avant Maillage aux publications de l'enquête annuelle. Les chiffres et leurs sources figurent dans le tableau qui suit."
        ),
        categories=[str(p.year) for p in points],
        values=[p.value for p in points],
        series=_("Personnes suivies"),
        row_header=_("Année"),
        notes=[f"{p.year} : {p.source}" for p in points],
    )
