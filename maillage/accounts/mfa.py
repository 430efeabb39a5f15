"""Who must use a second factor, and whether this session used one."""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator

SESSION_PROCONNECT_MFA = "maillage.proconnect_mfa"


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_used_second_factor(request) -> bool:
    if request.session.get(SESSION_PROCONNECT_MFA):
        return True
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))
