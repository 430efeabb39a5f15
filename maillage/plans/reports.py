"""Consultation report in PDF (fpdf2) and CSV.

The PDF uses DejaVu Sans (Unicode: « », œ, accents, ·) when the font is on the
system; otherwise it falls back to Helvetica with a latin-1 transliteration
(documented in docs/domain/plans.md).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from maillage.organisations.enums import OrganisationType

from . import selectors

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _pdf():
    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=15)
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        return pdf, "DejaVu", (lambda s: s)

    def latin1(text: str) -> str:
        text = text.replace("œ", "oe").replace("Œ", "OE").replace("’", "'").replace("·", ".")
        return unicodedata.normalize("NFC", text).encode("latin-1", "replace").decode("latin-1")

    return pdf, "Helvetica", latin1


def consultation_pdf(round_) -> bytes:
    data = selectors.synthesis(round_)
    pdf, font, t = _pdf()
    pdf.add_page()
    width = pdf.epw

    def heading(text, size=14):
        pdf.set_font(font, "B", size)
        pdf.multi_cell(width, 8, t(text), new_x="LMARGIN", new_y="NEXT")

    def para(text, size=10):
        pdf.set_font(font, "", size)
        pdf.multi_cell(width, 5, t(text), new_x="LMARGIN", new_y="NEXT")

    heading(_("Synthèse de la consultation : %(t)s") % {"t": round_.title}, 16)
    para(
        _("Plan : %(p)s — version %(v)s. Consultation du %(a)s au %(b)s. Document établi le %(d)s.")
        % {
            "p": round_.plan.title,
            "v": round_.version.number,
            "a": timezone.localtime(round_.opens_at).strftime("%d/%m/%Y"),
            "b": timezone.localtime(round_.closes_at).strftime("%d/%m/%Y"),
            "d": timezone.localdate().strftime("%d/%m/%Y"),
        }
    )
    para(
        _("%(p)s positions, %(c)s commentaires, %(a)s amendements.")
        % {"p": data["n_positions"], "c": data["n_comments"], "a": data["n_amendments"]}
    )
    heading(_("Positions par mesure"), 13)
    labels = [str(v.label) for v in data["values"]]
    for row in data["measure_rows"]:
        counts = ", ".join(f"{label} : {n}" for label, n in zip(labels, row["counts"], strict=True))
        para(f"{row['measure'].number}. {row['measure'].title} — {counts}")
    heading(_("Positions par type d'organisation"), 13)
    for row in data["type_rows"]:
        counts = ", ".join(f"{label} : {n}" for label, n in zip(labels, row["counts"], strict=True))
        para(f"{row['type']} — {counts}")
    heading(_("Contributions par thème et réponses"), 13)
    for theme in data["themes"]:
        heading(str(theme["priority"]), 11)
        for a in theme["amendments"]:
            para(
                _("Amendement n° %(id)s (%(org)s) sur la mesure %(m)s — %(d)s")
                % {
                    "id": a.pk,
                    "org": a.organisation.display_name,
                    "m": a.measure.number,
                    "d": a.get_decision_display(),
                }
            )
            para(_("Rédaction proposée : %(t)s") % {"t": a.proposed_text}, 9)
            if a.answer:
                para(_("Réponse : %(t)s") % {"t": a.answer}, 9)
        for c in theme["comments"]:
            para(
                _("Commentaire n° %(id)s (%(org)s, %(s)s) sur la mesure %(m)s : %(b)s")
                % {
                    "id": c.pk,
                    "org": c.organisation.display_name,
                    "s": c.get_stance_display(),
                    "m": c.measure.number,
                    "b": c.body,
                },
                9,
            )
    if data["hearings"]:
        heading(_("Auditions"), 13)
        for h in data["hearings"]:
            para(f"{h.date:%d/%m/%Y} — {h.organisation.display_name} — {h.participants}")
            para(h.summary, 9)
    return bytes(pdf.output())


def consultation_csv(round_) -> str:
    """One line per contribution (positions, comments, amendments) with its answer.

    Internal notes are never exported: they are the coordination's working
    space. Cells starting with = + - @ are prefixed to defuse spreadsheet formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            "type",
            "id",
            "mesure",
            "axe",
            "organisation",
            "type_organisation",
            "valeur",
            "texte",
            "motifs",
            "recommandation",
            "decision",
            "reponse",
        ]
    )
    types = dict(OrganisationType.choices)

    def safe(value):
        value = str(value)
        return "'" + value if value[:1] in ("=", "+", "-", "@") else value

    for p in round_.positions.select_related("organisation", "measure__priority").order_by("measure__number"):
        writer.writerow(
            [
                safe(x)
                for x in [
                    "position",
                    p.pk,
                    p.measure.number,
                    p.measure.priority.number,
                    p.organisation.display_name,
                    types.get(p.organisation.type, ""),
                    p.get_value_display(),
                    p.argument,
                    "",
                    "",
                    "",
                    "",
                ]
            ]
        )
    for c in round_.comments.select_related("organisation", "measure__priority"):
        writer.writerow(
            [
                safe(x)
                for x in [
                    "commentaire",
                    c.pk,
                    c.measure.number,
                    c.measure.priority.number,
                    c.organisation.display_name,
                    types.get(c.organisation.type, ""),
                    c.get_stance_display(),
                    c.body,
                    "",
                    "",
                    "",
                    "",
                ]
            ]
        )
    for a in round_.amendments.select_related("organisation", "measure__priority"):
        writer.writerow(
            [
                safe(x)
                for x in [
                    "amendement",
                    a.pk,
                    a.measure.number,
                    a.measure.priority.number,
                    a.organisation.display_name,
                    types.get(a.organisation.type, ""),
                    a.get_field_display(),
                    a.proposed_text,
                    a.rationale,
                    a.get_recommendation_display(),
                    a.get_decision_display(),
                    a.answer,
                ]
            ]
        )
    return buffer.getvalue()
