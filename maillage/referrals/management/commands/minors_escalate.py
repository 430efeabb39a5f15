"""Hourly: start missing minors' chains and escalate overdue steps to the
organisation's administrators (idempotent)."""

from django.core.management.base import BaseCommand

from maillage.referrals.pathways import escalate_overdue_steps


class Command(BaseCommand):
    help = "Crée les parcours mineurs manquants et signale les étapes en retard aux administrateur·rices (idempotent)."

    def handle(self, *args, **options):
        report = escalate_overdue_steps()
        self.stdout.write(f"parcours créés : {report.chains_started} ; étapes signalées : {report.escalated}")
