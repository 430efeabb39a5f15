"""Statistical disclosure control for every table that leaves the statistics area.

The API a caller uses (the release pages today, the national referrals view
later) is three names:

- `Variable` and `Table` (`model.py`): a table is counts over one or more
  classifications, margins included, with the population it counts;
- `protect(tables, variables, rules=Rules(), previous=None)` (`protect.py`):
  primary suppression of small counts, then secondary suppression chosen by a
  MILP (HiGHS) for all the tables together, checked by the attacker's linear
  programs, optionally against a release already published;
- `attack(protected, ...)` (`attacker.py`): the attacker's bounds on every
  suppressed cell from everything published.

See docs/domain/statistics.md (« Disclosure control ») for the method and
what the attacker is assumed to know.
"""

from .attacker import attack
from .model import TOTAL, Release, Table, Variable
from .protect import Cell, Protected, ProtectedTable, Rules, protect, protection_interval

__all__ = [
    "TOTAL",
    "Cell",
    "Protected",
    "ProtectedTable",
    "Release",
    "Rules",
    "Table",
    "Variable",
    "attack",
    "protect",
    "protection_interval",
]
