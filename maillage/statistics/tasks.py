from django.tasks import task


@task
def send_statistics_reminders() -> int:
    """Daily: remind invited organisations whose return is still expected."""
    from .services import send_reminders

    return send_reminders()
