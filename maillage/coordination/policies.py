"""Who may see and do what in coordination (docs/domain/coordination.md).

Every `*_visible_to(user)` returns a queryset: lists and detail views start
from it, so an object a user may not see is a 404, never a 403.

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

from maillage.organisations.enums import OrganisationType
from maillage.organisations.policies import is_coordinator
from maillage.organisations.selectors import active_memberships

from .enums import GroupRole, GroupVisibility
from .models import (
    ActionItem,
    AdvocacyDossier,
    Appointment,
    GroupMember,
    Letter,
    Meeting,
    MeetingInvitation,
    WorkingGroup,
)


def organisation_ids(user) -> list[int]:
    return list(active_memberships(user).values_list("organisation_id", flat=True))


def is_coordination_body(user) -> bool:
    return active_memberships(user).filter(organisation__type=OrganisationType.COORDINATION).exists()


def groups_visible_to(user) -> QuerySet[WorkingGroup]:
    if not getattr(user, "is_authenticated", False) or not organisation_ids(user):
        return WorkingGroup.objects.none()
    if is_coordination_body(user):
        return WorkingGroup.objects.all()
    ids = GroupMember.objects.filter(user=user, organisation_id__in=organisation_ids(user)).values("group_id")
    return WorkingGroup.objects.filter(Q(visibility=GroupVisibility.NETWORK) | Q(pk__in=ids))


def group_role(user, group) -> str | None:
    row = GroupMember.objects.filter(group=group, user=user, organisation_id__in=organisation_ids(user)).first()
    return row.role if row else None


def can_create_group(user) -> bool:
    return is_coordinator(user)


def can_manage_group(user, group) -> bool:
    return is_coordinator(user) or group_role(user, group) == GroupRole.PILOT


def meetings_visible_to(user) -> QuerySet[Meeting]:
    """Meetings of the groups one sees, and those one is invited to or
    organises *for an organisation one still actively belongs to* (as for
    group members: person × organisation). Without that, someone who left
    their organisation kept reading a members-only group's meetings
    (decisions, minutes, invitees) and kept them in their private feed."""
    if not getattr(user, "is_authenticated", False):
        return Meeting.objects.none()
    org_ids = organisation_ids(user)
    if not org_ids:
        return Meeting.objects.none()
    invited = (
        MeetingInvitation.objects.filter(user=user)
        .filter(Q(organisation_id__in=org_ids) | Q(organisation__isnull=True))
        .values("meeting_id")
    )
    organised = Q(organiser=user) & (Q(organiser_organisation_id__in=org_ids) | Q(organiser_organisation__isnull=True))
    return Meeting.objects.filter(Q(group__in=groups_visible_to(user)) | Q(pk__in=invited) | organised).distinct()


def can_manage_meeting(user, meeting) -> bool:
    if meeting.group_id is not None:
        return can_manage_group(user, meeting.group)
    return meeting.organiser_id == user.pk


def actions_owed_by(user) -> QuerySet[ActionItem]:
    """What a person owes, personally or through one of their organisations."""
    if not getattr(user, "is_authenticated", False):
        return ActionItem.objects.none()
    return ActionItem.objects.filter(Q(owner_user=user) | Q(owner_organisation_id__in=organisation_ids(user)))


def can_update_action(user, action) -> bool:
    if action.owner_user_id == user.pk or (
        action.owner_organisation_id and action.owner_organisation_id in organisation_ids(user)
    ):
        return True
    return action.group_id is not None and can_manage_group(user, action.group)


def letters_visible_to(user) -> QuerySet[Letter]:
    if not getattr(user, "is_authenticated", False):
        return Letter.objects.none()
    if is_coordination_body(user):
        return Letter.objects.all()
    ids = organisation_ids(user)
    return Letter.objects.filter(Q(sender_organisation_id__in=ids) | Q(recipient_organisation_id__in=ids))


def can_manage_letters(user) -> bool:
    return is_coordination_body(user)


def dossiers_visible_to(user) -> QuerySet[AdvocacyDossier]:
    if not getattr(user, "is_authenticated", False):
        return AdvocacyDossier.objects.none()
    if is_coordination_body(user):
        return AdvocacyDossier.objects.all()
    ids = organisation_ids(user)
    return AdvocacyDossier.objects.filter(
        Q(lead_organisation_id__in=ids) | Q(supporting_organisations__in=ids)
    ).distinct()


def can_manage_dossier(user, dossier) -> bool:
    return is_coordination_body(user) or dossier.lead_organisation_id in organisation_ids(user)


def can_create_dossier(user) -> bool:
    return bool(organisation_ids(user))


def appointments_visible_to(user) -> QuerySet[Appointment]:
    ids = organisation_ids(user) if getattr(user, "is_authenticated", False) else []
    return Appointment.objects.filter(Q(proposer_organisation_id__in=ids) | Q(target_organisation_id__in=ids))


def can_pick_slot(user, appointment) -> bool:
    return appointment.target_organisation_id in organisation_ids(user)
