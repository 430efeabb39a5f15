"""Invited organisations find their consultations without a notification, and
a scheduled round is edited until it opens (issue 10, item 10)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.notifications.models import Notification
from maillage.organisations.enums import Role
from maillage.plans import services
from maillage.plans.models import ConsultationRound
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled_round(draft_plan, coordinator, invited_org):
    if not draft_plan.versions.exists():
        services.freeze_version(plan=draft_plan, changelog="Projet initial", acting_user=coordinator)
    now = timezone.now()
    return services.open_round(
        plan=draft_plan,
        title="Consultation programmée",
        opens_at=now + timedelta(days=2),
        closes_at=now + timedelta(days=30),
        invited=[invited_org],
        acting_user=coordinator,
    )


def test_invited_member_finds_the_open_round_on_home_and_on_plan(client, login, invited_member, open_round):
    login(client, invited_member)
    home = client.get("/").content.decode()
    assert reverse("plans:round", args=[open_round.pk]) in home
    assert "Consultation du collectif" in home
    public = client.get(reverse("plans:public")).content.decode()
    assert reverse("plans:round", args=[open_round.pk]) in public
    assert reverse("plans:rounds") in public


def test_a_closed_round_leaves_the_home_page_and_others_never_see_it(
    client, login, invited_member, outsider, open_round
):
    login(client, outsider)
    assert reverse("plans:round", args=[open_round.pk]) not in client.get("/").content.decode()
    client.logout()
    ConsultationRound.objects.filter(pk=open_round.pk).update(
        opens_at=timezone.now() - timedelta(days=40), closes_at=timezone.now() - timedelta(days=1)
    )
    login(client, invited_member)
    assert reverse("plans:round", args=[open_round.pk]) not in client.get("/").content.decode()


def test_scheduled_round_is_edited_and_newly_invited_are_told(coordinator, scheduled_round, invited_org):
    newcomer = OrganisationFactory(name="Nouvelle association")
    member = MembershipFactory(organisation=newcomer, role=Role.MEMBER).user
    opens = timezone.now() + timedelta(days=3)
    services.update_round(
        round=scheduled_round,
        title="Consultation renommée",
        opens_at=opens,
        closes_at=opens + timedelta(days=20),
        invited=[invited_org, newcomer],
        disabled={},
        acting_user=coordinator,
    )
    scheduled_round.refresh_from_db()
    assert scheduled_round.title == "Consultation renommée"
    assert set(scheduled_round.invited.all()) == {invited_org, newcomer}
    assert Notification.objects.filter(recipient=member).count() == 1


def test_an_open_round_cannot_be_edited(coordinator, open_round, invited_org):
    with pytest.raises(ValidationError, match="ne peut plus être modifiée"):
        services.update_round(
            round=open_round,
            title="Autre",
            opens_at=open_round.opens_at,
            closes_at=open_round.closes_at,
            invited=[invited_org],
            acting_user=coordinator,
        )
    open_round.refresh_from_db()
    assert open_round.title == "Consultation du collectif"


def test_edit_page_for_the_coordination_only_and_refusal_in_french(
    client, login, coordinator, invited_member, open_round, scheduled_round, invited_org
):
    login(client, invited_member)
    assert client.get(reverse("plans:round_edit", args=[scheduled_round.pk])).status_code == 404
    client.logout()
    login(client, coordinator)
    page = client.get(reverse("plans:round", args=[scheduled_round.pk])).content.decode()
    assert reverse("plans:round_edit", args=[scheduled_round.pk]) in page
    assert (
        reverse("plans:round_edit", args=[open_round.pk])
        not in client.get(reverse("plans:round", args=[open_round.pk])).content.decode()
    )
    fmt = "%Y-%m-%dT%H:%M"
    opens = timezone.localtime(timezone.now() + timedelta(days=5))
    response = client.post(
        reverse("plans:round_edit", args=[scheduled_round.pk]),
        {
            "title": "Consultation décalée",
            "opens_at": opens.strftime(fmt),
            "closes_at": (opens + timedelta(days=10)).strftime(fmt),
            "invited": [invited_org.pk],
        },
        follow=True,
    )
    assert "Consultation modifiée" in response.content.decode()
    scheduled_round.refresh_from_db()
    assert scheduled_round.title == "Consultation décalée"
    response = client.post(
        reverse("plans:round_edit", args=[open_round.pk]),
        {
            "title": "x",
            "opens_at": opens.strftime(fmt),
            "closes_at": (opens + timedelta(days=10)).strftime(fmt),
            "invited": [invited_org.pk],
        },
    )
    assert "ne peut plus être modifiée" in response.content.decode()
