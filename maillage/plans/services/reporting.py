"""Implementation: progress reports of the responsible bodies, their
validation by the coordination, the progress file import, and the reminders
before each reporting date."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.audit import record
from maillage.notifications.services import notify
from maillage.organisations.models import Membership

from .. import policies, selectors, xlsx
from ..enums import REMINDER_DAYS_BEFORE, AuditAction, PlanStatus
from ..models import Measure, Plan, ProgressReport
from .common import check_percent, require_coordinator, require_not_closed


@transaction.atomic(durable=True)
def submit_progress_report(
    *,
    measure: Measure,
    status,
    progress,
    health: str,
    completion: str,
    comment: str = "",
    evidence: str = "",
    acting_user,
) -> ProgressReport:
    if not policies.can_report_on(acting_user, measure):
        raise PermissionDenied
    report = ProgressReport.objects.create(
        measure=measure,
        organisation=selectors.reporting_organisation(acting_user, measure),
        status=status,
        progress=check_percent(progress),
        health=health,
        completion=completion,
        comment=comment,
        evidence=evidence,
        submitted_by=acting_user,
    )
    record(
        action=AuditAction.REPORT_SUBMITTED,
        actor=acting_user,
        target=report,
        target_label=str(measure),
        organisation=measure.plan.coordination,
        acting_organisation=report.organisation,
    )
    return report


def _apply(measure: Measure, *, status, progress: int, health: str, completion: str) -> None:
    measure.status = status
    measure.progress = progress
    measure.health = health
    measure.completion = completion
    measure.progress_updated_at = timezone.now()
    measure.save(update_fields=["status", "progress", "health", "completion", "progress_updated_at"])


@transaction.atomic(durable=True)
def validate_progress_report(*, report: ProgressReport, acting_user) -> ProgressReport:
    require_coordinator(acting_user)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    # A report still pending when the plan closed no longer changes its history.
    require_not_closed(report.measure.plan_id)
    if report.validated_at is not None:
        raise ValidationError(_("Ce compte rendu a déjà été validé."))
    report.validated_by = acting_user
    report.validated_at = timezone.now()
    report.save(update_fields=["validated_by", "validated_at"])
    _apply(
        report.measure,
        status=report.status,
        progress=report.progress,
        health=report.health,
        completion=report.completion,
    )
    record(
        action=AuditAction.REPORT_VALIDATED,
        actor=acting_user,
        target=report,
        target_label=str(report.measure),
        organisation=report.measure.plan.coordination,
    )
    notify(
        recipient=report.submitted_by,
        title=_("Compte rendu validé : mesure %(n)s") % {"n": report.measure.number},
        link=reverse("plans:reporting"),
        organisation=report.organisation,
        idempotency_key=f"plans-report-validated-{report.pk}",
    )
    return report


@transaction.atomic(durable=True)
def apply_progress_rows(*, plan: Plan, rows: list[dict], acting_user) -> int:
    """Apply already-checked rows of an imported progress file, all or nothing
    (refused once the plan is closed: its follow-up is history)."""
    require_coordinator(acting_user)
    require_not_closed(plan.pk)
    measures = {m.number: m for m in plan.measures.select_for_update()}
    for row in rows:
        _apply(
            measures[row["number"]],
            status=row["status"],
            progress=row["progress"],
            health=row["health"],
            completion=row["completion"],
        )
    record(
        action=AuditAction.PROGRESS_IMPORTED,
        actor=acting_user,
        target=plan,
        organisation=plan.coordination,
        details={"rows": len(rows)},
    )
    return len(rows)


def import_progress(*, plan: Plan, data: bytes, acting_user) -> tuple[int, list[str]]:
    """Re-import a progress file edited offline (plans/xlsx.py): every row is
    checked first, and nothing is written when one is wrong."""
    rows, errors = xlsx.parse_progress(plan, data)
    if errors:
        return 0, errors
    try:
        return apply_progress_rows(plan=plan, rows=rows, acting_user=acting_user), []
    except ValidationError as exc:
        return 0, exc.messages


def send_reporting_reminders(*, today=None) -> int:
    """Remind responsible bodies before each reporting date (DORA-style scheduled
    reminders). Idempotent per plan, date, measure and person."""
    today = today or timezone.localdate()
    sent = 0
    plans = Plan.objects.filter(
        status__in=(PlanStatus.ADOPTED, PlanStatus.IN_IMPLEMENTATION), next_reporting_date__isnull=False
    )
    for plan in plans:
        if plan.next_reporting_date < today:
            # The date passed: move the schedule on so the next reminder comes.
            with transaction.atomic(durable=True):
                while plan.next_reporting_date < today:
                    plan.next_reporting_date += timedelta(days=plan.reporting_interval_days)
                plan.save(update_fields=["next_reporting_date"])
        if (plan.next_reporting_date - today).days > REMINDER_DAYS_BEFORE:
            continue
        for measure in plan.measures.select_related("lead").prefetch_related("co_leads"):
            orgs = [measure.lead, *measure.co_leads.all()] if measure.lead else list(measure.co_leads.all())
            for membership in Membership.objects.active().filter(organisation__in=orgs).select_related("user"):
                with transaction.atomic(durable=True):
                    created = notify(
                        recipient=membership.user,
                        title=_("Compte rendu attendu : mesure %(n)s du plan") % {"n": measure.number},
                        body=_("Merci de rendre compte de l'avancement avant le %(d)s.")
                        % {"d": plan.next_reporting_date.strftime("%d/%m/%Y")},
                        link=reverse("plans:report", args=[measure.pk]),
                        organisation=membership.organisation,
                        idempotency_key=(
                            f"plans-reminder-{plan.pk}-{plan.next_reporting_date.isoformat()}"
                            f"-{measure.pk}-{membership.user_id}"
                        ),
                    )
                sent += created is not None
    return sent
