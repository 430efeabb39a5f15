"""Who may see and do what in coordination (docs/domain/coordination.md).

Every `*_visible_to(actor)` returns a queryset: lists and detail views start
from it, so an object a person may not see is a 404, never a 403. `actor` is
an `Actor` (organisations/actor.py) or a user; views pass
`actor_for_request(request)`, services `as_actor(acting_user)`.

- The *coordination body* is any active member of an organisation of type
  « instance de coordination » (MIPROF). It convenes groups, keeps the
  correspondence register and the advocacy dossiers.
- Working groups: a « whole network » group is visible to anyone with an
  active membership; a « members only » group to its members and to the
  coordination body. Managing a group (meetings, decisions, actions, members)
  belongs to its pilots and to national coordinators.
- Letters: the coordination body sees the whole register; a partner
  organisation sees the letters it sent or received, read-only.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from maillage.organisations.actor import as_actor

from .enums import GroupRole, GroupVisibility
from .models import (
    ActionItem,
    AdvocacyDossier,
    Appointment,
    CalendarFeedToken,
    Decision,
    DossierStep,
    GroupDocument,
    GroupMember,
    Letter,
    Meeting,
    MeetingGuest,
    MeetingInvitation,
    WorkingGroup,
)


def is_coordination_body(actor) -> bool:
    return as_actor(actor).is_coordination_body_member


# --- Working groups ----------------------------------------------------------------


def groups_visible_to(actor) -> QuerySet[WorkingGroup]:
    actor = as_actor(actor)
    if not actor.is_authenticated or not actor.organisation_ids:
        return WorkingGroup.objects.none()
    if actor.is_coordination_body_member:
        return WorkingGroup.objects.all()
    ids = GroupMember.objects.filter(user=actor.user, organisation_id__in=actor.organisation_ids).values("group_id")
    return WorkingGroup.objects.filter(Q(visibility=GroupVisibility.NETWORK) | Q(pk__in=ids))


def _group_role(actor, group) -> str | None:
    """The person's role in the group, for an organisation they still belong to."""
    if not actor.is_authenticated:
        return None
    row = GroupMember.objects.filter(group=group, user=actor.user, organisation_id__in=actor.organisation_ids).first()
    return row.role if row else None


def can_create_group(actor) -> bool:
    return as_actor(actor).is_coordinator


def can_manage_group(actor, group) -> bool:
    actor = as_actor(actor)
    return actor.is_coordinator or _group_role(actor, group) == GroupRole.PILOT


def can_share_documents(actor, group) -> bool:
    """Members and pilots share documents; observers only read them."""
    actor = as_actor(actor)
    return can_manage_group(actor, group) or _group_role(actor, group) in (GroupRole.PILOT, GroupRole.MEMBER)


def documents_visible_to(actor) -> QuerySet[GroupDocument]:
    """A document is read by whoever sees its group and its dossier."""
    actor = as_actor(actor)
    return GroupDocument.objects.filter(
        Q(group__isnull=True) | Q(group__in=groups_visible_to(actor)),
        Q(dossier__isnull=True) | Q(dossier__in=dossiers_visible_to(actor)),
    )


# --- Meetings ----------------------------------------------------------------------


def meetings_visible_to(actor) -> QuerySet[Meeting]:
    """Meetings of the groups one sees, and those one is invited to or
    organises *for an organisation one still actively belongs to* (as for
    group members: person × organisation). Without that, someone who left
    their organisation kept reading a members-only group's meetings
    (decisions, minutes, invitees) and kept them in their private feed."""
    actor = as_actor(actor)
    if not actor.is_authenticated or not actor.organisation_ids:
        return Meeting.objects.none()
    org_ids = actor.organisation_ids
    invited = (
        MeetingInvitation.objects.filter(user=actor.user)
        .filter(Q(organisation_id__in=org_ids) | Q(organisation__isnull=True))
        .values("meeting_id")
    )
    organised = Q(organiser=actor.user) & (
        Q(organiser_organisation_id__in=org_ids) | Q(organiser_organisation__isnull=True)
    )
    return Meeting.objects.filter(Q(group__in=groups_visible_to(actor)) | Q(pk__in=invited) | organised).distinct()


def can_manage_meeting(actor, meeting) -> bool:
    actor = as_actor(actor)
    if meeting.group_id is not None:
        return can_manage_group(actor, meeting.group)
    return meeting.organiser_id == actor.pk


def can_read_minutes(actor, meeting) -> bool:
    """The pilot at every stage; whoever sees the meeting once the minutes
    are circulated or approved (a draft is the drafter's working text)."""
    if can_manage_meeting(actor, meeting):
        return True
    if meeting.minutes_status not in ("circulated", "approved"):
        return False
    return meetings_visible_to(actor).filter(pk=meeting.pk).exists()


def can_respond(actor, invitation) -> bool:
    return invitation.user_id == as_actor(actor).pk


def guests_visible_to(actor) -> QuerySet[MeetingGuest]:
    """The guests (people without an account) of the meetings one sees."""
    return MeetingGuest.objects.filter(meeting__in=meetings_visible_to(actor))


# --- Decisions and actions -----------------------------------------------------------


def decisions_visible_to(actor) -> QuerySet[Decision]:
    return Decision.objects.filter(group__in=groups_visible_to(actor))


def actions_visible_to(actor) -> QuerySet[ActionItem]:
    """What a person owes, personally or through one of their organisations,
    and the actions of the groups they see."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return ActionItem.objects.none()
    owed = Q(owner_user=actor.user) | Q(owner_organisation_id__in=actor.organisation_ids)
    return ActionItem.objects.filter(owed | Q(group__in=groups_visible_to(actor))).distinct()


def can_update_action(actor, action) -> bool:
    actor = as_actor(actor)
    if action.owner_user_id == actor.pk or (
        action.owner_organisation_id and action.owner_organisation_id in actor.organisation_ids
    ):
        return True
    return action.group_id is not None and can_manage_group(actor, action.group)


# --- Private calendar feeds ----------------------------------------------------------


def feeds_visible_to(actor) -> QuerySet[CalendarFeedToken]:
    """A person's own feed addresses (the token itself is never stored)."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return CalendarFeedToken.objects.none()
    return CalendarFeedToken.objects.filter(user=actor.user)


def can_revoke_feed(actor, feed) -> bool:
    return feed.user_id == as_actor(actor).pk


# --- Correspondence register, dossiers, appointments ----------------------------------


def letters_visible_to(actor) -> QuerySet[Letter]:
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return Letter.objects.none()
    if actor.is_coordination_body_member:
        return Letter.objects.all()
    ids = actor.organisation_ids
    return Letter.objects.filter(Q(sender_organisation_id__in=ids) | Q(recipient_organisation_id__in=ids))


def can_manage_letters(actor) -> bool:
    return as_actor(actor).is_coordination_body_member


def dossiers_visible_to(actor) -> QuerySet[AdvocacyDossier]:
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return AdvocacyDossier.objects.none()
    if actor.is_coordination_body_member:
        return AdvocacyDossier.objects.all()
    ids = actor.organisation_ids
    return AdvocacyDossier.objects.filter(
        Q(lead_organisation_id__in=ids) | Q(supporting_organisations__in=ids)
    ).distinct()


def dossier_steps_visible_to(actor) -> QuerySet[DossierStep]:
    return DossierStep.objects.filter(dossier__in=dossiers_visible_to(actor))


def can_manage_dossier(actor, dossier) -> bool:
    actor = as_actor(actor)
    return actor.is_coordination_body_member or dossier.lead_organisation_id in actor.organisation_ids


def can_create_dossier(actor) -> bool:
    return bool(as_actor(actor).organisation_ids)


def can_lead_dossier(actor, organisation) -> bool:
    """A dossier is carried in the name of one's own organisation (the
    coordination body may name any)."""
    actor = as_actor(actor)
    return can_create_dossier(actor) and (actor.is_coordination_body_member or actor.is_member_of(organisation))


def appointments_visible_to(actor) -> QuerySet[Appointment]:
    actor = as_actor(actor)
    ids = actor.organisation_ids if actor.is_authenticated else frozenset()
    return Appointment.objects.filter(Q(proposer_organisation_id__in=ids) | Q(target_organisation_id__in=ids))


def can_propose_appointment_for(actor, organisation) -> bool:
    return as_actor(actor).is_member_of(organisation)


def can_pick_slot(actor, appointment) -> bool:
    return appointment.target_organisation_id in as_actor(actor).organisation_ids
