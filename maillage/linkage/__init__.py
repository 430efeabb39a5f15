"""Privacy-preserving record linkage for the annual statistics (issue 13).

Runs without Django: `python -m maillage.linkage encode|link …`. The encoder
(`encoding.py`, `normalise.py`, `rules.py`) needs only the standard library;
the linker (`linker.py`) needs DuckDB and Splink (and pyspark for `spark.py`).
Python API for Maillage's statistics domain:

    from maillage.linkage.encoding import encode_records
    from maillage.linkage.linker import link
"""
