"""The annual return submitted by the organisation's software (issue 14;
rules.md §5.6): the statistics services' checks, all or nothing, per-row
French errors in the problem document, a submitted version locked and a
correction a new version with its reason."""

import datetime
import json

import pytest

from maillage.api.enums import Scope
from maillage.core.models import AuditEvent
from maillage.statistics import services as stats_services
from maillage.statistics.enums import AuditAction, ReturnSource
from maillage.statistics.models import Record, ReturnVersion

pytestmark = pytest.mark.django_db

ROW = {
    "sexe": "F",
    "age_debut_exploitation": 30,
    "mineur_pendant_exploitation": "N",
    "nationalites": ["NG"],
    "formes_exploitation": "PROX",
    "lieu_exploitation": "FR-75",
    "lieu_recrutement": "NG",
    "statut": "presumed",
    "annee_premier_suivi": datetime.date.today().year,
}


@pytest.fixture
def campaign(coordinator, organisation):
    return stats_services.open_campaign(
        year=datetime.date.today().year,
        deadline=datetime.date.today() + datetime.timedelta(days=30),
        organisations=[organisation],
        acting_user=coordinator,
    )


@pytest.fixture
def software(make_token, api, organisation, org_admin):
    return api(make_token(scopes=[Scope.RETURN_SUBMIT], organisation=organisation, user=org_admin))


def submit(client, year, body, **extra):
    return client.post(
        f"/api/v1/enquete-annuelle/{year}/retour/", json.dumps(body), content_type="application/json", **extra
    )


def test_the_return_is_submitted_and_locked_journaled(software, campaign, org_admin, organisation):
    answer = submit(software, campaign.year, {"personnes": [ROW, {**ROW, "sexe": "M"}]})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["transmis"] is True and body["versions"][0]["personnes"] == 2
    version = ReturnVersion.objects.get()
    assert version.submitted_by == org_admin and version.source == ReturnSource.API and version.number == 1
    assert sorted(Record.objects.values_list("sex", flat=True)) == ["F", "M"]
    row = AuditEvent.objects.get(action=AuditAction.RETURN_SUBMITTED)
    assert row.acting_organisation == organisation and row.path.startswith("/api/v1/enquete-annuelle/")
    # The expected columns and their codes come with the state.
    state = software.get(f"/api/v1/enquete-annuelle/{campaign.year}/retour/").json()
    assert "sexe" in [c["colonne"] for c in state["colonnes"]]


def test_one_bad_row_refuses_all_with_per_row_french_errors(software, campaign):
    rows = [ROW, {**ROW, "sexe": "Q", "age_debut_exploitation": 300}, {**ROW, "linkage_hash": "abc"}]
    answer = submit(software, campaign.year, {"personnes": rows})
    assert answer.status_code == 400 and answer["Content-Type"] == "application/problem+json"
    body = answer.json()
    assert "rien n'est enregistré" in body["detail"]
    by_line = {r["ligne"]: r["erreurs"] for r in body["errors"]["personnes"]}
    assert set(by_line) == {2, 3}
    assert set(by_line[2]) == {"sexe", "age_debut_exploitation"} and "inconnu" in by_line[2]["sexe"][0]
    assert by_line[3] == {"linkage_hash": ["colonne inconnue du questionnaire."]}
    assert not ReturnVersion.objects.exists() and not Record.objects.exists()


def test_a_submitted_return_is_corrected_by_a_new_version_with_its_reason(software, campaign):
    assert submit(software, campaign.year, {"personnes": [ROW]}).status_code == 201
    again = submit(software, campaign.year, {"personnes": [ROW, ROW]})
    assert again.status_code == 400 and "motif" in again.json()["errors"]
    corrected = submit(software, campaign.year, {"personnes": [ROW, ROW], "motif": "Deux personnes oubliées."})
    assert corrected.status_code == 201
    first, second = ReturnVersion.objects.order_by("number")
    assert first.record_count == 1 and first.records.count() == 1  # locked, unchanged
    assert second.reason == "Deux personnes oubliées." and second.submitted_at and second.record_count == 2


def test_a_first_return_has_no_reason(software, campaign):
    answer = submit(software, campaign.year, {"personnes": [ROW], "motif": "?"})
    assert answer.status_code == 400 and "motif" in answer.json()["errors"]
    assert not ReturnVersion.objects.exists()


def test_not_invited_missing_scope_and_closed_campaign(
    make_token, api, campaign, other_organisation, member, organisation, org_admin, coordinator
):
    from maillage.organisations.enums import Role

    outsider_admin = member(Role.CASE_WORKER, admin=True, organisation=other_organisation).user
    outsider = api(make_token(scopes=[Scope.RETURN_SUBMIT], organisation=other_organisation, user=outsider_admin))
    assert submit(outsider, campaign.year, {"personnes": [ROW]}).status_code == 404
    assert outsider.get(f"/api/v1/enquete-annuelle/{campaign.year}/retour/").status_code == 404
    reader = api(make_token(scopes=[Scope.CASES_READ], organisation=organisation, user=org_admin))
    assert submit(reader, campaign.year, {"personnes": [ROW]}).status_code == 403
    stats_services.close_campaign(campaign=campaign, acting_user=coordinator)
    software = api(make_token(scopes=[Scope.RETURN_SUBMIT], organisation=organisation, user=org_admin))
    closed = submit(software, campaign.year, {"personnes": [ROW]})
    assert closed.status_code == 400 and "annee" in closed.json()["errors"]
    assert not ReturnVersion.objects.exists()


@pytest.mark.parametrize("body", [{"personnes": []}, {"personnes": "x"}, {"personnes": [1]}, {"autre": 1}, []])
def test_malformed_bodies_are_refused(software, campaign, body):
    answer = submit(software, campaign.year, body)
    assert answer.status_code == 400 and answer["Content-Type"] == "application/problem+json"
    assert not ReturnVersion.objects.exists()
