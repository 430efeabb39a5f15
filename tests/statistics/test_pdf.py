"""The release report is a tagged PDF/UA State document holding every table."""

import pytest
from django.utils import translation

from maillage.statistics import report, services
from tests.plans.test_pdf import _text_of, assert_tagged

from .helpers import BASE

pytestmark = pytest.mark.django_db


@pytest.fixture
def release(campaign, organisation, admin, team):
    for _ in range(14):
        services.save_record(campaign=campaign, organisation=organisation, raw=dict(BASE), acting_user=admin)
    services.save_record(campaign=campaign, organisation=organisation, raw={**BASE, "sex": "M"}, acting_user=admin)
    services.submit_return(campaign=campaign, organisation=organisation, acting_user=admin)
    return services.publish_release(campaign=campaign, acting_user=team)


def test_the_release_report_is_tagged_and_holds_every_table(release):
    with translation.override("fr"):
        pdf = report.release_pdf(release, public=False)
        public = report.release_pdf(release, public=True)
    title = f"Statistiques de la traite des êtres humains : enquête {release.campaign.year}, publication n° 1"
    assert_tagged(pdf, title)
    assert_tagged(public, title)
    # At least one tagged table per published table (the structure tree's /Table
    # elements; a table running over a page break is tagged once per page).
    tables = release.tables.count()
    public_tables = release.tables.filter(family__in=("miprof", "opendata")).count()
    assert _text_of(pdf).count("/S /Table") >= tables
    assert public_tables <= _text_of(public).count("/S /Table") < _text_of(pdf).count("/S /Table")


def test_the_report_is_downloaded_by_the_rapporteur_and_the_public_not_by_an_organisation(
    release, rapporteur, admin, client, login
):
    year = release.campaign.year
    assert client.get("/statistiques/rapport.pdf")["Content-Type"] == "application/pdf"  # public, no sign-in
    login(client, admin)
    assert client.get(f"/statistiques/publications/{year}/1/rapport.pdf").status_code == 404
    login(client, rapporteur)
    page = client.get(f"/statistiques/publications/{year}/1/").content.decode()
    assert f"/statistiques/publications/{year}/1/rapport.pdf" in page
    response = client.get(f"/statistiques/publications/{year}/1/rapport.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
