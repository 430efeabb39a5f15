"""Closed lists of the core."""

from enum import StrEnum


class AuditAction(StrEnum):
    """Journal actions written by the core itself (the values are stored)."""

    KEYS_ROTATED = "security.keys_rotated"
