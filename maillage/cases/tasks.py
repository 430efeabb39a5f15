"""Background work of the case file (django.tasks)."""

from django.tasks import task

from .reminders import send_deadline_reminders
from .services import anonymise_closed_cases


@task()
def send_case_reminders() -> dict:
    report = send_deadline_reminders()
    return {
        "reflection_soon": report.reflection_soon,
        "reflection_expired": report.reflection_expired,
        "permits_soon": report.permits_soon,
    }


@task()
def anonymise_expired_cases() -> dict:
    report = anonymise_closed_cases()
    return {"anonymised": len(report.anonymised), "held": len(report.held)}
