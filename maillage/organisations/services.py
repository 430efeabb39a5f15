"""Writes to organisations, memberships and invitations.

Every entry point opens its transaction (`transaction.atomic(durable=True)`),
checks the policy, writes its audit row in the same transaction and sends
emails only once the transaction has committed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit, freshness
from maillage.core.models import AuditKind
from maillage.core.tokens import hash_token, new_token
from maillage.notifications.services import send_email

from . import policies
from .enums import AuditAction, OrganisationType, Role
from .models import Invitation, Membership, Organisation


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # shown once (in the email); only its hash is stored

    @property
    def path(self) -> str:
        return reverse("invitation_accept", kwargs={"token": self.token})


def _check_role(organisation: Organisation, role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Rôle inconnu.")})
    if role == Role.COORDINATOR and organisation.type != OrganisationType.COORDINATION:
        raise ValidationError(
            {"role": _("Le rôle de coordination nationale n'existe que dans l'instance de coordination.")}
        )


@transaction.atomic(durable=True)
def create_organisation(*, acting_user, **fields) -> Organisation:
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    audit.record(
        action=AuditAction.ORGANISATION_CREATED,
        actor=acting_user,
        kind=AuditKind.ADMIN,
        target=organisation,
        organisation=organisation,
    )
    return organisation


def invite_member(
    *, organisation: Organisation, email: str, role: str, is_admin: bool = False, acting_user
) -> IssuedInvitation:
    email = get_user_model().objects.normalize_email(email).strip().lower()
    with transaction.atomic(durable=True):
        if not policies.can_manage_members(acting_user, organisation):
            raise PermissionDenied
        _check_role(organisation, role)
        if Membership.objects.filter(organisation=organisation, user__email__iexact=email, is_active=True).exists():
            raise ValidationError({"email": _("Cette personne est déjà membre de l'organisation.")})
        # A new invitation replaces any pending one for the same address.
        Invitation.objects.filter(
            organisation=organisation, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        token = new_token()
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            is_admin=is_admin,
            token_hash=hash_token(token),
            invited_by=acting_user,
            expires_at=timezone.now() + settings.INVITATION_VALIDITY,
        )
        issued = IssuedInvitation(invitation=invitation, token=token)
        audit.record(
            action=AuditAction.MEMBER_INVITED,
            actor=acting_user,
            kind=AuditKind.ADMIN,
            target=invitation,
            target_label=f"invitation #{invitation.pk}",
            organisation=organisation,
            details={"role": role, "is_admin": is_admin},
        )
        send_email(
            to=email,
            subject=_("Invitation à rejoindre %(org)s sur Maillage") % {"org": organisation.display_name},
            template="emails/invitation.txt",
            context={
                "organisation": organisation.name,
                "inviter": acting_user.get_full_name() or acting_user.email,
                "url": settings.SITE_BASE_URL.rstrip("/") + issued.path,
                "expires_at": invitation.expires_at,
            },
            idempotency_key=f"invitation:{invitation.pk}",
        )
    return issued


class InvitationError(Exception):
    """Raised with a French message when an invitation cannot be used."""


def find_usable_invitation(token: str) -> Invitation:
    invitation = Invitation.objects.select_related("organisation").filter(token_hash=hash_token(token)).first()
    if invitation is None:
        raise InvitationError(_("Ce lien d'invitation n'est pas valide."))
    if invitation.accepted_at:
        raise InvitationError(_("Ce lien d'invitation a déjà été utilisé. Connectez-vous avec votre compte."))
    if invitation.revoked_at:
        raise InvitationError(
            _("Cette invitation a été annulée. Demandez une nouvelle invitation à l'administrateur de l'organisation.")
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            _("Cette invitation a expiré. Demandez une nouvelle invitation à l'administrateur de l'organisation.")
        )
    if not invitation.organisation.is_active:
        raise InvitationError(_("Cette organisation n'est plus active."))
    return invitation


def accept_invitation(
    *, token: str, user=None, first_name: str = "", last_name: str = "", password: str = ""
) -> Membership:
    """Use an invitation once: create the account if needed, then the membership.

    `user` is the signed-in account (its email must match); otherwise an account
    is created with the given password."""
    User = get_user_model()
    with transaction.atomic(durable=True):
        invitation = find_usable_invitation(token)
        # Lock the row: two simultaneous clicks cannot both succeed.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise InvitationError(_("Ce lien d'invitation a déjà été utilisé. Connectez-vous avec votre compte."))
        if user is not None and user.is_authenticated:
            if user.email.lower() != invitation.email.lower():
                raise InvitationError(
                    _("Cette invitation est adressée à une autre adresse électronique que celle de votre compte.")
                )
        else:
            user = User.objects.filter(email__iexact=invitation.email).first()
            if user is not None:
                raise InvitationError(
                    _("Un compte existe déjà pour cette adresse : connectez-vous puis rouvrez le lien.")
                )
            user = User.objects.create_user(
                email=invitation.email, password=password, first_name=first_name, last_name=last_name
            )
        membership, created = Membership.objects.get_or_create(
            user=user,
            organisation=invitation.organisation,
            defaults={"role": invitation.role, "is_admin": invitation.is_admin},
        )
        if not created:
            membership.role = invitation.role
            membership.is_admin = invitation.is_admin
            membership.is_active = True
            membership.removed_at = None
            membership.save(update_fields=["role", "is_admin", "is_active", "removed_at"])
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(
            action=AuditAction.MEMBER_JOINED,
            actor=user,
            kind=AuditKind.ADMIN,
            target=membership,
            target_label=user.email,
            organisation=invitation.organisation,
            details={"role": membership.role, "is_admin": membership.is_admin, "invitation": invitation.pk},
        )
    return membership


@transaction.atomic(durable=True)
def revoke_invitation(*, invitation: Invitation, acting_user) -> None:
    if not policies.can_manage_members(acting_user, invitation.organisation):
        raise PermissionDenied
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("Cette invitation n'est plus en attente."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        action=AuditAction.INVITATION_REVOKED,
        actor=acting_user,
        kind=AuditKind.ADMIN,
        target=invitation,
        target_label=f"invitation #{invitation.pk}",
        organisation=invitation.organisation,
    )


def _other_active_admins(membership: Membership) -> bool:
    return (
        Membership.objects.active()
        .filter(organisation=membership.organisation, is_admin=True)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic(durable=True)
def remove_member(*, membership: Membership, acting_user) -> None:
    """Deactivate a membership: access to the organisation's data ends at once
    (every permission check reads active memberships)."""
    if not policies.can_manage_members(acting_user, membership.organisation):
        raise PermissionDenied
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise ValidationError(_("Cette personne n'est déjà plus membre."))
    if membership.is_admin and not _other_active_admins(membership):
        raise ValidationError(_("Impossible de retirer le dernier administrateur de l'organisation."))
    membership.is_active = False
    membership.removed_at = timezone.now()
    membership.save(update_fields=["is_active", "removed_at"])
    # The person's cached home panels (their notifications among them) were
    # built with this membership.
    freshness.bump("user", membership.user_id)
    audit.record(
        action=AuditAction.MEMBER_REMOVED,
        actor=acting_user,
        kind=AuditKind.ADMIN,
        target=membership,
        target_label=membership.user.email,
        organisation=membership.organisation,
    )


@transaction.atomic(durable=True)
def change_role(*, membership: Membership, role: str, is_admin: bool, acting_user) -> Membership:
    if not policies.can_manage_members(acting_user, membership.organisation):
        raise PermissionDenied
    _check_role(membership.organisation, role)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise ValidationError(_("Cette personne n'est plus membre."))
    if membership.is_admin and not is_admin and not _other_active_admins(membership):
        raise ValidationError(_("L'organisation doit garder au moins un administrateur."))
    before = {"role": membership.role, "is_admin": membership.is_admin}
    membership.role = role
    membership.is_admin = is_admin
    membership.save(update_fields=["role", "is_admin"])
    audit.record(
        action=AuditAction.ROLE_CHANGED,
        actor=acting_user,
        kind=AuditKind.ADMIN,
        target=membership,
        target_label=membership.user.email,
        organisation=membership.organisation,
        details={"before": before, "after": {"role": role, "is_admin": is_admin}},
    )
    return membership
