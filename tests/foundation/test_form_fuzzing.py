"""Form fuzzing (issue 16, « Fuzzing »): hypothesis posts generated data to
every form of the product a signed-in person reaches, and the answer is never
a 500.

The forms are discovered, not listed: for each profile (an organisation
administrator who is a case worker, a coordinator), the pages reachable from
the home page are crawled (bounded), and every `<form method="post">` found
is kept with its action and its fields (inputs, selects, textareas, files).
A form added later is therefore fuzzed without editing this file.

Each example sends, per field, a plausible value or a hostile one (huge
strings, control characters, unicode edge cases, SQL and HTML payloads,
numbers out of range, impossible dates, lists, files of the wrong type), may
omit fields and add unknown ones. Asserted for every answer:
- no server error (status < 500);
- a page shown again speaks French (none of Django's English default
  messages), and when it shows a form error (DSFR error classes) nothing was
  written (no new journal row other than reads — every service writes one,
  docs/architecture.md).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.cases import services
from maillage.core.models import AuditEvent, AuditKind
from maillage.organisations.enums import Role
from tests.cases.conftest import base_facts, base_identity
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

MAX_PAGES = 40  # per profile; the crawl is breadth-first from the home page
EXAMPLES_PER_FORM = 4
# Links never followed and forms never posted: signing out ends the session
# the rest of the crawl needs; downloads and exports are not pages.
SKIP = re.compile(r"logout|deconnexion|/telecharger|/export|download|\.csv|\.pdf|\.ics|/api/|/admin/|/static/")
ERROR_MARKERS = re.compile(
    r"fr-(?:input-group|fieldset|select|checkbox-group|radio-group|input|range-group)--error|fr-error-text|fr-message--error"
)
ENGLISH_DEFAULTS = (
    "This field is required",
    "Enter a valid",
    "Select a valid choice",
    "Ensure this value",
    "is not a valid",
    "Enter a whole number",
    "The submitted file is empty",
    "No file was submitted",
)


class _Forms(HTMLParser):
    """Links and POST forms of a page (names, types, values, options)."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._form = {"action": attrs.get("action") or "", "fields": {}} if method == "post" else None
        elif self._form is None:
            return
        elif tag in ("input", "textarea", "button") and attrs.get("name"):
            kind = attrs.get("type", "text" if tag != "textarea" else "textarea")
            if kind in ("submit", "reset", "image") and tag != "button":
                return
            options = [attrs.get("value", "")] if kind not in ("checkbox", "radio") else [attrs.get("value", "on")]
            field = self._form["fields"].setdefault(attrs["name"], {"type": kind, "options": []})
            field["options"] += options
        elif tag == "select" and attrs.get("name"):
            self._select = self._form["fields"].setdefault(attrs["name"], {"type": "select", "options": []})
        elif tag == "option" and self._select is not None:
            self._select["options"].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None


def _crawl(client, start="/"):
    """Breadth-first over the pages of the product; returns {action: fields}."""
    seen, queue, forms = set(), [start], {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} answered {response.status_code}"
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode("utf-8", "replace"))
        for form in parser.forms:
            action = urljoin(url, form["action"]) if form["action"] else url
            if not SKIP.search(action) and "csrfmiddlewaretoken" in form["fields"]:
                forms.setdefault(urlsplit(action).path, form["fields"])
        for href in parser.links:
            target = urlsplit(urljoin(url, href))
            if target.scheme or target.netloc or SKIP.search(target.path) or not target.path.startswith("/"):
                continue
            path = target.path + (f"?{target.query}" if target.query else "")
            if path not in seen:
                queue.append(path)
    return forms


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
HOSTILE = st.one_of(
    _text,
    st.sampled_from(
        [
            "",
            " ",
            "A" * 100_000,
            "\x00",
            "nul\x00byte",
            "\x01\x02\x1b[31m\x7f",
            "\u202e\u200b\ufeff",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🏳️‍🌈 ﷽",
            "e\u0301" * 500,
            "'; DROP TABLE cases_case; --",
            "' OR '1'='1",
            '<script>alert("x")</script>',
            "{{ 7*7 }} {% debug %}",
            "-1",
            "0",
            "²",
            "١٢",
            "99999999999999999999999999",
            "1e309",
            "NaN",
            "2026-02-30",
            "31/02/2026",
            "0000-00-00",
            "9999-12-31",
            "true",
            "[]",
            '{"a": 1}',
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def _file_values():
    return st.sampled_from(
        [
            "not-a-file",
            SimpleUploadedFile("note.pdf", b"%PDF-1.4 fictif", content_type="application/pdf"),
            SimpleUploadedFile("../../evil.png", b"\x00\x01\x02", content_type="image/png"),
            SimpleUploadedFile("vide.pdf", b"", content_type="application/pdf"),
            SimpleUploadedFile("page.html", b"<script>alert(1)</script>", content_type="text/html"),
        ]
    )


def _field_values(field):
    if field["type"] == "file":
        return _file_values()
    plausible = [o for o in field["options"] if o is not None]
    choices = [st.sampled_from(plausible)] if plausible else []
    single = st.one_of(*choices, HOSTILE)
    return st.one_of(single, st.lists(single, min_size=2, max_size=3))


def _payloads(fields: dict):
    names = [n for n in fields if n != "csrfmiddlewaretoken"]
    return st.fixed_dictionaries(
        {name: st.one_of(st.none(), _field_values(fields[name])) for name in names},
        optional={"champ_inconnu": HOSTILE},
    ).map(lambda data: {k: v for k, v in data.items() if v is not None})


def _writes() -> int:
    return AuditEvent.objects.exclude(kind=AuditKind.READ).count()


def _fuzzer(client, action: str, fields: dict):
    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=_payloads(fields))
    def post(data):
        for value in data.values():
            if hasattr(value, "seek"):
                value.seek(0)
        # The language switcher is fuzzed too: back to French each time.
        client.cookies.pop(django_settings.LANGUAGE_COOKIE_NAME, None)
        before = _writes()
        response = client.post(action, data)
        assert response.status_code < 500, f"POST {action} {sorted(data)} answered {response.status_code}"
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            page = response.content.decode("utf-8", "replace")
            english = [m for m in ENGLISH_DEFAULTS if m in page]
            assert not english, f"POST {action}: English error message {english}"
            if ERROR_MARKERS.search(page):
                assert _writes() == before, f"POST {action}: refused form, yet something was written"

    return post


@pytest.fixture
def world(organisation, coordination):
    admin = MembershipFactory(organisation=organisation, role=Role.CASE_WORKER, is_admin=True).user
    colleague = MembershipFactory(organisation=organisation, role=Role.CASE_WORKER).user
    case = services.create_case(
        organisation=organisation,
        acting_user=admin,
        facts=base_facts(),
        identity=base_identity(),
        confirm_duplicate=True,
    )
    services.add_note(case=case, acting_user=colleague, text="Premier entretien.")
    coordinator = MembershipFactory(organisation=coordination, role=Role.COORDINATOR, is_admin=True).user
    return {"admin": admin, "coordinator": coordinator, "case": case}


@pytest.mark.parametrize("profile", ["admin", "coordinator"])
def test_no_form_answers_a_server_error_to_generated_data(client, login, world, profile):
    login(client, world[profile])
    forms = _crawl(client)
    # The crawl reached the product's forms (not only the language switcher).
    assert len(forms) >= 3, sorted(forms)
    for action, fields in sorted(forms.items()):
        _fuzzer(client, action, fields)()


def test_a_multiple_choice_beyond_64_bits_is_refused_not_a_server_error(organisation):
    """What the fuzzing found on the coordination dossier form: a number out
    of the 64-bit range reached the `pk__in` query and the page answered 500."""
    from django import forms

    from maillage.organisations.models import Organisation
    from maillage.www.fields import ModelMultipleChoiceField

    class Choice(forms.Form):
        organisations = ModelMultipleChoiceField(queryset=Organisation.objects.all())

    for value in ([str(2**70)], [str(-(2**70))], [str(organisation.pk), "99999999999999999999999999"]):
        form = Choice({"organisations": value})
        assert not form.is_valid()
        assert "organisations" in form.errors
    assert Choice({"organisations": [str(organisation.pk)]}).is_valid()
