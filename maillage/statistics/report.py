"""A release as a tagged PDF report (PDF/UA-1 with the State's identity,
maillage/core/pdf.py): every table of the release as published, with its
notes, then the method and the disclosure rules (R-PRIVACY). Only the
protected payloads are read, so the report shows exactly what the pages and
the CSV show (« s » for a suppressed cell)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maillage.core.pdf import render_pdf

from . import presentation, selectors
from .models import Release


def _notes(item: dict, lang: str) -> list[str]:
    notes = []
    population = item.get("population") or {}
    if population.get("status") == "identified":
        notes.append(_("Champ : victimes identifiées."))
    elif population:
        notes.append(_("Champ : victimes enregistrées (identifiées ou présumées), au sens d'Eurostat."))
    if any(d["variable"] in ("form", "service") for d in item["dims"]):
        notes.append(_("Une personne peut relever de plusieurs modalités : les lignes ne s'additionnent pas."))
    rates = item.get("rates")
    if rates:
        notes.append(
            _("Taux pour 100 000 habitants (ODD 16.2.2), population de référence %(y)s : %(s)s.")
            % {"y": rates["reference_year"], "s": rates["source"]}
        )
    if item.get("family") == "opendata":
        notes.append(_("Effectifs bruités (confidentialité différentielle) : proches des vrais sans les révéler."))
    if any(value is None for _coords, value in item["cells"]):
        notes.append(_("« s » : valeur non diffusée (secret statistique)."))
    return notes


def release_pdf(release: Release, *, public: bool) -> bytes:
    """The report of `release`: the public tables only when `public`, every
    table for the statistics team and the national rapporteur."""
    lang = (get_language() or "fr")[:2]
    tables = selectors.public_tables(release) if public else release.tables.order_by("position")
    sections = []
    for table in tables:
        item = table.payload
        sections.append({**presentation.grid(item, lang), "key": table.key, "notes": _notes(item, lang)})
    title = _("Statistiques de la traite des êtres humains : enquête %(y)s, publication n° %(n)s") % {
        "y": release.campaign.year,
        "n": release.number,
    }
    return render_pdf(
        "statistics/pdf/release.html",
        {
            "release": release,
            "sections": sections,
            "public": public,
            "threshold": release.threshold,
            "threshold_minus": release.threshold - 1,
            "today": timezone.localdate(),
        },
        title=title,
    )
