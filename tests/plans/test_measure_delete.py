"""Deleting a measure of a draft plan (e.g. a forwarded proposal the coordination drops)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.coordination import services as coord_services
from maillage.core.models import AuditEvent
from maillage.organisations.enums import Role
from maillage.plans import services
from maillage.plans.diff import compare_snapshots
from maillage.plans.enums import PlanStatus
from maillage.plans.models import Indicator, Measure, Measurement, Milestone, Position, SubAction
from maillage.plans.services.forwarding import forward_decision
from tests.factories import MembershipFactory

from .conftest import measure

pytestmark = pytest.mark.django_db

DELETE_BUTTON = '<button type="submit" class="fr-btn fr-icon-delete-line fr-btn--icon-left">'


def _with_followup(m, coordinator):
    services.add_sub_action(measure=m, title="Circulaire", weight=2, acting_user=coordinator)
    services.add_milestone(measure=m, title="Publication", due_date=date(2027, 6, 30), acting_user=coordinator)
    ind = services.add_indicator(measure=m, name="Professionnels formés", unit="personnes", acting_user=coordinator)
    services.record_measurement(indicator=ind, value=12, date=date(2026, 6, 1), acting_user=coordinator)
    return ind


def _back_to_draft(plan, round_, coordinator):
    round_.opens_at, round_.closes_at = timezone.now() - timedelta(days=2), timezone.now() - timedelta(days=1)
    round_.save()
    services.transition_plan(plan=plan, to=PlanStatus.DRAFT, acting_user=coordinator)


def test_deleting_a_draft_measure_takes_its_follow_up_and_is_audited(draft_plan, coordinator):
    m2 = measure(draft_plan, 2)
    ind = _with_followup(m2, coordinator)
    other = measure(draft_plan, 1)
    _with_followup(other, coordinator)

    services.delete_measure(measure=m2, acting_user=coordinator)

    assert not Measure.objects.filter(pk=m2.pk).exists()
    assert (
        not SubAction.objects.filter(measure_id=m2.pk).exists()
        and not Milestone.objects.filter(measure_id=m2.pk).exists()
    )
    assert (
        not Indicator.objects.filter(pk=ind.pk).exists()
        and not Measurement.objects.filter(indicator_id=ind.pk).exists()
    )
    # The other measures keep their number and their follow-up: no renumbering.
    assert sorted(draft_plan.measures.values_list("number", flat=True)) == [1, 3]
    assert (
        SubAction.objects.filter(measure=other).count() == 1 and Indicator.objects.filter(measure=other).count() == 1
    )
    event = AuditEvent.objects.get(action="plans.measure.delete")
    assert event.actor == coordinator and event.object_type == "plans.plan" and event.object_id == str(draft_plan.pk)
    assert event.organisation == draft_plan.coordination
    assert (
        event.details["measure"] == m2.pk
        and event.details["number"] == 2
        and event.details["title"] == "Former les professionnels"
    )
    assert (
        event.details["sub_actions_deleted"],
        event.details["milestones_deleted"],
        event.details["indicators_deleted"],
    ) == (1, 1, 1)
    assert event.details["measurements_deleted"] == 1 and event.details["in_versions"] == []


def test_only_the_coordination_may_delete(draft_plan, coordinator, invited_member, org_admin, outsider):
    m1 = measure(draft_plan, 1)
    for user in (invited_member, org_admin, outsider):
        with pytest.raises(PermissionDenied):
            services.delete_measure(measure=m1, acting_user=user)
    assert Measure.objects.filter(pk=m1.pk).exists()
    assert not AuditEvent.objects.filter(action="plans.measure.delete").exists()


def test_views_answer_404_to_anyone_outside_the_coordination(
    client, login, draft_plan, invited_member, org_admin, outsider
):
    m1 = measure(draft_plan, 1)
    url = reverse("plans:measure_delete", args=[draft_plan.pk, m1.pk])
    response = client.post(url)
    assert response.status_code == 302 and response.url.startswith(
        reverse("account_login")
    )  # anonymous: sent to sign in
    for user in (invited_member, org_admin, outsider):
        login(client, user)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
        client.logout()
    assert Measure.objects.filter(pk=m1.pk).exists()


def test_measure_of_another_plan_is_not_found(client, login, draft_plan, coordinator):
    other = services.create_plan(
        title="Autre plan", period_start=date(2026, 1, 1), period_end=date(2027, 1, 1), acting_user=coordinator
    )
    login(client, coordinator)
    response = client.post(reverse("plans:measure_delete", args=[other.pk, measure(draft_plan, 1).pk]))
    assert response.status_code == 404
    assert draft_plan.measures.count() == 3


@pytest.mark.parametrize(
    "status", [PlanStatus.CONSULTATION, PlanStatus.ADOPTED, PlanStatus.IN_IMPLEMENTATION, PlanStatus.CLOSED]
)
def test_refused_in_french_outside_draft(client, login, draft_plan, open_round, coordinator, status):
    if status != PlanStatus.CONSULTATION:
        open_round.opens_at, open_round.closes_at = (
            timezone.now() - timedelta(days=2),
            timezone.now() - timedelta(days=1),
        )
        open_round.save()
        path = [PlanStatus.ADOPTED, PlanStatus.IN_IMPLEMENTATION, PlanStatus.CLOSED]
        for to in path[: path.index(status) + 1]:
            services.transition_plan(plan=draft_plan, to=to, acting_user=coordinator)
    m3 = measure(draft_plan, 3)
    with pytest.raises(ValidationError, match="état de projet"):
        services.delete_measure(measure=m3, acting_user=coordinator)
    login(client, coordinator)
    url = reverse("plans:measure_delete", args=[draft_plan.pk, m3.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "ne peut pas être supprimée" in html and "état de projet" in html and DELETE_BUTTON not in html
    response = client.post(url, follow=True)
    assert response.status_code == 200 and "état de projet" in response.content.decode()
    assert Measure.objects.filter(pk=m3.pk).exists()
    # The edit page offers no deletion either.
    assert url not in client.get(reverse("plans:measure_edit", args=[draft_plan.pk, m3.pk])).content.decode()


def test_measure_with_consultation_contributions_is_kept(draft_plan, open_round, coordinator, invited_member):
    m1, m2 = measure(draft_plan, 1), measure(draft_plan, 2)
    services.submit_position(round=open_round, measure=m1, value="agree", argument="", acting_user=invited_member)
    _back_to_draft(draft_plan, open_round, coordinator)
    with pytest.raises(ValidationError, match="1 contribution"):
        services.delete_measure(measure=m1, acting_user=coordinator)
    assert Position.objects.filter(measure=m1).exists()
    # A measure of the consulted version that received nothing may go; the round's pages still work.
    services.delete_measure(measure=m2, acting_user=coordinator)
    assert AuditEvent.objects.get(action="plans.measure.delete").details["in_versions"] == [1]
    open_round.refresh_from_db()
    assert m2.pk in open_round.version.measure_ids()  # the consulted version is a snapshot


def test_frozen_versions_keep_the_measure_and_the_comparison_shows_it_removed(client, login, draft_plan, coordinator):
    services.freeze_version(plan=draft_plan, changelog="Projet initial", acting_user=coordinator)
    m2 = measure(draft_plan, 2)
    services.delete_measure(measure=m2, acting_user=coordinator)
    services.freeze_version(plan=draft_plan, changelog="Mesure 2 retirée", acting_user=coordinator)
    v1, v2 = draft_plan.versions.order_by("number")
    assert m2.pk in v1.measure_ids() and m2.pk not in v2.measure_ids()
    assert any(m["title"] == "Former les professionnels" for m in v1.snapshot["measures"])
    changes = {c.number: c.kind for c in compare_snapshots(v1.snapshot, v2.snapshot)}
    assert changes == {1: "unchanged", 2: "removed", 3: "unchanged"}
    login(client, coordinator)
    html = client.get(reverse("plans:compare", args=[draft_plan.pk]), {"a": 1, "b": 2}).content.decode()
    assert "2. Former les professionnels" in html and "Supprimée" in html


def test_confirmation_page_then_deletion_through_the_pages(client, login, draft_plan, coordinator):
    services.freeze_version(plan=draft_plan, changelog="Projet initial", acting_user=coordinator)
    m2 = measure(draft_plan, 2)
    _with_followup(m2, coordinator)
    login(client, coordinator)
    url = reverse("plans:measure_delete", args=[draft_plan.pk, m2.pk])
    edit = client.get(reverse("plans:measure_edit", args=[draft_plan.pk, m2.pk])).content.decode()
    assert url in edit and "Supprimer la mesure" in edit
    page = client.get(url)
    assert page.status_code == 200 and Measure.objects.filter(pk=m2.pk).exists()  # GET deletes nothing
    html = page.content.decode()
    assert "Supprimer la mesure 2" in html and "Former les professionnels" in html
    assert "1 action" in html and "1 jalon" in html and "1 indicateur" in html and "1 valeur d'indicateur" in html
    assert "version figée 1" in html and "gardent leur numéro" in html
    assert 'name="csrfmiddlewaretoken"' in html and DELETE_BUTTON in html
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("plans:detail", args=[draft_plan.pk])
    assert "Mesure 2 « Former les professionnels » supprimée." in response.content.decode().replace("&#x27;", "'")
    assert not Measure.objects.filter(pk=m2.pk).exists()


def test_post_needs_the_csrf_token(draft_plan, coordinator, login):
    from django.test import Client

    client = login(Client(enforce_csrf_checks=True), coordinator)
    m1 = measure(draft_plan, 1)
    assert client.post(reverse("plans:measure_delete", args=[draft_plan.pk, m1.pk])).status_code == 403
    assert Measure.objects.filter(pk=m1.pk).exists()


@pytest.fixture
def meeting(coordinator, coordination):
    group = coord_services.create_group(
        acting_user=coordinator,
        name="Groupe mineurs",
        lead_organisation=coordination,
        pilot=coordinator,
        visibility="members",
    )
    start = timezone.now() - timedelta(days=1)
    return coord_services.schedule_meeting(
        acting_user=coordinator,
        title="Réunion de mars",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        group=group,
        place="Paris",
        allow_past=True,
    )


def test_a_forwarded_proposal_can_be_dropped_and_its_number_is_not_handed_out_again(draft_plan, meeting, coordinator):
    first = coord_services.record_decision(
        acting_user=coordinator, meeting=meeting, statement="Créer un guichet unique pour les victimes"
    )
    forward_decision(decision=first, acting_user=coordinator)
    proposal = Measure.objects.get(origin_decision=first)
    assert proposal.number == 4
    services.freeze_version(plan=draft_plan, changelog="Avec la proposition", acting_user=coordinator)
    services.delete_measure(measure=proposal, acting_user=coordinator)
    assert AuditEvent.objects.get(action="plans.measure.delete").details["origin_decision"] == first.pk
    first.refresh_from_db()  # the decision itself is untouched
    second = coord_services.record_decision(
        acting_user=coordinator, meeting=meeting, statement="Former les agents d'accueil"
    )
    forward_decision(decision=second, acting_user=coordinator)
    # Number 4 is cited by version 1: the next proposal takes 5.
    assert Measure.objects.get(origin_decision=second).number == 5


def test_plan_page_is_fine_after_a_deletion(client, login, draft_plan, coordinator):
    m2 = measure(draft_plan, 2)
    services.delete_measure(measure=m2, acting_user=coordinator)
    login(client, coordinator)
    html = client.get(reverse("plans:detail", args=[draft_plan.pk])).content.decode()
    assert "Former les professionnels" not in html and "Aller au-devant des victimes" in html


def test_a_second_coordinator_may_delete_too(draft_plan, coordination):
    colleague = MembershipFactory(organisation=coordination, role=Role.COORDINATOR).user
    services.delete_measure(measure=measure(draft_plan, 3), acting_user=colleague)
    assert draft_plan.measures.count() == 2


def test_the_decision_says_its_proposed_measure_was_deleted(client, login, draft_plan, meeting, coordinator):
    decision = coord_services.record_decision(
        acting_user=coordinator, meeting=meeting, statement="Créer un guichet unique pour les victimes"
    )
    decision = coord_services.forward_decision_to_plan(decision=decision, acting_user=coordinator)
    assert "mesure proposée n° 4" in decision.forwarded_to
    services.delete_measure(measure=Measure.objects.get(origin_decision=decision), acting_user=coordinator)
    decision.refresh_from_db()
    assert "mesure proposée n° 4" in decision.forwarded_to  # history kept
    assert decision.forwarded_to.endswith(f"mesure supprimée du projet le {timezone.localdate():%d/%m/%Y}")
    assert AuditEvent.objects.filter(
        action="coordination.decision_forwarded_measure_deleted", actor=coordinator
    ).exists()
    login(client, coordinator)
    html = client.get(reverse("coordination:group", args=[meeting.group.pk])).content.decode()
    assert "mesure supprimée du projet" in html
