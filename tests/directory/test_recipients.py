"""Public bodies are reachable, the competent one first (issue 10 item 3)."""

import pytest

from maillage.directory.enums import Visibility
from maillage.directory.selectors.recipients import IN_DEPARTEMENT, recipients_for
from maillage.organisations.enums import OrganisationType as T
from maillage.organisations.enums import TerritoryLevel as L
from tests.directory.conftest import make_profile
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def body(name, acronym, type_, dep, *, publics=(), services=(), visibility=Visibility.MEMBERS, **kw):
    org = OrganisationFactory(
        name=name, acronym=acronym, type=type_, departement=dep, territory_level=L.DEPARTEMENT, **kw
    )
    make_profile(org, publics=list(publics), services=list(services), visibility=visibility)
    return org


@pytest.fixture
def public_bodies(db):
    """Parquets, CRIPs and a police unit as the demo has them: public bodies
    whose profiles list no minors among their publics and no service."""
    return {
        "parquet-75": body("Parquet du tribunal judiciaire de Paris", "Parquet de Paris", T.PROSECUTOR, "75"),
        "parquet-93": body("Parquet du tribunal judiciaire de Bobigny", "Parquet de Bobigny", T.PROSECUTOR, "93"),
        "parquet-13": body("Parquet du tribunal judiciaire de Marseille", "", T.PROSECUTOR, "13"),
        "parquet-971": body("Parquet du tribunal judiciaire de Pointe-à-Pitre", "", T.PROSECUTOR, "971"),
        "bpm": body("Brigade de protection des mineurs de Paris", "BPM 75", T.POLICE, "75", publics=["lgbtqi"]),
        "crip-13": body(
            "Cellule de recueil des informations préoccupantes des Bouches-du-Rhône",
            "CRIP 13",
            T.CHILD_PROTECTION,
            "13",
            visibility=Visibility.PUBLIC,
        ),
        "crip-93": body(
            "Cellule de recueil des informations préoccupantes de la Seine-Saint-Denis",
            "CRIP 93",
            T.CHILD_PROTECTION,
            "93",
            visibility=Visibility.PUBLIC,
        ),
        "crip-75": body(
            "Cellule de recueil des informations préoccupantes de Paris",
            "CRIP 75",
            T.CHILD_PROTECTION,
            "75",
            visibility=Visibility.PUBLIC,
        ),
        "inspection": body("Inspection du travail – DREETS Île-de-France", "DREETS IDF", T.LABOUR_INSPECTION, "75"),
    }


def names(found):
    return [r.organisation.name for r in found]


@pytest.mark.parametrize("minors", [False, True])
def test_a_name_search_finds_every_parquet_the_local_one_first(public_bodies, case_worker, minors):
    found = recipients_for(viewer=case_worker, text="Parquet", anchors=["75"], minors=minors)
    assert names(found)[0] == "Parquet du tribunal judiciaire de Paris"
    assert "Parquet du tribunal judiciaire de Bobigny" in names(found)
    # Overseas last: never proposed before a body of metropolitan France.
    assert names(found)[-1] == "Parquet du tribunal judiciaire de Pointe-à-Pitre"


@pytest.mark.parametrize("text", ["BPM", "bpm 75", "Brigade", "brigades mineurs"])
def test_the_police_unit_is_found_by_acronym_and_name_for_a_minor(public_bodies, case_worker, text):
    found = recipients_for(viewer=case_worker, text=text, anchors=["93"], minors=True)
    assert names(found) == ["Brigade de protection des mineurs de Paris"]


def test_crip_for_a_child_exploited_in_seine_saint_denis_proposes_the_93_crip_first(public_bodies, case_worker):
    # Facts in 93, the sender (where the child is) in Marseille.
    found = recipients_for(
        viewer=case_worker, text="CRIP", service="information_preoccupante", anchors=["93", "13"], minors=True
    )
    assert names(found)[:2] == [
        "Cellule de recueil des informations préoccupantes de la Seine-Saint-Denis",
        "Cellule de recueil des informations préoccupantes des Bouches-du-Rhône",
    ]
    assert found.results[0].tier == IN_DEPARTEMENT
    # Then Paris by distance from 93.
    assert names(found)[2] == "Cellule de recueil des informations préoccupantes de Paris"


def test_a_transmission_reaches_the_bodies_the_law_names_with_its_legal_basis(public_bodies, case_worker):
    found = recipients_for(viewer=case_worker, service="report_prosecutor", anchors=["93"], referrals_only=True)
    assert names(found)[0] == "Parquet du tribunal judiciaire de Bobigny"
    assert {r.organisation.type for r in found} == {T.PROSECUTOR}
    assert any("Code de procédure pénale art. 40" in reason for reason in found.results[0].reasons)
    police = recipients_for(viewer=case_worker, service="hearing_complaint", anchors=["75"], referrals_only=True)
    assert names(police) == ["Brigade de protection des mineurs de Paris"]
    labour = recipients_for(viewer=case_worker, service="labour_inspection_report", anchors=["13"])
    assert names(labour) == ["Inspection du travail – DREETS Île-de-France"]
    assert any("L8112-1" in reason for reason in labour.results[0].reasons)


def test_combined_filters_and_an_empty_result_says_which_filter_to_loosen(public_bodies, case_worker):
    found = recipients_for(viewer=case_worker, text="Bobigny", service="information_preoccupante", anchors=["93"])
    assert names(found) == []
    assert any("service « Information préoccupante" in hint and ": 1 organisation" in hint for hint in found.hints)
    combined = recipients_for(viewer=case_worker, text="Bobigny", service="report_prosecutor", anchors=["93"])
    assert names(combined) == ["Parquet du tribunal judiciaire de Bobigny"]
    nothing = recipients_for(viewer=case_worker, text="Zorglub", anchors=["93"])
    assert nothing.hints == ["Sans le filtre sur le nom « Zorglub » : 9 organisation(s)."]


def test_members_only_bodies_stay_hidden_from_the_public(public_bodies):
    from maillage.directory.viewers import ANONYMOUS

    found = recipients_for(viewer=ANONYMOUS, text="Parquet", anchors=["75"])
    assert names(found) == []
    assert names(recipients_for(viewer=ANONYMOUS, text="CRIP", anchors=["75"]))[0].endswith("de Paris")


def test_the_directory_service_filter_finds_the_receiving_bodies(public_bodies, case_worker):
    from maillage.directory.selectors import search_directory

    found = search_directory(viewer=case_worker, service="information_preoccupante", departement="93")
    assert found[0].organisation.name.endswith("Seine-Saint-Denis")
    assert found.total == 1  # only the CRIP of the 93 works there
    assert "Service : Information préoccupante (protection de l'enfance)" in found[0].reasons
    assert search_directory(viewer=case_worker, service="information_preoccupante").total == 3


def test_the_directory_page_says_which_filter_to_loosen(client, public_bodies):
    from django.urls import reverse

    html = client.get(reverse("directory_list"), {"q": "CRIP", "departement": "69"}).content.decode()
    assert "0 organisation" in html
    assert "Sans le filtre sur le département : 3 organisation(s)." in html
