"""The same model on Spark, for linkages beyond one machine (Splink's Spark backend).

`link(..., backend="spark")` re-keys, checks and trains in DuckDB as usual
(u probabilities from decoy pairs, EM on blocks, term-frequency tables), then
hands the re-keyed table, the model's JSON and the term-frequency tables to
Spark, which generates and scores the candidate pairs; the threshold and the
clustering are those of linker.py. Here Spark runs in local mode (the tests do
too); on a cluster, pass a session built for it to `predict_with_spark`.
Needs pyspark and a Java runtime (scripts/ensure-java.sh installs Debian's).
"""

from __future__ import annotations

import logging
from pathlib import Path


def local_session(workdir: Path):
    import os

    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")

    (workdir / "spark").mkdir(exist_ok=True)
    return (
        SparkSession.builder.master("local[2]")
        .appName("maillage-linkage")
        .config("spark.ui.enabled", "false")
        # Loopback only: local mode needs no network.
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.driver.memory", "1g")
        # Spill and shuffle files in the run's private directory, removed at the end.
        .config("spark.local.dir", str(workdir / "spark"))
        .config("spark.sql.warehouse.dir", str(workdir / "spark" / "warehouse"))
        .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={workdir / 'spark'}")
        .getOrCreate()
    )


def score_with_spark(
    con, workdir: Path, model: dict, term_frequencies: dict, candidate_probability: float, *, spark=None
):
    """Score the re-keyed records' candidate pairs on Spark with the model trained
    on DuckDB (its JSON, the same term-frequency tables); returns an Arrow table
    (unique_id_l, unique_id_r, match_weight) for the threshold and clustering,
    which stay in DuckDB."""
    from splink import Linker, SparkAPI

    own_session = spark is None
    spark = spark or local_session(workdir)
    spark.sparkContext.setLogLevel("ERROR")
    try:
        keyed = con.sql("SELECT * FROM keyed ORDER BY unique_id").to_arrow_table()
        db_api = SparkAPI(
            spark_session=spark,
            break_lineage_method="persist",
            num_partitions_on_repartition=4,
            # Exact comparisons only: Splink's fuzzy-matching jar is not needed.
            register_udfs_automatically=False,
        )
        linker = Linker(db_api.register(keyed), model, log_level=logging.WARNING)
        for key, table in term_frequencies.items():
            linker.table_management.register_term_frequency_lookup(db_api.register(table), key)
        predictions = linker.inference.predict(threshold_match_probability=candidate_probability)
        scored = spark.sql(
            f"SELECT unique_id_l, unique_id_r, match_weight FROM {predictions.physical_name}"  # noqa: S608 (Splink's table name)
        ).toArrow()
        linker.table_management.delete_tables_created_by_splink_from_db()
        return scored
    finally:
        spark.catalog.clearCache()
        if own_session:
            spark.stop()
