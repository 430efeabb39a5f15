"""Reminders of the annual collection, as data (configurable in settings).

`STATISTICS_REMINDER_DAYS_BEFORE` (default 14 and 3 days before the deadline)
and `STATISTICS_REMINDER_EVERY_DAYS_LATE` (default 7: once a week after it)."""

from __future__ import annotations

from datetime import date

from django.conf import settings


def days_before() -> tuple[int, ...]:
    return tuple(getattr(settings, "STATISTICS_REMINDER_DAYS_BEFORE", (14, 3)))


def every_days_late() -> int:
    return int(getattr(settings, "STATISTICS_REMINDER_EVERY_DAYS_LATE", 7))


def reminder_due(*, deadline: date, today: date, last_reminded: date | None) -> bool:
    """Whether an organisation that has not submitted gets a reminder today."""
    if today <= deadline:
        due = [deadline.fromordinal(deadline.toordinal() - d) for d in days_before()]
        passed = [d for d in due if d <= today]
        return bool(passed) and (last_reminded is None or last_reminded < max(passed))
    if last_reminded is None or last_reminded <= deadline:
        return True
    return (today - last_reminded).days >= every_days_late()
