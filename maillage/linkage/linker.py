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
from .model import fitted_linker, run_sql

# The share of false links the run accepts among the links it makes. The match
# threshold is not fixed: it is the lowest match weight at which the false
# discovery rate, estimated with decoy pairs (records of one organisation that
# it tells apart, scored like any other pair), stays under this target.
TARGET_FALSE_DISCOVERY_RATE = 0.01
# Pairs are scored down to this match probability (candidates for the threshold).
CANDIDATE_PROBABILITY = 0.001

_ENCODING_PATTERN = "[A-Za-z0-9_-]{16}"
# Encodings that hold a full birth date.
_FULL_DATE = ("e_core_date", "e_family_date", "e_given_date")


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
            run_sql(con, f"SET threads = {int(threads)}")
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


def _load(con, source) -> None:
    columns = ("record_id", "organisation", LOCAL_PERSON_KEY, CHECK_COLUMN, *ENCODINGS)
    if isinstance(source, (list, tuple)) and source and isinstance(source[0], (str, os.PathLike)):
        paths = [str(p) for p in source]
        selected = ", ".join(f"coalesce({c}, '') AS {c}" for c in columns)
        run_sql(
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
        run_sql(con, "CREATE TABLE encoded AS SELECT * FROM encoded_rows")
        con.unregister("encoded_rows")
    # Empty strings are unknown values.
    for column in (LOCAL_PERSON_KEY, *ENCODINGS):
        run_sql(con, f"UPDATE encoded SET {column} = NULL WHERE {column} = ''")


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
    run_sql(
        con,
        f"CREATE TABLE ids AS SELECT rowid AS unique_id, record_id, organisation, {LOCAL_PERSON_KEY} FROM encoded",
    )
    # Organisation and the organisation's own person (its duplicate detection) as
    # small integers; -1 when the organisation gave no local identifier.
    run_sql(
        con,
        "CREATE OR REPLACE TABLE ids AS SELECT unique_id, record_id, organisation, "
        "dense_rank() OVER (ORDER BY organisation)::INTEGER AS org, "
        f"CASE WHEN {LOCAL_PERSON_KEY} IS NULL THEN -1 "
        f"ELSE dense_rank() OVER (ORDER BY organisation, {LOCAL_PERSON_KEY}) END::BIGINT AS unit FROM ids",
    )
    keyed = ", ".join(_hmac_sql(c) for c in ENCODINGS)
    run_sql(
        con,
        f"CREATE TABLE keyed AS SELECT rowid AS unique_id, {keyed} FROM encoded",
        params,
    )
    run_sql(con, "DROP TABLE encoded")
    # Whether the full birth date is known, read from which encodings are empty
    # (the comparisons need it apart from the encodings they compare).
    known = " OR ".join(f"{c} IS NOT NULL" for c in _FULL_DATE)
    run_sql(con, "ALTER TABLE keyed ADD COLUMN full_date_known BOOLEAN DEFAULT false")
    run_sql(con, f"UPDATE keyed SET full_date_known = ({known})")
    run_sql(con, "ALTER TABLE keyed ADD COLUMN year_known BOOLEAN DEFAULT false")
    run_sql(con, "UPDATE keyed SET year_known = (e_core_year_sex_cit IS NOT NULL)")
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
    run_sql(con, "ALTER TABLE keyed ADD COLUMN name_people INTEGER DEFAULT 1")
    run_sql(
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
    run_sql(con, "CREATE OR REPLACE TEMP TABLE name_statistics AS SELECT $y::DOUBLE AS same_year", {"y": same_year})
    run_sql(
        con,
        "UPDATE keyed SET e_core_sex_cit = NULL WHERE e_core_sex_cit IN (SELECT e_core_sex_cit FROM keyed "
        "WHERE e_core_sex_cit IS NOT NULL GROUP BY 1 "
        f"HAVING count(*) > {MAX_RECORDS_WITHOUT_DATE} OR count(DISTINCT e_firsts_year) > 1)",
    )


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
        run_sql(con, "CREATE OR REPLACE TEMP TABLE scored AS SELECT * FROM scored_arrow")
        con.unregister("scored_arrow")
    else:
        predictions = linker.inference.predict(threshold_match_probability=CANDIDATE_PROBABILITY)
        run_sql(
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
