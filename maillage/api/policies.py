"""Who manages an organisation's API tokens: its administrators only."""

from __future__ import annotations

from maillage.organisations.actor import as_actor

from .enums import SCOPE_NEEDS_CASE_WORKER


def can_manage_tokens(actor, organisation) -> bool:
    return organisation is not None and as_actor(actor).is_admin_of(organisation)


def can_grant_scope(actor, organisation, scope: str) -> bool:
    """A token never gives more than its creator holds: the scopes that reach
    victims' data need a case worker of the organisation (R-PRIVACY)."""
    actor = as_actor(actor)
    if not can_manage_tokens(actor, organisation):
        return False
    return scope not in SCOPE_NEEDS_CASE_WORKER or actor.is_case_worker_of(organisation)
