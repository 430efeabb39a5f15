"""Signing in: password then TOTP code, and every refusal around it."""

import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.conf import settings
from django.urls import reverse

from maillage.core.encryption import TOKEN_PREFIX, decrypt_str
from maillage.core.models import AuditEvent
from maillage.organisations.enums import Role

from ..factories import TEST_PASSWORD, TEST_TOTP_SECRET, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/login/"
MFA = "/comptes/2fa/authenticate/"


def current_code(secret: str = TEST_TOTP_SECRET) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def wrong_code(secret: str = TEST_TOTP_SECRET) -> str:
    valid = {format_hotp_value(hotp_value(secret, c)) for c in yield_hotp_counters_from_time()}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def post_password(client, email, password=TEST_PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_login_with_password_then_totp(client, case_worker):
    response = post_password(client, case_worker.email)
    assert response.status_code == 302
    assert response["Location"].startswith(MFA)
    assert not is_signed_in(client)

    response = client.post(MFA, {"code": current_code()})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert is_signed_in(client)

    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor=case_worker).exists()


def test_wrong_password_gets_a_french_message(client, case_worker):
    response = post_password(client, case_worker.email, "pas-le-bon-mot-de-passe")
    assert response.status_code == 200
    text = response.content.decode()
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in text
    assert 'role="alert"' in text
    assert not is_signed_in(client)
    assert AuditEvent.objects.filter(action="auth.login_failed").exists()


def test_wrong_totp_code_is_refused(client, case_worker):
    post_password(client, case_worker.email)
    response = client.post(MFA, {"code": wrong_code()})
    assert response.status_code == 200
    assert "Code incorrect" in response.content.decode()
    assert not is_signed_in(client)


def test_replayed_totp_code_is_refused(client, case_worker):
    code = current_code()
    post_password(client, case_worker.email)
    assert client.post(MFA, {"code": code}).status_code == 302
    assert is_signed_in(client)
    client.post("/comptes/logout/")
    assert not is_signed_in(client)

    post_password(client, case_worker.email)
    response = client.post(MFA, {"code": code})
    assert response.status_code == 200
    assert "Code incorrect" in response.content.decode()
    assert not is_signed_in(client)


def test_repeated_failures_are_rate_limited(client, case_worker):
    # "5/300s/key": five failures for one address, then even the right
    # password is refused for a while.
    assert "login_failed" in settings.ACCOUNT_RATE_LIMITS
    for _ in range(5):
        response = post_password(client, case_worker.email, "mauvais-mot-de-passe")
        assert response.status_code == 200
    response = post_password(client, case_worker.email)
    assert response.status_code in (200, 429)
    assert response.status_code != 302
    assert "Trop de tentatives" in response.content.decode() or response.status_code == 429
    assert not is_signed_in(client)


def test_case_worker_without_totp_must_enrol_first(client, member, login):
    user = MembershipFactory(
        organisation=member().organisation, role=Role.CASE_WORKER, user=UserFactory(with_totp=False)
    ).user
    login(client, user, second_factor=False)
    session = client.session
    session["account_authentication_methods_user"] = str(user.pk)
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True}
    ]
    session.save()
    for path in (reverse("home"), reverse("notifications"), reverse("organisation_switch")):
        response = client.get(path)
        assert response.status_code == 302, path
        # The security page, which offers an authenticator app or a security key.
        assert response["Location"] == reverse("mfa_index")
    enrol = client.get(reverse("mfa_index"))
    assert enrol.status_code == 200
    assert "activez la double authentification" in enrol.content.decode()
    assert reverse("mfa_activate_totp") in enrol.content.decode()
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_session_without_second_factor_is_logged_out(client, case_worker, login):
    login(client, case_worker, second_factor=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert not is_signed_in(client)


def test_plain_member_without_totp_uses_the_home_page(client, organisation, login):
    user = MembershipFactory(organisation=organisation, role=Role.MEMBER, user=UserFactory(with_totp=False)).user
    login(client, user, second_factor=False)
    response = client.get(reverse("home"))
    assert response.status_code == 200


def test_idle_session_is_logged_out(client, case_worker, login):
    with time_machine.travel("2026-03-02 09:00:00 +0100", tick=False) as traveller:
        login(client, case_worker)
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(settings.SESSION_IDLE_TIMEOUT_SECONDS - 120)
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(settings.SESSION_IDLE_TIMEOUT_SECONDS + 1)
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert not is_signed_in(client)


def test_totp_secret_is_encrypted_at_rest(case_worker):
    authenticator = Authenticator.objects.get(user=case_worker, type=Authenticator.Type.TOTP)
    stored = authenticator.data["secret"]
    assert stored.startswith(TOKEN_PREFIX)
    assert TEST_TOTP_SECRET not in stored
    assert decrypt_str(stored) == TEST_TOTP_SECRET


def test_signup_is_closed(client):
    from django.contrib.auth import get_user_model

    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "<form" not in response.content.decode() or "password1" not in response.content.decode()
    client.post(
        reverse("account_signup"),
        {"email": "nouveau@exemple.fr", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
    )
    assert not get_user_model().objects.filter(email="nouveau@exemple.fr").exists()


def test_login_page_is_in_french(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "Connexion à Maillage" in response.content.decode()


def test_active_session_ends_after_its_maximum_age(client, case_worker, login):
    # docs/security.md: sessions last at most 12 h. The idle-timeout write on
    # every minute of activity renews the session's expiry in the store, so
    # without a limit of its own an active (or stolen and kept-busy) session
    # would never end.
    with time_machine.travel("2026-03-02 09:00:00 +0100", tick=False) as traveller:
        login(client, case_worker)
        # A request every 20 minutes: never idle for 30.
        elapsed = 0
        while elapsed + 20 * 60 < settings.SESSION_COOKIE_AGE:
            assert client.get(reverse("home")).status_code == 200, elapsed
            traveller.shift(20 * 60)
            elapsed += 20 * 60
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(settings.SESSION_COOKIE_AGE - elapsed + 1)
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert not is_signed_in(client)


def test_idle_sign_out_keeps_the_page_as_one_next_parameter(client, case_worker, login):
    # The decoded path went into the query string as is: « & » or « ? » in it
    # added parameters of its own (a second next= pointing elsewhere).
    from urllib.parse import parse_qs, urlsplit

    with time_machine.travel("2026-03-02 09:00:00 +0100", tick=False) as traveller:
        login(client, case_worker)
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(settings.SESSION_IDLE_TIMEOUT_SECONDS + 1)
        response = client.get("/notifications/x%26next%3Dhttps://ailleurs.example/")
        assert response.status_code == 302
        query = parse_qs(urlsplit(response["Location"]).query)
        assert query == {"next": ["/notifications/x&next=https://ailleurs.example/"]}


def test_the_sign_in_address_cannot_be_changed_by_its_holder(client, login, plain_member):
    """allauth's address page would let a session holder add an unverified
    address and make it primary, then reset the password there."""
    from allauth.account.models import EmailAddress

    login(client, plain_member)
    response = client.get("/comptes/email/")
    assert response.status_code == 200
    html = response.content.decode()
    assert plain_member.email in html and "demandez à un administrateur" in html
    for action in ("action_add", "action_primary"):
        response = client.post("/comptes/email/", {action: "", "email": "voleur@exemple.fr"})
        assert response.status_code == 405
    plain_member.refresh_from_db()
    assert plain_member.email != "voleur@exemple.fr"
    assert not EmailAddress.objects.filter(email="voleur@exemple.fr").exists()
