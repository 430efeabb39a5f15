from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillage.core.encryption import decrypt_str


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account (development only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Commande réservée aux environnements de démonstration.")
        authenticator = Authenticator.objects.filter(user__email__iexact=email, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            raise CommandError("Aucun second facteur TOTP pour ce compte.")
        secret = decrypt_str(authenticator.data["secret"])
        counter = list(yield_hotp_counters_from_time())[len(list(yield_hotp_counters_from_time())) // 2]
        self.stdout.write(format_hotp_value(hotp_value(secret, counter)))
