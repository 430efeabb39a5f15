"""Organisations, memberships and invitations, as their members see them."""

import datetime as dt
import html

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.accounts import mfa
from maillage.accounts.models import User
from maillage.core import audit
from maillage.core.models import AuditEvent, AuditKind
from maillage.core.tokens import hash_token
from maillage.notifications.models import OutboundEmail
from maillage.organisations import policies, selectors, services
from maillage.organisations.enums import Role
from maillage.organisations.models import Invitation, Membership

from ..factories import TEST_PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Une-phrase-de-passe-neuve-2026"


def members_url(organisation):
    return reverse("organisation_members", kwargs={"slug": organisation.slug})


def invite(organisation, admin, email="invitee@exemple.fr", role=Role.CASE_WORKER, is_admin=False):
    return services.invite_member(
        organisation=organisation, email=email, role=role, is_admin=is_admin, acting_user=admin
    )


def accept_form(**overrides):
    data = {"first_name": "Nina", "last_name": "Invitée", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    data.update(overrides)
    return data


# --- Invitations -----------------------------------------------------------


def test_admin_invites_through_the_page_and_the_email_leaves_after_commit(
    client, org_admin, organisation, login, django_capture_on_commit_callbacks
):
    login(client, org_admin)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("organisation_invite", kwargs={"slug": organisation.slug}),
            {"email": "Nouvelle.Personne@Exemple.fr", "role": Role.CASE_WORKER},
        )
    assert response.status_code == 302
    assert response["Location"] == members_url(organisation)
    # The email task (plus cache-freshness bumps, maillage.core.freshness).
    assert sum("send_email" in getattr(c, "__qualname__", "") for c in callbacks) == 1
    invitation = Invitation.objects.get(organisation=organisation)
    assert invitation.email == "nouvelle.personne@exemple.fr"
    outbound = OutboundEmail.objects.get(to="nouvelle.personne@exemple.fr")
    assert outbound.sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle.personne@exemple.fr"]
    assert organisation.display_name in message.subject
    assert "/comptes/invitation/" in message.body
    # The email names the organisation and the inviter, nothing about any case.
    for forbidden in ("victime", "dossier", "TEH-"):
        assert forbidden not in message.body
    assert AuditEvent.objects.filter(action="membership.invited", organisation=organisation, actor=org_admin).exists()


def test_the_token_is_stored_hashed(org_admin, organisation):
    issued = invite(organisation, org_admin)
    assert issued.token not in issued.invitation.token_hash
    assert Invitation.objects.filter(token_hash=hash_token(issued.token)).exists()


def test_accepting_creates_the_account_and_membership(client, org_admin, organisation):
    issued = invite(organisation, org_admin, email="nina@exemple.fr")
    response = client.post(issued.path, accept_form())
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    user = User.objects.get(email="nina@exemple.fr")
    assert user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user, organisation=organisation)
    assert membership.role == Role.CASE_WORKER and membership.is_active
    issued.invitation.refresh_from_db()
    assert issued.invitation.accepted_by == user


def test_invitation_link_is_single_use(client, org_admin, organisation):
    issued = invite(organisation, org_admin, email="nina@exemple.fr")
    client.post(issued.path, accept_form())
    response = client.get(issued.path)
    assert response.status_code == 404
    assert "déjà été utilisé" in response.content.decode()
    response = client.post(issued.path, accept_form(first_name="Autre"))
    assert response.status_code == 404
    assert User.objects.filter(email="nina@exemple.fr").count() == 1


def test_expired_invitation_gets_a_clear_french_message(client, org_admin, organisation):
    issued = invite(organisation, org_admin, email="nina@exemple.fr")
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        response = client.get(issued.path)
        assert response.status_code == 404
        assert "Cette invitation a expiré" in response.content.decode()
        response = client.post(issued.path, accept_form())
        assert response.status_code == 404
    assert not User.objects.filter(email="nina@exemple.fr").exists()


def test_unknown_token_is_a_404(client):
    response = client.get(reverse("invitation_accept", kwargs={"token": "n-importe-quoi"}))
    assert response.status_code == 404
    assert "n'est pas valide" in html.unescape(response.content.decode())


def test_revoked_invitation_cannot_be_used(client, org_admin, organisation, login):
    issued = invite(organisation, org_admin, email="nina@exemple.fr")
    admin_client = login(client.__class__(), org_admin)
    response = admin_client.post(
        reverse(
            "organisation_revoke_invitation", kwargs={"slug": organisation.slug, "invitation_id": issued.invitation.pk}
        )
    )
    assert response.status_code == 302
    issued.invitation.refresh_from_db()
    assert issued.invitation.status == "revoked"
    response = client.get(issued.path)
    assert response.status_code == 404
    assert "a été annulée" in response.content.decode()


def test_new_invitation_replaces_the_pending_one(org_admin, organisation):
    first = invite(organisation, org_admin, email="nina@exemple.fr")
    invite(organisation, org_admin, email="nina@exemple.fr")
    first.invitation.refresh_from_db()
    assert first.invitation.status == "revoked"


def test_invitation_for_another_address_is_refused(client, org_admin, organisation, case_worker, login):
    issued = invite(organisation, org_admin, email="quelquun-d-autre@exemple.fr")
    other_org_worker = MembershipFactory(organisation=OrganisationFactory()).user
    login(client, other_org_worker)
    response = client.post(issued.path)
    assert response.status_code == 302
    assert not Membership.objects.filter(user=other_org_worker, organisation=organisation).exists()
    issued.invitation.refresh_from_db()
    assert issued.invitation.accepted_at is None
    with pytest.raises(services.InvitationError, match="une autre adresse"):
        services.accept_invitation(token=issued.token, user=other_org_worker)


def test_signed_in_person_accepts_an_invitation_to_a_second_organisation(
    client, org_admin, organisation, outsider, login
):
    issued = invite(organisation, org_admin, email=outsider.email, role=Role.MEMBER)
    login(client, outsider)
    assert client.get(issued.path).status_code == 200
    response = client.post(issued.path)
    assert response.status_code == 302
    assert selectors.membership_in(outsider, organisation).role == Role.MEMBER


def test_weak_password_is_refused_with_nothing_written(client, org_admin, organisation):
    issued = invite(organisation, org_admin, email="nina@exemple.fr")
    response = client.post(issued.path, accept_form(password1="123", password2="123"))
    assert response.status_code == 200
    assert not User.objects.filter(email="nina@exemple.fr").exists()
    issued.invitation.refresh_from_db()
    assert issued.invitation.accepted_at is None


def test_inviting_an_existing_member_is_refused(org_admin, organisation, case_worker):
    with pytest.raises(ValidationError):
        invite(organisation, org_admin, email=case_worker.email)


def test_plain_member_cannot_invite(client, plain_member, organisation, login):
    login(client, plain_member)
    url = reverse("organisation_invite", kwargs={"slug": organisation.slug})
    assert client.get(url).status_code == 404
    assert client.post(url, {"email": "x@exemple.fr", "role": Role.MEMBER}).status_code == 404
    assert not Invitation.objects.exists()
    with pytest.raises(PermissionDenied):
        invite(organisation, plain_member)


def test_coordinator_role_is_refused_outside_a_coordination_body(
    client, org_admin, organisation, coordination, coordinator, login
):
    with pytest.raises(ValidationError):
        invite(organisation, org_admin, role=Role.COORDINATOR)
    login(client, org_admin)
    response = client.post(
        reverse("organisation_invite", kwargs={"slug": organisation.slug}),
        {"email": "x@exemple.fr", "role": Role.COORDINATOR},
    )
    assert response.status_code == 200
    assert not Invitation.objects.exists()
    # Inside the coordination body it is allowed.
    assert invite(coordination, coordinator, role=Role.COORDINATOR).invitation.role == Role.COORDINATOR


# --- Members ---------------------------------------------------------------


def test_removing_a_member_revokes_access_at_once(client, org_admin, organisation, member, login):
    leaving = member(Role.CASE_WORKER)
    login(client, leaving.user)
    assert client.get(members_url(organisation)).status_code == 200

    admin_client = login(client.__class__(), org_admin)
    response = admin_client.post(
        reverse("organisation_remove_member", kwargs={"slug": organisation.slug, "membership_id": leaving.pk})
    )
    assert response.status_code == 302

    assert client.get(members_url(organisation)).status_code == 404
    assert not policies.can_read_victim_data(leaving.user, organisation)
    leaving.refresh_from_db()
    assert not leaving.is_active and leaving.removed_at is not None
    assert AuditEvent.objects.filter(action="membership.removed", organisation=organisation).exists()


def test_the_last_admin_cannot_be_removed(client, org_admin, organisation, login):
    membership = Membership.objects.get(user=org_admin, organisation=organisation)
    login(client, org_admin)
    response = client.post(
        reverse("organisation_remove_member", kwargs={"slug": organisation.slug, "membership_id": membership.pk}),
        follow=True,
    )
    assert "dernier administrateur" in response.content.decode()
    membership.refresh_from_db()
    assert membership.is_active
    with pytest.raises(ValidationError):
        services.change_role(membership=membership, role=Role.CASE_WORKER, is_admin=False, acting_user=org_admin)


def test_role_change(client, org_admin, organisation, member, login):
    target = member(Role.MEMBER)
    login(client, org_admin)
    url = reverse("organisation_change_role", kwargs={"slug": organisation.slug, "membership_id": target.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"role": Role.CASE_WORKER, "is_admin": "on"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.CASE_WORKER and target.is_admin
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert event.details["before"] == {"role": Role.MEMBER, "is_admin": False}
    # With a second admin, the first may step down.
    services.change_role(
        membership=Membership.objects.get(user=org_admin), role=Role.CASE_WORKER, is_admin=False, acting_user=org_admin
    )


def test_plain_member_cannot_remove_or_change_roles(client, plain_member, organisation, case_worker, login):
    target = Membership.objects.get(user=case_worker)
    login(client, plain_member)
    assert (
        client.post(
            reverse("organisation_remove_member", kwargs={"slug": organisation.slug, "membership_id": target.pk})
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("organisation_change_role", kwargs={"slug": organisation.slug, "membership_id": target.pk})
        ).status_code
        == 404
    )
    assert client.get(reverse("organisation_access_log", kwargs={"slug": organisation.slug})).status_code == 404
    target.refresh_from_db()
    assert target.is_active


def test_members_page_for_each_kind_of_visitor(
    client, organisation, org_admin, case_worker, plain_member, outsider, superuser, login
):
    url = members_url(organisation)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("account_login"))
    for user, expected in (
        (org_admin, 200),
        (case_worker, 200),
        (plain_member, 200),
        (outsider, 404),
        (superuser, 404),
    ):
        response = login(client.__class__(), user).get(url)
        assert response.status_code == expected, user
    admin_page = login(client.__class__(), org_admin).get(url).content.decode()
    assert "Inviter" in admin_page


def test_unknown_organisation_is_a_404(client, case_worker, login):
    login(client, case_worker)
    for name in ("organisation_members", "organisation_invite", "organisation_access_log"):
        response = client.get(reverse(name, kwargs={"slug": "organisation-inconnue"}))
        assert response.status_code == 404
        assert "Page introuvable" in response.content.decode()


def test_another_organisations_member_gets_404_not_403(client, organisation, outsider, case_worker, login):
    target = Membership.objects.get(user=case_worker)
    login(client, outsider)
    for url in (
        members_url(organisation),
        reverse("organisation_invite", kwargs={"slug": organisation.slug}),
        reverse("organisation_access_log", kwargs={"slug": organisation.slug}),
        reverse("organisation_change_role", kwargs={"slug": organisation.slug, "membership_id": target.pk}),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("organisation_remove_member", kwargs={"slug": organisation.slug, "membership_id": target.pk})
        ).status_code
        == 404
    )
    target.refresh_from_db()
    assert target.is_active


# --- Active organisation ---------------------------------------------------


def test_switching_the_active_organisation(client, organisation, other_organisation, login):
    first = MembershipFactory(organisation=organisation, role=Role.CASE_WORKER)
    second = MembershipFactory(organisation=other_organisation, role=Role.MEMBER, user=first.user)
    login(client, first.user)
    response = client.post(reverse("organisation_switch"), {"membership": second.pk})
    assert response.status_code == 302
    page = client.get(reverse("organisation_switch"))
    assert page.context["active"].pk == second.pk


def test_cannot_switch_to_an_organisation_you_do_not_belong_to(client, case_worker, outsider, login):
    foreign = Membership.objects.get(user=outsider)
    own = Membership.objects.get(user=case_worker)
    login(client, case_worker)
    response = client.post(reverse("organisation_switch"), {"membership": foreign.pk})
    assert response.status_code == 404
    assert client.get(reverse("organisation_switch")).context["active"].pk == own.pk


# --- Superusers and policies ----------------------------------------------


def test_superuser_without_membership_gets_nothing(client, superuser, organisation, case_worker, login):
    login(client, superuser)
    assert client.get(members_url(organisation)).status_code == 404
    assert client.get(reverse("organisation_access_log", kwargs={"slug": organisation.slug})).status_code == 404
    assert not policies.can_read_victim_data(superuser)
    assert not policies.can_read_victim_data(superuser, organisation)
    assert not policies.can_manage_members(superuser, organisation)
    assert not policies.members_visible_to(superuser, organisation).exists()
    with pytest.raises(PermissionDenied):
        invite(organisation, superuser)


def test_who_reads_victim_data(case_worker, plain_member, coordinator, organisation):
    assert policies.can_read_victim_data(case_worker, organisation)
    assert not policies.can_read_victim_data(plain_member, organisation)
    assert not policies.can_read_victim_data(coordinator)  # aggregates only
    assert mfa.second_factor_required(coordinator)
    assert not mfa.second_factor_required(plain_member)


# --- Access log ------------------------------------------------------------


def test_org_admin_sees_the_access_log_of_their_org_only(
    client, org_admin, organisation, other_organisation, outsider, login
):
    audit.record_read(
        action="case.identity.viewed",
        actor=org_admin,
        target=organisation,
        target_label="TEH-2026-000001",
        organisation=organisation,
    )
    audit.record_read(
        action="case.identity.viewed",
        actor=outsider,
        target=other_organisation,
        target_label="TEH-2026-999999",
        organisation=other_organisation,
    )
    login(client, org_admin)
    response = client.get(reverse("organisation_access_log", kwargs={"slug": organisation.slug}))
    assert response.status_code == 200
    text = response.content.decode()
    assert "TEH-2026-000001" in text
    assert "TEH-2026-999999" not in text
    filtered = client.get(
        reverse("organisation_access_log", kwargs={"slug": organisation.slug}), {"type": AuditKind.ADMIN}
    )
    assert "TEH-2026-000001" not in filtered.content.decode()
    assert client.get(reverse("organisation_access_log", kwargs={"slug": other_organisation.slug})).status_code == 404


def test_password_of_the_factories_still_works(case_worker):
    # Guard for the other tests: factories sign people in with this password.
    assert case_worker.check_password(TEST_PASSWORD)
    assert UserFactory().check_password(TEST_PASSWORD)


def test_the_case_workers_of_an_organisation_are_its_active_case_workers(
    member, organisation, other_organisation, coordination
):
    worker = member(Role.CASE_WORKER).user
    member(Role.MEMBER)
    leaving = member(Role.CASE_WORKER)
    leaving.is_active = False
    leaving.removed_at = timezone.now()
    leaving.save()
    member(Role.CASE_WORKER, organisation=other_organisation)
    # R-PRIVACY: the coordination body reads aggregates, never identities.
    member(Role.CASE_WORKER, organisation=coordination)
    assert list(selectors.case_workers_of(organisation)) == [worker]
    assert not selectors.case_workers_of(coordination).exists()
