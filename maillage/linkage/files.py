"""The two commands on files: checks of columns and secrets, then encode or link."""

from __future__ import annotations

import csv
import multiprocessing
import os
import tempfile
from pathlib import Path

from .encoding import CHECK_COLUMN, INPUT_COLUMNS, OUTPUT_COLUMNS, Encoder, LinkageError, key_check_value, read_secret
from .normalise import InvalidValue

# Columns that must never reach the linkage unit.
IDENTITY_COLUMNS = ("given_names", "family_names", "birth_date", "sex", "citizenship", "local_person_id")


def _header(path: str | Path) -> list[str]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            return next(csv.reader(handle), [])
    except FileNotFoundError:
        raise LinkageError(f"Le fichier {path} n'existe pas.") from None
    except UnicodeDecodeError:
        raise LinkageError(
            f"Le fichier {path} n'est pas en UTF-8 : enregistrez-le en « CSV UTF-8 » depuis votre tableur."
        ) from None


def _require_columns(path, found: list[str], required) -> None:
    missing = [c for c in required if c not in found]
    if missing:
        raise LinkageError(
            f"Colonnes manquantes dans {path} : {', '.join(missing)}. "
            f"Colonnes attendues : {', '.join(required)} ; colonnes trouvées : {', '.join(found) or '(aucune)'}."
        )


def _check_expected(secret: bytes, expect_check: str | None) -> None:
    if expect_check and key_check_value(secret) != expect_check.strip().lower():
        raise LinkageError(
            f"Ce secret n'est pas celui de la campagne : sa valeur de contrôle est {key_check_value(secret)}, "
            f"la campagne annonce {expect_check.strip()}. Vérifiez que vous utilisez le fichier de cette année."
        )


# Below this many records the file is encoded in this process (starting worker
# processes costs more than it saves).
PARALLEL_FROM = 20_000
_CHUNK = 5_000
_worker_encoder: Encoder | None = None


def _start_worker(secret: bytes) -> None:
    global _worker_encoder  # one encoder per worker process
    _worker_encoder = Encoder(secret)


def _encode_chunk(chunk: list[tuple[int, dict[str, str]]]) -> list[dict[str, str]] | tuple[int, str]:
    encoded = []
    for line, row in chunk:
        try:
            encoded.append(_worker_encoder.encode(row))
        except InvalidValue as error:
            return line, str(error)
    return encoded


def _read_rows(source) -> list[tuple[int, dict[str, str]]]:
    rows = []
    seen: set[str] = set()
    for line, row in enumerate(csv.DictReader(source), start=2):
        record_id = (row.get("record_id") or "").strip()
        if not record_id or not (row.get("organisation") or "").strip():
            raise LinkageError(f"Ligne {line} : record_id et organisation sont obligatoires.")
        if record_id in seen:
            raise LinkageError(f"Ligne {line} : le record_id {record_id} apparaît deux fois.")
        seen.add(record_id)
        rows.append((line, row))
    return rows


def encode_file(input_path, output_path, *, secret_path, expect_check: str | None = None, jobs: int = 1) -> int:
    """Encode INPUT.csv into OUTPUT.csv; returns the number of records.

    With `jobs` > 1 and a large file, the records are encoded by that many
    worker processes (standard library `multiprocessing`), in order. The output
    is written to a temporary file beside it and renamed at the end, so a
    refusal half-way leaves no partial file."""
    secret = read_secret(secret_path)
    _check_expected(secret, expect_check)
    if Path(input_path).resolve() == Path(output_path).resolve():
        raise LinkageError("Le fichier de sortie doit être différent du fichier d'entrée.")
    _require_columns(input_path, _header(input_path), INPUT_COLUMNS)
    output = Path(output_path)
    handle, temporary = tempfile.mkstemp(prefix=".encodage-", suffix=".csv", dir=output.parent or ".")
    try:
        with open(input_path, newline="", encoding="utf-8-sig") as source:
            rows = _read_rows(source)
        chunks = [rows[i : i + _CHUNK] for i in range(0, len(rows), _CHUNK)]
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as target:
            writer = csv.DictWriter(target, fieldnames=OUTPUT_COLUMNS)
            writer.writeheader()
            if jobs > 1 and len(rows) >= PARALLEL_FROM:
                # "spawn": a fresh interpreter per worker, safe whatever threads this process has.
                context = multiprocessing.get_context("spawn")
                with context.Pool(jobs, initializer=_start_worker, initargs=(secret,)) as pool:
                    _write_chunks(writer, pool.imap(_encode_chunk, chunks))
            else:
                _start_worker(secret)
                _write_chunks(writer, map(_encode_chunk, chunks))
        os.replace(temporary, output)
    except UnicodeDecodeError:
        raise LinkageError(
            f"Le fichier {input_path} n'est pas en UTF-8 : enregistrez-le en « CSV UTF-8 » depuis votre tableur."
        ) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return len(rows)


def _write_chunks(writer, results) -> None:
    for result in results:
        if isinstance(result, tuple):
            line, message = result
            raise LinkageError(f"Ligne {line} : {message}.")
        writer.writerows(result)


def check_encoded_file(path) -> None:
    found = _header(path)
    leaked = [c for c in IDENTITY_COLUMNS if c in found]
    if leaked:
        raise LinkageError(
            f"{path} contient des colonnes d'identité ({', '.join(leaked)}) : seul un fichier encodé "
            "peut être apparié. Supprimez ce fichier de l'unité d'appariement et signalez-le."
        )
    _require_columns(path, found, OUTPUT_COLUMNS)
    if CHECK_COLUMN not in found:  # pragma: no cover - covered by OUTPUT_COLUMNS
        raise LinkageError(f"{path} n'a pas de valeur de contrôle.")


def link_files(
    inputs,
    output_path,
    *,
    unit_secret_path,
    expect_check: str | None = None,
    backend: str = "duckdb",
    threads: int | None = None,
    keep_inputs: bool = False,
):
    """Link encoded files into CLUSTERS.csv (record_id,person_id)."""
    from .linker import link

    secret = read_secret(unit_secret_path)
    output = Path(output_path)
    resolved = {Path(p).resolve() for p in inputs}
    if output.resolve() in resolved:
        raise LinkageError("Le fichier de sortie doit être différent des fichiers encodés.")
    for path in inputs:
        check_encoded_file(path)
    report = link(list(inputs), unit_secret=secret, expect_check=expect_check, backend=backend, threads=threads)
    handle, temporary = tempfile.mkstemp(prefix=".personnes-", suffix=".csv", dir=output.parent or ".")
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as target:
            writer = csv.writer(target)
            writer.writerow(("record_id", "person_id"))
            writer.writerows(report.persons.items())
        os.replace(temporary, output)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    if not keep_inputs:
        # The unit keeps no encoding after the run (docs/security.md).
        for path in inputs:
            Path(path).unlink(missing_ok=True)
    return report
