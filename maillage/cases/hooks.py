"""Extension points other domains register into (from their AppConfig.ready()).

The case file does not import the referrals domain (which depends on it);
instead referrals registers what the case file must ask or tell it:

- a case becoming treated as a minor: the mandatory child-protection steps
  are created at once (issue 5, R-CHILD-CRIP, R-MNA), not left to a person's
  memory or to the next sweep;
- an identity erased or anonymised: the free text kept about the person is
  wiped (R-PRIVACY);
- a case about to close: the minors' chain refuses while a mandatory step is
  open (rules.md §3.5);
- a read of identifying data through a grant: the Ac.Sé pathway journals its
  host's reads without naming the host to the owner (R-ACSE).

Every hook runs inside the calling service's transaction (or read): a hook
that raises rolls the whole service back.
"""

from __future__ import annotations

from collections.abc import Callable

_on_treated_as_minor: list[Callable] = []
_on_identity_wiped: list[Callable] = []
_closure_checks: list[Callable] = []
_partner_read_journals: list[Callable] = []


def _register(registry: list[Callable], func: Callable) -> None:
    if func not in registry:
        registry.append(func)


def register_on_treated_as_minor(func: Callable) -> None:
    """`func(case=..., acting_user=...)`, called inside the service transaction."""
    _register(_on_treated_as_minor, func)


def case_became_minor(*, case, acting_user) -> None:
    for func in _on_treated_as_minor:
        func(case=case, acting_user=acting_user)


def register_on_identity_wiped(func: Callable) -> None:
    """`func(case=...)`, called inside the transaction that erases (GDPR
    art. 17) or anonymises (retention, art. 5.1 e) the person's identity: other
    domains wipe the free text they keep about the person (R-PRIVACY)."""
    _register(_on_identity_wiped, func)


def identity_wiped(*, case) -> None:
    for func in _on_identity_wiped:
        func(case=case)


def register_closure_check(func: Callable) -> None:
    """`func(case=...)`, called by `services.change_status` before a case is
    closed, under the case's row lock; it raises a French `ValidationError`
    (keyed « reason ») to refuse the closure."""
    _register(_closure_checks, func)


def check_closure(*, case) -> None:
    for func in _closure_checks:
        func(case=case)


def register_partner_read_journal(func: Callable) -> None:
    """`func(actor=..., case=..., grants=..., action=..., details=...) -> bool`,
    called for every read of identifying data (identity, a document) by someone
    who reads the case through `grants` (its open `CaseAccessGrant`s) rather
    than as the owner. A hook that journals the read itself returns True and
    the ordinary READ row is not written; the first True wins."""
    _register(_partner_read_journals, func)


def journal_partner_read(*, actor, case, grants, action: str, details: dict | None) -> bool:
    return any(
        func(actor=actor, case=case, grants=grants, action=action, details=details) for func in _partner_read_journals
    )
