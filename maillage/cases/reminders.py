"""Deadline reminders: reflection periods (before the end, at expiry) and
residence permits (before expiry). Notifications carry only the case
reference, never an identity. Idempotent: each reminder is stamped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.notifications.services import notify
from maillage.organisations.enums import Role
from maillage.organisations.models import Membership

from . import deadlines
from .enums import EventKind, ReflectionStatus
from .models import CaseEvent, ReflectionPeriod, ResidencePermit


@dataclass
class ReminderReport:
    reflection_soon: int = 0
    reflection_expired: int = 0
    permits_soon: int = 0


def _case_workers(organisation_id):
    return [
        m.user
        for m in Membership.objects.active()
        .filter(organisation_id=organisation_id, role=Role.CASE_WORKER)
        .select_related("user")
    ]


def _notify_all(case, title: str, key: str) -> None:
    for user in _case_workers(case.organisation_id):
        notify(
            recipient=user,
            title=title,
            link=f"/dossiers/{case.pk}/",
            organisation=case.organisation,
            idempotency_key=f"{key}-{user.pk}",
        )


def send_deadline_reminders(*, today: date | None = None) -> ReminderReport:
    today = today or timezone.localdate()
    now = timezone.now()
    report = ReminderReport()
    soon = today + deadlines.REFLECTION_REMINDER_BEFORE_END.delta()
    for period in ReflectionPeriod.objects.filter(
        status=ReflectionStatus.GRANTED, end__gte=today, end__lte=soon, reminded_before_end_at__isnull=True
    ).select_related("case__organisation"):
        with transaction.atomic(durable=True):
            _notify_all(
                period.case,
                _("Le délai de réflexion du dossier %(ref)s se termine le %(d)s")
                % {"ref": period.case.reference, "d": period.end.strftime("%d/%m/%Y")},
                f"reflection-soon-{period.pk}",
            )
            ReflectionPeriod.objects.filter(pk=period.pk).update(reminded_before_end_at=now)
        report.reflection_soon += 1
    for period in ReflectionPeriod.objects.filter(
        status=ReflectionStatus.GRANTED, end__lt=today, reminded_expiry_at__isnull=True
    ).select_related("case__organisation"):
        with transaction.atomic(durable=True):
            # R-REFLECTION: the period ends; the case worker decides what follows (permit, asylum…).
            ReflectionPeriod.objects.filter(pk=period.pk).update(
                reminded_expiry_at=now, status=ReflectionStatus.EXPIRED
            )
            CaseEvent.objects.create(
                case=period.case, kind=EventKind.REFLECTION, summary=_("Délai de réflexion expiré")
            )
            _notify_all(
                period.case,
                _("Le délai de réflexion du dossier %(ref)s a expiré") % {"ref": period.case.reference},
                f"reflection-expired-{period.pk}",
            )
        report.reflection_expired += 1
    permit_soon = today + deadlines.PERMIT_REMINDER_BEFORE_END.delta()
    for permit in ResidencePermit.objects.filter(
        end__isnull=False, end__gte=today, end__lte=permit_soon, reminded_at__isnull=True, renewals__isnull=True
    ).select_related("case__organisation"):
        with transaction.atomic(durable=True):
            _notify_all(
                permit.case,
                _("Le titre de séjour du dossier %(ref)s expire le %(d)s : préparer le renouvellement")
                % {"ref": permit.case.reference, "d": permit.end.strftime("%d/%m/%Y")},
                f"permit-soon-{permit.pk}",
            )
            ResidencePermit.objects.filter(pk=permit.pk).update(reminded_at=now)
        report.permits_soon += 1
    return report
