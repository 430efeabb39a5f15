from django.core.management.base import BaseCommand

from maillage.cases.tasks import send_case_reminders


class Command(BaseCommand):
    help = "Rappels : fin des délais de réflexion et expiration des titres de séjour (à planifier chaque jour)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Mettre la tâche en file au lieu de l'exécuter ici."
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            send_case_reminders.enqueue()
            self.stdout.write("Tâche mise en file.")
            return
        result = send_case_reminders.call()
        self.stdout.write(f"Rappels : {result}")
