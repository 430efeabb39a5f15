import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from maillage.organisations.middleware import request_memberships

from . import mfa

SESSION_LAST_SEEN = "maillage.last_seen"
# When the person signed in (set on login, maillage.accounts.signals).
SESSION_AUTHENTICATED_AT = "maillage.authenticated_at"

# Paths a signed-in user without a second factor may still reach: enrolment,
# sign-out, language, static files, health.
_MFA_EXEMPT_PREFIXES = (
    "/comptes/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/accessibilite/",
    "/mentions-legales/",
    "/donnees-personnelles/",
)


class SessionIdleTimeoutMiddleware:
    """Sign out after SESSION_IDLE_TIMEOUT_SECONDS without a request, and
    SESSION_COOKIE_AGE (12 h) after signing in whatever the activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            # The session store renews its expiry at every write (the
            # last-seen stamp below, once a minute), so SESSION_COOKIE_AGE
            # alone never ends an active session: a stolen cookie kept busy
            # would live for ever (docs/security.md: sessions last at most
            # 12 h). A session from before this stamp existed starts its
            # clock now.
            authenticated_at = request.session.setdefault(SESSION_AUTHENTICATED_AT, now)
            if now - authenticated_at > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(request, _("Votre session a atteint sa durée maximale. Reconnectez-vous."))
                return redirect_to_login(request.path)
            last_seen = request.session.get(SESSION_LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.info(request, _("Votre session a expiré après une période d'inactivité. Reconnectez-vous."))
                # URL-encoded: a decoded « & » in the path must not add
                # parameters (a second next=) to the login URL.
                return redirect_to_login(request.path)
            # Writing the session on every request costs a query; a minute's
            # precision is enough for a 30-minute timeout.
            if last_seen is None or now - last_seen >= 60:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class RequireSecondFactorMiddleware:
    """Anyone who can read victims' data must have and have used a second
    factor (authenticator app or security key) before any other page
    (issue 2, docs/security.md §MFA)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and mfa.second_factor_required(user, request_memberships(request))
            # A session that used its second factor needs no further query.
            and not mfa.session_used_second_factor(request)
        ):
            if not mfa.has_second_factor(user):
                messages.warning(
                    request,
                    _(
                        "Votre rôle donne accès à des données de victimes : activez la double authentification pour "
                        "continuer."
                    ),
                )
                # The security page offers both methods: an authenticator app
                # or a security key.
                return redirect("mfa_index")
            logout(request)
            messages.error(
                request,
                _(
                    "Cette session n'a pas utilisé de second facteur. Reconnectez-vous avec votre code ou votre clé "
                    "de sécurité."
                ),
            )
            return redirect("account_login")
        return self.get_response(request)
