"""Legal references in the reader's language (issue 10 item 9: the legal
bases are read in English too).

A reference (« Code de procédure pénale art. 15-3 et 17 ») is data in the
catalogues and the rules; its article numbers are the same in every
language, only the names of the codes and the joining words change. The
French names stay the reference: the English ones are the usual
translations of Légifrance's codes."""

from __future__ import annotations

import re

from django.utils.translation import get_language

ENGLISH_NAMES = {
    "Code de procédure pénale": "Code of Criminal Procedure",
    "Code pénal": "Criminal Code",
    "Code du travail": "Labour Code",
    "Code civil": "Civil Code",
    "Code de l'action sociale et des familles": "Social Action and Families Code",
    "Code de l'entrée et du séjour des étrangers et du droit d'asile": (
        "Code on the Entry and Residence of Foreign Nationals and the Right of Asylum"
    ),
}
_NAMES = re.compile("|".join(re.escape(name) for name in sorted(ENGLISH_NAMES, key=len, reverse=True)))
_AND = re.compile(r"(?<=\d) et (?=(?:art\. )?[LRD]?\d)")


def legal_reference(text: str) -> str:
    """`text` as written (French), or with the codes named in English when the
    interface is in English (« CASF art. L226-2-1 et L226-3 » →
    « CASF art. L226-2-1 and L226-3 »)."""
    if not text or (get_language() or "fr").split("-")[0] != "en":
        return text
    return _AND.sub(" and ", _NAMES.sub(lambda m: ENGLISH_NAMES[m.group(0)], text))
