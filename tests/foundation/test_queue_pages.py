"""The work queues as people see them (issue 10 item 1): the « À traiter »
panel on the home page, the « À traiter » page reachable from the menu, and
everything due within 48 hours in « Mes tâches et échéances »."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.core import queues

pytestmark = pytest.mark.django_db


def _item(label, *, due_in_hours=None, urgent=False, subject="TEH-2026-0001"):
    now = timezone.now()
    return queues.WorkItem(
        provider="demandes",
        label=label,
        subject=subject,
        url="/dossiers/",
        received_at=now - timedelta(days=3),
        due_at=None if due_in_hours is None else now + timedelta(hours=due_in_hours),
        urgent=urgent,
        detail="Envoyée par l'Association Départ",
    )


@pytest.fixture
def fake_queues(monkeypatch):
    """Two queues for the organisation of the test (one with items, one empty)
    and one for another organisation."""
    monkeypatch.setattr(queues, "_providers", {})
    items = [
        _item("Demande sans échéance"),
        _item("Demande en retard", due_in_hours=-5, subject="TEH-2026-0002"),
        _item("Demande urgente", due_in_hours=20, urgent=True, subject="TEH-2026-0003"),
        _item("Demande dans dix jours", due_in_hours=240, subject="TEH-2026-0004"),
    ] + [_item("Demande ancienne", subject=f"TEH-2025-{n:04d}") for n in range(38)]

    def mine(actor, org):
        return org is not None and actor.is_case_worker_of(org)

    queues.register(
        queues.Provider(
            key="demandes",
            label="Demandes reçues",
            applies_to=mine,
            items=lambda actor, org, limit: sorted(items, key=lambda i: i.sort_key())[:limit],
            count=lambda actor, org: 42,
            list_url=lambda org: "/dossiers/",
            order=1,
        )
    )
    queues.register(
        queues.Provider(
            key="vide",
            label="Arrivées à confirmer",
            applies_to=mine,
            items=lambda actor, org, limit: [],
            count=lambda actor, org: 0,
        )
    )
    queues.register(
        queues.Provider(
            key="ailleurs",
            label="File d'une autre organisation",
            applies_to=lambda actor, org: False,
            items=lambda actor, org, limit: pytest.fail("not asked"),
            count=lambda actor, org: pytest.fail("not asked"),
        )
    )
    return items


def test_home_panel_shows_the_most_urgent_first_with_deadlines_in_words(client, login, case_worker, fake_queues):
    login(client, case_worker)
    page = client.get(reverse("home")).content.decode()
    assert "À traiter" in page
    # Overdue first, then urgent, then the nearest deadline.
    first, second, third = (page.index(f"TEH-2026-000{n}") for n in (2, 3, 4))
    assert first < second < third
    assert "En retard" in page and "Urgent" in page and "Échéance dépassée" in page
    assert "42 éléments en attente" in page
    # French date in words, never an ISO date.
    from django.utils.formats import date_format

    due = timezone.localtime(fake_queues[2].due_at)
    assert f"Échéance : {date_format(due, 'l j F Y')} à {due.hour} h {due:%M}" in page
    assert due.strftime("%Y-%m-%d") not in page
    assert reverse("queues:list") in page


def test_queue_page_lists_every_queue_that_applies_with_its_total_and_list(client, login, case_worker, fake_queues):
    login(client, case_worker)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("queues:list")}"' in home  # the menu entry
    page = client.get(reverse("queues:list")).content.decode()
    assert "Demandes reçues" in page and "Arrivées à confirmer" in page
    assert "File d'une autre organisation" not in page
    assert "Rien en attente" in page  # the empty queue says so
    assert "42 en attente" in page and "Et 17 autres éléments" in page
    assert "Voir la liste complète : Demandes reçues" in page


def test_tasks_panel_shows_everything_due_within_48_hours(client, login, case_worker, fake_queues):
    login(client, case_worker)
    page = client.get(reverse("home")).content.decode()
    panel = page[page.index("Mes tâches et échéances") :]
    assert "À faire dans les 48 heures" in panel
    assert "TEH-2026-0002" in panel and "TEH-2026-0003" in panel  # overdue, due in 20 h
    assert "TEH-2026-0004" not in panel and "TEH-2026-0001" not in panel  # in ten days, no deadline


def test_queue_page_is_a_404_without_a_queue(client, login, case_worker, monkeypatch):
    monkeypatch.setattr(queues, "_providers", {})
    login(client, case_worker)
    assert client.get(reverse("queues:list")).status_code == 404
    assert reverse("queues:list") not in client.get(reverse("home")).content.decode()


def test_queue_page_in_english(client, login, case_worker, fake_queues):
    login(client, case_worker)
    page = client.get(reverse("queues:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "To do" in page and "Nothing waiting" in page
    due = timezone.localtime(fake_queues[2].due_at)
    assert f"Deadline: {due:%A} {due.day} {due:%B %Y, %H:%M}" in page
