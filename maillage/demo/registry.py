"""Demo-data seeders contributed by each domain (module `<app>/demo.py`).

A seeder is `func(ctx: SeedContext) -> None`; it must be idempotent (running
`seed_demo` twice creates nothing new) and fictional (no real person's name).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SeedContext:
    size: str  # "demo", "national" or "3x" (three times national: how costs grow, issue 17)
    rng: random.Random
    stdout: object
    accounts: list[dict] = field(default_factory=list)
    shared: dict = field(default_factory=dict)  # objects seeders pass on to later ones

    @property
    def national(self) -> bool:
        """Benchmark volumes (national or more)."""
        return self.size in ("national", "3x")

    @property
    def scale(self) -> int:
        """Multiplier of the national volumes (organisations, cases, referrals)."""
        return 3 if self.size == "3x" else 1

    def log(self, message: str) -> None:
        self.stdout.write(message)


_seeders: dict[str, tuple[int, Callable[[SeedContext], None]]] = {}


def register(name: str, *, order: int):
    def decorator(func):
        _seeders[name] = (order, func)
        return func

    return decorator


def seeders() -> list[tuple[str, Callable[[SeedContext], None]]]:
    return [(name, func) for name, (order, func) in sorted(_seeders.items(), key=lambda item: item[1][0])]
