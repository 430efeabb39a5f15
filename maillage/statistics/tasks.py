from django.tasks import task


@task
def send_statistics_reminders() -> int:
    """Daily: remind invited organisations whose return is still expected."""
    from .services import send_reminders

    return send_reminders()


@task
def link_statistics_campaign(year: int, unit_secret_path: str) -> dict:
    """The linkage unit's run for a campaign (linking.run_linkage). The task
    carries the path of the unit's secret file on the worker, never the secret:
    the task queue is a database table (django_tasks_db)."""
    from .linking import read_unit_secret, run_linkage
    from .models import Campaign

    result = run_linkage(campaign=Campaign.objects.get(year=year), unit_secret=read_unit_secret(unit_secret_path))
    return {"records_linked": result.records_linked, "persons": result.persons}
