import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.coordination import policies, selectors, services
from maillage.coordination.enums import GroupVisibility
from maillage.coordination.services import decisions
from maillage.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_members_only_group_is_visible_to_members_and_coordination(group, coordinator, plain_member, other_member):
    assert group in policies.groups_visible_to(coordinator)
    assert group in policies.groups_visible_to(plain_member)
    assert group not in policies.groups_visible_to(other_member)


def test_network_group_is_visible_to_anyone_with_a_membership(group, other_member, coordinator):
    group.visibility = GroupVisibility.NETWORK
    group.save()
    assert group in policies.groups_visible_to(other_member)


def test_leaving_the_organisation_removes_access(group, plain_member):
    from django.utils import timezone

    membership = plain_member.memberships.get()
    membership.is_active = False
    membership.removed_at = timezone.now()
    membership.save()
    assert group not in policies.groups_visible_to(plain_member)


def test_only_coordinators_create_groups(coordination, plain_member):
    with pytest.raises(PermissionDenied):
        services.create_group(acting_user=plain_member, name="X", lead_organisation=coordination)


def test_group_creation_is_audited(group):
    assert AuditEvent.objects.filter(action="coordination.group_created", object_id=str(group.pk)).exists()


def test_member_must_belong_to_the_organisation_they_represent(group, coordinator, other_member, organisation):
    with pytest.raises(ValidationError) as exc:
        services.add_group_member(
            group=group, user=other_member, organisation=organisation, role="member", acting_user=coordinator
        )
    assert "membre active" in str(exc.value)


def test_subgroup(group, coordinator, coordination):
    sub = services.create_group(
        acting_user=coordinator,
        name="Sous-groupe mineurs non accompagnés",
        lead_organisation=coordination,
        parent=group,
    )
    assert list(group.subgroups.all()) == [sub]


def test_group_page_shows_next_meeting_open_decisions_and_overdue_actions(
    client, login, group, coordinator, plain_member, future_meeting
):
    import datetime as dt

    services.record_decision(acting_user=coordinator, group=group, statement="Créer une fiche réflexe mineurs")
    services.create_action(
        acting_user=coordinator,
        group=group,
        title="Rédiger la fiche",
        owner_user=plain_member,
        due_on=dt.date(2020, 1, 1),
    )
    login(client, plain_member)
    html = client.get(f"/coordination/groupes/{group.pk}/").content.decode()
    assert "Réunion de lancement" in html
    assert "Créer une fiche réflexe mineurs" in html
    assert "Rédiger la fiche" in html and "en retard" in html


def test_decision_review_date_brings_it_back(group, coordinator):
    import datetime as dt

    decision = services.record_decision(
        acting_user=coordinator, group=group, statement="Revoir", review_on=dt.date(2020, 1, 1)
    )
    assert decision in selectors.decisions_due_for_review(coordinator)


def test_forwarding_to_the_plan_without_plan_module_is_refused_in_french(group, coordinator, monkeypatch):
    # No forwarder registered (the plans app registers one from its ready()).
    monkeypatch.setattr(decisions, "PLAN_FORWARDERS", [])
    decision = services.record_decision(acting_user=coordinator, group=group, statement="Mesure proposée")
    with pytest.raises(ValidationError) as exc:
        services.forward_decision_to_plan(decision=decision, acting_user=coordinator)
    assert "plan d'action" in str(exc.value)


def test_forwarding_uses_the_registered_extension_point(group, coordinator, monkeypatch):
    monkeypatch.setattr(decisions, "PLAN_FORWARDERS", [lambda *, decision, acting_user: f"PLAN-2026-M{decision.pk}"])
    decision = services.record_decision(acting_user=coordinator, group=group, statement="Mesure proposée")
    services.forward_decision_to_plan(decision=decision, acting_user=coordinator)
    decision.refresh_from_db()
    assert decision.forwarded_to == f"PLAN-2026-M{decision.pk}"
