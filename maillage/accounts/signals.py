import time

from allauth.account.signals import user_logged_in, user_logged_out
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.signals import user_logged_in as django_user_logged_in
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from maillage.core import audit
from maillage.core.models import AuditKind

from .enums import AuditAction

PROCONNECT_BACKEND = "maillage.accounts.proconnect.ProConnectBackend"

# Security events go to the audit journal (who signed in, failed, enrolled a
# second factor). Business writes are audited by services, not signals.


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record(action=AuditAction.LOGIN, actor=user, kind=AuditKind.SECURITY, target=user, target_label=user.email)


@receiver(django_user_logged_in)
def _start_session_clock(sender, request, user, **kwargs):
    # Django's signal, sent by every way in (password + second factor,
    # ProConnect): the session's maximum age counts from here
    # (SessionIdleTimeoutMiddleware).
    if request is not None and hasattr(request, "session"):
        from .middleware import SESSION_AUTHENTICATED_AT

        request.session[SESSION_AUTHENTICATED_AT] = int(time.time())


@receiver(django_user_logged_in)
def _logged_in_through_proconnect(sender, request, user, **kwargs):
    # allauth's user_logged_in (journalled above) is not sent for a ProConnect
    # sign-in, which goes through Django's login only.
    if (
        request is not None
        and hasattr(request, "session")
        and request.session.get(BACKEND_SESSION_KEY) == PROCONNECT_BACKEND
    ):
        audit.record(
            action=AuditAction.LOGIN,
            actor=user,
            kind=AuditKind.SECURITY,
            target=user,
            target_label=user.email,
            details={"method": "proconnect"},
        )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(
            action=AuditAction.LOGOUT, actor=user, kind=AuditKind.SECURITY, target=user, target_label=user.email
        )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the fact and the request context: the attempted email could be a
    # typo of a third person's address, it is not kept.
    audit.record(action=AuditAction.LOGIN_FAILED, actor=None, kind=AuditKind.SECURITY)


@receiver(authenticator_added)
def _authenticator_added(sender, request, user, authenticator, **kwargs):
    audit.record(
        action=AuditAction.MFA_ADDED,
        actor=user,
        kind=AuditKind.SECURITY,
        target=user,
        target_label=user.email,
        details={"type": authenticator.type},
    )


@receiver(authenticator_removed)
def _authenticator_removed(sender, request, user, authenticator, **kwargs):
    audit.record(
        action=AuditAction.MFA_REMOVED,
        actor=user,
        kind=AuditKind.SECURITY,
        target=user,
        target_label=user.email,
        details={"type": authenticator.type},
    )
