"""Background work of referrals (django.tasks). Idempotent: safe to retry."""

from django.tasks import task

from .services import expire_and_remind


@task()
def sweep_referrals() -> dict:
    report = expire_and_remind()
    return {"expired": report.expired, "reminded": report.reminded}
