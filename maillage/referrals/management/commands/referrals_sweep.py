"""Daily: expire referrals without an answer, remind recipients (idempotent)."""

from django.core.management.base import BaseCommand

from maillage.referrals.services import expire_and_remind


class Command(BaseCommand):
    help = "Expire les orientations sans réponse et relance les destinataires (idempotent)."

    def handle(self, *args, **options):
        report = expire_and_remind()
        self.stdout.write(
            f"expirées : {report.expired} ; relances : {report.reminded} ; signalées en retard : {report.escalated}"
        )
