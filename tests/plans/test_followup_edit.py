"""Editing and deleting sub-actions, milestones and indicators; milestones reached."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.core.models import AuditEvent
from maillage.plans import services
from maillage.plans.enums import PlanStatus
from maillage.plans.models import Indicator, Measurement, Milestone, Plan, SubAction

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


def _close(plan, coordinator):
    services.transition_plan(plan=plan, to=PlanStatus.IN_IMPLEMENTATION, acting_user=coordinator)
    services.transition_plan(plan=plan, to=PlanStatus.CLOSED, acting_user=coordinator)


def test_sub_action_edit_and_delete_roll_progress_up_again(adopted, coordinator):
    m1 = measure(adopted, 1)
    a = services.add_sub_action(measure=m1, title="Circulaire", weight=3, acting_user=coordinator)
    b = services.add_sub_action(measure=m1, title="Formation", weight=1, acting_user=coordinator)
    services.set_sub_action_progress(sub_action=a, progress=100, acting_user=coordinator)
    m1.refresh_from_db()
    assert m1.progress == 75
    services.update_sub_action(sub_action=a, title="Circulaire interministérielle", weight=1, acting_user=coordinator)
    m1.refresh_from_db()
    assert m1.progress == 50
    # Mixing weighted and unweighted: plain mean (unchanged here), then delete.
    services.delete_sub_action(sub_action=b, acting_user=coordinator)
    m1.refresh_from_db()
    assert m1.progress == 100
    assert not SubAction.objects.filter(pk=b.pk).exists()
    events = AuditEvent.objects.filter(action__in=["plans.subaction.update", "plans.subaction.delete"])
    assert events.count() == 2
    assert events.get(action="plans.subaction.delete").details["measure_progress"] == 100
    with pytest.raises(ValidationError, match="poids"):
        services.update_sub_action(sub_action=a, title="x", weight=0, acting_user=coordinator)


def test_follow_up_edits_need_the_coordination(adopted, coordinator, invited_member):
    m1 = measure(adopted, 1)
    sa = services.add_sub_action(measure=m1, title="Circulaire", acting_user=coordinator)
    ms = services.add_milestone(measure=m1, title="Publication", due_date=date(2027, 6, 30), acting_user=coordinator)
    ind = services.add_indicator(measure=m1, name="Victimes orientées", unit="personnes", acting_user=coordinator)
    for call in (
        lambda: services.update_sub_action(sub_action=sa, title="x", acting_user=invited_member),
        lambda: services.delete_sub_action(sub_action=sa, acting_user=invited_member),
        lambda: services.update_milestone(
            milestone=ms, title="x", due_date=date(2027, 1, 1), acting_user=invited_member
        ),
        lambda: services.delete_milestone(milestone=ms, acting_user=invited_member),
        lambda: services.update_indicator(indicator=ind, name="x", acting_user=invited_member),
        lambda: services.delete_indicator(indicator=ind, acting_user=invited_member),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_indicator_with_validated_values_cannot_be_deleted(adopted, coordinator, invited_member):
    m1 = measure(adopted, 1)
    ind = services.add_indicator(measure=m1, name="Victimes orientées", unit="personnes", acting_user=coordinator)
    pending = services.record_measurement(indicator=ind, value=12, date=date(2027, 1, 1), acting_user=invited_member)
    services.update_indicator(
        indicator=ind, name="Victimes orientées (majeures)", target_value=500, acting_user=coordinator
    )
    ind.refresh_from_db()
    assert ind.name == "Victimes orientées (majeures)" and ind.target_value == 500
    assert AuditEvent.objects.get(action="plans.indicator.update").details["changes"]["target_value"]["after"] in (
        500,
        "500",
    )
    services.validate_measurement(measurement=pending, acting_user=coordinator)
    with pytest.raises(ValidationError) as exc:
        services.delete_indicator(indicator=ind, acting_user=coordinator)
    assert "valeur(s) validée(s)" in exc.value.messages[0]
    assert Indicator.objects.filter(pk=ind.pk).exists()
    # Without validated values the indicator goes, with its pending values.
    other = services.add_indicator(measure=m1, name="Formations", unit="sessions", acting_user=coordinator)
    services.record_measurement(indicator=other, value=3, date=date(2027, 1, 1), acting_user=invited_member)
    services.delete_indicator(indicator=other, acting_user=coordinator)
    assert not Indicator.objects.filter(pk=other.pk).exists()
    assert Measurement.objects.count() == 1
    assert AuditEvent.objects.get(action="plans.indicator.delete").details["pending_values_deleted"] == 1


def test_milestone_reached_by_lead_member_not_in_the_future_not_by_outsider(
    adopted, coordinator, invited_member, outsider
):
    m1 = measure(adopted, 1)
    ms = services.add_milestone(measure=m1, title="Publication", due_date=date(2027, 6, 30), acting_user=coordinator)
    services.update_milestone(
        milestone=ms, title="Publication de la circulaire", due_date=date(2027, 9, 30), acting_user=coordinator
    )
    with pytest.raises(PermissionDenied):
        services.set_milestone_reached(milestone=ms, reached_on=timezone.localdate(), acting_user=outsider)
    with pytest.raises(ValidationError, match="futur"):
        services.set_milestone_reached(
            milestone=ms, reached_on=timezone.localdate() + timedelta(days=1), acting_user=invited_member
        )
    services.set_milestone_reached(
        milestone=ms, reached_on=timezone.localdate() - timedelta(days=2), acting_user=invited_member
    )
    ms.refresh_from_db()
    assert ms.reached_on == timezone.localdate() - timedelta(days=2)
    event = AuditEvent.objects.get(action="plans.milestone.reached")
    assert event.actor == invited_member
    services.delete_milestone(milestone=ms, acting_user=coordinator)
    assert not Milestone.objects.exists()


def test_closed_plan_follow_up_is_frozen(adopted, coordinator):
    m1 = measure(adopted, 1)
    sa = services.add_sub_action(measure=m1, title="Circulaire", acting_user=coordinator)
    ms = services.add_milestone(measure=m1, title="Publication", due_date=date(2027, 6, 30), acting_user=coordinator)
    ind = services.add_indicator(measure=m1, name="Victimes", unit="personnes", acting_user=coordinator)
    _close(adopted, coordinator)
    assert Plan.objects.get(pk=adopted.pk).status == PlanStatus.CLOSED
    for call in (
        lambda: services.update_sub_action(sub_action=sa, title="x", acting_user=coordinator),
        lambda: services.delete_sub_action(sub_action=sa, acting_user=coordinator),
        lambda: services.set_sub_action_progress(sub_action=sa, progress=10, acting_user=coordinator),
        lambda: services.add_sub_action(measure=m1, title="x", acting_user=coordinator),
        lambda: services.update_milestone(milestone=ms, title="x", due_date=date(2027, 1, 1), acting_user=coordinator),
        lambda: services.delete_milestone(milestone=ms, acting_user=coordinator),
        lambda: services.set_milestone_reached(milestone=ms, reached_on=timezone.localdate(), acting_user=coordinator),
        lambda: services.update_indicator(indicator=ind, name="x", acting_user=coordinator),
        lambda: services.delete_indicator(indicator=ind, acting_user=coordinator),
    ):
        with pytest.raises(ValidationError, match="clos"):
            call()


# --- Pages -----------------------------------------------------------------------


def test_pages_edit_delete_and_mark_reached(client, login, adopted, coordinator, invited_member):
    m1 = measure(adopted, 1)
    sa = services.add_sub_action(measure=m1, title="Circulaire", weight=1, acting_user=coordinator)
    services.add_sub_action(measure=m1, title="Formation", weight=1, acting_user=coordinator)
    services.set_sub_action_progress(sub_action=sa, progress=80, acting_user=coordinator)
    ms = services.add_milestone(measure=m1, title="Publication", due_date=date(2027, 6, 30), acting_user=coordinator)
    ind = services.add_indicator(measure=m1, name="Victimes orientées", unit="personnes", acting_user=coordinator)
    value = services.record_measurement(indicator=ind, value=12, date=date(2027, 1, 1), acting_user=coordinator)
    services.validate_measurement(measurement=value, acting_user=coordinator)
    followup = reverse("plans:measure_followup", args=[adopted.pk, m1.pk])
    edit_sa = reverse("plans:followup_item_edit", args=[adopted.pk, "actions", sa.pk])

    login(client, invited_member)
    assert client.get(edit_sa).status_code == 404
    assert client.post(reverse("plans:followup_item_delete", args=[adopted.pk, "actions", sa.pk])).status_code == 404
    report_page = client.get(reverse("plans:report", args=[m1.pk])).content.decode()
    assert "Marquer comme atteint" in report_page
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("plans:milestone_reached", args=[ms.pk]), {f"jalon-{ms.pk}-reached_on": yesterday.isoformat()}
    )
    assert response.status_code == 302 and response.url == reverse("plans:report", args=[m1.pk])
    ms.refresh_from_db()
    assert ms.reached_on == yesterday
    client.logout()

    login(client, coordinator)
    page = client.get(followup).content.decode()
    assert edit_sa in page and "Jalons de la mesure" in page and f"Atteint le {yesterday:%d/%m/%Y}" in page
    assert client.get(edit_sa).status_code == 200
    assert client.get(reverse("plans:followup_item_edit", args=[adopted.pk, "inconnu", sa.pk])).status_code == 404
    response = client.post(edit_sa, {"title": "Circulaire révisée", "weight": "3"})
    assert response.status_code == 302
    m1.refresh_from_db()
    assert m1.progress == 60  # (80×3 + 0×1) / 4
    response = client.post(edit_sa, {"title": "", "weight": "3"})
    assert response.status_code == 200  # form error, no 500
    client.post(reverse("plans:followup_item_delete", args=[adopted.pk, "actions", sa.pk]))
    m1.refresh_from_db()
    assert m1.progress == 0 and m1.sub_actions.count() == 1
    client.post(
        reverse("plans:followup_item_edit", args=[adopted.pk, "jalons", ms.pk]),
        {"title": "Parution", "due_date": "2027-07-01"},
    )
    ms.refresh_from_db()
    assert ms.title == "Parution" and ms.due_date == date(2027, 7, 1)
    # A validated indicator cannot be deleted: a French notice, not an error page.
    response = client.post(
        reverse("plans:followup_item_delete", args=[adopted.pk, "indicateurs", ind.pk]), follow=True
    )
    assert response.status_code == 200
    assert "ne peut pas être supprimé" in response.content.decode()
    assert Indicator.objects.filter(pk=ind.pk).exists()
    # Future date refused with a French notice.
    other = services.add_milestone(measure=m1, title="Bilan", due_date=date(2028, 1, 1), acting_user=coordinator)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("plans:milestone_reached", args=[other.pk]),
        {f"jalon-{other.pk}-reached_on": tomorrow.isoformat()},
        follow=True,
    )
    assert "futur" in response.content.decode()
    client.post(reverse("plans:followup_item_delete", args=[adopted.pk, "jalons", other.pk]))
    assert not Milestone.objects.filter(pk=other.pk).exists()


def test_closed_plan_page_hides_edit_controls(client, login, adopted, coordinator):
    m1 = measure(adopted, 1)
    sa = services.add_sub_action(measure=m1, title="Circulaire", acting_user=coordinator)
    _close(adopted, coordinator)
    login(client, coordinator)
    page = client.get(reverse("plans:measure_followup", args=[adopted.pk, m1.pk])).content.decode()
    assert "Le plan est clos" in page and "Ajouter l&#x27;action" not in page and "Ajouter l'action" not in page
    response = client.post(reverse("plans:followup_item_delete", args=[adopted.pk, "actions", sa.pk]), follow=True)
    assert response.status_code == 200 and "clos" in response.content.decode()
    assert SubAction.objects.filter(pk=sa.pk).exists()


def test_closed_plan_figures_are_frozen_too(client, login, adopted, coordinator, invited_member):
    """Values, reports and imported progress no longer change a closed plan's
    history (same rule as the follow-up above): French refusals, nothing written."""
    from maillage.plans import xlsx
    from maillage.plans.models import Measure, ProgressReport

    m1 = measure(adopted, 1)
    ind = services.add_indicator(measure=m1, name="Victimes", unit="personnes", acting_user=coordinator)
    pending_value = services.record_measurement(
        indicator=ind, value=12, date=date(2027, 1, 1), acting_user=invited_member
    )
    report = services.submit_progress_report(
        measure=m1, status=None, progress=80, health="at_risk", completion="substantial", acting_user=invited_member
    )
    data = xlsx.export_progress(adopted)
    _close(adopted, coordinator)
    for call in (
        lambda: services.record_measurement(indicator=ind, value=3, date=date(2028, 1, 1), acting_user=coordinator),
        lambda: services.validate_measurement(measurement=pending_value, acting_user=coordinator),
        lambda: services.validate_progress_report(report=report, acting_user=coordinator),
    ):
        with pytest.raises(ValidationError, match="clos"):
            call()
    count, errors = services.import_progress(plan=adopted, data=data, acting_user=coordinator)
    assert count == 0 and any("clos" in e for e in errors)
    assert Measurement.objects.filter(indicator=ind).count() == 1 and Measurement.objects.get().validated_at is None
    assert ProgressReport.objects.get().validated_at is None and Measure.objects.get(pk=m1.pk).progress == 0
    # Through the pages: a clear message, never an error page.
    login(client, coordinator)
    response = client.post(
        reverse("plans:measurement_add", args=[ind.pk]),
        {f"indicateur-{ind.pk}-value": "5", f"indicateur-{ind.pk}-date": "2028-01-01"},
        follow=True,
    )
    assert response.status_code == 200 and "Le plan est clos" in response.content.decode()
    assert Measurement.objects.filter(indicator=ind).count() == 1
