"""The same model on Spark, for linkages beyond one machine (Splink's Spark backend).

`link(..., backend="spark")` re-keys and checks in DuckDB as usual, then hands
the re-keyed table to Spark: the comparisons, u probabilities, EM training and
threshold are those of linker.py. Here Spark runs in local mode (the tests do
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


def predict_with_spark(con, workdir: Path, match_probability: float, *, spark=None):
    from splink import Linker, SparkAPI

    from .linker import trained_model

    own_session = spark is None
    spark = spark or local_session(workdir)
    spark.sparkContext.setLogLevel("ERROR")
    try:
        # The model is trained on DuckDB (EM on the blocks of the re-keyed
        # table, as Splink advises training on a sample at scale) and scores
        # every pair on Spark. Splink 5.0's EM on Spark does not converge here
        # (every m near 0.5 on the synthetic data), so only prediction runs there.
        # Without term-frequency adjustments: Splink 5.0 refuses to load them into a
        # Spark linker ("Could not find an exact match level") and its EM on Spark
        # fails on them (UNRESOLVED_COLUMN tf_…); see docs/domain/linkage.md.
        model = trained_model(con, term_frequency_adjustments=False)
        keyed = con.sql("SELECT * FROM keyed ORDER BY unique_id").to_arrow_table()
        db_api = SparkAPI(
            spark_session=spark,
            break_lineage_method="persist",
            num_partitions_on_repartition=4,
            # Exact comparisons only: Splink's fuzzy-matching jar is not needed.
            register_udfs_automatically=False,
        )
        linker = Linker(db_api.register(keyed), model, log_level=logging.WARNING)
        predictions = linker.inference.predict(threshold_match_probability=match_probability)
        edges = spark.sql(
            f"SELECT unique_id_l, unique_id_r FROM {predictions.physical_name} "  # noqa: S608 (Splink's table name)
            "ORDER BY match_weight DESC, unique_id_l, unique_id_r"
        ).toArrow()
        linker.table_management.delete_tables_created_by_splink_from_db()
        left = edges.column("unique_id_l").to_pylist()
        right = edges.column("unique_id_r").to_pylist()
        return left, right, len(left)
    finally:
        spark.catalog.clearCache()
        if own_session:
            spark.stop()
