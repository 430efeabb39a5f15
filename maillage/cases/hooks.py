"""Extension points other domains register into (from their AppConfig.ready()).

The case file does not import the referrals domain (which depends on it);
instead referrals registers what must happen when a case becomes treated as a
minor: the mandatory child-protection steps are created at once (issue 5,
R-CHILD-CRIP, R-MNA), not left to a person's memory or to the next sweep.
"""

from __future__ import annotations

from collections.abc import Callable

_on_treated_as_minor: list[Callable] = []
_on_identity_wiped: list[Callable] = []


def register_on_treated_as_minor(func: Callable) -> None:
    """`func(case=..., acting_user=...)`, called inside the service transaction."""
    if func not in _on_treated_as_minor:
        _on_treated_as_minor.append(func)


def case_became_minor(*, case, acting_user) -> None:
    for func in _on_treated_as_minor:
        func(case=case, acting_user=acting_user)


def register_on_identity_wiped(func: Callable) -> None:
    """`func(case=...)`, called inside the transaction that erases (GDPR
    art. 17) or anonymises (retention, art. 5.1 e) the person's identity: other
    domains wipe the free text they keep about the person (R-PRIVACY)."""
    if func not in _on_identity_wiped:
        _on_identity_wiped.append(func)


def identity_wiped(*, case) -> None:
    for func in _on_identity_wiped:
        func(case=case)
