"""Links typed by people (an agenda item's link to a plan measure or a dossier).

Only two shapes are accepted: an address of this site ("/plan/…",
"/coordination/dossiers/…") or a web address (http:// or https://). Anything
else — "javascript:…", "data:…", a protocol-relative "//host" — is refused
when written and never rendered as a link: the text is typed by group pilots,
who may belong to any organisation of the network, and is shown to every
reader of the meeting (defence in depth on top of the CSP).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

_WEB = URLValidator(schemes=["http", "https"])


def is_safe_link(value: str) -> bool:
    value = (value or "").strip()
    if not value:
        return False
    if value.startswith("/"):
        # "//host" and "/\host" are read by browsers as another site.
        return not value.startswith(("//", "/\\")) and not any(c.isspace() or ord(c) < 32 for c in value)
    try:
        _WEB(value)
    except ValidationError:
        return False
    return True
