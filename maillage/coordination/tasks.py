"""Scheduled work: reminders around due dates and the weekly digest.

Both are idempotent: every notification and email carries a key derived from
the object and the day (or the week), so running a command twice, or a retried
task, sends nothing twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.notifications.services import notify, send_email
from maillage.organisations.models import Membership

from . import selectors
from .enums import AWAITING_REPLY_STATUSES, OPEN_ACTION_STATUSES
from .models import ActionItem, Letter

# Days before a due date when the first reminder leaves; after the date, one
# reminder per week while the item stays open.
REMIND_BEFORE_DAYS = 3


def _action_recipients(action):
    if action.owner_user_id:
        return [action.owner_user] if action.owner_user.is_active else []
    # An organisation's administrators; without one, its active members (an
    # action owed by a small association must still reach someone).
    members = Membership.objects.active().filter(organisation_id=action.owner_organisation_id).select_related("user")
    admins = [m.user for m in members if m.is_admin]
    return admins or [m.user for m in members]


def _letter_recipients(letter):
    if letter.assignee_id and letter.assignee.is_active:
        return [letter.assignee]
    from maillage.organisations.enums import OrganisationType, Role

    return [
        m.user
        for m in Membership.objects.active()
        .filter(organisation__type=OrganisationType.COORDINATION, role=Role.COORDINATOR)
        .select_related("user")
    ]


def _remind(user, *, key: str, title: str, link: str) -> bool:
    created = notify(recipient=user, title=title, link=link, idempotency_key=key)
    if created is None:
        return False
    send_email(
        to=user.email,
        subject=title,
        template="coordination/emails/reminder.txt",
        context={"title": title, "url": f"{settings.SITE_BASE_URL}{link}"},
        idempotency_key=f"{key}-{user.pk}",
    )
    return True


def send_reminders(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    iso_year, iso_week, _weekday = today.isocalendar()
    sent = 0
    soon = today + timedelta(days=REMIND_BEFORE_DAYS)
    with transaction.atomic(durable=True):
        actions = ActionItem.objects.filter(status__in=OPEN_ACTION_STATUSES, due_on__lte=soon).select_related(
            "owner_user"
        )
        for action in actions:
            if action.due_on >= today:
                key, title = (
                    f"action-{action.pk}-due-{action.due_on}",
                    _("Action à échéance le %(d)s : %(t)s")
                    % {"d": action.due_on.strftime("%d/%m/%Y"), "t": action.title},
                )
            else:
                key, title = (
                    f"action-{action.pk}-overdue-{iso_year}w{iso_week}",
                    _("Action en retard (échéance %(d)s) : %(t)s")
                    % {"d": action.due_on.strftime("%d/%m/%Y"), "t": action.title},
                )
            for user in _action_recipients(action):
                sent += _remind(user, key=key, title=title, link="/coordination/mes-actions/")
        letters = Letter.objects.filter(status__in=AWAITING_REPLY_STATUSES, reply_due_on__lte=soon).select_related(
            "assignee"
        )
        for letter in letters:
            if letter.reply_due_on >= today:
                key, title = (
                    f"letter-{letter.pk}-due-{letter.reply_due_on}",
                    _("Courrier %(r)s : réponse attendue le %(d)s")
                    % {"r": letter.reference, "d": letter.reply_due_on.strftime("%d/%m/%Y")},
                )
            else:
                key, title = (
                    f"letter-{letter.pk}-overdue-{iso_year}w{iso_week}",
                    _("Courrier %(r)s : réponse en retard") % {"r": letter.reference},
                )
            for user in _letter_recipients(letter):
                sent += _remind(user, key=key, title=title, link=f"/coordination/courrier/{letter.pk}/")
    return sent


def send_weekly_digest(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    iso_year, iso_week, _weekday = today.isocalendar()
    User = get_user_model()
    users = User.objects.filter(is_active=True, weekly_digest_enabled=True, memberships__is_active=True).distinct()
    sent = 0
    for user in users.iterator():
        digest = selectors.digest_for(user, today=today)
        if not any(digest.values()):
            continue
        key = f"digest-{iso_year}w{iso_week}"
        title = _("Votre semaine dans Maillage")
        with transaction.atomic(durable=True):
            if notify(recipient=user, title=title, link="/coordination/recapitulatif/", idempotency_key=key) is None:
                continue
            send_email(
                to=user.email,
                subject=title,
                template="coordination/emails/weekly_digest.txt",
                context={**digest, "user": user, "url": f"{settings.SITE_BASE_URL}/coordination/recapitulatif/"},
                idempotency_key=f"{key}-{user.pk}",
            )
        sent += 1
    return sent


@task()
def coordination_reminders() -> int:
    return send_reminders()


@task()
def weekly_digest() -> int:
    return send_weekly_digest()
