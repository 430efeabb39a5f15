"""Command line: `python -m maillage.linkage encode|link …` (no Django).

    python -m maillage.linkage encode --campaign-secret SECRET INPUT.csv OUTPUT.csv
    python -m maillage.linkage link --unit-secret SECRET ENCODED.csv [ENCODED2.csv …] --output CLUSTERS.csv

`encode` needs only the standard library; `link` needs DuckDB and Splink.
Refusals are printed in French on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys

from .encoding import LinkageError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m maillage.linkage",
        description="Appariement des signalements sans partage d'identités (campagne statistique annuelle).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    encode = sub.add_parser(
        "encode",
        help="encoder un fichier d'identités (sur le poste de l'organisation)",
        description=(
            "Lit INPUT.csv (colonnes record_id, organisation, given_names, family_names, birth_date, sex, "
            "citizenship ; local_person_id facultative) et écrit OUTPUT.csv : identifiants d'enregistrement "
            "et encodages, sans aucun nom ni date."
        ),
    )
    encode.add_argument("--campaign-secret", required=True, metavar="FICHIER", help="secret de la campagne")
    encode.add_argument(
        "--expect-check",
        metavar="VALEUR",
        help="valeur de contrôle du secret publiée par le tiers de confiance (refuse un autre secret)",
    )
    encode.add_argument(
        "--jobs",
        type=int,
        default=os.process_cpu_count() or 1,
        metavar="N",
        help="processus d'encodage en parallèle pour un gros fichier (par défaut : le nombre de cœurs)",
    )
    encode.add_argument("input", metavar="INPUT.csv")
    encode.add_argument("output", metavar="OUTPUT.csv")

    link = sub.add_parser(
        "link",
        help="apparier des fichiers encodés (unité d'appariement)",
        description="Écrit record_id,person_id ; les encodages ne sont conservés nulle part après l'exécution.",
    )
    link.add_argument("--unit-secret", required=True, metavar="FICHIER", help="secret de l'unité d'appariement")
    link.add_argument("--output", required=True, metavar="CLUSTERS.csv")
    link.add_argument("--expect-check", metavar="VALEUR", help="valeur de contrôle du secret de la campagne")
    link.add_argument("--backend", choices=("duckdb", "spark"), default="duckdb")
    link.add_argument("--threads", type=int, default=None, help="fils DuckDB (par défaut : tous les cœurs)")
    link.add_argument(
        "--keep-inputs",
        action="store_true",
        help="ne pas supprimer les fichiers encodés après l'exécution (par défaut ils sont supprimés)",
    )
    link.add_argument("inputs", nargs="+", metavar="ENCODED.csv")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "encode":
            from .files import encode_file

            count = encode_file(
                args.input,
                args.output,
                secret_path=args.campaign_secret,
                expect_check=args.expect_check,
                jobs=max(args.jobs, 1),
            )
            print(f"{count} enregistrements encodés dans {args.output}.")
        else:
            from .files import link_files

            report = link_files(
                args.inputs,
                args.output,
                unit_secret_path=args.unit_secret,
                expect_check=args.expect_check,
                backend=args.backend,
                threads=args.threads,
                keep_inputs=args.keep_inputs,
            )
            print(report.summary())
    except LinkageError as error:
        print(f"Refusé : {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
