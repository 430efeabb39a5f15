"""French by default, English through the header's switcher, Paris time."""

import datetime as dt

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

pytestmark = pytest.mark.django_db


def _html_lang(response) -> str:
    text = response.content.decode()
    start = text.index("<html")
    return text[start : text.index(">", start)]


def test_french_by_default(client):
    response = client.get(reverse("account_login"))
    assert 'lang="fr"' in _html_lang(response)
    assert "Se connecter" in response.content.decode()


def test_switch_to_english_on_the_login_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("account_login")})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    page = client.get(reverse("account_login"))
    assert 'lang="en"' in _html_lang(page)
    # allauth ships its English strings: the form labels change language.
    assert "Password" in page.content.decode()
    assert "Log in to Maillage" in page.content.decode()
    # …and back to French.
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert 'lang="fr"' in _html_lang(client.get(reverse("account_login")))


def test_switch_to_english_when_signed_in(client, case_worker, login):
    login(client, case_worker)
    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert 'lang="en"' in _html_lang(response)


def test_unknown_language_is_ignored(client):
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert 'lang="fr"' in _html_lang(client.get(reverse("account_login")))


def test_dates_are_shown_in_paris_time():
    moment = dt.datetime(2026, 7, 14, 8, 30, tzinfo=dt.UTC)
    with translation.override("fr"):
        rendered = Template("{{ moment|date:'j F Y H:i' }}").render(Context({"moment": moment}))
    assert rendered == "14 juillet 2026 10:30"  # UTC+2 in summer
    winter = dt.datetime(2026, 1, 14, 8, 30, tzinfo=dt.UTC)
    assert timezone.localtime(winter).strftime("%H:%M") == "09:30"  # UTC+1 in winter


def test_now_is_in_paris_time():
    with time_machine.travel(dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC), tick=False):
        assert str(timezone.get_current_timezone()) == "Europe/Paris"
        assert timezone.localtime().hour == 3  # summer time started at 01:00 UTC
