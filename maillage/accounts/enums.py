"""Closed lists of accounts."""

from enum import StrEnum


class AuditAction(StrEnum):
    """Journal actions about accounts and sign-in (the values are stored)."""

    LOGIN = "auth.login"
    LOGOUT = "auth.logout"
    LOGIN_FAILED = "auth.login_failed"
    MFA_ADDED = "auth.mfa_added"
    MFA_REMOVED = "auth.mfa_removed"
    PROFILE_UPDATED = "account.profile_updated"
