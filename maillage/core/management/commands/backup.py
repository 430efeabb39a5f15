"""Back up the database and the private files into one encrypted archive.

docs/operations.md § Backups: `manage.py backup --output /backups/maillage-$(date +%F).mlgbak`.
Runs while the application serves (a consistent snapshot on PostgreSQL);
needs BACKUP_KEYS and, on PostgreSQL, `pg_dump` of the server's major version.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from maillage.core import backup


class Command(BaseCommand):
    help = "Sauvegarde la base et les fichiers privés dans une archive chiffrée (docs/operations.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default="",
            help="archive to write (default: var/backups/maillage-<UTC date and time>.mlgbak)",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, output: str, database: str, **options):
        from django.conf import settings

        path = (
            Path(output)
            if output
            else settings.VAR_DIR / "backups" / f"maillage-{timezone.now():%Y%m%d-%H%M%S}.mlgbak"
        )
        if path.exists():
            raise CommandError(f"{path} exists already: choose another name.")
        try:
            report = backup.backup(path, using=database)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = report.manifest
        self.stdout.write(
            f"{sum(manifest['tables'].values())} rows in {len(manifest['tables'])} tables, "
            f"{len(manifest['files'])} private files, journal {manifest['journal']['rows']} rows "
            f"(head {manifest['journal']['head'] or '-'})"
        )
        self.stdout.write("Times: " + ", ".join(f"{k} {v:.2f} s" for k, v in report.timings.items()))
        self.stdout.write(self.style.SUCCESS(f"Archive written: {path} ({report.size} bytes)."))
