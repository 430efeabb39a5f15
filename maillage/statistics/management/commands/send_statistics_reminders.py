from django.core.management.base import BaseCommand

from maillage.statistics.services import send_reminders


class Command(BaseCommand):
    help = "Rappels de l'enquête annuelle aux organisations dont le retour est attendu."

    def handle(self, *args, **options):
        sent = send_reminders()
        self.stdout.write(f"{sent} rappel(s) envoyé(s).")
