from datetime import date

from django.core.management.base import BaseCommand

from maillage.coordination.tasks import send_weekly_digest


class Command(BaseCommand):
    help = "Récapitulatif hebdomadaire (réunions, actions, courriers) ; une fois par semaine et par personne au plus."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, default=None, help="Jour de référence (AAAA-MM-JJ)")

    def handle(self, *args, **options):
        count = send_weekly_digest(today=options["date"])
        self.stdout.write(f"{count} récapitulatif(s) envoyé(s).")
