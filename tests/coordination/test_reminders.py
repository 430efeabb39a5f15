import datetime as dt

import pytest
from django.core.management import call_command

from maillage.coordination import selectors, services, tasks
from maillage.coordination.enums import LetterDirection
from maillage.notifications.models import Notification, OutboundEmail

from .conftest import paris

pytestmark = pytest.mark.django_db


@pytest.fixture
def actions(group, coordinator, plain_member, organisation):
    soon = services.create_action(
        acting_user=coordinator, group=group, title="Bientôt", owner_user=plain_member, due_on=dt.date(2031, 3, 12)
    )
    late = services.create_action(
        acting_user=coordinator,
        group=group,
        title="En retard",
        owner_organisation=organisation,
        due_on=dt.date(2031, 3, 1),
    )
    far = services.create_action(
        acting_user=coordinator, group=group, title="Plus tard", owner_user=plain_member, due_on=dt.date(2031, 6, 1)
    )
    return soon, late, far


def test_reminders_before_and_after_due_dates_are_idempotent(actions, plain_member, org_admin):
    Notification.objects.all().delete()
    today = dt.date(2031, 3, 10)
    sent = tasks.send_reminders(today=today)
    assert sent == 2  # "Bientôt" to the owner, "En retard" to the organisation's administrator
    assert Notification.objects.filter(recipient=plain_member, title__contains="Bientôt").exists()
    assert Notification.objects.filter(recipient=org_admin, title__contains="En retard").exists()
    assert tasks.send_reminders(today=today) == 0
    # The overdue reminder comes back once a week, the "before" one does not.
    assert tasks.send_reminders(today=today + dt.timedelta(days=7)) == 2  # overdue x2 (Bientôt is now overdue too)


def test_done_actions_are_not_reminded(actions, plain_member):
    soon, late, _far = actions
    for action in (soon, late):
        services.set_action_status(action=action, status="done", acting_user=plain_member)
    assert tasks.send_reminders(today=dt.date(2031, 3, 10)) == 0


def test_letter_reminders(coordinator, organisation):
    services.register_letter(
        acting_user=coordinator,
        direction=LetterDirection.INCOMING,
        letter_date=dt.date(2031, 1, 2),
        received_on=dt.date(2031, 1, 3),
        subject="S",
        sender_organisation=organisation,
    )
    assert tasks.send_reminders(today=dt.date(2031, 2, 1)) == 1
    assert OutboundEmail.objects.filter(to=coordinator.email, subject__contains="2031-0001").exists()


def test_command_runs(actions, capsys):
    call_command("send_coordination_reminders", "--date", "2031-03-10")
    assert "rappel" in capsys.readouterr().out


def test_my_actions_filters(actions, plain_member):
    soon, late, far = actions
    assert set(selectors.my_actions(plain_member)) == {soon, late, far}
    assert set(selectors.my_actions(plain_member, scope="me")) == {soon, far}
    assert set(selectors.my_actions(plain_member, scope="organisation")) == {late}
    services.set_action_status(action=far, status="done", acting_user=plain_member)
    assert set(selectors.my_actions(plain_member, status="done")) == {far}


def test_weekly_digest_once_per_week_and_respects_preference(group, coordinator, plain_member, future_meeting):
    import time_machine

    with time_machine.travel(paris(2031, 6, 9, 8), tick=False):
        services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
        OutboundEmail.objects.all().delete()
        assert tasks.send_weekly_digest() >= 1
        assert OutboundEmail.objects.filter(to=plain_member.email, subject="Votre semaine dans Maillage").count() == 1
        assert tasks.send_weekly_digest() == 0
        call_command("send_weekly_digest")
    plain_member.weekly_digest_enabled = False
    plain_member.save()
    with time_machine.travel(paris(2031, 6, 9, 8) + dt.timedelta(days=7), tick=False):
        OutboundEmail.objects.all().delete()
        tasks.send_weekly_digest()
        assert not OutboundEmail.objects.filter(to=plain_member.email).exists()


def test_an_action_owed_by_an_organisation_without_administrator_reaches_its_members(group, coordinator):
    """Reminders before and after due dates must reach someone: without an administrator, the
    organisation's active members."""
    from maillage.organisations.enums import Role
    from tests.factories import MembershipFactory, OrganisationFactory

    small = OrganisationFactory(name="Petite association")
    only_member = MembershipFactory(organisation=small, role=Role.MEMBER, is_admin=False).user
    services.create_action(
        acting_user=coordinator,
        group=group,
        title="Fiche réflexe",
        owner_organisation=small,
        due_on=dt.date(2031, 3, 1),
    )
    assert tasks.send_reminders(today=dt.date(2031, 3, 10)) == 1
    assert Notification.objects.filter(recipient=only_member, title__contains="Fiche réflexe").exists()
