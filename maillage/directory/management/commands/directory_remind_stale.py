from django.core.management.base import BaseCommand

from maillage.core.context import command_context
from maillage.directory.services import remind_stale_profiles


class Command(BaseCommand):
    help = "Remind administrators of directory profiles not verified for over 6 months (run daily)."

    def handle(self, *args, **options):
        with command_context("directory_remind_stale"):
            sent = remind_stale_profiles()
        self.stdout.write(f"{sent} rappel(s) envoyé(s)")
