"""Restore an archive of `manage.py backup` into an EMPTY database and
private directory, then verify what came back.

docs/operations.md § Backups. Refused (nothing written): a database with
tables or a private directory with files, an archive altered or encrypted
under another BACKUP_KEYS, keys that differ from the backed-up instance's,
migrations the code does not know. Exit status 1 when the verification
finds a difference (each one is printed).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.core import backup


class Command(BaseCommand):
    help = "Restaure une archive de sauvegarde dans une base vide, puis vérifie (docs/operations.md)."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--database", default="default")

    def handle(self, *args, archive: str, database: str, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"{path}: no such archive.")
        try:
            report = backup.restore(path, using=database)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = report.manifest
        self.stdout.write(
            f"Archive of {manifest['created_at']}: {sum(manifest['tables'].values())} rows, "
            f"{len(manifest['files'])} private files, journal {manifest['journal']['rows']} rows"
        )
        self.stdout.write("Times: " + ", ".join(f"{k} {v:.2f} s" for k, v in report.timings.items()))
        for problem in report.problems:
            self.stdout.write(f"Difference: {problem}")
        if report.problems:
            raise CommandError(f"Restored, but {len(report.problems)} difference(s) with the archive (listed above).")
        self.stdout.write(
            self.style.SUCCESS(
                "Restored and verified: every table has its rows, the journal chain is intact up to the "
                "archive's head, every document is present and decrypts."
            )
        )
