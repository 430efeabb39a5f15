"""Working groups and their members."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit

from .. import policies
from ..enums import AuditAction, GroupRole, MeetingStatus
from ..models import GroupMember, MeetingInvitation, WorkingGroup
from .calendar import send_member_calendar
from .common import check_membership, require


@transaction.atomic(durable=True)
def create_group(
    *,
    acting_user,
    name: str,
    lead_organisation,
    pilot=None,
    mandate: str = "",
    focus: str = "general",
    visibility: str = "members",
    parent=None,
) -> WorkingGroup:
    require(policies.can_create_group(acting_user))
    if pilot is not None:
        check_membership(pilot, lead_organisation)
    group = WorkingGroup(
        name=name,
        mandate=mandate,
        focus=focus,
        visibility=visibility,
        lead_organisation=lead_organisation,
        pilot=pilot,
        parent=parent,
        created_by=acting_user,
    )
    group.full_clean()
    group.save()
    if pilot is not None:
        GroupMember.objects.create(group=group, user=pilot, organisation=lead_organisation, role=GroupRole.PILOT)
    audit.record(action=AuditAction.GROUP_CREATED, actor=acting_user, target=group, organisation=lead_organisation)
    return group


@transaction.atomic(durable=True)
def update_group(*, group, acting_user, **fields) -> WorkingGroup:
    """Mandate, focus, status, visibility and pilot; the pilot must belong to
    the lead organisation and becomes (or stays) a pilot member."""
    require(policies.can_manage_group(acting_user, group))
    allowed = {"name", "mandate", "focus", "status", "visibility", "pilot"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Unknown group fields: {sorted(unknown)}")
    pilot = fields.get("pilot")
    if pilot is not None:
        check_membership(pilot, group.lead_organisation)
    for name, value in fields.items():
        setattr(group, name, value)
    group.full_clean()
    group.save()
    if pilot is not None:
        GroupMember.objects.update_or_create(
            group=group, user=pilot, defaults={"organisation": group.lead_organisation, "role": GroupRole.PILOT}
        )
    audit.record(action=AuditAction.GROUP_UPDATED, actor=acting_user, target=group, details={"fields": sorted(fields)})
    return group


@transaction.atomic(durable=True)
def add_group_member(*, group, user, organisation, role: str, acting_user) -> GroupMember:
    require(policies.can_manage_group(acting_user, group))
    check_membership(user, organisation)
    if role not in GroupRole.values:
        raise ValidationError({"role": _("Rôle inconnu.")})
    if GroupMember.objects.filter(group=group, user=user).exists():
        raise ValidationError({"user": _("Cette personne fait déjà partie du groupe.")})
    member = GroupMember.objects.create(group=group, user=user, organisation=organisation, role=role)
    audit.record(
        action=AuditAction.GROUP_MEMBER_ADDED,
        actor=acting_user,
        target=group,
        organisation=organisation,
        details={"role": role, "user_id": user.pk},
    )
    return member


@transaction.atomic(durable=True)
def remove_group_member(*, member: GroupMember, acting_user) -> int:
    """Take a person out of a group: the group's members-only pages close to
    them at once (visibility reads GroupMember), and their invitations to the
    group's coming meetings are withdrawn, their calendar receiving a
    cancellation. Past meetings keep their invitations and attendance
    (history). The pilot stays until the group names another one. Returns the
    number of invitations withdrawn."""
    group = member.group
    require(policies.can_manage_group(acting_user, group))
    member = GroupMember.objects.select_for_update().select_related("user", "organisation").get(pk=member.pk)
    if member.role == GroupRole.PILOT:
        raise ValidationError(
            _("Le pilote reste membre du groupe : désignez d'abord un autre pilote en modifiant le groupe.")
        )
    upcoming = MeetingInvitation.objects.filter(
        meeting__group=group,
        meeting__starts_at__gt=timezone.now(),
        meeting__status=MeetingStatus.SCHEDULED,
        user=member.user,
    ).select_related("meeting", "user")
    withdrawn = 0
    for invitation in upcoming:
        send_member_calendar(invitation.meeting, invitation, method="CANCEL", removed=True)
        invitation.delete()
        withdrawn += 1
    member.delete()
    audit.record(
        action=AuditAction.GROUP_MEMBER_REMOVED,
        actor=acting_user,
        target=group,
        organisation=member.organisation,
        details={"user_id": member.user_id, "role": member.role, "invitations_withdrawn": withdrawn},
    )
    return withdrawn
