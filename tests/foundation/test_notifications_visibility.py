"""A person no longer sees the notifications an organisation sent them once
they have left it (references to cases they no longer follow)."""

import pytest

from maillage.notifications.selectors import notifications_for, unread_count
from maillage.notifications.services import notify
from maillage.organisations import services as org_services
from maillage.organisations.actor import as_actor
from maillage.organisations.enums import Role
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_notifications_of_an_organisation_left_are_no_longer_listed(
    client, login, case_worker, organisation, org_admin
):
    member = case_worker
    other = OrganisationFactory()
    MembershipFactory(user=member, organisation=other, role=Role.MEMBER)
    notify(recipient=member, title="Orientation reçue (dossier TEH-2026-000001)", organisation=organisation)
    notify(recipient=member, title="Réunion du groupe", organisation=other)
    notify(recipient=member, title="Bienvenue")  # not on behalf of an organisation
    assert unread_count(as_actor(member)) == 3
    login(client, member)
    assert "TEH-2026-000001" in client.get("/notifications/").content.decode()
    assert "3 notifications non lues" in client.get("/").content.decode()  # the home panel, now cached
    membership = member.memberships.get(organisation=organisation)
    org_services.remove_member(membership=membership, acting_user=org_admin)
    assert [n.title for n in notifications_for(as_actor(member))] == ["Bienvenue", "Réunion du groupe"]
    assert unread_count(as_actor(member)) == 2
    assert "TEH-2026-000001" not in client.get("/notifications/").content.decode()
    assert "2 notifications non lues" in client.get("/").content.decode()
