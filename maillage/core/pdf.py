"""Tagged, accessible PDFs (PDF/UA-1) from HTML templates, with WeasyPrint.

Every document Maillage hands out as a PDF (a consultation's synthesis, the
plan's progress, a meeting's minutes) is a State document: it carries the
« République française » block and the Marianne wordmark in text, as the
State's graphic charter asks (no image of the logo is needed, and nothing is
fetched over the network: the Marianne font ships with django-dsfr's static
files, and only `file:` URLs are fetched). `pdf_variant="pdf/ua-1"` makes
WeasyPrint write the structure tree (StructTreeRoot, MarkInfo /Marked true),
the document's language (`<html lang>`) and its title (`<title>`, shown as
the window title), so a screen reader reads headings, lists and tables in
order (RGAA / PDF/UA, ISO 14289-1).
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import get_language
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

PDF_VARIANT = "pdf/ua-1"


def _font_css() -> str:
    """@font-face rules for Marianne from the local DSFR files (DejaVu Sans otherwise)."""
    rules = []
    for weight, name in ((400, "Marianne-Regular.woff"), (700, "Marianne-Bold.woff")):
        found = finders.find(f"dsfr/dist/fonts/{name}")
        if found:
            rules.append(
                f"@font-face {{ font-family: 'Marianne'; font-weight: {weight}; "
                f"src: url('{Path(found).as_uri()}') format('woff'); }}"
            )
    return "\n".join(rules)


def render_pdf(template: str, context: dict, *, title: str) -> bytes:
    """Render `template` (which extends `pdf/base.html`) as a tagged PDF/UA-1
    document titled `title`, in the active language."""
    html = render_to_string(template, {**context, "pdf_title": title, "pdf_lang": get_language() or "fr"})
    fetcher = URLFetcher(allowed_protocols={"file"})
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=str(Path(__file__).resolve().parent), url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[CSS(string=_font_css(), url_fetcher=fetcher, font_config=fonts)],
        font_config=fonts,
        pdf_variant=PDF_VARIANT,
        pdf_identifier=title.encode()[:32] or b"maillage",
    )
