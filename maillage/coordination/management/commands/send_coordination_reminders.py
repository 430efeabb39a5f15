from datetime import date

from django.core.management.base import BaseCommand

from maillage.coordination.tasks import send_reminders


class Command(BaseCommand):
    help = (
        "Rappels avant et après l'échéance des actions et des réponses aux courriers "
        "(idempotent, à lancer chaque jour)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, default=None, help="Jour de référence (AAAA-MM-JJ)")

    def handle(self, *args, **options):
        count = send_reminders(today=options["date"])
        self.stdout.write(f"{count} rappel(s) envoyé(s).")
