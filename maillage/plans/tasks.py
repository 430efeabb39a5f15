from django.tasks import task

from .services import send_reporting_reminders


@task()
def send_plan_reporting_reminders() -> int:
    """Daily: remind responsible bodies that a progress report is due soon."""
    return send_reporting_reminders()
