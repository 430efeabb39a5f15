"""The PDFs are tagged, accessible (PDF/UA-1) State documents (issue 10, item 10)."""

import re
import zlib

import pytest
from django.urls import reverse
from django.utils import translation

from maillage.plans import reports, services
from maillage.plans.enums import MeasureOutcome

from .conftest import measure

pytestmark = pytest.mark.django_db


def _text_of(pdf: bytes) -> str:
    """The PDF's objects, inflated where compressed (to look for keys and metadata)."""
    parts = [pdf.decode("latin-1")]
    # The end-of-line before « endstream » is optional (ISO 32000-2 §7.3.8.1), so a
    # compressed stream ending in a CR or LF byte must not lose it: take everything up
    # to « endstream » and let a decompress object ignore what follows the data.
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            parts.append(zlib.decompressobj().decompress(stream).decode("utf-8", "replace"))
        except zlib.error:
            parts.append(stream.decode("utf-8", "replace"))
    # UTF-16BE strings of the document information dictionary (« /Title <FEFF…> »).
    for hexa in re.findall(r"<([Ff][Ee][Ff][Ff][0-9A-Fa-f]+)>", parts[0] + "".join(parts)):
        parts.append(bytes.fromhex(hexa).decode("utf-16"))
    return "\n".join(parts)


def assert_tagged(pdf: bytes, title: str, lang: str = "fr") -> None:
    text = _text_of(pdf)
    assert pdf.startswith(b"%PDF-1.7")
    assert "/StructTreeRoot" in text
    assert "/MarkInfo" in text and "/Marked true" in text
    assert f"/Lang ({lang})" in text
    assert "pdfuaid:part" in text  # PDF/UA identification in the XMP metadata
    assert "/DisplayDocTitle true" in text
    # The title is in the document information (UTF-16 hex or literal) and the XMP metadata.
    assert title in text


def test_synthesis_pdf_is_tagged_and_carries_the_written_synthesis(coordinator, draft_plan, open_round):
    services.save_synthesis(
        round=open_round,
        overall="Le réseau demande des formations.",
        items={measure(draft_plan, 3).pk: (MeasureOutcome.NOT_RETAINED, "Hors du champ du plan.")},
        acting_user=coordinator,
    )
    with translation.override("fr"):
        pdf = reports.consultation_pdf(open_round)
    assert_tagged(pdf, "Synthèse de la consultation : Consultation du collectif")
    assert "+Marianne" in _text_of(pdf)  # the State's typeface is embedded, from the local DSFR files


def test_progress_pdf_in_english_says_so(coordinator, draft_plan, client, login):
    with translation.override("en"):
        pdf = reports.progress_pdf(draft_plan)
    assert_tagged(pdf, draft_plan.title, lang="en")
    login(client, coordinator)
    response = client.get(reverse("plans:progress_pdf", args=[draft_plan.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
