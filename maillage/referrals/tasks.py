"""Background work of referrals (django.tasks). Idempotent: safe to retry."""

from django.tasks import task

from .pathways import escalate_overdue_steps
from .services import expire_and_remind


@task()
def sweep_referrals() -> dict:
    report = expire_and_remind()
    return {"expired": report.expired, "reminded": report.reminded, "escalated": report.escalated}


@task()
def escalate_minor_steps() -> dict:
    report = escalate_overdue_steps()
    return {
        "escalated": report.escalated,
        "chains_started": report.chains_started,
        "exchanges_escalated": report.exchanges_escalated,
    }
