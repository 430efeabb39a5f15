"""Ac.Sé as its coordination works (issue 10.4): a menu entry and a queue for
the coordination, the centre chosen from the partners that fit in one form,
the host's announced arrivals, the requester following the progress without
ever seeing the place (R-ACSE)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.core import queues
from maillage.directory.models import Profile
from maillage.organisations.actor import as_actor
from maillage.referrals import pathways
from maillage.referrals.enums import AcseStatus, AcseUrgency
from maillage.referrals.models import AcsePlacement

from .conftest import ACSE_REQUEST, HOST_NAME, make_acse_host

pytestmark = pytest.mark.django_db
A = AcseStatus


@pytest.fixture
def near():
    """A partner centre in Seine-Saint-Denis, where the person is in danger."""
    return make_acse_host("Foyer Proche Bobigny", "foyer-proche", "93")


@pytest.fixture
def full():
    return make_acse_host("Maison Complète", "maison-complete", "29", places=0)


def _request(case, sender, sender_org, acse, urgency="days"):
    return pathways.request_acse(
        **{**ACSE_REQUEST, "urgency": urgency},
        case=case,
        organisation=sender_org,
        acting_user=sender,
        consent_on=datetime.date(2026, 1, 5),
        consent_method="written",
        danger_departements=["93"],
        coordination=acse[0],
    )


def _queue(user, org, key):
    return next(q for q in queues.queues_for(user, org) if q.provider.key == key)


def test_the_coordination_finds_its_requests_from_the_menu_and_its_queue(
    client, login, make_case, sender, sender_org, acse
):
    coord, coord_worker = acse
    older = _request(make_case(), sender, sender_org, acse, urgency=AcseUrgency.PLANNED)
    urgent = _request(make_case(), sender, sender_org, acse, urgency=AcseUrgency.IMMEDIATE)
    queue = _queue(coord_worker, coord, "acse_to_place")
    assert queue.total == 2 and [i.subject for i in queue.items] == [urgent.case.reference, older.case.reference]
    first = queue.items[0]
    assert first.urgent and first.label == "Demande à évaluer et placer" and "Immédiate" in first.detail
    assert first.due_at == urgent.created_at + datetime.timedelta(hours=24)
    login(client, coord_worker)
    home = client.get(reverse("home")).content.decode()
    assert reverse("referrals:acse_list") in home
    html = client.get(reverse("referrals:acse_list")).content.decode()
    assert "2 demandes à évaluer et placer" in html
    # The requester's side has no such queue, nor the menu entry.
    login(client, sender)
    assert not [q for q in queues.queues_for(sender, sender_org) if q.provider.key.startswith("acse")]


def test_queues_run_a_bounded_number_of_queries(make_case, sender, sender_org, acse, host):
    coord, coord_worker = acse
    # The pages pass the request's actor (memberships read once per request).
    actor = as_actor(coord_worker)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            found = queues.queues_for(actor, coord)
        return len(ctx), len(found)

    for _ in range(5):
        _request(make_case(), sender, sender_org, acse)
    five, applicable = count()
    for _ in range(5):
        _request(make_case(), sender, sender_org, acse)
    # Constant whatever the number of requests: at most a list and a count per queue.
    assert count() == (five, applicable) and five <= 2 * applicable


def test_the_centre_is_chosen_from_those_that_fit_in_one_form(
    client, login, case, sender, sender_org, acse, host, near, full
):
    coord, coord_worker = acse
    host_org, host_worker = host
    Profile.objects.filter(organisation=host_org).update(commune="Briançon")
    p = _request(case, sender, sender_org, acse)
    login(client, coord_worker)
    url = reverse("referrals:acse_detail", args=[p.pk])
    html = client.get(url).content.decode()
    assert HOST_NAME in html and "Briançon" in html and "05 – Hautes-Alpes" in html and "5 place(s)" in html
    assert "Foyer Proche Bobigny" not in html and "Maison Complète" not in html
    assert "2 centres du réseau sont écartés" in html
    assert "identifiant" not in html.lower()
    # A centre in a danger département, or without places, posted anyway: refused, nothing written.
    for other, words in ((near[0], "département où la personne est en danger"), (full[0], "plus de place")):
        response = client.post(url, {"action": "place", "assessment": "Danger avéré", "host": other.pk})
        assert response.status_code == 400 and words in response.content.decode()
        p.refresh_from_db()
        assert p.status == A.REQUESTED and p.host_id is None
    with pytest.raises(Exception) as exc:
        pathways.place_acse(
            placement=p, organisation=coord, acting_user=coord_worker, host=near[0], assessment="Danger avéré"
        )
    assert "département où la personne est en danger" in str(exc.value)
    with pytest.raises(Exception) as exc:
        pathways.place_acse(
            placement=p, organisation=coord, acting_user=coord_worker, host=full[0], assessment="Danger avéré"
        )
    assert "plus de place" in str(exc.value)
    p.refresh_from_db()
    assert p.status == A.REQUESTED and p.host_id is None
    # One form: the assessment and the centre; the arrival is announced at once.
    response = client.post(url, {"action": "place", "assessment": "Danger avéré", "host": host_org.pk})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == A.PLACE_FOUND and p.host == host_org and p.placed_at and p.danger_assessment
    assert _queue(coord_worker, coord, "acse_to_place").total == 0
    arrivals = _queue(host_worker, host_org, "acse_arrivals")
    assert arrivals.total == 1 and arrivals.items[0].subject == case.reference
    assert arrivals.items[0].label == "Arrivée annoncée à confirmer"


def test_an_announced_arrival_takes_a_place_until_the_centre_updates_its_places(make_case, sender, sender_org, acse):
    coord, coord_worker = acse
    small, _ = make_acse_host("Petit Abri", "petit-abri", "12", places=1)
    Profile.objects.filter(organisation=small).update(capacity_updated_at=timezone.now() - datetime.timedelta(days=1))
    first = _request(make_case(), sender, sender_org, acse)
    pathways.place_acse(placement=first, organisation=coord, acting_user=coord_worker, host=small, assessment="x")
    second = _request(make_case(), sender, sender_org, acse)
    fitting, _left_out = __import__("maillage.referrals.selectors", fromlist=["x"]).acse_centres_for(
        AcsePlacement.objects.select_related("coordination").get(pk=second.pk)
    )
    assert small not in [c.organisation for c in fitting]
    with pytest.raises(Exception) as exc:
        pathways.place_acse(placement=second, organisation=coord, acting_user=coord_worker, host=small, assessment="x")
    assert "plus de place" in str(exc.value)
    # The centre declares its places again: the place is free for the next one.
    Profile.objects.filter(organisation=small).update(capacity_places=1, capacity_updated_at=timezone.now())
    pathways.place_acse(placement=second, organisation=coord, acting_user=coord_worker, host=small, assessment="x")


def test_the_host_confirms_the_arrival_and_the_requester_sees_progress_never_the_place(
    client, login, case, sender, sender_org, acse, host
):
    coord, coord_worker = acse
    host_org, host_worker = host
    Profile.objects.filter(organisation=host_org).update(commune="Briançon")
    p = _request(case, sender, sender_org, acse)
    pathways.place_acse(placement=p, organisation=coord, acting_user=coord_worker, host=host_org, assessment="x")
    url = reverse("referrals:acse_detail", args=[p.pk])
    login(client, sender)
    html = client.get(url).content.decode()
    assert "Place trouvée — <strong>fait" in html and "Arrivée confirmée — à venir" in html
    assert HOST_NAME not in html and "Briançon" not in html
    login(client, host_worker)
    html = client.get(url).content.decode()
    # The host reads what it needs: not the requester's words about the person.
    assert "Confirmer l&#x27;arrivée" in html and ACSE_REQUEST["situation"] not in html
    assert ACSE_REQUEST["danger_reason"] not in html
    response = client.post(url, {"target": A.HOSTED})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == A.HOSTED and p.arrived_on == timezone.localdate()
    assert _queue(host_worker, host_org, "acse_arrivals").total == 0
    login(client, sender)
    for page in (url, reverse("referrals:acse_list"), reverse("cases:detail", args=[case.pk])):
        html = client.get(page).content.decode()
        assert HOST_NAME not in html and "Briançon" not in html, page
    assert "Arrivée confirmée — <strong>fait" in client.get(url).content.decode()


def test_a_no_show_goes_back_to_the_coordination(client, login, case, sender, sender_org, acse, host):
    coord, coord_worker = acse
    host_org, host_worker = host
    p = _request(case, sender, sender_org, acse)
    pathways.place_acse(placement=p, organisation=coord, acting_user=coord_worker, host=host_org, assessment="x")
    login(client, host_worker)
    client.post(reverse("referrals:acse_detail", args=[p.pk]), {"target": A.NO_SHOW})
    p.refresh_from_db()
    assert p.status == A.NO_SHOW
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404  # access closed
    item = _queue(coord_worker, coord, "acse_to_place").items[0]
    assert item.label == "Personne non arrivée : à replacer"


def test_only_the_steps_an_organisation_owns_are_offered(client, login, case, sender, sender_org, acse, host):
    coord, coord_worker = acse
    host_org, _host_worker = host
    p = _request(case, sender, sender_org, acse)
    pathways.place_acse(placement=p, organisation=coord, acting_user=coord_worker, host=host_org, assessment="x")
    url = reverse("referrals:acse_detail", args=[p.pk])
    login(client, sender)
    html = client.get(url).content.decode()
    assert 'value="cancelled"' in html and 'value="hosted"' not in html
    # The requester posting the host's step: refused (404), nothing written.
    assert client.post(url, {"target": A.HOSTED}).status_code == 400
    p.refresh_from_db()
    assert p.status == A.PLACE_FOUND
