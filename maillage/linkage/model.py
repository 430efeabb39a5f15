# ruff: noqa: S608 -- SQL is built from the fixed encoding column names only; values go as parameters.
"""The Fellegi–Sunter model of a linkage run, fitted with Splink.

Comparisons and their levels (from the strongest encoding down), u
probabilities from decoy pairs, m by expectation–maximisation on blocks and
from the organisations' own duplicates, term-frequency tables counting
people. `linker.link` calls `fitted_linker` once per run.
"""

from __future__ import annotations

import logging

from .encoding import ENCODINGS, LinkageError

# EM runs on the pairs that agree on each of these in turn (each session
# leaves its blocking encoding's comparison alone; the other sessions train it).
EM_BLOCKS = ("e_given_date", "e_phonetic_year")
M_FLOOR = 0.01
# Below this many decoy pairs (records of one organisation, both with a full
# birth date), the u probabilities cannot be estimated: the run is refused
# rather than producing a model fitted on noise (about 45 records in one
# organisation, or fewer spread over several).
MIN_DECOY_PAIRS = 1_000


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


def run_sql(con, sql: str, params=None) -> None:
    """Run a statement to completion (DuckDB keeps a result open until it is read)."""
    con.execute(sql, params).fetchall()


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
    if float(within_both_known) < MIN_DECOY_PAIRS:
        raise LinkageError(
            f"Trop peu d'enregistrements pour estimer le modèle d'appariement : {int(within_both_known)} paires "
            f"d'enregistrements d'une même organisation avec une date de naissance complète, il en faut au moins "
            f"{MIN_DECOY_PAIRS}. Les enregistrements restent comptés sans déduplication."
        )
    # Pairs inside one organisation agreeing on at least one encoding, of different units.
    union = " UNION ".join(
        f"SELECT a.unique_id AS l, b.unique_id AS r FROM keyed_org a JOIN keyed_org b "
        f"ON a.{c} = b.{c} AND a.org = b.org AND a.unique_id < b.unique_id AND (a.unit < 0 OR a.unit <> b.unit)"
        for c in ENCODINGS
    )
    sides = ", ".join(f"a.{c} AS {c}_l, b.{c} AS {c}_r" for c in (*ENCODINGS, "full_date_known", "year_known"))
    level_columns = ", ".join(f"{_level_sql(n)} AS {n}" for n in COMPARISONS)
    run_sql(
        con,
        "CREATE OR REPLACE TEMP TABLE keyed_org AS SELECT k.*, i.org, i.unit FROM keyed k JOIN ids i USING (unique_id)",
    )
    run_sql(
        con,
        f"CREATE OR REPLACE TEMP TABLE decoy_levels AS SELECT {level_columns} FROM (SELECT {sides} FROM ({union}) p "
        "JOIN keyed a ON a.unique_id = p.l JOIN keyed b ON b.unique_id = p.r)",
    )
    run_sql(con, "DROP TABLE keyed_org")
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
    run_sql(con, "DROP TABLE decoy_levels")
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
    run_sql(
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
