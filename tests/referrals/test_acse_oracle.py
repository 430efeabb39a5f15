"""Issue 16.1: the referrer's cancellation is no oracle for the Ac.Sé host.

The referring organisation knows the directory (every shelter's name, acronym
and commune) but must never learn which one hosts the person (R-ACSE, Warsaw
art. 11). It cancels at « Place trouvée » or « Transfert en cours » with a
reason naming each shelter in turn: the answer it receives (status code,
redirect, message, page), the work done (the number of SQL queries, our
deterministic stand-in for timing) and what is written (the placement, the
owner's journal) must be the same whichever shelter it names."""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.core.models import AuditEvent
from maillage.directory.models import Profile
from maillage.referrals.enums import AcseClosingGround, AcseStatus

from .conftest import HOST_NAME, make_acse_host

pytestmark = pytest.mark.django_db
A = AcseStatus

# The directory the referrer can read: the real host and other shelters.
SHELTERS = [
    (HOST_NAME, "R.C.M.", "Briançon", "05"),
    ("Maison Solidaire du Littoral", "MSL", "Brest", "29"),
    ("Foyer de l'Étoile", "FDE", "Besançon", "25"),
    ("Abri Vert des Causses", "AVC", "Millau", "12"),
]


@pytest.fixture
def directory(host):
    host_org, _ = host
    type(host_org).objects.filter(pk=host_org.pk).update(acronym="R.C.M.")
    Profile.objects.filter(organisation=host_org).update(commune="Briançon")
    for i, (name, acronym, commune, dep) in enumerate(SHELTERS[1:]):
        org, _ = make_acse_host(name, f"abri-{i}", dep)
        type(org).objects.filter(pk=org.pk).update(acronym=acronym)
        Profile.objects.filter(organisation=org).update(commune=commune)
    return [label for shelter in SHELTERS for label in shelter[:3]]


_VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken" value=""'),
    (re.compile(r'nonce="[^"]+"'), 'nonce=""'),
    (re.compile(r"/orientations/acse/\d+/"), "/orientations/acse/N/"),
]


def _normalise(text: str, reason: str, pk: int) -> str:
    from django.utils.html import escape

    text = text.replace(escape(reason), "<motif>").replace(reason, "<motif>")
    for pattern, repl in _VOLATILE:
        text = pattern.sub(repl, text)
    return text.replace(f"('placement', {pk})", "('placement', N)")


def _answer(client, placement, reason):
    url = reverse("referrals:acse_detail", args=[placement.pk])
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"target": A.CANCELLED, "reason": reason})
    location = response.get("Location", "")
    shown = client.get(location)
    messages = [str(m) for m in get_messages(shown.wsgi_request)]
    placement.refresh_from_db()
    journal = [
        (
            e.action,
            e.kind,
            e.actor_id,
            e.acting_organisation_id,
            _normalise(str(sorted(e.details.items())), reason, placement.pk),
        )
        for e in AuditEvent.objects.filter(organisation=placement.case.organisation, id__gt=last).order_by("id")
    ]
    return {
        "status": response.status_code,
        "location": _normalise(location, reason, placement.pk),
        "messages": messages,
        "page": _normalise(shown.content.decode(), reason, placement.pk),
        "queries": len(queries),
        "written": (
            placement.status,
            placement.closing_reason == reason,
            placement.closed_by,
            placement.closing_ground,
            placement.host_id,
        ),
        "journal": journal,
    }


@pytest.mark.parametrize("at", [A.PLACE_FOUND, A.TRANSFER])
def test_the_referrer_gets_the_same_answer_whichever_shelter_it_names(
    at, client, login, directory, sender, host, placement
):
    login(client, sender)
    # A first cancellation warms the caches (menu, content types) so the
    # query counts compare like with like.
    _answer(client, placement(at, host=host), "La personne a changé d'avis")
    answers = {}
    for label in ["Un motif sans nom de lieu", *directory]:
        p = placement(at, host=host)
        answers[label] = _answer(client, p, f"Annulation : {label}")
    reference = answers.pop("Un motif sans nom de lieu")
    assert reference["status"] == 302 and reference["written"][0] == A.CANCELLED
    assert reference["written"][1:4] == (True, "referrer", AcseClosingGround.REFERRER_CANCELLED)
    for label, answer in answers.items():
        for key in reference:
            assert answer[key] == reference[key], (label, key)


def test_the_referrers_words_never_reach_the_host_and_the_coordinations_never_reach_the_referrer(
    client, login, sender, sender_org, host, acse, placement
):
    from maillage.referrals import pathways

    _host_org, host_worker = host
    coord, coord_worker = acse
    p = placement(A.TRANSFER, host=host)
    login(client, sender)
    client.post(
        reverse("referrals:acse_detail", args=[p.pk]),
        {"target": A.CANCELLED, "reason": "Nous pensons qu'elle est à Briançon"},
    )
    p.refresh_from_db()
    assert p.status == A.CANCELLED
    for user, seen in ((sender, True), (coord_worker, True), (host_worker, False)):
        login(client, user)
        html = client.get(reverse("referrals:acse_detail", args=[p.pk])).content.decode()
        assert ("Nous pensons qu" in html) is seen, user
        assert "Annulée par l&#x27;organisation qui oriente" in html
    # The coordination refuses with a text that names the centre: accepted
    # (it knows the centre), kept for the coordination; the referrer reads the ground.
    q = placement(A.PLACE_FOUND, host=host)
    pathways.advance_acse(
        placement=q,
        organisation=coord,
        acting_user=coord_worker,
        target=A.REFUSED,
        ground=AcseClosingGround.NO_PLACE,
        reason=f"Le {HOST_NAME} a retiré sa place",
    )
    login(client, sender)
    html = client.get(reverse("referrals:acse_detail", args=[q.pk])).content.decode()
    assert HOST_NAME not in html and "Aucune place adaptée" in html
    login(client, coord_worker)
    assert HOST_NAME in client.get(reverse("referrals:acse_detail", args=[q.pk])).content.decode()
