from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError

from maillage.statistics.tasks import link_statistics_campaign


class Command(BaseCommand):
    help = (
        "Appariement des enregistrements d'une campagne (unité d'appariement, issue 13) : ré-encode les encodages "
        "avec le secret de l'unité, apparie, écrit l'identifiant de personne sur les enregistrements anonymes et "
        "supprime les encodages."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Année de la campagne.")
        parser.add_argument(
            "--unit-secret",
            required=True,
            metavar="FICHIER",
            help="Fichier du secret de l'unité d'appariement (au moins 32 octets ; jamais copié ni journalisé).",
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Mettre la tâche en file au lieu de l'exécuter ici."
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            link_statistics_campaign.enqueue(options["year"], options["unit_secret"])
            self.stdout.write("Tâche mise en file.")
            return
        try:
            result = link_statistics_campaign.call(options["year"], options["unit_secret"])
        except ObjectDoesNotExist:
            raise CommandError(f"Aucune campagne pour l'année {options['year']}.") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"{result['records_linked']} enregistrement(s) encodé(s) appariés ; {result['persons']} personne(s) "
            "au total. Les encodages ont été supprimés."
        )
