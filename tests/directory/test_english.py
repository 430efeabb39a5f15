"""English for the directory's catalogues (issue 10 item 9): services,
forms of exploitation, publics and language names follow the interface."""

import pytest
from django.conf import settings
from django.urls import reverse

from maillage.directory.models import ExploitationForm, Service

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_every_catalogue_row_has_an_english_label():
    assert not Service.objects.filter(label_en="").exists()
    assert not ExploitationForm.objects.filter(label_en="").exists()


def test_profile_page_in_english_shows_english_catalogues_and_language_names(client, directory):
    html = english(client).get(reverse("directory_profile", args=["foyer-hirondelles"])).content.decode()
    assert "Secure accommodation" in html and "Hébergement sécurisé" not in html
    assert "Unaccompanied minors" in html or "unaccompanied" in html.lower()
    paris = english(client).get(reverse("directory_profile", args=[directory["paris"].slug])).content.decode()
    assert "Romanian" in paris and "Roumain" not in paris
    assert "Legal information and assistance" in paris


def test_search_page_in_english_lists_english_options(client, directory):
    html = english(client).get(reverse("directory_list")).content.decode()
    assert ">Forced labour or services<" in html and ">Travail ou services forcés<" not in html
    assert ">Report to the public prosecutor<" in html
    assert ">Romanian<" in html and ">Roumain<" not in html


def test_french_stays_the_default(client, directory):
    html = client.get(reverse("directory_profile", args=["foyer-hirondelles"])).content.decode()
    assert "Hébergement sécurisé" in html and "Secure accommodation" not in html
