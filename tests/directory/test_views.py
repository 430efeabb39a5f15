import pytest
from django.urls import reverse

from maillage.core.models import AuditEvent
from maillage.directory.models import Profile

pytestmark = pytest.mark.django_db


def test_anonymous_sees_public_directory_without_members_data(client, directory):
    response = client.get(reverse("directory_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Foyer Les Hirondelles" in html
    assert "Escale Marseille" not in html
    assert "Structure masquée" not in html
    assert "partie publique" in html


def test_anonymous_search_with_filters_and_bad_input_gives_no_500(client, directory):
    response = client.get(reverse("directory_list"), {"q": "hébergements", "departement": "69"})
    assert response.status_code == 200
    assert "Foyer Les Hirondelles" in response.content.decode()
    response = client.get(reverse("directory_list"), {"departement": "999", "language": "zz"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_profile_page_levels(client, login, directory, outsider, acse_member):
    url = reverse("directory_profile", args=["chrs-le-phare"])
    html = client.get(url).content.decode()
    assert "CHRS Le Phare" in html and "12 allée Secrète" not in html and "places disponibles" not in html
    login(client, outsider)
    html = client.get(url).content.decode()
    assert "places disponibles" in html and "12 allée Secrète" not in html
    login(client, acse_member)
    assert "12 allée Secrète" in client.get(url).content.decode()


def test_members_only_and_hidden_profiles_are_404_for_anonymous(client, login, directory, outsider):
    assert client.get(reverse("directory_profile", args=["escale-marseille"])).status_code == 404
    login(client, outsider)
    assert client.get(reverse("directory_profile", args=["escale-marseille"])).status_code == 200
    assert client.get(reverse("directory_profile", args=["structure-masquee"])).status_code == 404


def test_profile_page_query_count_is_constant(client, login, directory, outsider, django_assert_max_num_queries):
    login(client, outsider)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("directory_profile", args=["chrs-le-phare"])).status_code == 200


def test_list_query_count_does_not_grow(
    client, login, directory, outsider, django_assert_max_num_queries, services_by_code
):
    from tests.directory.conftest import make_profile
    from tests.factories import OrganisationFactory

    login(client, outsider)
    for _ in range(15):
        make_profile(
            OrganisationFactory(), services=[services_by_code["legal_aid"]], publics=["women"], languages=["fr"]
        )
    with django_assert_max_num_queries(35):
        assert client.get(reverse("directory_list"), {"q": "association"}).status_code == 200


@pytest.mark.parametrize(
    "who,status",
    [
        ("anonymous", 302),
        ("plain_member", 404),
        ("case_worker", 404),
        ("outsider", 404),
        ("coordinator", 404),
        ("org_admin", 200),
    ],
)
def test_edit_permissions(client, login, request, directory, who, status):
    if who != "anonymous":
        login(client, request.getfixturevalue(who))
    url = reverse("directory_profile_edit", args=[directory["paris"].slug])
    assert client.get(url).status_code == status
    assert client.post(reverse("directory_profile_verify", args=[directory["paris"].slug])).status_code == (
        302 if status != 404 else 404
    )


def test_admin_edits_profile_through_form(client, login, directory, org_admin, services_by_code):
    login(client, org_admin)
    url = reverse("directory_profile_edit", args=[directory["paris"].slug])
    data = {
        "visibility": "public",
        "commune": "Paris 10e",
        "departement": "75",
        "languages": ["fr", "ar"],
        "services": [services_by_code["legal_aid"].pk],
        "publics": ["women", "families"],
        "capacity_places": "4",
        "public_email": "contact@exemple.fr",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    profile = Profile.objects.get(organisation=directory["paris"])
    assert profile.commune == "Paris 10e" and profile.capacity_places == 4
    assert AuditEvent.objects.filter(action="directory.profile_updated", actor=org_admin).exists()


def test_edit_form_bad_input_gives_french_errors(client, login, directory, org_admin):
    login(client, org_admin)
    url = reverse("directory_profile_edit", args=[directory["paris"].slug])
    response = client.post(
        url, {"visibility": "public", "capacity_places": "-3", "public_email": "pas-un-courriel", "languages": ["zz"]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saisissez une adresse" in html
    assert "supérieure ou égale à 0" in html


def test_verify_marks_profile_fresh(client, login, directory, org_admin):
    login(client, org_admin)
    client.post(reverse("directory_profile_verify", args=[directory["paris"].slug]))
    assert not Profile.objects.get(organisation=directory["paris"]).is_stale


@pytest.mark.parametrize(
    "who,status",
    [("anonymous", 302), ("plain_member", 200), ("outsider", 200), ("org_admin", 200), ("coordinator", 200)],
)
def test_coverage_page_permissions(client, login, request, directory, who, status):
    if who != "anonymous":
        login(client, request.getfixturevalue(who))
    response = client.get(reverse("directory_coverage"), {"service": "secure_accommodation"})
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "<svg" in html and "<caption>" in html and "non couvert" in html
        csv = client.get(reverse("directory_coverage_csv"), {"service": "secure_accommodation"})
        assert csv.status_code == 200 and b"Rh\xc3\xb4ne" in csv.content


@pytest.mark.parametrize(
    "who,status",
    [("anonymous", 302), ("plain_member", 404), ("outsider", 404), ("org_admin", 404), ("coordinator", 200)],
)
def test_import_page_permissions(client, login, request, directory, who, status):
    if who != "anonymous":
        login(client, request.getfixturevalue(who))
    assert client.get(reverse("directory_import")).status_code == status


def test_export_is_available_to_anonymous_with_public_part_only(client, directory):
    response = client.get(reverse("directory_export", args=["csv"]))
    assert response.status_code == 200
    content = response.content.decode("utf-8-sig")
    assert "Foyer Les Hirondelles" in content and "Escale Marseille" not in content
    assert "01 11 11 11 11" not in content  # members-only line
    assert client.get(reverse("directory_export", args=["xlsx"])).status_code == 200
    assert client.get(reverse("directory_export", args=["pdf"])).status_code == 404


def test_menu_entry_for_anonymous(client, directory):
    html = client.get(reverse("directory_list")).content.decode()
    assert 'href="/annuaire/"' in html


def test_coordinator_home_panel(rf, directory, coordinator, outsider):
    # Called directly: the home page also renders other features' panels.
    from django.template.loader import render_to_string

    from maillage.www.directory.navigation import _coverage_panel

    request = rf.get("/")
    request.user = outsider
    assert _coverage_panel(request) is None
    request.user = coordinator
    panel = _coverage_panel(request)
    assert panel["title"] == "Couverture territoriale"
    html = render_to_string(panel["template"], {"panel": panel})
    assert "Services avec le plus de départements non couverts" in html


def test_list_paginates(client, login, directory, outsider, services_by_code):
    from tests.directory.conftest import make_profile
    from tests.factories import OrganisationFactory

    for i in range(25):
        make_profile(OrganisationFactory(name=f"Zeta {i:02d}"), services=[services_by_code["outreach"]])
    login(client, outsider)
    first = client.get(reverse("directory_list"), {"service": "outreach"}).content.decode()
    assert "Zeta 00" in first and "Zeta 24" not in first and "Page suivante" in first
    second = client.get(reverse("directory_list"), {"service": "outreach", "page": "2"}).content.decode()
    assert "Zeta 24" in second and "Zeta 00" not in second
    assert client.get(reverse("directory_list"), {"page": "abc"}).status_code == 200


def test_coverage_table_sorts_by_count(client, login, directory, outsider):
    login(client, outsider)
    html = client.get(reverse("directory_coverage"), {"service": "legal_aid", "tri": "nombre"}).content.decode()
    body = html[html.index("<tbody>") :]
    assert body.index("non couvert") < body.index("75 – Paris")


def test_detail_shows_readable_territories_and_languages(client, directory):
    html = client.get(reverse("directory_profile", args=[directory["paris"].slug])).content.decode()
    assert "92 – Hauts-de-Seine" in html
    assert "roumain" in html.lower()


def test_admin_of_organisation_without_profile_creates_it(client, login, member, other_organisation):
    admin = member(admin=True, organisation=other_organisation).user
    login(client, admin)
    detail = reverse("directory_profile", args=[other_organisation.slug])
    edit = reverse("directory_profile_edit", args=[other_organisation.slug])
    assert client.get(detail).status_code == 302
    assert client.get(edit).status_code == 200
    assert client.post(edit, {"visibility": "members", "commune": "Lille", "departement": "59"}).status_code == 302
    assert Profile.objects.get(organisation=other_organisation).commune == "Lille"
    assert client.get(detail).status_code == 200


def test_organisation_without_profile_is_404_for_others(client, login, other_organisation, plain_member):
    login(client, plain_member)
    assert client.get(reverse("directory_profile", args=[other_organisation.slug])).status_code == 404
    assert client.get(reverse("directory_profile_edit", args=[other_organisation.slug])).status_code == 404


def test_search_result_links_resolve_to_each_profile(client, login, directory, outsider):
    """The result cards build their links without a `{% url %}` per card
    (issue 17, maillage/www/row_urls.py)."""
    import re

    from django.urls import resolve

    login(client, outsider)
    page = client.get(reverse("directory_list")).content.decode()
    slugs = []
    for href in re.findall(r'<h2 class="fr-card__title fr-h5"><a href="([^"]+)"', page):
        match = resolve(href)
        assert match.url_name == "directory_profile"
        assert href == reverse("directory_profile", args=[match.kwargs["slug"]])
        slugs.append(match.kwargs["slug"])
    assert len(slugs) >= 3
    assert client.get(reverse("directory_profile", args=[slugs[0]])).status_code == 200
