"""Reads of the coordination domain, always starting from a policy queryset."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from . import policies
from .enums import AWAITING_REPLY_STATUSES, OPEN_ACTION_STATUSES, DecisionStatus, MeetingStatus
from .models import ActionItem, CalendarFeedToken, Decision, Letter, Meeting, MeetingGuest


def upcoming_meetings(user, *, group=None, limit: int | None = None) -> QuerySet[Meeting]:
    qs = policies.meetings_visible_to(user).filter(status=MeetingStatus.SCHEDULED, ends_at__gte=timezone.now())
    if group is not None:
        qs = qs.filter(group=group)
    else:
        # On the home page: the meetings a person is invited to or organises.
        qs = qs.filter(Q(invitations__user=user) | Q(organiser=user))
    qs = qs.select_related("group").order_by("starts_at").distinct()
    return qs[:limit] if limit else qs


def open_decisions(group) -> QuerySet[Decision]:
    return group.decisions.filter(status=DecisionStatus.OPEN).order_by("review_on", "-created_at")


def decisions_due_for_review(user, *, today: date | None = None) -> QuerySet[Decision]:
    """A review date brings a decision back on the group page and the home panel."""
    today = today or timezone.localdate()
    return Decision.objects.filter(
        group__in=policies.groups_visible_to(user), status=DecisionStatus.OPEN, review_on__lte=today
    ).select_related("group")


def overdue_actions(group, *, today: date | None = None) -> QuerySet[ActionItem]:
    today = today or timezone.localdate()
    return group.actions.filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=today).select_related(
        "owner_user", "owner_organisation"
    )


def my_actions(
    user, *, status: str = "open", scope: str = "all", overdue_only: bool = False, group_id: int | None = None
) -> QuerySet[ActionItem]:
    """Everything a person owes, personally or through their organisations.

    status: "open" (to do or in progress), "done", "all" or one ActionStatus.
    scope: "all", "me" (personally) or "organisation"."""
    qs = policies.actions_owed_by(user)
    if scope == "me":
        qs = qs.filter(owner_user=user)
    elif scope == "organisation":
        qs = qs.filter(owner_organisation_id__in=policies.organisation_ids(user))
    if status == "open":
        qs = qs.filter(status__in=OPEN_ACTION_STATUSES)
    elif status != "all":
        qs = qs.filter(status=status)
    if overdue_only:
        qs = qs.filter(due_on__lt=timezone.localdate(), status__in=OPEN_ACTION_STATUSES)
    if group_id:
        qs = qs.filter(group_id=group_id)
    return qs.select_related("group", "meeting", "decision", "owner_user", "owner_organisation").order_by(
        "due_on", "pk"
    )


def my_actions_page(user, *, page_number, per_page: int = 50, **filters):
    """One page of "My actions", in two steps: the page's ids are chosen on
    the action table alone (a top-N sort on its own columns), then only those
    rows are fetched with their group, meeting, decision and owners. Joining
    first would join every action a large organisation owes before sorting."""
    from django.core.paginator import Paginator

    ids = my_actions(user, **filters).select_related(None).values_list("pk", flat=True)
    page = Paginator(ids, per_page).get_page(page_number)
    wanted = list(page.object_list)
    rows = ActionItem.objects.select_related(
        "group", "meeting", "decision", "owner_user", "owner_organisation"
    ).in_bulk(wanted)
    page.object_list = [rows[pk] for pk in wanted]
    return page


def letters_awaiting_reply(user) -> QuerySet[Letter]:
    return (
        policies.letters_visible_to(user)
        .filter(status__in=AWAITING_REPLY_STATUSES, reply_due_on__isnull=False)
        .order_by("reply_due_on")
    )


def overdue_letters(user, *, today: date | None = None) -> QuerySet[Letter]:
    today = today or timezone.localdate()
    return (
        letters_awaiting_reply(user).filter(reply_due_on__lt=today).select_related("sender_organisation", "assignee")
    )


def search_letters(
    user,
    *,
    words: str = "",
    organisation_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    status: str = "",
    direction: str = "",
) -> QuerySet[Letter]:
    qs = policies.letters_visible_to(user).select_related("sender_organisation", "recipient_organisation", "assignee")
    for word in words.split()[:8]:
        qs = qs.filter(
            Q(subject__icontains=word)
            | Q(summary__icontains=word)
            | Q(sender_person__icontains=word)
            | Q(recipient_person__icontains=word)
        )
    if organisation_id:
        qs = qs.filter(Q(sender_organisation_id=organisation_id) | Q(recipient_organisation_id=organisation_id))
    if start:
        qs = qs.filter(received_on__gte=start)
    if end:
        qs = qs.filter(received_on__lte=end)
    if status:
        qs = qs.filter(status=status)
    if direction:
        qs = qs.filter(direction=direction)
    return qs


def feed_for_token(token: str) -> CalendarFeedToken | None:
    from .services import hash_token

    if not token or len(token) > 100:
        return None
    return (
        CalendarFeedToken.objects.select_related("user", "group")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def guest_for_token(token: str) -> MeetingGuest | None:
    """The guest a personal link belongs to (removed ones included, so the
    page can say so), or None. The token is compared through its SHA-256: the
    database lookup never sees it."""
    from .services import hash_token

    if not token or len(token) > 100:
        return None
    return MeetingGuest.objects.select_related("meeting").filter(token_hash=hash_token(token)).first()


def feed_meetings(feed: CalendarFeedToken) -> QuerySet[Meeting]:
    """A feed shows the last 90 days and what is ahead; visibility is
    re-checked at each fetch, so leaving an organisation empties the feed."""
    since = timezone.now() - timedelta(days=90)
    qs = policies.meetings_visible_to(feed.user).filter(starts_at__gte=since)
    if feed.group_id:
        qs = qs.filter(group_id=feed.group_id)
    else:
        qs = qs.filter(Q(invitations__user=feed.user) | Q(organiser=feed.user))
    return qs.select_related("organiser").order_by("starts_at").distinct()


def digest_for(user, *, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    week = today + timedelta(days=7)
    return {
        "meetings": list(upcoming_meetings(user).filter(starts_at__date__lte=week)[:20]),
        "actions": list(my_actions(user).filter(due_on__lte=week)[:30]),
        "letters": list(
            letters_awaiting_reply(user).filter(
                Q(assignee=user) | Q(assignee__isnull=True) if policies.is_coordination_body(user) else Q(pk__in=[])
            )[:20]
        ),
    }


def coordination_people():
    """People of the coordination body, to whom letters can be assigned."""
    from django.contrib.auth import get_user_model

    from maillage.organisations.enums import OrganisationType

    User = get_user_model()
    return (
        User.objects.filter(
            is_active=True, memberships__is_active=True, memberships__organisation__type=OrganisationType.COORDINATION
        )
        .distinct()
        .order_by("last_name", "email")
    )
