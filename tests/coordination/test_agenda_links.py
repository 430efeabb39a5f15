"""An agenda item's link (to a plan measure or a dossier) is typed by a group
pilot and shown to every reader of the meeting: only an address of Maillage
(« /… ») or a web address is accepted, and nothing else is ever rendered as a
link (maillage/coordination/links.py)."""

import pytest
from django.core.exceptions import ValidationError

from maillage.coordination import services
from maillage.coordination.links import is_safe_link
from maillage.coordination.models import AgendaItem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/plan/", "/coordination/dossiers/3/", "https://www.legifrance.gouv.fr/", "http://example.org/a?b=c"]
)
def test_site_and_web_addresses_are_accepted(future_meeting, coordinator, url):
    item = services.add_agenda_item(meeting=future_meeting, acting_user=coordinator, title="Point", link_url=url)
    assert item.link_url == url and item.safe_link_url == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/",
        "/\\evil.example",
        "vbscript:x",
        "mesure 3",
    ],
)
def test_other_links_are_refused_in_french_and_nothing_written(future_meeting, coordinator, url):
    with pytest.raises(ValidationError) as exc:
        services.add_agenda_item(meeting=future_meeting, acting_user=coordinator, title="Point", link_url=url)
    assert "adresse de Maillage" in str(exc.value.message_dict["link_url"])
    assert not AgendaItem.objects.exists()
    assert not is_safe_link(url)


def test_the_form_shows_the_refusal_on_the_field(client, login, future_meeting, coordinator):
    login(client, coordinator)
    response = client.post(
        f"/coordination/reunions/{future_meeting.pk}/ordre-du-jour/",
        {"title": "Point", "link_url": "javascript:alert(1)"},
    )
    assert response.status_code == 200
    assert "adresse de Maillage" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_a_stored_unsafe_link_is_never_rendered_as_a_link(client, login, future_meeting, plain_member, coordinator):
    # A row written before the check (or by another path) is shown without its link.
    AgendaItem.objects.create(
        meeting=future_meeting, position=1, title="Point piégé", link_url="javascript:alert(document.cookie)"
    )
    services.add_agenda_item(meeting=future_meeting, acting_user=coordinator, title="Point sûr", link_url="/plan/")
    services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
    login(client, plain_member)
    page = client.get(f"/coordination/reunions/{future_meeting.pk}/").content.decode()
    assert "Point piégé" in page and "javascript:" not in page
    assert 'href="/plan/"' in page
