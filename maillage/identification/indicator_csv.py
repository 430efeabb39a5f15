"""Reading the versioned ILO/EC indicator lists (CSV) into indicator sets.

Pure Python like :mod:`screening` (no Django import): the Django loader
(`catalogue.load_catalogue`), the tests and the benchmarks read the shipped
catalogue through :func:`load_indicator_sets`. Validation is strict, every
problem names the file and the line (rules.md §1.5, §6).
"""

from __future__ import annotations

import csv
from collections.abc import Collection
from os import PathLike
from pathlib import Path

from .screening import (
    CSV_COLUMNS,
    DEFAULT_INCOMPLETE_SETS,
    DEFAULT_VERSION,
    DIMENSIONS,
    SET_CODE_RE,
    STRENGTHS,
    Indicator,
    IndicatorCatalogueError,
    IndicatorSet,
)

__all__ = ["load_indicator_sets"]


def load_indicator_sets(
    csv_path: str | PathLike[str],
    *,
    version: str = DEFAULT_VERSION,
    incomplete_sets: Collection[str] = DEFAULT_INCOMPLETE_SETS,
    create_missing_incomplete: bool = True,
) -> dict[str, IndicatorSet]:
    """Load indicator sets from a CSV with columns :data:`CSV_COLUMNS`.

    Sets listed in ``incomplete_sets`` are flagged incomplete; when
    ``create_missing_incomplete`` is true, an empty incomplete set is created
    for each of them that has no row, so that the questionnaire can exist.
    Validation is strict: any problem raises :class:`IndicatorCatalogueError`
    naming the file and line.
    """
    path = Path(csv_path)
    incomplete = frozenset(incomplete_sets)
    rows_by_set: dict[str, dict[str, Indicator]] = {}
    seen_codes: dict[str, int] = {}

    def fail(line: int, message: str) -> IndicatorCatalogueError:
        return IndicatorCatalogueError(f"{path.name}, line {line}: {message}")

    # utf-8-sig tolerates a BOM left by spreadsheet exports.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader, None)
            if header is None:
                raise fail(1, "empty file, expected a header row")
            header = [h.strip() for h in header]
            missing = [c for c in CSV_COLUMNS if c not in header]
            if missing:
                raise fail(
                    1,
                    f"missing column(s) {', '.join(missing)}; expected {', '.join(CSV_COLUMNS)}",
                )
            duplicated = sorted({h for h in header if header.count(h) > 1})
            if duplicated:
                raise fail(1, f"duplicate column(s) {', '.join(duplicated)}")
            pos = {c: header.index(c) for c in CSV_COLUMNS}
            previous_end = reader.line_num
            for raw in reader:
                # A quoted field may span several physical lines: report the
                # line where the record starts.
                line = previous_end + 1
                previous_end = reader.line_num
                if not raw or all(not cell.strip() for cell in raw):
                    continue
                if len(raw) != len(header):
                    raise fail(line, f"expected {len(header)} fields, found {len(raw)}")
                row = {c: raw[i].strip() for c, i in pos.items()}
                empty = [c for c in CSV_COLUMNS if not row[c]]
                if empty:
                    raise fail(line, f"empty value for {', '.join(empty)}")
                set_code, code = row["set"], row["code"]
                if not SET_CODE_RE.match(set_code):
                    raise fail(line, f"invalid set code {set_code!r}")
                if row["dimension"] not in DIMENSIONS:
                    raise fail(
                        line,
                        f"unknown dimension {row['dimension']!r}; expected one of {', '.join(DIMENSIONS)}",
                    )
                if row["strength"] not in STRENGTHS:
                    raise fail(
                        line,
                        f"unknown strength {row['strength']!r}; expected one of {', '.join(STRENGTHS)}",
                    )
                if not code.startswith(f"{set_code}-"):
                    raise fail(
                        line,
                        f"code {code!r} does not start with its set code {set_code!r}-",
                    )
                if code in seen_codes:
                    raise fail(
                        line,
                        f"duplicate code {code!r} (first defined on line {seen_codes[code]})",
                    )
                seen_codes[code] = line
                rows_by_set.setdefault(set_code, {})[code] = Indicator(
                    code=code,
                    set_code=set_code,
                    dimension=row["dimension"],
                    concept=row["concept"],
                    strength=row["strength"],
                    label_en=row["label_en"],
                    label_fr=row["label_fr"],
                )
        except csv.Error as exc:
            raise fail(reader.line_num, f"malformed CSV ({exc})") from exc

    sets = {
        set_code: IndicatorSet(
            code=set_code,
            version=version,
            complete=set_code not in incomplete,
            indicators=inds,
        )
        for set_code, inds in rows_by_set.items()
    }
    if create_missing_incomplete:
        for set_code in sorted(incomplete - sets.keys()):
            sets[set_code] = IndicatorSet(code=set_code, version=version, complete=False, indicators={})
    return sets
