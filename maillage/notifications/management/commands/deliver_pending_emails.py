"""Every 5 minutes: queue again the emails whose send task died or failed (idempotent)."""

from django.core.management.base import BaseCommand

from maillage.notifications.services import requeue_unsent_emails


class Command(BaseCommand):
    help = (
        "Remettre en file l'envoi des courriels restés non envoyés (tâche interrompue, relais indisponible). "
        "Idempotent : à lancer toutes les 5 minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=10,
            help="Ne reprendre que les courriels en file depuis au moins ce nombre de minutes (10 par défaut).",
        )

    def handle(self, *args, older_than_minutes, **options):
        from datetime import timedelta

        count = requeue_unsent_emails(older_than=timedelta(minutes=older_than_minutes))
        self.stdout.write(f"{count} courriel(s) remis en file.")
