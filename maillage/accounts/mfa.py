"""Who must use a second factor, and whether this session used one."""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator

from maillage.organisations.enums import Role
from maillage.organisations.selectors import active_memberships

SESSION_PROCONNECT_MFA = "maillage.proconnect_mfa"

# The methods that make a second factor. Recovery codes are a way back in
# when such a method is lost, not a method of their own: allauth creates them
# with the first one and deletes them with the last one.
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def second_factor_required(user, memberships=None) -> bool:
    """A second factor is mandatory for anyone who reads victims' data, and
    for administrators and coordinators (they grant such access or see the
    national picture). `memberships`: the user's active memberships when the
    caller already has them (one query per request, see the middleware)."""
    if memberships is None:
        memberships = active_memberships(user)
    return any(m.role in (Role.CASE_WORKER, Role.COORDINATOR) or m.is_admin for m in memberships)


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def has_second_factor(user) -> bool:
    """An authenticator app or at least one security key is enrolled."""
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTOR_TYPES).exists()


def session_used_second_factor(request) -> bool:
    if request.session.get(SESSION_PROCONNECT_MFA):
        return True
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))
