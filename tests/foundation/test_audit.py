"""The audit journal is written with the action and cannot be rewritten."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from maillage.core import audit
from maillage.core.context import RequestContext, bind
from maillage.core.models import AuditEvent, AuditKind
from maillage.organisations import services
from maillage.organisations.enums import Role
from maillage.organisations.models import Invitation

pytestmark = pytest.mark.django_db

REFUSED = (DatabaseError, IntegrityError)


class Boom(Exception):
    pass


def test_service_writes_its_audit_row_in_the_same_transaction(org_admin, organisation, monkeypatch):
    # The service opens its own transaction (durable=True, so no caller can
    # wrap it): a failure after the audit row is written — here while queuing
    # the email — rolls the invitation and its audit row back together.
    def boom(**kwargs):
        assert AuditEvent.objects.filter(action="membership.invited").exists()
        raise Boom

    monkeypatch.setattr(services, "send_email", boom)
    with pytest.raises(Boom):
        services.invite_member(
            organisation=organisation, email="nina@exemple.fr", role=Role.MEMBER, acting_user=org_admin
        )
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.filter(action="membership.invited").exists()


def test_a_service_refuses_to_run_inside_a_callers_transaction(org_admin, organisation):
    # durable=True: a caller holding a transaction cannot swallow the
    # service's (and its on-commit emails).
    with pytest.raises(RuntimeError), transaction.atomic():
        services.invite_member(
            organisation=organisation, email="nina@exemple.fr", role=Role.MEMBER, acting_user=org_admin
        )


def test_audit_row_says_who_what_where(org_admin, organisation):
    with bind(
        RequestContext(request_id="abc123", method="POST", path="/organisations/x/inviter/", ip_address="192.0.2.10")
    ):
        issued = services.invite_member(
            organisation=organisation, email="nina@exemple.fr", role=Role.MEMBER, acting_user=org_admin
        )
    event = AuditEvent.objects.get(action="membership.invited")
    assert event.actor == org_admin
    assert event.actor_label == org_admin.email
    assert event.organisation == organisation
    assert event.kind == AuditKind.ADMIN
    assert event.object_type == "organisations.invitation"
    assert event.object_id == str(issued.invitation.pk)
    assert (event.request_id, event.method, event.path, event.ip_address) == (
        "abc123",
        "POST",
        "/organisations/x/inviter/",
        "192.0.2.10",
    )


def test_request_id_of_a_web_request_is_recorded(client, org_admin, organisation, login):
    login(client, org_admin)
    response = client.post(
        f"/organisations/{organisation.slug}/inviter/", {"email": "nina@exemple.fr", "role": Role.MEMBER}
    )
    event = AuditEvent.objects.get(action="membership.invited")
    assert event.request_id == response["X-Request-Id"]
    assert event.method == "POST"


def _one_event(org_admin, organisation):
    return audit.record(
        action="test.event", actor=org_admin, kind=AuditKind.SECURITY, organisation=organisation, details={"n": 1}
    )


def test_database_refuses_update(org_admin, organisation):
    event = _one_event(org_admin, organisation)
    with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = %s WHERE id = %s", ["rewritten", event.pk])
    event.refresh_from_db()
    assert event.action == "test.event"


def test_database_refuses_delete(org_admin, organisation):
    event = _one_event(org_admin, organisation)
    with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_orm_bulk_update_and_delete_are_refused_too(org_admin, organisation):
    _one_event(org_admin, organisation)
    with pytest.raises(REFUSED), transaction.atomic():
        AuditEvent.objects.update(action="rewritten")
    with pytest.raises(REFUSED), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(action="test.event").count() == 1


def test_model_refuses_save_and_delete(org_admin, organisation):
    event = _one_event(org_admin, organisation)
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


@pytest.mark.parametrize("key", ["first_name", "last_name", "birth_date", "address", "phone", "name"])
def test_details_cannot_carry_identity(org_admin, key):
    with pytest.raises(ValueError, match="identity"):
        audit.record(action="test.event", actor=org_admin, details={key: "Dupont"})
    assert not AuditEvent.objects.filter(action="test.event").exists()


def test_failed_login_keeps_no_attempted_email(client, case_worker):
    client.post("/comptes/login/", {"login": case_worker.email, "password": "mauvais-mot-de-passe"})
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None
    assert case_worker.email not in str(event.details) + event.object_label + event.actor_label


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_transactional_tests_can_reset_the_database(org_admin, organisation):
    # Live-server and transaction tests flush the tables between tests; the
    # append-only triggers must not make that flush fail.
    _one_event(org_admin, organisation)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_append_only_still_holds_after_a_flush(org_admin, organisation):
    from django.core.management import call_command

    from maillage.organisations.models import Organisation

    _one_event(org_admin, organisation)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    event = audit.record(
        action="test.event",
        actor=None,
        organisation=Organisation.objects.create(name="X", slug="x", type="other", territory_level="national"),
    )
    with pytest.raises(REFUSED), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    with pytest.raises(REFUSED), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, action="test.event").exists()


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no trusted proxy: the header is ignored
        (1, "198.51.100.66, 203.0.113.9", "203.0.113.9"),  # a forged first entry is not taken
        (1, "203.0.113.9", "203.0.113.9"),
        (2, "198.51.100.66, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (3, "203.0.113.9", "203.0.113.9"),  # fewer entries than proxies: the leftmost
        (1, "", "10.0.0.2"),
    ],
)
def test_the_journal_takes_the_address_our_proxy_appended(settings, rf, count, forwarded, expected):
    from maillage.core.middleware import client_ip

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = count
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == expected


@pytest.mark.parametrize("details", [{"changes": {"first_name": "x"}}, {"rows": [{"birth_date": "2001-01-01"}]}])
def test_identity_keys_are_refused_at_any_depth(org_admin, details):
    with pytest.raises(ValueError, match="identity"):
        audit.record(action="x.y", actor=org_admin, details=details)
    assert not AuditEvent.objects.filter(action="x.y").exists()
