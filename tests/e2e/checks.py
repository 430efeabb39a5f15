"""Checks every page of a journey goes through (issue 10, « How it is shown »).

- `check_page`: axe (WCAG 2.1 A/AA), then no horizontal scroll at 1280 px and
  reflow at 320 px (WCAG 1.4.10).
- `check_words`: the visible text shows words, not codes (catalogue or enum
  values, snake_case or UPPER_CASE identifiers, rule identifiers, ISO dates);
  in English, no French interface text is left (a French message of the
  catalogue shown as is, or French words in the header, menu, headings,
  buttons, labels, table headers and badges).
- `check_both_languages`: `check_words` in French, then through the page's own
  language button in English (and the reflow again), and back to French.

Data the users typed or the demo invented (names of organisations and
people, free text) is not interface text: the English check reads only the
interface elements, minus the data strings the caller names."""

from __future__ import annotations

import functools
import gettext
import re
from pathlib import Path

from tests.e2e.conftest import ROOT, check_axe, follow

WIDTHS = (1280, 320)


def check_page(page) -> None:
    """axe, then no sideways scrolling at 1280 px and reflow at 320 px (WCAG 1.4.10)."""
    check_axe(page)
    check_reflow(page)


def check_reflow(page) -> None:
    """No horizontal scroll at 1280 px nor at 320 px; back to 1280 px."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (
            f"{page.url} ({page.locator('html').get_attribute('lang')}): {overflow} px of horizontal scroll at {width} px"
        )
    page.set_viewport_size({"width": 1280, "height": 900})


# Identifiers no user should read: snake_case and UPPER_CASE codes, rule
# identifiers (« R-CHILD-CRIP »), ISO dates (« 1999-04-12 »).
CODE_PATTERNS = (
    re.compile(r"(?<![\w@./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@])"),
    re.compile(r"(?<![\w@./-])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![\w@])"),
    re.compile(r"(?<![\w-])R-[A-Z]{2,}(?:-[A-Z0-9]+)*(?![\w-])"),
    re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])"),
)
# Addresses are not codes (an e-mail may hold an underscore).
NOT_TEXT = re.compile(r"\S+@\S+|https?://\S+")


@functools.cache
def enum_codes() -> frozenset[str]:
    """One-word values of the product's choices (« pending », « draft »…) that
    are not French words of the labels or of the interface's messages
    (« oral », « note »): shown on a French page, they are a code where a
    label should be."""
    import importlib
    import pkgutil

    from django.db import models

    import maillage

    for module in pkgutil.walk_packages(maillage.__path__, "maillage."):
        if module.name.endswith(".enums"):
            importlib.import_module(module.name)
    values, label_words = set(), set()

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("maillage."):
                for value, label in sub.choices:
                    if isinstance(value, str):
                        values.add(value)
                    label_words.update(w.lower() for w in re.findall(r"\w+", str(label)))
            walk(sub)

    walk(models.TextChoices)
    label_words |= french_vocabulary()
    return frozenset(v for v in values if re.fullmatch(r"[a-z]{3,}", v) and v not in label_words)


def _catalog() -> dict:
    path = Path(ROOT) / "locale" / "en" / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


@functools.cache
def french_vocabulary() -> frozenset[str]:
    """Every word of the interface's French messages."""
    words = set()
    for msgid in _catalog():
        msgid = msgid[0] if isinstance(msgid, tuple) else msgid
        words.update(w.lower() for w in re.findall(r"\w+", msgid))
    return frozenset(words)


@functools.cache
def french_messages() -> frozenset[str]:
    """The French messages the English catalogue translates differently: one
    of them shown whole on an English page was not translated there."""
    messages = set()
    for msgid, msgstr in _catalog().items():
        if isinstance(msgid, tuple):  # plural forms: (msgid, index)
            msgid = msgid[0]
        if not msgid or "%" in msgid or "{" in msgid:
            continue
        msgid = " ".join(msgid.split())
        translated = msgstr if isinstance(msgstr, str) else ""
        if msgid != " ".join(translated.split()) and (len(msgid.split()) >= 2 or re.search(r"[éèêàçùûôîœ]", msgid)):
            messages.add(msgid.lower())
    return frozenset(messages)


FRENCH_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "du",
        "de",
        "et",
        "pour",
        "une",
        "aux",
        "vos",
        "votre",
        "dans",
        "avec",
        "sans",
        "est",
        "sont",
        "pas",
        "au",
        "cette",
        "qui",
        "tous",
        "toutes",
        "aucun",
        "aucune",
        "voir",
        "ajouter",
        "enregistrer",
        "retour",
        "accueil",
        "dossier",
        "dossiers",
    ]
)
FRENCH_LETTERS = re.compile(r"[éèêàçùûôîœÉÈÊÀÇ]")
# Interface elements: what the product writes, not what users type.
INTERFACE = (
    "header a, header button, nav a, nav button, main h1, main h2, main h3, main h4, main button, "
    "main label, main legend, main th, main dt, main .fr-badge, main .fr-tag, main .fr-btn, "
    "main .fr-breadcrumb a, footer a"
)
# French on purpose: the State's logo (« République française ») and the
# button that switches back to French, marked lang="fr".
# Names and legal terms that stay French in English (glossary: the Ac.Sé
# scheme, the département, the information préoccupante).
PROPER_NAMES = re.compile(r"Ac\.Sé|départements?|informations? préoccupantes?|République française", re.IGNORECASE)
FRENCH_ON_PURPOSE = ".fr-logo, body [lang=fr]"


def _visible_text(page) -> str:
    return NOT_TEXT.sub(" ", page.locator("body").inner_text())


def check_words(page, *, data: tuple[str, ...] = ()) -> None:
    """No code on the page; in English, no French interface text left.

    `data` names the strings that are data, not interface (organisation and
    person names, free text the journey typed): they are left out of the
    English check."""
    lang = page.locator("html").get_attribute("lang")
    text = _visible_text(page)
    found = sorted({m.group(0) for pattern in CODE_PATTERNS for m in pattern.finditer(text)})
    if lang == "fr":
        # A French word users typed (« un bar ») is not a code shown in place of a label.
        typed = text
        for value in sorted(data, key=len, reverse=True):
            typed = typed.replace(value, " ")
        words = set(re.findall(r"(?<![\w-])[a-z]{3,}(?![\w-])", typed))
        found += sorted(words & enum_codes())
    assert not found, f"{page.url} ({lang}): codes shown to users: {found}"
    if lang != "en":
        return
    messages = french_messages()
    lines = {" ".join(line.split()) for line in text.splitlines()}
    for kept in (*page.locator(FRENCH_ON_PURPOSE).all_inner_texts(), *data):
        lines -= {" ".join(line.split()) for line in kept.splitlines()}
    left = sorted(line for line in lines if line.lower() in messages)
    texts = page.locator(INTERFACE).evaluate_all(
        "els => els.filter(e => e.offsetParent !== null && !e.closest('[lang=fr], .fr-logo') && !e.querySelector('.fr-logo'))"
        ".map(e => e.innerText)"
    )
    for raw in texts:
        cleaned = raw
        for value in sorted(data, key=len, reverse=True):
            cleaned = cleaned.replace(value, " ")
        cleaned = PROPER_NAMES.sub(" ", cleaned)
        cleaned = " ".join(cleaned.split())
        words = {w.lower() for w in re.findall(r"[^\W\d_]+", cleaned)}
        if FRENCH_LETTERS.search(cleaned) or words & FRENCH_WORDS:
            left.append(cleaned)
    assert not left, f"{page.url}: French text left on the English page: {sorted(set(left))}"


def people(page) -> tuple[str, ...]:
    """Names the page shows (the greeting, the organisation one acts for, the
    actors named in a history « (Julien Arnaud) »): data, not interface."""
    text = page.locator("main").inner_text()
    names = re.findall(r"\(([A-ZÀ-Ý][\w'-]+(?: [A-ZÀ-Ý][\w'-]+)+)\)", text)
    acting_for = re.findall(r"(?:Vous agissez pour|You are acting on behalf of) ([^\n]+?)\.?\n", text)
    # The header names the organisation one acts for (its short name).
    switcher = page.locator("header a[href$='/organisations/changer/']").all_inner_texts()
    greeting = re.findall(r"(?:Bonjour|Hello) ([^\n]+)", text)
    return tuple(names + acting_for + greeting + [name.strip() for name in switcher if name.strip()])


def switch_language(page, name: str) -> None:
    """Through the header's own language button (it returns to the same page)."""
    follow(page.locator("header").get_by_role("button", name=name).first)


def check_both_languages(page, *, data: tuple[str, ...] = ()) -> None:
    """`check_words` in French, in English (the header's button; reflow checked
    again), back in French.
    The page is left as it was, in French."""
    assert page.locator("html").get_attribute("lang") == "fr", page.url
    data = (*data, *people(page))
    check_words(page, data=data)
    switch_language(page, "English")
    assert page.locator("html").get_attribute("lang") == "en", page.url
    check_words(page, data=data)
    check_reflow(page)  # English words are not the same length
    switch_language(page, "Français")
    assert page.locator("html").get_attribute("lang") == "fr", page.url
