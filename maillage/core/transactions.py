"""Where a transaction begins.

A service entry point (called by a view, a task, a command or the API) opens
the transaction: `transaction.atomic(durable=True)`, so a caller that already
holds a transaction cannot silently swallow it and its on-commit emails
(Zulip's convention). A service *step* is a write that another service calls
inside its own transaction (a referral accepted grants access to the case, in
the cases domain): it is decorated `@step`, refuses to run outside a
transaction, and never commits on its own.

`tests/test_consistency.py` holds the rule: in `maillage/*/services*`, every
`transaction.atomic(...)` is durable, or sits in a `@step`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.db import transaction


def step(func: Callable) -> Callable:
    """Mark a service step: it joins the caller's transaction."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError(f"{func.__qualname__} is a service step: call it inside a service's transaction.")
        with transaction.atomic():
            return func(*args, **kwargs)

    wrapper.is_service_step = True
    return wrapper
