from django.core.management.base import BaseCommand

from maillage.core.context import command_context
from maillage.plans.services import send_reporting_reminders


class Command(BaseCommand):
    help = "Rappelle aux pilotes des mesures l'échéance du prochain compte rendu (à lancer chaque jour)."

    def handle(self, *args, **options):
        with command_context("plan_reminders"):
            sent = send_reporting_reminders()
        self.stdout.write(f"{sent} rappel(s) envoyé(s).")
