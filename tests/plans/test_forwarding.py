"""The decision → plan bridge: a working-group decision forwarded into the plan."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.coordination import services as coord_services
from maillage.coordination.services import PLAN_FORWARDERS
from maillage.core.models import AuditEvent
from maillage.organisations.enums import Role
from maillage.plans.enums import PlanStatus
from maillage.plans.models import Amendment, Measure
from maillage.plans.services.forwarding import forward_decision
from tests.factories import MembershipFactory

from .conftest import measure

pytestmark = pytest.mark.django_db

STATEMENT = "Créer une mesure sur l'accueil des mineurs en danger hors de leur département"


@pytest.fixture
def group(coordinator, coordination):
    return coord_services.create_group(
        acting_user=coordinator,
        name="Groupe mineurs",
        lead_organisation=coordination,
        pilot=coordinator,
        visibility="members",
    )


@pytest.fixture
def meeting(group, coordinator):
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


def test_forwarder_is_registered_from_plans_app():
    assert forward_decision in PLAN_FORWARDERS


def test_coordinator_forwards_a_decision_into_the_draft_plan_end_to_end(
    client, login, draft_plan, meeting, coordinator
):
    # Back to draft: the fixture plan has no round yet; it is in draft.
    assert draft_plan.status == PlanStatus.DRAFT
    decision = coord_services.record_decision(acting_user=coordinator, meeting=meeting, statement=STATEMENT)
    login(client, coordinator)
    group_page = reverse("coordination:group", args=[meeting.group_id])
    assert "Transmettre au plan" in client.get(group_page).content.decode()
    response = client.post(reverse("coordination:decision_forward", args=[decision.pk]), follow=True)
    assert response.status_code == 200
    assert "Décision transmise au plan d" in response.content.decode()
    decision.refresh_from_db()
    proposed = Measure.objects.get(origin_decision=decision)
    assert proposed.plan == draft_plan and proposed.number == 4  # next free number
    assert proposed.priority.number == 2  # last axe; the coordination moves it if needed
    assert proposed.title.startswith("Proposition : Créer une mesure")
    assert "Réunion de mars" in proposed.description
    assert decision.forwarded_to == f"Plan « {draft_plan.title} » : mesure proposée n° 4"
    assert decision.forwarded_to in client.get(group_page).content.decode().replace("&#x27;", "'").replace(
        "&quot;", '"'
    )
    assert AuditEvent.objects.filter(action="plans.measure.from_decision", details__decision=decision.pk).exists()
    assert AuditEvent.objects.filter(action="coordination.decision_forwarded").exists()
    # The plan shows the proposal with a link back to its meeting.
    page = client.get(reverse("plans:detail", args=[draft_plan.pk])).content.decode()
    assert "Proposition : Créer une mesure" in page
    assert (
        "Issue d&#x27;une décision transmise par la coordination" in page
        or "Issue d'une décision transmise par la coordination" in page
    )
    assert reverse("coordination:meeting", args=[meeting.pk]) in page
    # A second forwarding is refused by the coordination side.
    response = client.post(reverse("coordination:decision_forward", args=[decision.pk]), follow=True)
    assert "déjà été transmise" in response.content.decode()
    assert Measure.objects.filter(origin_decision=decision).count() == 1


def test_decision_naming_a_measure_becomes_an_amendment_in_the_open_round(
    client, login, draft_plan, open_round, meeting, coordinator, invited_member
):
    decision = coord_services.record_decision(
        acting_user=coordinator,
        meeting=meeting,
        statement="Compléter la mesure 2 : former aussi les agents des transports.",
    )
    login(client, coordinator)
    client.post(reverse("coordination:decision_forward", args=[decision.pk]))
    amendment = Amendment.objects.get(origin_decision=decision)
    assert amendment.round == open_round and amendment.measure == measure(draft_plan, 2)
    assert amendment.version == open_round.version and amendment.field == "description"
    assert amendment.organisation == draft_plan.coordination
    decision.refresh_from_db()
    assert decision.forwarded_to.startswith(
        f"Plan « {draft_plan.title} » : amendement n° {amendment.pk} à la mesure 2"
    )
    round_page = reverse("plans:round_measure", args=[open_round.pk, amendment.measure_id])
    page = client.get(round_page).content.decode()
    assert "former aussi les agents des transports" in page
    assert reverse("coordination:meeting", args=[meeting.pk]) in page
    client.logout()
    # Invited organisations see that it comes from the coordination, not the (members-only) meeting.
    login(client, invited_member)
    page = client.get(round_page).content.decode()
    assert "former aussi les agents des transports" in page
    assert reverse("coordination:meeting", args=[meeting.pk]) not in page


def test_decision_without_measure_during_a_round_is_refused_in_french(draft_plan, open_round, group, coordinator):
    decision = coord_services.record_decision(acting_user=coordinator, group=group, statement=STATEMENT)
    with pytest.raises(ValidationError) as exc:
        coord_services.forward_decision_to_plan(decision=decision, acting_user=coordinator)
    assert "Citez la mesure" in exc.value.messages[0]
    decision.refresh_from_db()
    assert decision.forwarded_to == ""


def test_no_plan_to_receive_it(group, coordinator):
    decision = coord_services.record_decision(acting_user=coordinator, group=group, statement=STATEMENT)
    with pytest.raises(ValidationError) as exc:
        coord_services.forward_decision_to_plan(decision=decision, acting_user=coordinator)
    assert "Aucun plan d'action en projet" in exc.value.messages[0]


def test_group_pilot_who_is_not_a_coordinator_gets_a_french_refusal(
    client, login, draft_plan, coordinator, organisation
):
    pilot = MembershipFactory(organisation=organisation, role=Role.CASE_WORKER, is_admin=True).user
    group = coord_services.create_group(
        acting_user=coordinator, name="Groupe local", lead_organisation=organisation, pilot=pilot, visibility="members"
    )
    decision = coord_services.record_decision(acting_user=coordinator, group=group, statement=STATEMENT)
    with pytest.raises(ValidationError) as exc:
        forward_decision(decision=decision, acting_user=pilot)
    assert "Seuls les coordinateurs" in exc.value.messages[0]
    assert not Measure.objects.filter(origin_decision=decision).exists()
