"""Verify the hash chain of the audit journal and say where it breaks.

Exit status 0 when the chain holds (and, with --expect-head, ends where it
was last seen), 1 otherwise. Read-only: safe to run at any time, under the
runtime role. docs/operations.md § Audit journal.
"""

from django.core.management.base import BaseCommand, CommandError

from maillage.core import journal
from maillage.core.models import AuditEvent


class Command(BaseCommand):
    help = "Vérifie la chaîne du journal d'audit et indique où elle est rompue."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--expect-head",
            default="",
            help="Last hash recorded by a previous run (detects rows removed at the end).",
        )

    def handle(self, *args, batch_size: int, expect_head: str, **options):
        result = journal.verify(AuditEvent, batch=batch_size)
        for pk, label in result.breaks:
            self.stdout.write(
                f"Chain broken at row {pk} ({label}): this row was altered or inserted, "
                "or the row before it was altered or removed."
            )
        self.stdout.write(f"{result.rows} rows, head {result.head or '-'}")
        if not result.ok:
            raise CommandError(
                f"The audit journal chain is broken ({result.broken} place(s); the first {len(result.breaks)} listed above)."
            )
        if expect_head and not self._reaches(expect_head, result):
            raise CommandError(
                "The chain is intact but the expected head is not in it: rows were removed from its end."
            )
        self.stdout.write(self.style.SUCCESS("The audit journal chain is intact."))

    def _reaches(self, expected: str, result) -> bool:
        return expected == result.head or AuditEvent.objects.filter(chain_hash=expected).exists()
