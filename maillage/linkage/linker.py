# ruff: noqa: S608 -- SQL is built from the fixed encoding column names only; values go as parameters.
"""The linkage unit's run: re-key, score with Splink, cluster, forget.

    report = link(encoded_rows_or_csv_paths, unit_secret=secret)
    report.persons   # record_id -> person_id, nothing else

1. The encoded records are loaded into an in-memory DuckDB database whose
   spill directory is a private temporary directory of this run.
2. Checks: one campaign secret for every record (key check value), unique
   record identifiers, encodings that look like encodings.
3. Every encoding is re-keyed with the unit's secret (HMAC-SHA256, computed
   in SQL, kept as a 60-bit integer); the received values are dropped. The
   dateless encoding is erased where its value is ambiguous.
4. A Fellegi–Sunter model is fitted with Splink: three comparisons whose
   levels go from the strongest encoding down (COMPARISONS), u probabilities
   from decoy pairs (records one organisation tells apart), m by
   expectation–maximisation on blocks and from the organisations' own
   duplicates, term-frequency adjustments counting people, pairs generated
   by blocking on each encoding.
5. The threshold is the lowest match weight whose estimated false discovery
   rate (decoy pairs again) stays within TARGET_FALSE_DISCOVERY_RATE; links
   between organisations above it are clustered, strongest first, under the
   rules against chaining and for dense clusters (clustering.py).
6. The database is closed and the temporary directory removed; only
   record_id -> person_id leaves. Time and peak memory are reported.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import math
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy

from . import rules
from .clustering import cluster
from .encoding import CHECK_COLUMN, ENCODINGS, LOCAL_PERSON_KEY, LinkageError, check_secret

# The share of false links the run accepts among the links it makes. The match
# threshold is not fixed: it is the lowest match weight at which the false
# discovery rate, estimated with decoy pairs (records of one organisation that
# it tells apart, scored like any other pair), stays under this target.
TARGET_FALSE_DISCOVERY_RATE = 0.01
# Pairs are scored down to this match probability (candidates for the threshold).
CANDIDATE_PROBABILITY = 0.001
# EM runs on the pairs that agree on each of these in turn (each session
# leaves its blocking encoding's comparison alone; the other sessions train it).
EM_BLOCKS = ("e_given_date", "e_phonetic_year")
M_FLOOR = 0.01

_ENCODING_PATTERN = "[A-Za-z0-9_-]{16}"


@dataclass
class LinkReport:
    persons: dict[str, str] = field(repr=False)
    records: int = 0
    pairs_scored: int = 0
    links_kept: int = 0
    links_refused: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def person_count(self) -> int:
        return len(set(self.persons.values()))

    def summary(self) -> str:
        return (
            f"{self.records} enregistrements, {self.person_count} personnes "
            f"({self.pairs_scored} paires comparées au-dessus du seuil, {self.links_kept} liens retenus, "
            f"{self.links_refused} refusés par la règle anti-chaînage).\n"
            f"Durée : {self.seconds:.1f} s ; mémoire maximale : {self.peak_rss_mb:.0f} Mo."
        )


def peak_rss_mb() -> float:
    """Peak resident memory of this process and of its finished children (Linux: kB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def link(
    source: Sequence[str | os.PathLike] | Iterable[Mapping[str, str]],
    *,
    unit_secret: bytes,
    expect_check: str | None = None,
    backend: str = "duckdb",
    threads: int | None = None,
    match_probability: float | None = None,
    term_frequency_adjustments: bool = True,
) -> LinkReport:
    """Link encoded records given as CSV paths or as rows (dicts of OUTPUT_COLUMNS)."""
    import duckdb

    check_secret(unit_secret, what="Le secret de l'unité d'appariement")
    started = time.perf_counter()
    timings: dict[str, float] = {}
    workdir = Path(tempfile.mkdtemp(prefix="maillage-linkage-"))
    os.chmod(workdir, 0o700)
    con = duckdb.connect(":memory:", config={"temp_directory": str(workdir / "duckdb")})
    try:
        if threads:
            _run(con, f"SET threads = {int(threads)}")
        _load(con, source)
        timings["load"] = time.perf_counter() - started
        _validate(con, expect_check)
        unit_key = hmac.digest(unit_secret, f"{rules.SCHEME}/unit".encode(), hashlib.sha256)
        _rekey(con, unit_key)
        timings["rekey"] = time.perf_counter() - started
        records = con.execute("SELECT count(*) FROM ids").fetchall()[0][0]
        left, right, pairs = _predict(
            con,
            match_probability,
            timings,
            started,
            backend=backend,
            workdir=workdir,
            term_frequency_adjustments=term_frequency_adjustments,
        )
        persons, kept, refused = _persons(con, left, right, unit_key)
        timings["cluster"] = time.perf_counter() - started
    finally:
        con.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return LinkReport(
        persons=persons,
        records=records,
        pairs_scored=pairs,
        links_kept=kept,
        links_refused=refused,
        seconds=time.perf_counter() - started,
        peak_rss_mb=peak_rss_mb(),
        timings=timings,
    )


def _run(con, sql: str, params=None) -> None:
    """Run a statement to completion (DuckDB keeps a result open until it is read)."""
    con.execute(sql, params).fetchall()


def _load(con, source) -> None:
    columns = ("record_id", "organisation", LOCAL_PERSON_KEY, CHECK_COLUMN, *ENCODINGS)
    if isinstance(source, (list, tuple)) and source and isinstance(source[0], (str, os.PathLike)):
        paths = [str(p) for p in source]
        selected = ", ".join(f"coalesce({c}, '') AS {c}" for c in columns)
        _run(
            con,
            f"CREATE TABLE encoded AS SELECT {selected}, filename AS source_file "
            "FROM read_csv($paths, header = true, all_varchar = true, union_by_name = true, filename = true)",
            {"paths": paths},
        )
    else:
        import pyarrow as pa

        rows = list(source)
        table = pa.table({c: pa.array([(r.get(c) or "") for r in rows], pa.string()) for c in columns})
        table = table.append_column("source_file", pa.array([""] * len(rows), pa.string()))
        con.register("encoded_rows", table)
        _run(con, "CREATE TABLE encoded AS SELECT * FROM encoded_rows")
        con.unregister("encoded_rows")
    # Empty strings are unknown values.
    for column in (LOCAL_PERSON_KEY, *ENCODINGS):
        _run(con, f"UPDATE encoded SET {column} = NULL WHERE {column} = ''")


def _validate(con, expect_check: str | None) -> None:
    if con.execute("SELECT count(*) FROM encoded").fetchall()[0][0] == 0:
        raise LinkageError("Aucun enregistrement à apparier.")
    checks = con.execute(
        f"SELECT coalesce({CHECK_COLUMN}, ''), list(DISTINCT coalesce(nullif(source_file, ''), organisation) "
        "ORDER BY coalesce(nullif(source_file, ''), organisation))[1:3], count(*) "
        f"FROM encoded GROUP BY 1 ORDER BY 3 DESC"
    ).fetchall()
    if len(checks) > 1:
        detail = " ; ".join(f"{value or '(vide)'} : {', '.join(where)}" for value, where, _ in checks)
        raise LinkageError(
            "Les encodages n'ont pas tous été faits avec le même secret de campagne "
            f"(valeurs de contrôle différentes — {detail}). Faites ré-encoder les fichiers concernés "
            "avec le secret de la campagne."
        )
    if expect_check and checks[0][0] != expect_check:
        raise LinkageError(
            f"Les encodages ont été faits avec un autre secret que celui de la campagne "
            f"(valeur de contrôle {checks[0][0]}, attendue {expect_check})."
        )
    missing = con.execute(
        "SELECT count(*) FROM encoded WHERE coalesce(record_id, '') = '' OR coalesce(organisation, '') = ''"
    ).fetchall()[0][0]
    if missing:
        raise LinkageError(f"{missing} enregistrements n'ont pas de record_id ou d'organisation.")
    duplicates = con.execute(
        "SELECT record_id, count(*) FROM encoded GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT 3"
    ).fetchall()
    if duplicates:
        listed = ", ".join(r for r, _ in duplicates)
        raise LinkageError(
            f"Des record_id apparaissent plusieurs fois ({listed}…) : ils doivent être uniques dans la campagne."
        )
    malformed = " OR ".join(
        f"({c} IS NOT NULL AND NOT regexp_full_match({c}, '{_ENCODING_PATTERN}'))" for c in ENCODINGS
    )
    bad = con.execute(f"SELECT count(*) FROM encoded WHERE {malformed}").fetchall()[0][0]
    if bad:
        raise LinkageError(
            f"{bad} lignes contiennent autre chose que des encodages dans les colonnes e_… : "
            "le fichier doit sortir de la commande encode (ou de la page de dépôt)."
        )


def _hmac_sql(column: str) -> str:
    # HMAC-SHA256(unit_key, column || 0x1f || value) in SQL, its first 60 bits as an integer.
    message = f"('{column}' || chr(31) || {column})::BLOB"
    digest = f"sha256($opad || unhex(sha256($ipad || {message})))"
    return f"CASE WHEN {column} IS NULL THEN NULL ELSE ('0x' || substr({digest}, 1, 15))::BIGINT END AS {column}"


def _rekey(con, unit_key: bytes) -> None:
    block = unit_key.ljust(64, b"\0")
    params = {"ipad": bytes(b ^ 0x36 for b in block), "opad": bytes(b ^ 0x5C for b in block)}
    _run(
        con,
        f"CREATE TABLE ids AS SELECT rowid AS unique_id, record_id, organisation, {LOCAL_PERSON_KEY} FROM encoded",
    )
    # Organisation and the organisation's own person (its duplicate detection) as
    # small integers; -1 when the organisation gave no local identifier.
    _run(
        con,
        "CREATE OR REPLACE TABLE ids AS SELECT unique_id, record_id, organisation, "
        "dense_rank() OVER (ORDER BY organisation)::INTEGER AS org, "
        f"CASE WHEN {LOCAL_PERSON_KEY} IS NULL THEN -1 "
        f"ELSE dense_rank() OVER (ORDER BY organisation, {LOCAL_PERSON_KEY}) END::BIGINT AS unit FROM ids",
    )
    keyed = ", ".join(_hmac_sql(c) for c in ENCODINGS)
    _run(
        con,
        f"CREATE TABLE keyed AS SELECT rowid AS unique_id, {keyed} FROM encoded",
        params,
    )
    _run(con, "DROP TABLE encoded")
    # Whether the full birth date is known, read from which encodings are empty
    # (the comparisons need it apart from the encodings they compare).
    known = " OR ".join(f"{c} IS NOT NULL" for c in _FULL_DATE)
    _run(con, "ALTER TABLE keyed ADD COLUMN full_date_known BOOLEAN DEFAULT false")
    _run(con, f"UPDATE keyed SET full_date_known = ({known})")
    _run(con, "ALTER TABLE keyed ADD COLUMN year_known BOOLEAN DEFAULT false")
    _run(con, "UPDATE keyed SET year_known = (e_core_year_sex_cit IS NOT NULL)")
    suppress_ambiguous(con)


# An encoding without a date is kept only where it is unambiguous: its value
# carried by at most this many records, of at most one known birth year.
MAX_RECORDS_WITHOUT_DATE = 6


def suppress_ambiguous(con) -> None:
    """Names, sex and citizenship without a date link a record with no birth date
    to the person of the same name only when there is one such person: a value
    shared by people of different birth years (or by many records) is erased
    before the model sees it. It also keeps the unit's view of frequent values
    out of the linkage (docs/security.md, frequency analysis).

    Before erasing, each record keeps how many people share its names, sex and
    citizenship (distinct birth dates, and records without one, among them):
    `name_people`, used to weigh an agreement on names, year and month."""
    _run(con, "ALTER TABLE keyed ADD COLUMN name_people INTEGER DEFAULT 1")
    _run(
        con,
        "UPDATE keyed SET name_people = g.p FROM (SELECT e_core_sex_cit, "
        "greatest(count(DISTINCT e_core_date), count(DISTINCT e_firsts_year), 1) AS p "
        "FROM keyed WHERE e_core_sex_cit IS NOT NULL GROUP BY 1) g WHERE keyed.e_core_sex_cit = g.e_core_sex_cit",
    )
    # How often two different people of the same names share a birth year.
    same_year = con.execute(
        "SELECT coalesce(sum(n * (n - 1))::DOUBLE / nullif(sum(t * (t - 1)), 0), 1) FROM ("
        "SELECT g, sum(n) OVER (PARTITION BY g) AS t, n FROM (SELECT e_core_sex_cit AS g, e_firsts_year, "
        "count(DISTINCT e_core_date) AS n FROM keyed WHERE e_core_sex_cit IS NOT NULL AND e_core_date IS NOT NULL "
        "GROUP BY 1, 2))"
    ).fetchall()[0][0]
    _run(con, "CREATE OR REPLACE TEMP TABLE name_statistics AS SELECT $y::DOUBLE AS same_year", {"y": same_year})
    _run(
        con,
        "UPDATE keyed SET e_core_sex_cit = NULL WHERE e_core_sex_cit IN (SELECT e_core_sex_cit FROM keyed "
        "WHERE e_core_sex_cit IS NOT NULL GROUP BY 1 "
        f"HAVING count(*) > {MAX_RECORDS_WITHOUT_DATE} OR count(DISTINCT e_firsts_year) > 1)",
    )


# The model's comparisons. Each holds encodings from the strongest down: its
# level k means "equal on encoding k and on none before it". Grouping keeps
# apart what is nearly the same evidence. The first two compare pairs whose full
# birth dates are both known; the third only pairs where one of them is not
# (year only, a placeholder, or none), so that no agreement on names and year is
# counted beside an agreement on names and full date, and an agreement on names
# and year between two different known dates is no evidence of a match.
# SQL conditions name columns without quotes: DuckDB and Spark read them alike
# (Spark reads a double-quoted name as a string literal, which would make every
# condition false on the Spark backend).
COMPARISONS = {
    "names_and_date": ("e_all_date", "e_core_date", "e_firsts_swapdate", "e_phonetic_swapdate", "e_core_month"),
    "part_of_name_and_date": ("e_family_date", "e_given_date", "e_prefix_date_sex"),
    "names_and_year": ("e_core_year_sex_cit", "e_firsts_year", "e_phonetic_year", "e_core_sex_cit"),
}
# Term frequencies count people, not records: the three records of one person
# make a value seen three times, not a frequent one. For each encoding whose
# values several people can share, another encoding tells them apart (people of
# the same name and year have different birth dates; people of the same given
# name and birth date, different family names) while one person's records
# mostly keep theirs. Names with a full date are near-unique: no adjustment.
PERSON_PROXY = {
    "e_core_month": "e_core_year_sex_cit",
    "e_family_date": "e_prefix_date_sex",
    "e_given_date": "e_prefix_date_sex",
    "e_core_year_sex_cit": "e_core_date",
    "e_firsts_year": "e_core_date",
    "e_phonetic_year": "e_prefix_date_sex",
    "e_core_sex_cit": "e_firsts_year",
}
_FULL_DATE = ("e_core_date", "e_family_date", "e_given_date")


def _full_date_known(side: str) -> str:
    return f"full_date_known_{side}"


def _active(name: str) -> str:
    """SQL true when comparison `name` compares the pair (its other pairs are its null level).

    "names_and_date" compares pairs whose two full dates are known, and so does
    "part_of_name_and_date" except for pairs equal on names, year and month but
    not on the day: every encoding of the latter holds the full date, so it
    would count the same mistyped day a second time. "names_and_year" compares
    the pairs with a full date unknown on one side."""
    both = f"{_full_date_known('l')} AND {_full_date_known('r')}"
    keys = COMPARISONS[name]
    known = " AND ".join("(" + " OR ".join(f"{c}_{side} IS NOT NULL" for c in keys) + ")" for side in ("l", "r"))
    if name == "names_and_year":
        return f"NOT ({both}) AND {known}"
    if name == "part_of_name_and_date":
        decided = " OR ".join(f"{c}_l = {c}_r" for c in COMPARISONS["names_and_date"])
        return f"({both}) AND {known} AND NOT coalesce({decided}, false)"
    return f"({both}) AND {known}"


def levels(name: str) -> list[tuple[str, str, str | None]]:
    """The agreement levels of comparison `name`, strongest first: (label, SQL
    condition, term-frequency column or None)."""
    out = []
    for key in COMPARISONS[name]:
        out.append((key, f"{key}_l = {key}_r", key))
    return out


def _level_sql(name: str) -> str:
    """The level of comparison `name` as an integer: 0 inactive, k for level k (1-based), n+1 different."""
    found = levels(name)
    cases = " ".join(f"WHEN {sql} THEN {k}" for k, (_, sql, _) in enumerate(found, 1))
    return f"CASE WHEN NOT ({_active(name)}) THEN 0 {cases} ELSE {len(found) + 1} END"


def decoy_statistics(con) -> dict:
    """Pairs of records of one organisation that it tells apart (different local
    person, or none given) are different people by the design's own rule: they
    estimate how often two different people agree, level by level (the u
    probabilities), and later how many false links a threshold lets through."""
    within_all, cross = con.execute(
        "SELECT sum(n * (n - 1)) / 2, (sum(n) * (sum(n) - 1) - sum(n * (n - 1))) / 2 "
        "FROM (SELECT count(*) AS n FROM ids GROUP BY org)"
    ).fetchall()[0]
    same_unit = con.execute(
        "SELECT coalesce(sum(n * (n - 1)) / 2, 0) FROM (SELECT count(*) AS n FROM ids WHERE unit >= 0 GROUP BY org, unit)"
    ).fetchall()[0][0]
    within_both_known = con.execute(
        "SELECT coalesce(sum(n * (n - 1)) / 2, 0) FROM (SELECT count(*) AS n FROM keyed k "
        "JOIN ids USING (unique_id) WHERE full_date_known GROUP BY org)"
    ).fetchall()[0][0]
    within = float(within_all) - float(same_unit)
    # Pairs inside one organisation agreeing on at least one encoding, of different units.
    union = " UNION ".join(
        f"SELECT a.unique_id AS l, b.unique_id AS r FROM keyed_org a JOIN keyed_org b "
        f"ON a.{c} = b.{c} AND a.org = b.org AND a.unique_id < b.unique_id AND (a.unit < 0 OR a.unit <> b.unit)"
        for c in ENCODINGS
    )
    sides = ", ".join(f"a.{c} AS {c}_l, b.{c} AS {c}_r" for c in (*ENCODINGS, "full_date_known", "year_known"))
    level_columns = ", ".join(f"{_level_sql(n)} AS {n}" for n in COMPARISONS)
    _run(
        con,
        "CREATE OR REPLACE TEMP TABLE keyed_org AS SELECT k.*, i.org, i.unit FROM keyed k JOIN ids i USING (unique_id)",
    )
    _run(
        con,
        f"CREATE OR REPLACE TEMP TABLE decoy_levels AS SELECT {level_columns} FROM (SELECT {sides} FROM ({union}) p "
        "JOIN keyed a ON a.unique_id = p.l JOIN keyed b ON b.unique_id = p.r)",
    )
    _run(con, "DROP TABLE keyed_org")
    active = {
        "names_and_date": float(within_both_known),
        "part_of_name_and_date": float(within_both_known),
        "names_and_year": max(within - float(within_both_known), 1.0),
    }
    u = {}
    for name in COMPARISONS:
        counts = dict(con.execute(f"SELECT {name}, count(*) FROM decoy_levels GROUP BY 1").fetchall())
        total = max(active[name], 1.0)
        # Never exactly zero: a level no decoy pair reached is still possible.
        u[name] = [max(counts.get(k, 0), 0.5) / total for k in range(1, len(levels(name)) + 1)]
    _run(con, "DROP TABLE decoy_levels")
    return {"u": u, "within_pairs": within, "cross_pairs": float(cross)}


def settings(u: dict[str, list[float]], *, term_frequency_adjustments: bool = True):
    from splink import SettingsCreator, block_on

    comparisons = []
    for name in COMPARISONS:
        found = [{"sql_condition": f"NOT ({_active(name)})", "label_for_charts": "unknown", "is_null_level": True}]
        for (label, sql, tf_column), probability in zip(levels(name), u[name]):
            level = {"sql_condition": sql, "label_for_charts": label, "u_probability": probability}
            if term_frequency_adjustments and tf_column in PERSON_PROXY:
                level |= {"tf_adjustment_column": tf_column, "tf_adjustment_weight": 1.0}
            found.append(level)
        found.append({"sql_condition": "ELSE", "label_for_charts": "different", "u_probability": 1 - sum(u[name])})
        comparisons.append({"output_column_name": name, "comparison_levels": found})
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[block_on(c) for c in ENCODINGS],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def term_frequency_tables(con, u: dict[str, list[float]], table: str = "keyed") -> dict:
    """Term-frequency tables (Arrow, one per encoding of PERSON_PROXY) that only
    ever weaken an agreement. A value shared by several people is frequent; one
    shared by the records of one person is not: the people behind a value are
    counted as the distinct values of its proxy among its records. The value's
    frequency among the others is (people - 1) / N, never below the level's u
    probability (the rarest values are as rare as the decoy pairs can tell).
    Nothing here depends on which organisation holds a record, so that decoy
    pairs (inside one organisation) are scored exactly like the others."""
    n = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    same_month = con.execute("SELECT same_year / 12 FROM name_statistics").fetchall()[0][0]
    tables = {}
    for name in COMPARISONS:
        for (_, _, key), level_u in zip(levels(name), u[name]):
            proxy = PERSON_PROXY.get(key)
            if proxy is None:
                continue
            if key == "e_core_month":
                # Equal names, year and month, different days: a mistyped day, or
                # two people of the same name born the same month, which is as
                # likely as the name is common (its people, of any birth date,
                # times the chance that two of them share year and month).
                tables[key] = con.sql(
                    f"SELECT {key}, greatest((max(name_people) - 1) * {float(same_month)} / {n}::DOUBLE, "
                    f"{float(level_u)}) AS tf_{key} FROM {table} WHERE {key} IS NOT NULL GROUP BY 1"
                ).to_arrow_table()
                continue
            tables[key] = con.sql(
                f"SELECT {key}, greatest((count(DISTINCT {proxy}) - 1) / {n}::DOUBLE, {float(level_u)}) "
                f"AS tf_{key} FROM {table} WHERE {key} IS NOT NULL GROUP BY 1"
            ).to_arrow_table()
    return tables


def register_term_frequencies(linker, db_api, tables: dict) -> None:
    for key, tf in tables.items():
        linker.table_management.register_term_frequency_lookup(db_api.register(tf), key)


def train(con, linker) -> None:
    from splink import block_on

    # m of names and year from the organisations' own duplicates (records sharing
    # a local person key are the same person): EM cannot train it, since its
    # pairs never agree on an encoding of the other comparisons.
    linker.training.estimate_m_from_label_column("local_person_key")
    by_labels = _m_values(linker, "names_and_year")
    for column in EM_BLOCKS:
        linker.training.estimate_parameters_using_expectation_maximisation(block_on(column), fix_u_probabilities=True)
    _set_m_values(linker, "names_and_year", by_labels)
    _floor_m(linker)
    # λ: pairs equal on core names and full date, over the share of true pairs
    # that reach those levels (m of the first two levels, times the share of
    # pairs whose two full dates are known).
    names_and_date = next(c for c in linker._settings_obj.comparisons if c.output_column_name == "names_and_date")
    found = [lv for lv in names_and_date.comparison_levels if not lv.is_null_level]
    known = con.execute("SELECT avg(full_date_known::INT) FROM keyed").fetchall()[0][0]
    recall = (found[0].m_probability + found[1].m_probability) * known * known
    linker.training.estimate_probability_two_random_records_match(
        [block_on("e_core_date")], recall=min(max(recall, 0.05), 1.0)
    )


def _comparison(linker, name: str):
    return next(c for c in linker._settings_obj.comparisons if c.output_column_name == name)


def _m_values(linker, name: str) -> list[float | None]:
    return [lv.m_probability for lv in _comparison(linker, name).comparison_levels if not lv.is_null_level]


def _set_m_values(linker, name: str, values: list[float | None]) -> None:
    found = [lv for lv in _comparison(linker, name).comparison_levels if not lv.is_null_level]
    for level, value in zip(found, values):
        level.m_probability = value


def _floor_m(linker) -> None:
    """No level is impossible for a true match. EM on blocks where nearly every
    pair is a match drives the m of rare levels to zero, which would forbid a
    link whatever else agrees (a typo in the family name makes "names and
    date" differ); each m is kept at least M_FLOOR."""
    for comparison in linker._settings_obj.comparisons:
        levels = [level for level in comparison.comparison_levels if not level.is_null_level]
        values = [max(level.m_probability or 0.0, M_FLOOR) for level in levels]
        total = sum(values)
        for level, value in zip(levels, values):
            level.m_probability = value / total


def fitted_linker(con, *, term_frequency_adjustments: bool = True):
    """A trained Splink linker on the re-keyed records, and the decoy statistics."""
    from splink import DuckDBAPI, Linker

    stats = decoy_statistics(con)
    _run(
        con,
        "CREATE OR REPLACE TEMP TABLE keyed_model AS SELECT k.*, "
        "CASE WHEN i.unit >= 0 THEN i.unit END AS local_person_key "
        "FROM keyed k JOIN ids i USING (unique_id)",
    )
    db_api = DuckDBAPI(connection=con)
    linker = Linker(
        db_api.register("keyed_model"),
        settings(stats["u"], term_frequency_adjustments=term_frequency_adjustments),
        log_level=logging.WARNING,
    )
    if term_frequency_adjustments:
        stats["term_frequencies"] = term_frequency_tables(con, stats["u"])
        register_term_frequencies(linker, db_api, stats["term_frequencies"])
    train(con, linker)
    return linker, stats


def trained_model(con, *, term_frequency_adjustments: bool = True) -> dict:
    """The fitted model as Splink's settings dictionary (m, u and λ included)."""
    linker, _ = fitted_linker(con, term_frequency_adjustments=term_frequency_adjustments)
    model = linker.misc.save_model_to_json()
    linker.table_management.delete_tables_created_by_splink_from_db()
    return model


def choose_threshold(con, scored: str, stats: dict, target: float = TARGET_FALSE_DISCOVERY_RATE) -> float:
    """The lowest match weight at which the estimated false discovery rate of the
    links between organisations stays at or under `target` (for that weight and
    every higher one). False links above a weight are estimated from the decoy
    pairs above it (plus one), scaled by the number of pairs between
    organisations over the number of decoy pairs (Barber and Candès's
    knockoff+ estimate, as target-decoy searches do in proteomics)."""
    rows = con.execute(
        f"SELECT s.match_weight, (a.org = b.org)::INT AS decoy FROM {scored} s "
        "JOIN ids a ON a.unique_id = s.unique_id_l JOIN ids b ON b.unique_id = s.unique_id_r "
        "WHERE a.org <> b.org OR a.unit < 0 OR a.unit <> b.unit ORDER BY s.match_weight DESC"
    ).fetchnumpy()
    scale = stats["cross_pairs"] / max(stats["within_pairs"], 1.0)
    decoys = rows["decoy"].astype(float)
    # One decoy more than seen (the "+1" of the knockoff+ estimator): with few
    # decoy pairs, as in a small run, the estimate stays conservative.
    false = (decoys.cumsum() + 1) * scale
    links = (1 - decoys).cumsum()
    rate = false / numpy.maximum(links, 1)
    # Highest weights first: the threshold is the lowest weight at which the
    # estimated rate of all the links above it is within the target.
    within = numpy.flatnonzero(rate <= target)
    return float(rows["match_weight"][within[-1]]) if len(within) else float("inf")


def _predict(
    con,
    match_probability: float | None,
    timings: dict,
    started: float,
    *,
    backend: str = "duckdb",
    workdir: Path | None = None,
    term_frequency_adjustments: bool = True,
):
    """Train on DuckDB, score the candidate pairs on the chosen backend, choose
    the threshold and return the links (left, right, count), strongest first."""
    linker, stats = fitted_linker(con, term_frequency_adjustments=term_frequency_adjustments)
    timings["train"] = time.perf_counter() - started
    if backend == "spark":
        from .spark import score_with_spark

        model = linker.misc.save_model_to_json()
        linker.table_management.delete_tables_created_by_splink_from_db()
        scored = score_with_spark(con, workdir, model, stats.get("term_frequencies", {}), CANDIDATE_PROBABILITY)
        con.register("scored_arrow", scored)
        _run(con, "CREATE OR REPLACE TEMP TABLE scored AS SELECT * FROM scored_arrow")
        con.unregister("scored_arrow")
    else:
        predictions = linker.inference.predict(threshold_match_probability=CANDIDATE_PROBABILITY)
        _run(
            con,
            "CREATE OR REPLACE TEMP TABLE scored AS SELECT unique_id_l, unique_id_r, match_weight "
            f"FROM {predictions.physical_name}",
        )
        linker.table_management.delete_tables_created_by_splink_from_db()
    timings["predict"] = time.perf_counter() - started
    if match_probability is None:
        threshold = choose_threshold(con, "scored", stats)
    else:
        # Splink's match weight already holds the prior: weight = log2 of the odds.
        threshold = math.log2(match_probability / (1 - match_probability))
    timings["threshold_weight"] = threshold
    return _edges(con, "scored", threshold)


def _edges(con, scored: str, threshold: float):
    """Links between organisations at or above the threshold, strongest first
    (pairs inside one organisation are left to its own duplicate detection)."""
    edges = con.execute(
        f"SELECT s.unique_id_l, s.unique_id_r FROM {scored} s "
        "JOIN ids a ON a.unique_id = s.unique_id_l JOIN ids b ON b.unique_id = s.unique_id_r "
        "WHERE a.org <> b.org AND s.match_weight >= $t "
        "ORDER BY s.match_weight DESC, s.unique_id_l, s.unique_id_r",
        {"t": threshold},
    ).fetchnumpy()
    left, right = edges["unique_id_l"].tolist(), edges["unique_id_r"].tolist()
    return left, right, len(left)


def _persons(con, left: list[int], right: list[int], unit_key: bytes) -> tuple[dict[str, str], int, int]:
    rows = con.execute(
        "SELECT unique_id, record_id, org, CASE WHEN unit < 0 THEN -1 - unique_id ELSE unit END AS unit "
        "FROM ids ORDER BY unique_id"
    ).fetchnumpy()
    result = cluster(organisations=rows["org"].tolist(), units=rows["unit"].tolist(), left=left, right=right)
    record_ids = rows["record_id"].tolist()
    # A person's identifier: keyed from its first record, so that the same run
    # gives the same identifiers and nothing about the records shows through.
    first: dict[int, str] = {}
    for index, root in enumerate(result.roots):
        rid = record_ids[index]
        if root not in first or rid < first[root]:
            first[root] = rid
    names = {
        root: "p-"
        + base64.b32encode(hmac.digest(unit_key, f"person\x1f{rid}".encode(), hashlib.sha256)[:10]).decode().lower()
        for root, rid in first.items()
    }
    persons = {record_ids[i]: names[root] for i, root in enumerate(result.roots)}
    return persons, result.links_kept, result.links_refused
