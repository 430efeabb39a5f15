"""API tokens (issue 14): created by an organisation's administrators only,
hashed at rest, shown once, never more than their creator's rights, revoked
at once, and worthless once their creator leaves the organisation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.api import services
from maillage.api.enums import Scope
from maillage.api.models import ApiToken
from maillage.core.models import AuditEvent
from maillage.organisations.enums import Role
from maillage.organisations.models import Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

IN_A_MONTH = datetime.timedelta(days=30)


def _create(org, user, scopes=(Scope.REFERRALS_READ,), **kw):
    return services.create_token(
        organisation=org,
        acting_user=user,
        name=kw.pop("name", "Logiciel"),
        scopes=list(scopes),
        expires_on=kw.pop("expires_on", timezone.localdate() + IN_A_MONTH),
    )


def test_the_secret_is_stored_only_as_a_keyed_hash(recipient_org, recipient_admin):
    token, secret = _create(recipient_org, recipient_admin)
    assert secret.startswith("mlg_") and len(secret) == 52
    stored = ApiToken.objects.values_list("secret_hash", "prefix").get(pk=token.pk)
    assert secret not in stored[0] and secret[4:12] == stored[1]
    row = AuditEvent.objects.get(action="api.token_created")
    assert secret not in str(row.details) and row.acting_organisation == recipient_org


def test_only_the_organisations_administrators_create_tokens(recipient_org, recipient, outsider):
    with pytest.raises(PermissionDenied):
        _create(recipient_org, recipient)  # a case worker, not an administrator
    with pytest.raises(PermissionDenied):
        _create(recipient_org, outsider)
    assert not ApiToken.objects.exists()


def test_a_token_never_gives_more_than_its_creators_rights(recipient_org):
    admin_only = MembershipFactory(organisation=recipient_org, role=Role.MEMBER, is_admin=True).user
    with pytest.raises(ValidationError) as refused:
        _create(recipient_org, admin_only, scopes=[Scope.REFERRALS_READ])
    assert "travailleur social" in str(refused.value)
    token, _secret = _create(recipient_org, admin_only, scopes=[Scope.QUEUES_READ])
    assert token.scopes == [Scope.QUEUES_READ]


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"name": "  "}, "name"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["cases:delete"]}, "scopes"),
        ({"expires_on": datetime.date(2020, 1, 1)}, "expires_on"),
        ({"expires_on": datetime.date.today() + datetime.timedelta(days=800)}, "expires_on"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_written(recipient_org, recipient_admin, kw, field):
    with pytest.raises(ValidationError) as refused:
        _create(recipient_org, recipient_admin, **kw)
    assert field in refused.value.message_dict
    assert not ApiToken.objects.exists() and not AuditEvent.objects.filter(action__startswith="api.").exists()


def test_revoked_at_once(recipient_org, recipient_admin, api):
    token, secret = _create(recipient_org, recipient_admin)
    assert api(secret).get("/api/v1/orientations/recues/").status_code == 200
    services.revoke_token(token=token, acting_user=recipient_admin)
    answer = api(secret).get("/api/v1/orientations/recues/")
    assert answer.status_code == 401 and answer["Content-Type"] == "application/problem+json"
    with pytest.raises(ValidationError):
        services.revoke_token(token=token, acting_user=recipient_admin)


def test_an_expired_token_is_refused(recipient_org, recipient_admin, api):
    token, secret = _create(recipient_org, recipient_admin)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert api(secret).get("/api/v1/orientations/recues/").status_code == 401


def test_a_token_stops_when_its_creator_leaves_the_organisation(recipient_org, recipient_admin, api):
    _token, secret = _create(recipient_org, recipient_admin)
    Membership.objects.filter(user=recipient_admin).update(is_active=False, removed_at=timezone.now())
    answer = api(secret).get("/api/v1/orientations/recues/")
    assert answer.status_code == 401 and "n'est plus membre" in answer.json()["detail"]


def test_the_token_page_shows_the_secret_once_and_lists_tokens(client, login, recipient_org, recipient_admin):
    login(client, recipient_admin)
    page = client.get(f"/organisations/{recipient_org.slug}/membres/")
    assert f"/organisations/{recipient_org.slug}/jetons-api/" in page.content.decode()
    answer = client.post(
        f"/organisations/{recipient_org.slug}/jetons-api/",
        {
            "name": "Logiciel de suivi",
            "scopes": [Scope.REFERRALS_READ],
            "expires_on": (timezone.localdate() + IN_A_MONTH).isoformat(),
        },
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and "copiez-le maintenant" in html and "mlg_" in html
    assert answer["Cache-Control"] == "no-store"
    again = client.get(f"/organisations/{recipient_org.slug}/jetons-api/").content.decode()
    assert "mlg_" not in again and "Logiciel de suivi" in again
    token = ApiToken.objects.get()
    client.post(f"/organisations/{recipient_org.slug}/jetons-api/{token.pk}/revoquer/")
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == recipient_admin


def test_the_token_page_is_a_404_for_anyone_but_an_administrator(client, login, recipient_org, recipient, outsider):
    for user in (recipient, outsider):
        login(client, user)
        assert client.get(f"/organisations/{recipient_org.slug}/jetons-api/").status_code == 404
