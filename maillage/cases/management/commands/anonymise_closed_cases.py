"""Retention (R-PRIVACY, GDPR art. 5.1 e): anonymise the identity of cases
closed for longer than deadlines.RETENTION_AFTER_CLOSURE. To schedule daily."""

import logging

from django.core.management.base import BaseCommand

from maillage.cases import deadlines
from maillage.cases.services import anonymise_closed_cases

logger = logging.getLogger("maillage.cases.retention")


class Command(BaseCommand):
    help = "Anonymise l'identité des dossiers clos depuis plus que la durée de conservation."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Lister sans modifier.")

    def handle(self, *args, **options):
        report = anonymise_closed_cases(dry_run=options["dry_run"])
        verb = "à anonymiser" if options["dry_run"] else "anonymisés"
        message = (
            f"Durée de conservation : {deadlines.RETENTION_AFTER_CLOSURE.days()} jours "
            f"({deadlines.RETENTION_AFTER_CLOSURE.source}). "
            f"{len(report.anonymised)} dossier(s) {verb} : {', '.join(report.anonymised) or '—'}. "
            f"{len(report.held)} en conservation légale : {', '.join(report.held) or '—'}."
        )
        logger.warning(message)  # references only, never identities
        self.stdout.write(message)
