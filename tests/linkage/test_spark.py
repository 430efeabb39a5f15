"""The same model through Splink's Spark backend, in Spark local mode.

Grouped on one worker (`xdist_group("spark")`, marker `spark`): starting the
JVM costs a few seconds. Skipped when no Java runtime is installed
(scripts/ensure-java.sh installs Debian's)."""

from __future__ import annotations

import shutil

import pytest

from maillage.linkage.encoding import encode_records
from maillage.linkage.evaluation import pairwise_scores
from maillage.linkage.linker import link
from maillage.linkage.synthetic import generate

from .conftest import CAMPAIGN_SECRET, UNIT_SECRET

pytestmark = [
    pytest.mark.spark,
    pytest.mark.xdist_group("spark"),
    pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime (scripts/ensure-java.sh installs it)"),
]


def test_spark_links_like_duckdb():
    # Until the model's SQL named its columns without quotes, Spark read
    # "e_x_l" = "e_x_r" as two different string literals: every pair fell in
    # the "different" level and Spark found 62 of the ~600 pairs DuckDB finds.
    data = generate(records=1500, organisations=4, seed=17)
    rows = list(encode_records(data.rows, campaign_secret=CAMPAIGN_SECRET))
    on_spark = link(rows, unit_secret=UNIT_SECRET, backend="spark")
    on_duckdb = link(rows, unit_secret=UNIT_SECRET)
    assert set(on_spark.persons) == set(data.truth)
    spark_scores = pairwise_scores(on_spark.persons, data.truth)
    duckdb_scores = pairwise_scores(on_duckdb.persons, data.truth)
    assert spark_scores.precision >= 0.99 and spark_scores.recall >= 0.95
    # Same model, same data, same threshold rule: the same persons.
    assert on_spark.persons == on_duckdb.persons
    assert spark_scores == duckdb_scores
