"""CSV for the open data (flat rows; lists joined with « | »)."""

from __future__ import annotations

import csv
import io

from rest_framework.renderers import BaseRenderer

from maillage.core.csvsafe import neutralise


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data.get("results", data) if isinstance(data, dict) else data
        if isinstance(rows, dict):  # a problem detail or a single object
            rows = [rows]
        buffer = io.StringIO()
        view = (renderer_context or {}).get("view")
        serializer_class = getattr(view, "serializer_class", None)
        # The header comes from the declared shape, so an empty page still has its columns.
        header = list(serializer_class().fields) if serializer_class else list(rows[0].keys()) if rows else []
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(row.get(key)) for key in header])
        return buffer.getvalue().encode("utf-8")


def _cell(value) -> str:
    if isinstance(value, list | tuple | set):
        value = " | ".join(str(v) for v in value)
    return neutralise(value)
