"""Reads of the coordination domain, always starting from a policy queryset.

`actor` is an `Actor` or a user (organisations/actor.py), as in the policies."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from maillage.core.tokens import hash_token
from maillage.organisations.actor import as_actor
from maillage.organisations.enums import OrganisationType

from . import policies
from .enums import AWAITING_REPLY_STATUSES, OPEN_ACTION_STATUSES, DecisionStatus, MeetingStatus
from .models import (
    ActionItem,
    AgendaItem,
    AppointmentSlot,
    CalendarFeedToken,
    Decision,
    GroupMember,
    Letter,
    Meeting,
    MeetingGuest,
    MeetingInvitation,
    MinutesRemark,
    WorkingGroup,
)

# --- Working groups ----------------------------------------------------------------


def top_level_groups(actor) -> QuerySet[WorkingGroup]:
    return policies.groups_visible_to(actor).filter(parent__isnull=True).select_related("lead_organisation")


def subgroups(actor, group) -> QuerySet[WorkingGroup]:
    return policies.groups_visible_to(actor).filter(parent=group)


def visible_parent(actor, group) -> WorkingGroup | None:
    """A « whole network » subgroup may sit under a members-only group whose
    name is not for everyone: the parent only when the reader sees it."""
    if not group.parent_id:
        return None
    return policies.groups_visible_to(actor).filter(pk=group.parent_id).first()


def group_members(group) -> QuerySet[GroupMember]:
    return group.members.select_related("user", "organisation")


def past_meetings(group, *, limit: int = 10) -> QuerySet[Meeting]:
    return group.meetings.filter(starts_at__lt=timezone.now()).order_by("-starts_at")[:limit]


# --- Meetings ----------------------------------------------------------------------


def upcoming_meetings(actor, *, group=None, limit: int | None = None) -> QuerySet[Meeting]:
    actor = as_actor(actor)
    qs = policies.meetings_visible_to(actor).filter(status=MeetingStatus.SCHEDULED, ends_at__gte=timezone.now())
    if group is not None:
        qs = qs.filter(group=group)
    else:
        # On the home page: the meetings a person is invited to or organises.
        qs = qs.filter(Q(invitations__user=actor.user) | Q(organiser=actor.user))
    qs = qs.select_related("group").order_by("starts_at").distinct()
    return qs[:limit] if limit else qs


def invitation_of(actor, meeting) -> MeetingInvitation | None:
    """The reader's own invitation to the meeting, if any."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return None
    return meeting.invitations.filter(user=actor.user).first()


def minutes_readers(meeting) -> QuerySet[MeetingInvitation]:
    """Who reads circulated minutes: the invitees who attended (once the
    attendance is taken; otherwise those who did not decline), except the
    person who drafted them."""
    invitations = meeting.invitations.all()
    if invitations.filter(attended__isnull=False).exists():
        invitations = invitations.filter(attended=True)
    else:
        invitations = invitations.exclude(response="declined")
    if meeting.minutes_drafted_by_id:
        invitations = invitations.exclude(user_id=meeting.minutes_drafted_by_id)
    return invitations


def minutes_reader(meeting, actor) -> MeetingInvitation | None:
    """This person's invitation, when they are one of the minutes' readers."""
    return minutes_readers(meeting).filter(user_id=as_actor(actor).pk).select_related("organisation").first()


def minutes_remarks(meeting) -> QuerySet[MinutesRemark]:
    return meeting.minutes_remarks.select_related("author", "organisation")


def minutes_review_progress(meeting) -> dict:
    """How the reading goes: readers, how many answered (a remark or « no
    remark »), and the number of remarks."""
    readers = set(minutes_readers(meeting).values_list("user_id", flat=True))
    rows = list(meeting.minutes_remarks.values_list("author_id", "body"))
    return {
        "readers": len(readers),
        "answered": len({author for author, _body in rows if author in readers}),
        "remarks": sum(1 for _author, body in rows if body),
    }


def agenda(meeting) -> QuerySet[AgendaItem]:
    """Top-level agenda items with their sub-items."""
    return (
        meeting.agenda_items.filter(parent__isnull=True)
        .prefetch_related("children__presenter")
        .select_related("presenter")
    )


def top_agenda_items(meeting) -> QuerySet[AgendaItem]:
    return meeting.agenda_items.filter(parent__isnull=True)


def active_guests(meeting) -> QuerySet[MeetingGuest]:
    """The meeting's guests whose invitation stands (not removed)."""
    return MeetingGuest.objects.filter(meeting=meeting, removed_at__isnull=True).select_related("organisation")


def current_guests_visible_to(actor) -> QuerySet[MeetingGuest]:
    return policies.guests_visible_to(actor).filter(removed_at__isnull=True)


def attendance_sheet(meeting) -> dict:
    """Who was marked present, as the attendance form's initial values."""
    return {
        "present": [str(i.user_id) for i in meeting.invitations.filter(attended=True)],
        "present_guests": [
            str(pk) for pk in active_guests(meeting).filter(attended=True).values_list("pk", flat=True)
        ],
        "organisations": meeting.attending_organisations.all(),
    }


def guest_for_token(token: str) -> MeetingGuest | None:
    """The guest a personal link belongs to (removed ones included, so the
    page can say so), or None. The token is compared through its SHA-256: the
    database lookup never sees it."""
    if not token or len(token) > 100:
        return None
    return MeetingGuest.objects.select_related("meeting").filter(token_hash=hash_token(token)).first()


# --- Decisions and actions -----------------------------------------------------------


def open_decisions(group) -> QuerySet[Decision]:
    return group.decisions.filter(status=DecisionStatus.OPEN).order_by("review_on", "-created_at")


def decisions_due_for_review(actor, *, today: date | None = None) -> QuerySet[Decision]:
    """A review date brings a decision back on the group page and the home panel."""
    today = today or timezone.localdate()
    return Decision.objects.filter(
        group__in=policies.groups_visible_to(actor), status=DecisionStatus.OPEN, review_on__lte=today
    ).select_related("group")


def overdue_actions(group, *, today: date | None = None) -> QuerySet[ActionItem]:
    today = today or timezone.localdate()
    return group.actions.filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=today).select_related(
        "owner_user", "owner_organisation"
    )


def actions_owed_by(actor) -> QuerySet[ActionItem]:
    """What a person owes, personally or through one of their organisations."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return ActionItem.objects.none()
    # A subset of policies.actions_visible_to, read without its group part.
    return ActionItem.objects.filter(Q(owner_user=actor.user) | Q(owner_organisation_id__in=actor.organisation_ids))


def my_actions(
    actor, *, status: str = "open", scope: str = "all", overdue_only: bool = False, group_id: int | None = None
) -> QuerySet[ActionItem]:
    """Everything a person owes, personally or through their organisations.

    status: "open" (to do or in progress), "done", "all" or one ActionStatus.
    scope: "all", "me" (personally) or "organisation"."""
    actor = as_actor(actor)
    qs = actions_owed_by(actor)
    if scope == "me":
        qs = qs.filter(owner_user=actor.user)
    elif scope == "organisation":
        qs = qs.filter(owner_organisation_id__in=actor.organisation_ids)
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


def my_actions_page(actor, *, page_number, per_page: int = 50, **filters):
    """One page of "My actions", in two steps: the page's ids are chosen on
    the action table alone (a top-N sort on its own columns), then only those
    rows are fetched with their group, meeting, decision and owners. Joining
    first would join every action a large organisation owes before sorting."""
    ids = my_actions(actor, **filters).select_related(None).values_list("pk", flat=True)
    page = Paginator(ids, per_page).get_page(page_number)
    wanted = list(page.object_list)
    rows = ActionItem.objects.select_related(
        "group", "meeting", "decision", "owner_user", "owner_organisation"
    ).in_bulk(wanted)
    page.object_list = [rows[pk] for pk in wanted]
    return page


# --- Correspondence register ----------------------------------------------------------


def letters_awaiting_reply(actor) -> QuerySet[Letter]:
    return (
        policies.letters_visible_to(actor)
        .filter(status__in=AWAITING_REPLY_STATUSES, reply_due_on__isnull=False)
        .order_by("reply_due_on")
    )


def overdue_letters(actor, *, today: date | None = None) -> QuerySet[Letter]:
    today = today or timezone.localdate()
    return (
        letters_awaiting_reply(actor).filter(reply_due_on__lt=today).select_related("sender_organisation", "assignee")
    )


def search_letters(
    actor,
    *,
    words: str = "",
    organisation_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    status: str = "",
    direction: str = "",
) -> QuerySet[Letter]:
    qs = policies.letters_visible_to(actor).select_related("sender_organisation", "recipient_organisation", "assignee")
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


def letter_links(actor, letter) -> dict:
    """What a letter's page links to. A partner sees its own correspondence
    with the mission, no more: the linked letters, group and dossier are
    given only when the reader may open them (another organisation's letter,
    a members-only group)."""
    visible_letters = policies.letters_visible_to(actor)
    return {
        "replies": visible_letters.filter(in_reply_to=letter),
        "in_reply_to": letter.in_reply_to
        if letter.in_reply_to_id and visible_letters.filter(pk=letter.in_reply_to_id).exists()
        else None,
        "group": letter.group
        if letter.group_id and policies.groups_visible_to(actor).filter(pk=letter.group_id).exists()
        else None,
        "dossier": letter.dossier
        if letter.dossier_id and policies.dossiers_visible_to(actor).filter(pk=letter.dossier_id).exists()
        else None,
    }


def coordination_people():
    """People of the coordination body, to whom letters can be assigned."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True, memberships__is_active=True, memberships__organisation__type=OrganisationType.COORDINATION
        )
        .distinct()
        .order_by("last_name", "email")
    )


# --- Advocacy dossiers ---------------------------------------------------------------


def dossier_links(actor, dossier, *, can_manage: bool) -> dict:
    """The letters and meetings of a dossier that the reader sees, and (for
    whoever manages it) the meetings that could be linked to it."""
    meetings = policies.meetings_visible_to(actor)
    return {
        "letters": policies.letters_visible_to(actor).filter(dossier=dossier),
        "meetings": dossier.meetings.filter(pk__in=meetings.values("pk")),
        "linkable_meetings": meetings.exclude(dossiers=dossier).order_by("-starts_at")[:50] if can_manage else [],
    }


# --- Appointments -------------------------------------------------------------------


def open_slots(appointment) -> QuerySet[AppointmentSlot]:
    """The slots still ahead: only those can be picked."""
    return appointment.slots.filter(starts_at__gt=timezone.now())


# --- Private calendar feeds ----------------------------------------------------------


def feed_for_token(token: str) -> CalendarFeedToken | None:
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeedToken.objects.select_related("user", "group")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


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


# --- Weekly digest -------------------------------------------------------------------


def digest_for(actor, *, today: date | None = None) -> dict:
    actor = as_actor(actor)
    today = today or timezone.localdate()
    week = today + timedelta(days=7)
    return {
        "meetings": list(upcoming_meetings(actor).filter(starts_at__date__lte=week)[:20]),
        "actions": list(my_actions(actor).filter(due_on__lte=week)[:30]),
        "letters": list(
            letters_awaiting_reply(actor).filter(
                Q(assignee=actor.user) | Q(assignee__isnull=True)
                if actor.is_coordination_body_member
                else Q(pk__in=[])
            )[:20]
        ),
    }
