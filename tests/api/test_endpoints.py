"""The token endpoints go through the pages' selectors, policies and
services: another organisation's referral is a 404, a missing scope a 403,
bad input a problem detail with nothing written, and every write journaled."""

import json

import pytest

from maillage.api.enums import Scope
from maillage.core.models import AuditEvent
from maillage.referrals.enums import ReferralStatus
from maillage.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_without_a_token_a_french_problem_detail(client):
    answer = client.get("/api/v1/orientations/recues/")
    body = answer.json()
    assert answer.status_code == 401 and answer["Content-Type"] == "application/problem+json"
    assert body["status"] == 401 and body["title"] == "Authentification requise"
    assert answer["WWW-Authenticate"] == "Bearer"
    assert client.get("/api/v1/orientations/recues/", HTTP_AUTHORIZATION="Bearer mlg_faux").status_code == 401


def test_inbox_lists_the_organisations_received_referrals(refer, make_token, api):
    referral = refer()
    answer = api(make_token()).get("/api/v1/orientations/recues/")
    assert answer.status_code == 200
    row = answer.json()["results"][0]
    assert row["id"] == referral.pk and row["statut"] == ReferralStatus.SENT
    assert row["dossier"] == referral.case.reference and row["service_libelle"] == "Hébergement sécurisé"
    assert "nom" not in json.dumps(row).lower() or "nom" in row.get("service_libelle", "")


def test_a_missing_scope_is_a_403(refer, make_token, api):
    refer()
    secret = make_token(scopes=[Scope.QUEUES_READ])
    assert api(secret).get("/api/v1/orientations/recues/").status_code == 403
    assert api(secret).get("/api/v1/a-traiter/").status_code == 200


def test_another_organisations_token_gets_a_404(refer, make_token, api, other_organisation, member):
    from maillage.organisations.enums import Role

    referral = refer()
    admin = member(Role.CASE_WORKER, admin=True, organisation=other_organisation).user
    secret = make_token(organisation=other_organisation, user=admin)
    assert api(secret).get(f"/api/v1/orientations/{referral.pk}/").status_code == 404
    answer = api(secret).post(f"/api/v1/orientations/{referral.pk}/accepter/", {}, content_type="application/json")
    assert answer.status_code == 404
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT


def test_accept_through_the_service_journaled_like_a_page(refer, make_token, api, recipient_org):
    referral = refer()
    answer = api(make_token()).post(
        f"/api/v1/orientations/{referral.pk}/accepter/", {}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["statut"] == ReferralStatus.ACCEPTED
    assert AuditEvent.objects.filter(
        action__startswith="referral.", acting_organisation=recipient_org, object_id=str(referral.pk)
    ).exists()
    # A second decision is refused by the service, in French, nothing written.
    again = api(make_token()).post(
        f"/api/v1/orientations/{referral.pk}/refuser/", {"motif": "no_capacity"}, content_type="application/json"
    )
    assert again.status_code == 400 and again.json()["errors"]


@pytest.mark.parametrize(
    "body",
    [
        "{pas du json",
        json.dumps({"motif": "no_capacity", "inconnu": 1}),
        json.dumps({"motif": "pas-un-motif"}),
        json.dumps({"motif": ["no_capacity"]}),
        json.dumps({"motif": "other", "precisions": "x" * 501}),
    ],
)
def test_bad_input_is_a_problem_detail_and_nothing_is_written(refer, make_token, api, body):
    referral = refer()
    answer = api(make_token()).post(
        f"/api/v1/orientations/{referral.pk}/refuser/", body, content_type="application/json"
    )
    assert answer.status_code == 400 and answer["Content-Type"] == "application/problem+json"
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT


def test_the_read_only_scope_cannot_act(refer, make_token, api):
    referral = refer()
    secret = make_token(scopes=[Scope.REFERRALS_READ])
    answer = api(secret).post(f"/api/v1/orientations/{referral.pk}/accepter/", {}, content_type="application/json")
    assert answer.status_code == 403
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT


def test_cases_lists_the_organisations_cases_without_identity(make_case, sender, sender_org, make_token, api, member):
    from maillage.organisations.enums import Role

    case = make_case()
    admin = member(Role.CASE_WORKER, admin=True, organisation=sender_org).user
    answer = api(make_token(organisation=sender_org, user=admin)).get("/api/v1/dossiers/")
    rows = answer.json()["results"]
    assert [r["reference"] for r in rows] == [case.reference]
    assert set(rows[0]) == {"reference", "statut", "statut_libelle", "mineur", "partage", "ouvert_le", "mis_a_jour_le"}
