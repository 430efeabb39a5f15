"""The collection's states as tables (the service refuses anything not listed).

A return version is a draft until submitted; once submitted it is locked:
a correction is a new version (with its reason), never an edit."""

from __future__ import annotations

from .enums import CampaignStatus

CAMPAIGN_TRANSITIONS: dict[tuple[str, str], str] = {
    (CampaignStatus.OPEN, CampaignStatus.CLOSED): "close",
}

# (is draft, action) -> allowed
VERSION_ACTIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"import", "derive", "edit", "submit"}),
    "submitted": frozenset({"correct"}),
}


def version_state(version) -> str:
    return "draft" if version is not None and version.submitted_at is None else "submitted"


def allows(version, action: str) -> bool:
    return action in VERSION_ACTIONS[version_state(version)]


def can_transition(status: str, target: str) -> bool:
    return (status, target) in CAMPAIGN_TRANSITIONS
