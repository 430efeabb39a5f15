"""Internal notes visible only to the coordination sit beside the shared
discussion (issue 6, after OpenSlides' internal comment sections): on the
measure's page of a round and on each amendment, not only on the round page."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.plans import reports, services
from maillage.plans.models import InternalNote

from .conftest import measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def amendment(open_round, draft_plan, invited_member):
    return services.propose_amendment(
        round=open_round,
        measure=measure(draft_plan, 1),
        version=open_round.version,
        field="title",
        proposed_text="Aller vers les victimes",
        rationale="Plus direct",
        acting_user=invited_member,
    )


def test_coordination_notes_a_measure_and_an_amendment_from_the_measure_page(
    client, login, coordinator, draft_plan, open_round, amendment
):
    m1 = measure(draft_plan, 1)
    page_url = reverse("plans:round_measure", args=[open_round.pk, m1.pk])
    login(client, coordinator)
    page = client.get(page_url).content.decode()
    assert 'id="notes-internes"' in page and f'value="{amendment.pk}"' in page
    response = client.post(
        reverse("plans:note", args=[open_round.pk]), {"body": "NOTE-SUR-LA-MESURE", "measure": m1.pk}
    )
    assert response.status_code == 302 and response.url == page_url + "#notes-internes"
    client.post(
        reverse("plans:note", args=[open_round.pk]), {"body": "NOTE-SUR-L-AMENDEMENT", "amendment": amendment.pk}
    )
    on_amendment = InternalNote.objects.get(amendment=amendment)
    assert on_amendment.measure_id == m1.pk  # filed under its measure too
    page = client.get(page_url).content.decode()
    assert (
        "NOTE-SUR-LA-MESURE" in page
        and "NOTE-SUR-L-AMENDEMENT" in page
        and f'href="#amendement-{amendment.pk}"' in page
    )
    # Not on the page of another measure; listed with a link on the round page.
    assert (
        "NOTE-SUR-LA-MESURE"
        not in client.get(
            reverse("plans:round_measure", args=[open_round.pk, measure(draft_plan, 2).pk])
        ).content.decode()
    )
    round_page = client.get(reverse("plans:round", args=[open_round.pk])).content.decode()
    assert "NOTE-SUR-LA-MESURE" in round_page and f"{page_url}#notes-internes" in round_page


def test_consulted_organisations_never_see_notes(
    client, login, coordinator, invited_member, draft_plan, open_round, amendment
):
    m1 = measure(draft_plan, 1)
    services.add_internal_note(round=open_round, body="NOTE-SECRETE-MESURE", measure=m1, acting_user=coordinator)
    services.add_internal_note(
        round=open_round, body="NOTE-SECRETE-AMENDEMENT", amendment=amendment, acting_user=coordinator
    )
    login(client, invited_member)
    for url in (
        reverse("plans:round_measure", args=[open_round.pk, m1.pk]),
        reverse("plans:round", args=[open_round.pk]),
    ):
        page = client.get(url).content.decode()
        assert "NOTE-SECRETE" not in page and "notes-internes" not in page
    assert client.post(reverse("plans:note", args=[open_round.pk]), {"body": "x", "measure": m1.pk}).status_code == 404
    assert "NOTE-SECRETE" not in reports.consultation_csv(open_round)
    assert InternalNote.objects.count() == 2


def test_a_note_must_be_about_this_round(coordinator, invited_org, draft_plan, open_round, amendment):
    now = timezone.now()
    services.transition_plan(plan=draft_plan, to="draft", acting_user=coordinator)
    services.save_measure(
        plan=draft_plan,
        priority=draft_plan.priorities.first(),
        number=9,
        title="Ajoutée après le gel",
        acting_user=coordinator,
    )
    services.freeze_version(plan=draft_plan, changelog="v2", acting_user=coordinator)
    other_round = services.open_round(
        plan=draft_plan,
        title="Deuxième tour",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=3),
        invited=[invited_org],
        acting_user=coordinator,
    )
    with pytest.raises(ValidationError, match="n'appartient pas à cette consultation"):
        services.add_internal_note(round=other_round, body="x", amendment=amendment, acting_user=coordinator)
    with pytest.raises(ValidationError, match="ne fait pas partie de la version soumise"):
        services.add_internal_note(round=open_round, body="x", measure=measure(draft_plan, 9), acting_user=coordinator)
    with pytest.raises(ValidationError, match="La note est vide"):
        services.add_internal_note(round=open_round, body="   ", acting_user=coordinator)
    assert not InternalNote.objects.exists()


def test_the_page_refuses_a_measure_outside_the_round(client, login, coordinator, draft_plan, open_round):
    services.transition_plan(plan=draft_plan, to="draft", acting_user=coordinator)
    extra = services.save_measure(
        plan=draft_plan,
        priority=draft_plan.priorities.first(),
        number=9,
        title="Hors version",
        acting_user=coordinator,
    )
    login(client, coordinator)
    assert (
        client.post(reverse("plans:note", args=[open_round.pk]), {"body": "x", "measure": extra.pk}).status_code == 404
    )
    assert not InternalNote.objects.exists()
