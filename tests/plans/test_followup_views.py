from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.plans import services
from maillage.plans.enums import Decision, PlanStatus
from maillage.plans.models import Amendment, Indicator, Measurement

from .conftest import measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted(draft_plan, open_round, coordinator, invited_org):
    open_round.opens_at, open_round.closes_at = timezone.now() - timedelta(days=2), timezone.now() - timedelta(days=1)
    open_round.save()
    services.transition_plan(plan=draft_plan, to=PlanStatus.ADOPTED, acting_user=coordinator)
    m1 = measure(draft_plan, 1)
    m1.lead = invited_org
    m1.save()
    return draft_plan


def test_followup_page_permissions(client, login, adopted, coordinator, invited_member, outsider):
    url = reverse("plans:measure_followup", args=[adopted.pk, measure(adopted, 1).pk])
    assert client.get(url).status_code == 302
    for user in (invited_member, outsider):
        login(client, user)
        assert client.get(url).status_code == 404
        client.logout()
    login(client, coordinator)
    assert client.get(url).status_code == 200


def test_coordinator_adds_sub_actions_and_progress_rolls_up(client, login, adopted, coordinator):
    m1 = measure(adopted, 1)
    url = reverse("plans:measure_followup", args=[adopted.pk, m1.pk])
    login(client, coordinator)
    client.post(url, {"kind": "sub_action", "sub_action-title": "Circulaire", "sub_action-weight": 3})
    client.post(url, {"kind": "sub_action", "sub_action-title": "Formation", "sub_action-weight": 1})
    first = m1.sub_actions.get(title="Circulaire")
    client.post(url, {"kind": "progress", "progress-sub_action": first.pk, "progress-progress": 100})
    m1.refresh_from_db()
    assert m1.progress == 75
    response = client.post(url, {"kind": "progress", "progress-sub_action": first.pk, "progress-progress": 130})
    assert response.status_code == 200
    m1.refresh_from_db()
    assert m1.progress == 75
    response = client.post(url, {"kind": "inconnu"})
    assert response.status_code == 404
    client.post(url, {"kind": "milestone", "milestone-title": "Publication", "milestone-due_date": "2027-06-30"})
    assert m1.milestones.count() == 1


def test_measurement_entered_by_lead_then_validated_then_public(
    client, login, adopted, coordinator, invited_member, outsider
):
    m1 = measure(adopted, 1)
    login(client, coordinator)
    client.post(
        reverse("plans:measure_followup", args=[adopted.pk, m1.pk]),
        {
            "kind": "indicator",
            "indicator-name": "Victimes orientées",
            "indicator-unit": "personnes",
            "indicator-target_value": "500",
        },
    )
    indicator = Indicator.objects.get()
    client.logout()
    url = reverse("plans:measurement_add", args=[indicator.pk])
    login(client, outsider)
    assert (
        client.post(
            url, {f"indicateur-{indicator.pk}-value": "1", f"indicateur-{indicator.pk}-date": "2027-01-01"}
        ).status_code
        == 404
    )
    client.logout()
    login(client, invited_member)
    assert client.get(reverse("plans:report", args=[m1.pk])).status_code == 200
    client.post(url, {f"indicateur-{indicator.pk}-value": "321", f"indicateur-{indicator.pk}-date": "2027-01-01"})
    value = Measurement.objects.get()
    assert value.entered_by == invited_member and value.validated_at is None
    client.logout()
    assert "321" not in client.get(reverse("plans:public")).content.decode()
    login(client, coordinator)
    client.post(reverse("plans:measurement_validate", args=[adopted.pk, value.pk]))
    client.logout()
    assert "321" in client.get(reverse("plans:public")).content.decode()


def test_author_withdraws_amendment_but_another_org_cannot(
    client, login, draft_plan, open_round, invited_member, invited_org, member
):
    m1 = measure(draft_plan, 1)
    amendment = services.propose_amendment(
        round=open_round,
        measure=m1,
        version=open_round.version,
        field="title",
        proposed_text="x",
        rationale="y",
        acting_user=invited_member,
    )
    other_org_member = member(
        organisation=invited_org.__class__.objects.create(
            name="Autre", slug="autre", type="association", territory_level="national"
        )
    ).user
    open_round.invited.add(other_org_member.memberships.get().organisation)
    url = reverse("plans:amendment_withdraw", args=[open_round.pk, amendment.pk])
    login(client, other_org_member)
    response = client.post(url, follow=True)
    assert (
        "Seule l&#x27;organisation" in response.content.decode() or "Seule l'organisation" in response.content.decode()
    )
    client.logout()
    login(client, invited_member)
    client.post(url)
    amendment.refresh_from_db()
    assert amendment.decision == Decision.WITHDRAWN
    assert Amendment.objects.count() == 1
