"""Compare two frozen versions measure by measure.

Measures are matched on their database id (stable across renumbering), so a
renumbered measure shows as reworded rather than removed and added again. Text
differences are computed word by word with difflib and rendered as escaped
HTML (<del>/<ins>), never trusting the measure text itself.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

FIELD_LABELS = {
    "number": _("Numéro"),
    "title": _("Intitulé"),
    "description": _("Description"),
    "priority_number": _("Axe"),
}


def word_diff_html(old: str, new: str) -> SafeString:
    a, b = old.split(), new.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return mark_safe(" ".join(out))  # every piece above is escaped


@dataclass
class MeasureChange:
    kind: str  # "added", "removed", "reworded", "unchanged"
    number: int
    title: str
    fields: dict[str, SafeString] = field(default_factory=dict)


def compare_snapshots(old: dict, new: dict) -> list[MeasureChange]:
    old_measures = {m["id"]: m for m in old.get("measures", [])}
    new_measures = {m["id"]: m for m in new.get("measures", [])}
    changes: list[MeasureChange] = []
    for mid, m in new_measures.items():
        before = old_measures.get(mid)
        if before is None:
            changes.append(MeasureChange("added", m["number"], m["title"]))
            continue
        fields = {}
        for key in ("number", "title", "description", "priority_number"):
            if str(before.get(key, "")) != str(m.get(key, "")):
                fields[str(FIELD_LABELS[key])] = word_diff_html(str(before.get(key, "")), str(m.get(key, "")))
        changes.append(MeasureChange("reworded" if fields else "unchanged", m["number"], m["title"], fields))
    for mid, m in old_measures.items():
        if mid not in new_measures:
            changes.append(MeasureChange("removed", m["number"], m["title"]))
    order = {"removed": 0, "added": 1, "reworded": 2, "unchanged": 3}
    return sorted(changes, key=lambda c: (c.number, order[c.kind]))
