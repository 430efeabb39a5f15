"""The coordination's written synthesis of a consultation (issue 10, item 10):
drafted, published once to the invited organisations, then frozen."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.core.models import AuditEvent
from maillage.notifications.models import Notification
from maillage.plans import services
from maillage.plans.enums import AuditAction, MeasureOutcome
from maillage.plans.models import ConsultationRound, Synthesis

from .conftest import measure

pytestmark = pytest.mark.django_db


def _close(round_):
    ConsultationRound.objects.filter(pk=round_.pk).update(
        opens_at=timezone.now() - timedelta(days=40), closes_at=timezone.now() - timedelta(minutes=1)
    )
    round_.refresh_from_db()


def _all_items(plan):
    return {
        measure(plan, 1).pk: (MeasureOutcome.RETAINED, ""),
        measure(plan, 2).pk: (MeasureOutcome.PARTIALLY, "Formation retenue, sans le volet international."),
        measure(plan, 3).pk: (MeasureOutcome.NOT_RETAINED, "Relève du ministère de la Justice."),
    }


def test_a_measure_not_retained_needs_its_reasons(coordinator, draft_plan, open_round):
    with pytest.raises(ValidationError, match="Mesure 3 : dites pourquoi"):
        services.save_synthesis(
            round=open_round,
            overall="Texte",
            items={measure(draft_plan, 3).pk: (MeasureOutcome.NOT_RETAINED, "  ")},
            acting_user=coordinator,
        )
    assert not Synthesis.objects.exists()


def test_only_the_coordination_writes_the_synthesis(invited_member, open_round):
    with pytest.raises(PermissionDenied):
        services.save_synthesis(round=open_round, overall="x", items={}, acting_user=invited_member)


def test_publishing_waits_for_the_closing_and_for_every_measure(coordinator, draft_plan, open_round):
    services.save_synthesis(
        round=open_round, overall="Nous retenons l'essentiel.", items=_all_items(draft_plan), acting_user=coordinator
    )
    with pytest.raises(ValidationError, match="la synthèse se publie après la clôture"):
        services.publish_synthesis(round=open_round, acting_user=coordinator)
    _close(open_round)
    services.save_synthesis(
        round=open_round,
        overall="Nous retenons l'essentiel.",
        items={measure(draft_plan, 3).pk: ("", "")},
        acting_user=coordinator,
    )
    with pytest.raises(ValidationError, match="il manque : mesure\\(s\\) 3"):
        services.publish_synthesis(round=open_round, acting_user=coordinator)
    assert Synthesis.objects.get().published_at is None


def test_published_synthesis_notifies_the_invited_and_is_frozen(coordinator, invited_member, draft_plan, open_round):
    services.save_synthesis(
        round=open_round, overall="Nous retenons l'essentiel.", items=_all_items(draft_plan), acting_user=coordinator
    )
    _close(open_round)
    synthesis = services.publish_synthesis(round=open_round, acting_user=coordinator)
    assert synthesis.published_by == coordinator
    notice = Notification.objects.filter(recipient=invited_member).latest("pk")
    assert notice.link.endswith(f"/consultations/{open_round.pk}/#synthese")
    assert AuditEvent.objects.filter(action=AuditAction.SYNTHESIS_PUBLISHED).count() == 1
    with pytest.raises(ValidationError, match="ne peut plus être modifiée"):
        services.save_synthesis(round=open_round, overall="Autre", items={}, acting_user=coordinator)
    with pytest.raises(ValidationError, match="déjà publiée"):
        services.publish_synthesis(round=open_round, acting_user=coordinator)


def test_invited_organisation_reads_the_synthesis_only_once_published(
    client, login, coordinator, invited_member, draft_plan, open_round
):
    login(client, coordinator)
    data = {"overall": "Synthèse : la formation est la priorité du réseau."}
    for pk, (outcome, reason) in _all_items(draft_plan).items():
        data[f"outcome_{pk}"], data[f"reason_{pk}"] = outcome, reason
    response = client.post(reverse("plans:synthesis", args=[open_round.pk]), data, follow=True)
    assert "Brouillon de la synthèse enregistré" in response.content.decode()
    client.logout()
    login(client, invited_member)
    page = client.get(reverse("plans:round", args=[open_round.pk])).content.decode()
    assert "la formation est la priorité" not in page
    assert client.get(reverse("plans:synthesis_pdf", args=[open_round.pk])).status_code == 404
    client.logout()
    _close(open_round)
    login(client, coordinator)
    response = client.post(reverse("plans:synthesis_publish", args=[open_round.pk]), follow=True)
    assert "Synthèse publiée" in response.content.decode()
    client.logout()
    login(client, invited_member)
    page = client.get(reverse("plans:round", args=[open_round.pk])).content.decode()
    assert "la formation est la priorité" in page
    assert "Relève du ministère de la Justice." in page
    assert "Partiellement retenue" in page
    response = client.get(reverse("plans:synthesis_pdf", args=[open_round.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_synthesis_form_shows_the_refusal_on_the_page(client, login, coordinator, draft_plan, open_round):
    login(client, coordinator)
    m3 = measure(draft_plan, 3)
    response = client.post(
        reverse("plans:synthesis", args=[open_round.pk]),
        {"overall": "x", f"outcome_{m3.pk}": MeasureOutcome.NOT_RETAINED, f"reason_{m3.pk}": ""},
    )
    assert response.status_code == 200
    assert "Mesure 3 : dites pourquoi" in response.content.decode()
    assert not Synthesis.objects.exists()
