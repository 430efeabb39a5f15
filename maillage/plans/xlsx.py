"""Progress export to XLSX and re-import after offline editing.

The file carries one row per measure with codes (not labels) in the columns that
are re-imported, so a round trip loses nothing. Import checks every row first
and writes nothing when any row is wrong (per-row French errors); the rows are
applied by services.import_progress.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from .enums import Completion, Health
from .models import MeasureStatus, Plan

HEADERS = ["numero", "axe", "intitule", "statut", "avancement", "sante", "achevement"]
MAX_ROWS = 2000


def export_progress(plan: Plan) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Avancement"
    ws.append(HEADERS)
    for m in plan.measures.select_related("priority", "status").order_by("number"):
        ws.append(
            [
                m.number,
                m.priority.number,
                m.title,
                m.status.code if m.status else "",
                m.progress,
                m.health,
                m.completion,
            ]
        )
    help_ws = wb.create_sheet("Codes")
    help_ws.append(["colonne", "code", "libellé"])
    for s in MeasureStatus.objects.all():
        help_ws.append(["statut", s.code, s.label])
    for value, label in Health.choices:
        help_ws.append(["sante", value, str(label)])
    for value, label in Completion.choices:
        help_ws.append(["achevement", value, str(label)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def parse_progress(plan: Plan, data: bytes) -> tuple[list[dict], list[str]]:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types on a non-XLSX file
        return [], [_("Le fichier n'est pas un classeur XLSX lisible.")]
    ws = wb["Avancement"] if "Avancement" in wb.sheetnames else wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    if not rows or [str(c or "").strip().lower() for c in rows[0][: len(HEADERS)]] != HEADERS:
        return [], [_("La première ligne doit contenir les colonnes : %(cols)s.") % {"cols": ", ".join(HEADERS)}]
    if len(rows) - 1 > MAX_ROWS:
        return [], [_("Le fichier compte trop de lignes (%(n)s au plus).") % {"n": MAX_ROWS}]
    numbers = set(plan.measures.values_list("number", flat=True))
    statuses = {s.code: s for s in MeasureStatus.objects.all()}
    out, errors, seen = [], [], set()
    for index, row in enumerate(rows[1:], start=2):
        if row is None or all(c in (None, "") for c in row):
            continue
        row = list(row) + [None] * (len(HEADERS) - len(row))
        number, _axe, _title, status, progress, health, completion = row[: len(HEADERS)]
        prefix = _("Ligne %(n)s : ") % {"n": index}
        try:
            number = int(number)
        except (TypeError, ValueError):
            errors.append(prefix + _("numéro de mesure illisible."))
            continue
        if number not in numbers:
            errors.append(prefix + _("la mesure n° %(n)s n'existe pas dans ce plan.") % {"n": number})
            continue
        if number in seen:
            errors.append(prefix + _("la mesure n° %(n)s apparaît deux fois.") % {"n": number})
            continue
        seen.add(number)
        try:
            progress = int(progress)
        except (TypeError, ValueError):
            errors.append(prefix + _("l'avancement doit être un nombre entier."))
            continue
        if not 0 <= progress <= 100:
            errors.append(
                prefix + _("l'avancement doit être compris entre 0 et 100 %% (valeur : %(v)s).") % {"v": progress}
            )
            continue
        status = str(status or "").strip()
        if status and status not in statuses:
            errors.append(prefix + _("statut « %(s)s » inconnu.") % {"s": status})
            continue
        if health not in Health.values:
            errors.append(prefix + _("état de santé « %(s)s » inconnu.") % {"s": health})
            continue
        if completion not in Completion.values:
            errors.append(prefix + _("niveau d'achèvement « %(s)s » inconnu.") % {"s": completion})
            continue
        out.append(
            {
                "number": number,
                "status": statuses.get(status),
                "progress": progress,
                "health": health,
                "completion": completion,
            }
        )
    return out, errors
