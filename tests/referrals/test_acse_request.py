"""The Ac.Sé request (issue 10.4; R-ACSE, issue 11.9): the situation and the
urgency in the requester's words, the local danger and the danger
départements required, nothing ticked in advance."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from maillage.referrals import pathways
from maillage.referrals.enums import AcseUrgency
from maillage.referrals.models import AcsePlacement

from .conftest import ACSE_REQUEST

pytestmark = pytest.mark.django_db

FORM = {
    "situation": "Jeune femme exploitée dans un salon de massage, suivie depuis mars.",
    "danger_reason": "Le réseau la cherche à Saint-Denis et à Paris.",
    "danger_departements": ["93"],
    "urgency": "immediate",
    "urgency_note": "Dort dans une gare depuis deux nuits.",
    "consent_on": "2026-01-05",
    "consent_method": "written",
}


def _request(case, sender, sender_org, acse, **overrides):
    args = {
        **ACSE_REQUEST,
        "case": case,
        "organisation": sender_org,
        "acting_user": sender,
        "consent_on": datetime.date(2026, 1, 5),
        "consent_method": "written",
        "danger_departements": ["93"],
        "coordination": acse[0],
        **overrides,
    }
    return pathways.request_acse(**args)


@pytest.mark.parametrize(
    ("missing", "field", "words"),
    [
        ({"danger_departements": []}, "danger_departements", "au moins un département"),
        ({"danger_reason": "  "}, "danger_reason", "danger local"),
        ({"situation": ""}, "situation", "situation"),
        ({"urgency": ""}, "urgency", "urgence"),
    ],
)
def test_r_acse_a_request_states_the_local_danger_and_where_it_lies(
    missing, field, words, case, sender, sender_org, acse
):
    """R-ACSE (rules.md §6.10): Ac.Sé moves an adult away from a local danger;
    without the danger and its départements there is nothing to move away from."""
    with pytest.raises(ValidationError) as exc:
        _request(case, sender, sender_org, acse, **missing)
    assert field in exc.value.message_dict and words in " ".join(exc.value.message_dict[field])
    assert not AcsePlacement.objects.exists()


def test_the_request_keeps_the_requesters_words_encrypted(case, sender, sender_org, acse):
    p = _request(case, sender, sender_org, acse, urgency=AcseUrgency.IMMEDIATE)
    p = AcsePlacement.objects.get(pk=p.pk)
    assert p.situation == ACSE_REQUEST["situation"] and p.danger_reason == ACSE_REQUEST["danger_reason"]
    assert p.urgency == AcseUrgency.IMMEDIATE and p.urgency_note == ACSE_REQUEST["urgency_note"]
    assert p.danger_departements == ["75", "93"]  # the département of exploitation is always added
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT situation, danger_reason, urgency_note FROM referrals_acseplacement WHERE id = %s", [p.pk]
        )
        raw = " ".join(cursor.fetchone())
    assert "salon" not in raw and "réseau" not in raw and "amie" not in raw


def test_the_request_page_ticks_nothing_in_advance(client, login, case, sender, acse):
    login(client, sender)
    html = client.get(reverse("referrals:acse_request", args=[case.pk])).content.decode()
    assert 'value="identity"' in html and 'value="facts"' in html
    assert "checked" not in html and "selected>" not in html.replace('value="" selected>', "")
    assert "Situation de la personne" in html and "Danger local qui justifie" in html
    assert "Seine-Saint-Denis" in html  # départements by name, not typed codes


def test_the_request_page_refuses_a_request_without_danger_and_writes_nothing(client, login, case, sender, acse):
    login(client, sender)
    data = {**FORM, "danger_departements": [], "danger_reason": ""}
    response = client.post(reverse("referrals:acse_request", args=[case.pk]), data)
    assert response.status_code == 400
    assert not AcsePlacement.objects.exists()


def test_the_request_page_sends_the_request(client, login, case, sender, acse):
    login(client, sender)
    response = client.post(
        reverse("referrals:acse_request", args=[case.pk]), {**FORM, "shared_parts": ["identity", "facts"]}
    )
    assert response.status_code == 302
    p = case.acse_placements.get()
    assert p.urgency == "immediate" and p.danger_departements == ["75", "93"]
    assert p.shared_parts == ["identity", "facts"] and "gare" in p.urgency_note
    html = client.get(response["Location"]).content.decode()
    assert "salon de massage" in html and "Immédiate" in html and "Seine-Saint-Denis" in html
