"""Access-control review: members-only data must not be inferable by the public."""

import pytest
from django.urls import reverse

from maillage.directory.selectors import search_directory

pytestmark = pytest.mark.django_db


def names(results):
    return {r.organisation.slug for r in results}


def test_anonymous_cannot_filter_on_members_only_capacity(directory):
    # Capacity is members-only: filtering on it would tell the public which
    # shelters have places (Lyon, public, has 0 places; the others have some).
    assert "foyer-hirondelles" in names(search_directory(viewer=None, has_capacity=True))
    assert "foyer-hirondelles" in names(search_directory(viewer=None, has_capacity=False))


def test_anonymous_search_page_offers_no_capacity_filter(client, directory):
    html = client.get(reverse("directory_list")).content.decode()
    assert 'name="has_capacity"' not in html
    html = client.get(reverse("directory_list"), {"has_capacity": "on"}).content.decode()
    assert "Foyer Les Hirondelles" in html


def test_members_still_filter_on_capacity(client, login, directory, outsider):
    assert "foyer-hirondelles" not in names(search_directory(viewer=outsider, has_capacity=True))
    login(client, outsider)
    html = client.get(reverse("directory_list")).content.decode()
    assert 'name="has_capacity"' in html
    html = client.get(reverse("directory_list"), {"has_capacity": "on"}).content.decode()
    assert "Foyer Les Hirondelles" not in html and "Escale Marseille" in html
