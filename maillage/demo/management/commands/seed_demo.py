import json
import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import autodiscover_modules

from maillage.core.context import command_context
from maillage.demo.registry import SeedContext, seeders


class Command(BaseCommand):
    help = "Load the fictional demo network (idempotent). Refused in production."

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            choices=["demo", "national", "3x"],
            default="demo",
            help="national: large volumes for benchmarks; 3x: three times national (cost growth)",
        )
        parser.add_argument("--seed", type=int, default=2013)
        parser.add_argument("--quiet-accounts", action="store_true", help="do not print the accounts table")

    def handle(self, *args, size, seed, quiet_accounts, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Les données de démonstration sont refusées avec ces réglages (production).")
        autodiscover_modules("demo")
        ctx = SeedContext(size=size, rng=random.Random(seed), stdout=self.stdout)
        with command_context("seed_demo"):
            for name, func in seeders():
                self.stdout.write(f"· {name}")
                func(ctx)
        path = settings.VAR_DIR / "demo-accounts.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(ctx.accounts, ensure_ascii=False, indent=2), encoding="utf-8")
        if not quiet_accounts:
            self._print_accounts(ctx.accounts)
        self.stdout.write(self.style.SUCCESS(f"Comptes de démonstration écrits dans {path}"))

    def _print_accounts(self, accounts):
        self.stdout.write("")
        self.stdout.write("Comptes de démonstration (mot de passe, puis code TOTP calculé depuis le secret) :")
        for account in accounts:
            self.stdout.write(
                f"  {account['email']:<50} {account['password']:<22} TOTP {account['totp_secret']}  "
                f"{account['organisation']} [{', '.join(account['roles'])}]"
            )
        self.stdout.write("Code TOTP courant d'un compte : .venv/bin/python manage.py totp_code EMAIL")
