"""Helpers shared by the benchmark modules (bench/bench_*.py).

Contract: each module defines `run(ctx) -> list[dict]`, called by bench/run.py
once Django is set up against a database seeded with `seed_demo --size
national`. Each dict is {"name", "value", "unit", "target", "better"} where
better is "lower" or "higher". `ctx.vendor` is "sqlite" or "postgresql";
`ctx.client_for(user)` returns a django.test.Client signed in with a second
factor. Benchmarks never become assertions in the test suite.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timings_ms(fn: Callable[[], object], *, repeat: int = 200, warmup: int = 10) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def p95_ms(fn: Callable[[], object], *, repeat: int = 200, warmup: int = 10) -> float:
    return round(percentile(timings_ms(fn, repeat=repeat, warmup=warmup), 95), 2)


def median_ms(fn: Callable[[], object], *, repeat: int = 200, warmup: int = 10) -> float:
    return round(statistics.median(timings_ms(fn, repeat=repeat, warmup=warmup)), 2)


def result(name: str, value: float, unit: str, target: float | None, better: str) -> dict:
    assert better in {"lower", "higher"}
    return {"name": name, "value": value, "unit": unit, "target": target, "better": better}


def signed_in_session_key(user) -> str:
    """A stored session for `user`, signed in with a second factor, as the HTTP
    load generators send it in a cookie (bench/run.py and bench/soak.py call this
    in a subprocess against the served database). Far-future `last_seen` so the
    idle timeout never ends it during a run."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["account_authentication_methods_user"] = str(user.pk)
    session["account_authentication_methods"] = [{"method": "mfa", "at": time.time(), "type": "totp"}]
    session["maillage.last_seen"] = int(time.time()) + 10**6
    session.create()
    return session.session_key
