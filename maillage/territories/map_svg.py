"""Accessible, CSP-safe inline SVG choropleth of France by département.

Design constraints (why the code looks like this):

* The product runs under a strict Content-Security-Policy: no ``<style>``
  element, no ``style`` attribute, no event handler. Colours are therefore set
  with SVG presentation attributes (``fill``, ``stroke``), which CSP does not
  govern, and class names are added so the site stylesheet can still add focus
  styles.
* The map must not rely on colour alone: départements without any value (0)
  are hatched, those without data are dotted, every shape has a text
  alternative (``<title>``) and, when links are requested, each département is
  a keyboard-focusable ``<a>`` with an accessible name.
* The geometry is projected and simplified once per process (see
  ``_geometry()``); a render only concatenates cached strings.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from urllib.parse import urlsplit

from .reference import departement, departements, normalise_departement_code

__all__ = [
    "ATTRIBUTION",
    "BLUES",
    "LegendBucket",
    "legend_buckets",
    "render_departement_map",
]

ATTRIBUTION = "Source : IGN – Admin Express, via france-geojson"

# Sequential scale (ColorBrewer "Blues", its two lightest steps skipped so the
# first class is still clearly distinct from the white background and from the
# white base of the "uncovered" hatching).
BLUES: tuple[str, ...] = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
# Borders and text: 11.4:1 (#3a3a3a) and 17.7:1 (#161616) against white, well
# above the 3:1 WCAG 1.4.11 minimum for graphical objects.
BORDER = "#3a3a3a"
TEXT = "#161616"
HATCH = "#b34000"  # warm stripes, 5.5:1 against white, never confused with blues
NO_DATA_BASE = "#f6f6f6"
NO_DATA_DOT = "#666666"
FONT = "Marianne, Arial, sans-serif"

_UNCOVERED_KEY = "non-couvert"
_NO_DATA_KEY = "sans-donnee"
_CLASS_PREFIX = "carte-dep"

# --- Layout, in SVG user units --------------------------------------------
_PAD = 10.0
_INSET_W, _INSET_H, _INSET_GAP, _INSET_LABEL_H = 112.0, 96.0, 12.0, 16.0
_METRO_X = _PAD + _INSET_W + 20.0
_METRO_Y = _PAD
_METRO_SCALE = 55.0  # units per degree of latitude
# Metropolitan bounding box (degrees), slightly padded around the data extent.
_LON_MIN, _LAT_MAX, _LAT_MIN, _LON_MAX = -5.2, 51.15, 41.3, 9.65
_LAT0 = math.radians((_LAT_MAX + _LAT_MIN) / 2)
_METRO_W = (_LON_MAX - _LON_MIN) * math.cos(_LAT0) * _METRO_SCALE
_METRO_H = (_LAT_MAX - _LAT_MIN) * _METRO_SCALE
_LEGEND_X = _METRO_X + _METRO_W + 20.0
_LEGEND_W = 190.0
_WIDTH = round(_LEGEND_X + _LEGEND_W + _PAD)
_HEIGHT = round(_METRO_Y + _METRO_H + 34.0)
_INSET_ORDER = ("971", "972", "973", "974", "976")
# Ramer–Douglas–Peucker tolerance in tenths of a unit: half a unit (about half
# a CSS pixel at the usual display width) is invisible yet halves the output.
_SIMPLIFY_TOLERANCE = 5

_ID_PREFIX_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_SAFE_URL_SCHEMES = frozenset({"", "http", "https"})


# ---------------------------------------------------------------------------
# Buckets (shared with HTML legends/tables)
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LegendBucket:
    """One legend entry. ``lower``/``upper`` are inclusive; None for special buckets."""

    key: str  # "non-couvert", "1".."5" (colour step), "sans-donnee"
    label: str  # « 0 (non couvert) », « 2 à 4 », « Donnée non disponible »
    lower: int | None
    upper: int | None
    fill: str  # base colour (the pattern's background for special buckets)
    css_class: str
    pattern: str | None  # "hachures", "points" or None for plain fills
    count: int  # number of départements in the bucket

    def contains(self, value: int | None) -> bool:
        if self.key == _NO_DATA_KEY:
            return value is None
        if value is None or self.lower is None or self.upper is None:
            return False
        return self.lower <= value <= self.upper


def _upper_bounds(maximum: int) -> list[int]:
    # Geometric breaks: counts per département are heavily skewed (Paris vs
    # rural départements), so equal intervals would put almost everything in
    # the first class. With small maxima this degrades to one class per value.
    bounds: list[int] = []
    for i in range(1, 6):
        bound = math.floor(maximum ** (i / 5) + 0.5)
        if bound >= 1 and (not bounds or bound > bounds[-1]):
            bounds.append(bound)
    if bounds[-1] != maximum:
        bounds.append(maximum)  # defensive: float rounding must not drop the max
    return bounds


def _colour_steps(n: int) -> list[int]:
    # Spread fewer than five classes over the whole scale so they stay distinct.
    if n == 1:
        return [2]
    return [round(i * (len(BLUES) - 1) / (n - 1)) for i in range(n)]


def _clean_values(values: Mapping[str, int | None]) -> dict[str, int | None]:
    cleaned: dict[str, int | None] = {}
    for raw_code, value in values.items():
        code = normalise_departement_code(raw_code)
        if code in cleaned:
            raise ValueError(f"Département présent deux fois : « {code} ».")
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise ValueError(f"Valeur invalide pour le département {code} : {value!r}.")
        cleaned[code] = value
    # A missing département counts as 0: callers typically pass the result of a
    # GROUP BY, which has no row for départements without any organisation.
    return {d.code: cleaned.get(d.code, 0) for d in departements()}


def _range_label(lower: int, upper: int) -> str:
    return _fmt_int(lower) if lower == upper else f"{_fmt_int(lower)} à {_fmt_int(upper)}"


def _buckets(
    values: dict[str, int | None], *, zero_label: str = "0 (non couvert)", no_data_label: str = "Donnée non disponible"
) -> tuple[LegendBucket, ...]:
    present = [v for v in values.values() if v is not None]
    positives = [v for v in present if v > 0]
    buckets = [
        LegendBucket(
            key=_UNCOVERED_KEY,
            label=zero_label,
            lower=0,
            upper=0,
            fill="#ffffff",
            css_class=f"{_CLASS_PREFIX}--{_UNCOVERED_KEY}",
            pattern="hachures",
            count=sum(1 for v in present if v == 0),
        )
    ]
    if positives:
        uppers = _upper_bounds(max(positives))
        lower = 1
        for upper, step in zip(uppers, _colour_steps(len(uppers)), strict=True):
            buckets.append(
                LegendBucket(
                    key=str(step + 1),
                    label=_range_label(lower, upper),
                    lower=lower,
                    upper=upper,
                    fill=BLUES[step],
                    css_class=f"{_CLASS_PREFIX}--classe-{step + 1}",
                    pattern=None,
                    count=sum(1 for v in positives if lower <= v <= upper),
                )
            )
            lower = upper + 1
    missing = len(values) - len(present)
    if missing:
        buckets.append(
            LegendBucket(
                key=_NO_DATA_KEY,
                label=no_data_label,
                lower=None,
                upper=None,
                fill=NO_DATA_BASE,
                css_class=f"{_CLASS_PREFIX}--{_NO_DATA_KEY}",
                pattern="points",
                count=missing,
            )
        )
    return tuple(buckets)


def legend_buckets(values: Mapping[str, int | None]) -> tuple[LegendBucket, ...]:
    """The buckets render_departement_map() uses for these values, in legend order.

    Always starts with the « non couvert » bucket (0 or missing département);
    the « donnée non disponible » bucket (value None) is last and only present
    if needed. Use ``bucket.contains(value)`` to place a row of an HTML table.
    """
    return _buckets(_clean_values(values))


def _bucket_for(buckets: Iterable[LegendBucket], value: int | None) -> LegendBucket:
    for bucket in buckets:
        if bucket.contains(value):
            return bucket
    raise AssertionError(f"no bucket for {value!r}")  # buckets cover every value


# ---------------------------------------------------------------------------
# Geometry (computed once per process)
# ---------------------------------------------------------------------------

Point = tuple[int, int]  # tenths of an SVG unit


def _rdp(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Iterative Ramer–Douglas–Peucker on an open polyline (keeps both ends)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                dist = math.hypot(px - x1, py - y1)
            else:
                dist = abs(dy * (px - x1) - dx * (py - y1)) / norm
            if dist > best:
                best, index = dist, i
        if index != -1 and best > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def _simplify_ring(ring: Sequence[Point]) -> list[Point]:
    deduped = [p for i, p in enumerate(ring) if i == 0 or p != ring[i - 1]]
    if len(deduped) > 1 and deduped[0] == deduped[-1]:
        deduped.pop()
    if len(deduped) < 4:
        return deduped
    # Split the closed ring at its farthest point from the start so RDP keeps
    # the overall shape instead of collapsing it to a segment.
    x0, y0 = deduped[0]
    far = max(
        range(len(deduped)),
        key=lambda i: (deduped[i][0] - x0) ** 2 + (deduped[i][1] - y0) ** 2,
    )
    head = _rdp(deduped[: far + 1], _SIMPLIFY_TOLERANCE)
    tail = _rdp([*deduped[far:], deduped[0]], _SIMPLIFY_TOLERANCE)
    return head + tail[1:-1]


def _fmt_tenths(n: int) -> str:
    sign = "-" if n < 0 else ""
    units, tenths = divmod(abs(n), 10)
    if tenths == 0:
        return f"{sign}{units}"
    return f"{sign}{units}.{tenths}" if units else f"{sign}.{tenths}"


def _ring_path(ring: Sequence[Point]) -> str:
    (x, y), rest = ring[0], ring[1:]
    parts = [f"M{_fmt_tenths(x)},{_fmt_tenths(y)}l"]
    for i, (px, py) in enumerate(rest):
        dx = _fmt_tenths(px - x)
        # A minus sign already separates two numbers in path data.
        if i and not dx.startswith("-"):
            parts.append(" ")
        parts.append(f"{dx},{_fmt_tenths(py - y)}")
        x, y = px, py
    parts.append("z")
    return "".join(parts)


def _polygons(geometry: dict) -> list[list[list[tuple[float, float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    raise ValueError(f"Unsupported geometry type {geometry['type']!r}")


def _path_d(polygons, project: Callable[[float, float], tuple[float, float]]) -> str:
    rings: list[list[Point]] = []
    for polygon in polygons:
        for ring in polygon:
            projected = []
            for lon, lat in ring:
                x, y = project(lon, lat)
                projected.append((round(x * 10), round(y * 10)))
            rings.append(_simplify_ring(projected))
    drawable = [r for r in rings if len(r) >= 3]
    if not drawable:  # never lose a département entirely, however small
        drawable = [max(rings, key=len)]
    return "".join(_ring_path(r) for r in drawable)


def _metro_project(lon: float, lat: float) -> tuple[float, float]:
    # Equirectangular with cos(lat0) scaling: plenty for a country-sized
    # choropleth and trivial to invert or reason about.
    x = _METRO_X + (lon - _LON_MIN) * math.cos(_LAT0) * _METRO_SCALE
    y = _METRO_Y + (_LAT_MAX - lat) * _METRO_SCALE
    return x, y


@dataclass(frozen=True, slots=True)
class _Inset:
    code: str
    x: float
    y: float


def _inset_projection(polygons, box_x: float, box_y: float):
    points = [pt for polygon in polygons for ring in polygon for pt in ring]
    lon_min = min(p[0] for p in points)
    lon_max = max(p[0] for p in points)
    lat_min = min(p[1] for p in points)
    lat_max = max(p[1] for p in points)
    k_lon = math.cos(math.radians((lat_min + lat_max) / 2))
    area_x, area_y = box_x + 6.0, box_y + _INSET_LABEL_H + 2.0
    area_w, area_h = _INSET_W - 12.0, _INSET_H - _INSET_LABEL_H - 8.0
    width, height = (lon_max - lon_min) * k_lon, lat_max - lat_min
    # Each inset has its own scale (Guyane is 100 times larger than Mayotte);
    # that is the usual convention for French overseas insets.
    scale = min(area_w / width, area_h / height)
    off_x = area_x + (area_w - width * scale) / 2
    off_y = area_y + (area_h - height * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        return off_x + (lon - lon_min) * k_lon * scale, off_y + (lat_max - lat) * scale

    return project


@cache
def _geometry() -> tuple[dict[str, str], tuple[_Inset, ...]]:
    """Projected, simplified SVG path data per département code (cached)."""
    raw = resources.files(__package__).joinpath("data", "departements.geojson").read_text(encoding="utf-8")
    features = {f["properties"]["code"]: f["geometry"] for f in json.loads(raw)["features"]}
    paths: dict[str, str] = {}
    insets: list[_Inset] = []
    total_h = len(_INSET_ORDER) * _INSET_H + (len(_INSET_ORDER) - 1) * _INSET_GAP
    inset_y = _METRO_Y + (_METRO_H - total_h) / 2
    for d in departements():
        polygons = _polygons(features[d.code])
        if d.overseas:
            box_y = inset_y + _INSET_ORDER.index(d.code) * (_INSET_H + _INSET_GAP)
            insets.append(_Inset(d.code, _PAD, box_y))
            paths[d.code] = _path_d(polygons, _inset_projection(polygons, _PAD, box_y))
        else:
            paths[d.code] = _path_d(polygons, _metro_project)
    return paths, tuple(insets)


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


def _fmt_int(n: int) -> str:
    # French thousands separator: narrow no-break space.
    return f"{n:,}".replace(",", "\u202f")


def _default_value_text(value: int) -> str:
    if value == 0:
        return "aucune organisation"
    return f"{_fmt_int(value)} organisation{'s' if value > 1 else ''}"


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _safe_href(url: str) -> str:
    # link_for is ours, but a javascript: URL would be an inline script in
    # disguise; refuse anything that is not a web link or a relative URL.
    if urlsplit(url.strip()).scheme.lower() not in _SAFE_URL_SCHEMES:
        raise ValueError(f"URL refusée pour la carte : {url!r}")
    return url


def _defs(prefix: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{prefix}-hachures" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#ffffff"/>'
        f'<rect width="2" height="6" fill="{HATCH}"/>'
        "</pattern>"
        f'<pattern id="{prefix}-points" width="4" height="4" patternUnits="userSpaceOnUse">'
        f'<rect width="4" height="4" fill="{NO_DATA_BASE}"/>'
        f'<circle cx="2" cy="2" r="0.9" fill="{NO_DATA_DOT}"/>'
        "</pattern>"
        "</defs>"
    )


def _fill(bucket: LegendBucket, prefix: str) -> str:
    return f"url(#{prefix}-{bucket.pattern})" if bucket.pattern else bucket.fill


def _legend(buckets: Sequence[LegendBucket], legend_title: str, prefix: str) -> str:
    x, y = _LEGEND_X, _METRO_Y + 24.0
    out = [
        f'<g class="{_CLASS_PREFIX}-legende">',
        (
            f'<text x="{_num(x)}" y="{_num(y)}" font-family="{FONT}" font-size="13"'
            f' font-weight="bold" fill="{TEXT}">{escape(legend_title)}</text>'
        ),
    ]
    y += 14.0
    for bucket in buckets:
        out.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="22" height="14"'
            f' fill="{_fill(bucket, prefix)}" stroke="{BORDER}" stroke-width="0.8"/>'
            f'<text x="{_num(x + 30)}" y="{_num(y + 11)}" font-family="{FONT}" font-size="12"'
            f' fill="{TEXT}">{escape(bucket.label)}</text>'
        )
        y += 22.0
    out.append("</g>")
    return "".join(out)


def render_departement_map(
    values: Mapping[str, int | None],
    *,
    title: str,
    description: str,
    link_for: Callable[[str], str | None] | None = None,
    legend_title: str = "Nombre d'organisations",
    format_value: Callable[[int], str] | None = None,
    id_prefix: str = "carte-departements",
    zero_label: str = "0 (non couvert)",
    zero_suffix: str = " (non couvert)",
    no_data_label: str = "Donnée non disponible",
    no_data_text: str = "donnée non disponible",
) -> str:
    """Return a standalone SVG choropleth of the 101 départements.

    values: count per département code (lenient codes: « 1 », « 2a »). A
        missing département counts as 0 (« non couvert »); None means « donnée
        non disponible ».
    title, description: accessible name and description of the whole map
        (``<title>``/``<desc>``, referenced by ``aria-labelledby``).
    link_for: optional code → URL; each département with a URL becomes a
        focusable link, and the root gets role="group" so assistive technologies
        expose the links (role="img" would hide them).
    format_value: optional wording of a non-zero count in tooltips (default
        « 12 organisations »); 0 is always « aucune organisation (non couvert) »
        with the default, or format_value(0) + « (non couvert) ».
    id_prefix: prefix of the ids inside the SVG; change it when a page shows
        several maps (ids must be unique in an HTML document).
    zero_label, zero_suffix, no_data_label, no_data_text: the wording of 0
        and of None in the legend and the tooltips (the statistics say « 0 »
        and « secret statistique » where coverage says « non couvert »).
    """
    if not _ID_PREFIX_RE.match(id_prefix):
        raise ValueError(f"Préfixe d'identifiant invalide : {id_prefix!r}")
    cleaned = _clean_values(values)
    buckets = _buckets(cleaned, zero_label=zero_label, no_data_label=no_data_label)
    paths, insets = _geometry()
    describe = format_value or _default_value_text
    interactive = link_for is not None
    p = id_prefix

    def shape(code: str) -> str:
        dep = departement(code)
        value = cleaned[code]
        bucket = _bucket_for(buckets, value)
        if value is None:
            text = no_data_text
        elif value == 0:
            text = f"{describe(0)}{zero_suffix}"
        else:
            text = describe(value)
        label = f"{dep.name} ({dep.code}) : {text}"
        path = (
            f'<path d="{paths[code]}" class="{_CLASS_PREFIX} {bucket.css_class}"'
            f' data-code="{_attr(code)}" fill="{_fill(bucket, p)}">'
            f"<title>{escape(label)}</title></path>"
        )
        url = link_for(code) if link_for is not None else None
        if url:
            return (
                f'<a href="{_attr(_safe_href(url))}" aria-label="{_attr(label)}"'
                f' class="{_CLASS_PREFIX}-lien">{path}</a>'
            )
        return path

    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}"'
            f' role="{"group" if interactive else "img"}"'
            f' aria-labelledby="{p}-title {p}-desc" class="{_CLASS_PREFIX}-carte" lang="fr">'
        ),
        f'<title id="{p}-title">{escape(title)}</title>',
        f'<desc id="{p}-desc">{escape(description)}</desc>',
        _defs(p),
    ]
    # Overseas frames and captions are visual duplicates of each path's
    # accessible name, hence hidden from assistive technologies.
    out.append(f'<g class="{_CLASS_PREFIX}-cadres" aria-hidden="true">')
    for inset in insets:
        dep = departement(inset.code)
        out.append(
            f'<rect x="{_num(inset.x)}" y="{_num(inset.y)}" width="{_num(_INSET_W)}"'
            f' height="{_num(_INSET_H)}" fill="none" stroke="{BORDER}" stroke-width="0.6"/>'
            f'<text x="{_num(inset.x + 5)}" y="{_num(inset.y + 12)}" font-family="{FONT}"'
            f' font-size="10" fill="{TEXT}">{escape(f"{dep.name} ({dep.code})")}</text>'
        )
    out.append("</g>")
    # Stroke and fill rule are inherited presentation attributes: set once on
    # the group instead of 101 times. evenodd draws enclaves' holes correctly.
    out.append(
        f'<g class="{_CLASS_PREFIX}-departements" stroke="{BORDER}" stroke-width="0.5"'
        ' stroke-linejoin="round" fill-rule="evenodd">'
    )
    # Document order is the keyboard tab order: INSEE order, overseas last.
    out.extend(shape(d.code) for d in departements() if not d.overseas)
    out.extend(shape(inset.code) for inset in insets)
    out.append("</g>")
    out.append(_legend(buckets, legend_title, p))
    out.append(
        f'<text x="{_num(_METRO_X)}" y="{_num(_HEIGHT - 8.0)}" font-family="{FONT}"'
        f' font-size="10" fill="{TEXT}" class="{_CLASS_PREFIX}-source">{escape(ATTRIBUTION)}</text>'
    )
    out.append("</svg>")
    return "".join(out)
