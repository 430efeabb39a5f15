"""The consultation's synthesis and the plan's progress as tagged PDFs
(PDF/UA-1, WeasyPrint, maillage/core/pdf.py: State identity, Marianne,
language and title), and the contributions in CSV."""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.csvsafe import neutralise
from maillage.core.pdf import render_pdf
from maillage.organisations.enums import OrganisationType

from . import selectors


def consultation_pdf(round_) -> bytes:
    """The written synthesis (overall, measure by measure) with the counts of
    the contributions, the contributions by theme and the hearings. Internal
    notes are never in it."""
    written = selectors.written_synthesis(round_)
    return render_pdf(
        "plans/pdf/synthesis.html",
        {
            **selectors.synthesis(round_),
            "written": written,
            "lines": selectors.synthesis_lines(round_, written),
            "today": timezone.localdate(),
        },
        title=_("Synthèse de la consultation : %(t)s") % {"t": round_.title},
    )


def progress_pdf(plan) -> bytes:
    """The plan's progress, axe by axe and measure by measure (public fields only)."""
    return render_pdf(
        "plans/pdf/progress.html",
        {**selectors.plan_overview(plan), "today": timezone.localdate()},
        title=_("Avancement du plan : %(t)s") % {"t": plan.title},
    )


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

    for p in round_.positions.select_related("organisation", "measure__priority").order_by("measure__number"):
        writer.writerow(
            [
                neutralise(str(x))
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
                neutralise(str(x))
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
                neutralise(str(x))
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
    written = selectors.written_synthesis(round_)
    for line in selectors.synthesis_lines(round_, written) if written else []:
        item = line["item"]
        writer.writerow(
            [
                neutralise(str(x))
                for x in [
                    "synthese",
                    written.pk,
                    line["measure"].number,
                    line["measure"].priority.number,
                    "",
                    "",
                    item.get_outcome_display() if item else "",
                    "",
                    item.reason if item else "",
                    "",
                    "",
                    "",
                ]
            ]
        )
    return buffer.getvalue()
