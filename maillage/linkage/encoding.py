"""Keyed encodings of an identity (standard library only).

Each record gets several encodings, each an HMAC-SHA256 under the campaign
secret of a combination of normalised identity parts. No combination is a name
alone or a date alone: every encoded value mixes names with a birth date or
year, or (one of them) with sex and citizenship, so that most values are close
to unique; what the linkage unit can learn from the frequencies of the others
is analysed in docs/security.md, « Record linkage ».

    encodings = encode_records(rows, campaign_secret=secret)

`rows` are mappings with the input columns (INPUT_COLUMNS); each output is a
dict with OUTPUT_COLUMNS, and nothing else: no name, date, sex or nationality
leaves in clear.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import rules
from .normalise import BirthDate, name_words, normalise_citizenship, normalise_sex, parse_birth_date, phonetic

MIN_SECRET_BYTES = 32

INPUT_COLUMNS = ("record_id", "organisation", "given_names", "family_names", "birth_date", "sex", "citizenship")
# Optional: the organisation's own identifier of the person (its case file),
# for records it already knows belong to one person (its own duplicate detection).
LOCAL_PERSON_COLUMN = "local_person_id"

# The encodings, in output order. Each is None (empty in the file) when a part
# it needs is unknown, so that two unknowns never count as agreement. "core"
# is the first given name and the family names; "firsts" the first word of
# each (equal when given and family names are swapped, even with several given
# names); "all" every name word. Every value mixes names with a birth date, a
# year, or sex and citizenship (docs/security.md, « Record linkage »).
ENCODINGS = (
    "e_all_date",  # every name word, sorted + full birth date
    "e_core_date",  # core words sorted + full date
    "e_firsts_swapdate",  # first given and first family word, sorted + date with day and month in either order
    "e_phonetic_swapdate",  # phonetic keys of the core words, sorted + date, day and month in either order
    "e_core_month",  # core words sorted + birth year and month (a wrong day)
    "e_family_date",  # family names + full date (given names missing or different)
    "e_given_date",  # first given name + full date (family name missing or different)
    "e_prefix_date_sex",  # first letters of the first given and family words, sorted + date + sex
    "e_core_year_sex_cit",  # core words sorted + birth year + sex + citizenship (either may be unknown)
    "e_firsts_year",  # first given and first family word, sorted + birth year
    "e_phonetic_year",  # phonetic keys of the core words, sorted + birth year
    "e_core_sex_cit",  # core words sorted + sex + citizenship, both known (birth date unknown on one side)
)
CHECK_COLUMN = "key_check"
LOCAL_PERSON_KEY = "local_person_key"
OUTPUT_COLUMNS = ("record_id", "organisation", LOCAL_PERSON_KEY, CHECK_COLUMN, *ENCODINGS)

_SEPARATOR = "\x1f"
_URLSAFE = bytes.maketrans(b"+/", b"-_")


class LinkageError(Exception):
    """A refusal the person running the command must read (French, no trace)."""


def read_secret(path: str | Path) -> bytes:
    """The secret file's bytes, a final line ending removed; refused under 32 bytes."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise LinkageError(f"Impossible de lire le fichier de secret {path} : {error.strerror}.") from None
    return check_secret(data, what=f"Le secret {path}")


def check_secret(data: bytes, *, what: str = "Le secret") -> bytes:
    if data.endswith(b"\r\n"):
        data = data[:-2]
    elif data.endswith(b"\n"):
        data = data[:-1]
    if len(data) < MIN_SECRET_BYTES:
        raise LinkageError(
            f"{what} fait {len(data)} octets : il en faut au moins {MIN_SECRET_BYTES}. "
            "Utilisez le fichier remis par le tiers de confiance, sans le modifier."
        )
    return data


def _derive(secret: bytes, purpose: str) -> bytes:
    return hmac.digest(secret, f"{rules.SCHEME}/{purpose}".encode(), hashlib.sha256)


def key_check_value(secret: bytes) -> str:
    """A short value that identifies the secret without revealing it (as a key
    check value does for a banking key): equal for every file encoded with the
    same campaign secret, different otherwise."""
    return _derive(secret, "check")[:8].hex()


@dataclass(frozen=True)
class NameParts:
    """What the encodings use of a record's names, computed once per spelling."""

    all: str | None
    core: str | None
    firsts: str | None
    sounds: str | None
    family: str | None
    given: str | None
    prefixes: str | None


@lru_cache(maxsize=1 << 18)
def name_parts(given_names: str, family_names: str) -> NameParts:
    given, family = name_words(given_names), name_words(family_names)
    core = given[:1] + family
    firsts = given[:1] + family[:1] if given and family else []
    return NameParts(
        all=" ".join(sorted(given + family)) or None,
        core=" ".join(sorted(core)) or None,
        firsts=" ".join(sorted(firsts)) or None,
        sounds=" ".join(sorted(phonetic(w) for w in core)) or None,
        family=" ".join(family) or None,
        given=given[0] if given else None,
        prefixes=(
            " ".join(sorted((given[0][: rules.PREFIX_LENGTH], family[0][: rules.PREFIX_LENGTH])))
            if given and family
            else None
        ),
    )


@lru_cache(maxsize=1 << 16)
def _birth(text: str) -> BirthDate:
    return parse_birth_date(text)


_sex = lru_cache(maxsize=256)(normalise_sex)
_citizenship = lru_cache(maxsize=1024)(normalise_citizenship)


@dataclass(frozen=True)
class Identity:
    names: NameParts
    birth: BirthDate
    sex: str
    citizenship: str

    @classmethod
    def from_row(cls, row: Mapping[str, str]) -> Identity:
        return cls(
            names=name_parts(row.get("given_names") or "", row.get("family_names") or ""),
            birth=_birth((row.get("birth_date") or "").strip()),
            sex=_sex(row.get("sex") or ""),
            citizenship=_citizenship(row.get("citizenship") or ""),
        )

    def messages(self) -> dict[str, str | None]:
        """The plaintext of each encoding (never written anywhere; keyed at once)."""
        n, birth, sex, citizenship = self.names, self.birth, self.sex, self.citizenship
        full, swapped, year = birth.full, birth.swap_invariant, birth.year_text

        def combine(*parts):
            return None if not all(parts) else _SEPARATOR.join(parts)

        return {
            "e_all_date": combine(n.all, full),
            "e_core_date": combine(n.core, full),
            "e_firsts_swapdate": combine(n.firsts, swapped),
            "e_phonetic_swapdate": combine(n.sounds, swapped),
            "e_core_month": combine(n.core, full[:6] if full else None),
            "e_family_date": combine(n.family, full),
            "e_given_date": combine(n.given, full),
            "e_prefix_date_sex": combine(n.prefixes, full, sex),
            # Sex and citizenship may be unknown here: names and year carry the key.
            "e_core_year_sex_cit": _SEPARATOR.join((n.core, year, sex, citizenship)) if n.core and year else None,
            "e_firsts_year": combine(n.firsts, year),
            "e_phonetic_year": combine(n.sounds, year),
            "e_core_sex_cit": combine(n.core, sex, citizenship),
        }


class Encoder:
    """Encodes rows with one campaign secret."""

    def __init__(self, campaign_secret: bytes):
        check_secret(campaign_secret)
        key = _derive(campaign_secret, "encode")
        self.check = key_check_value(campaign_secret)
        # HMAC-SHA256 (RFC 2104) with the key's inner and outer hash states
        # computed once: the same value as hmac.digest(key, message, "sha256"),
        # three times faster for short messages.
        block = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
        self._labels = {label: f"{label}{_SEPARATOR}".encode() for label in (*ENCODINGS, "local")}

    def _mac(self, label: str, message: str) -> str:
        inner = self._inner.copy()
        inner.update(self._labels[label])
        inner.update(message.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        # 96 bits: collisions between distinct values are negligible even over
        # billions of records, and the file stays small (base64url, no padding).
        return binascii.b2a_base64(outer.digest()[:12], newline=False).translate(_URLSAFE).decode("ascii")

    def encode(self, row: Mapping[str, str]) -> dict[str, str]:
        identity = Identity.from_row(row)
        organisation = (row.get("organisation") or "").strip()
        local = (row.get(LOCAL_PERSON_COLUMN) or "").strip()
        out = {
            "record_id": (row.get("record_id") or "").strip(),
            "organisation": organisation,
            # Keyed with the organisation so that equal local identifiers of two
            # organisations never look alike.
            LOCAL_PERSON_KEY: self._mac("local", f"{organisation}{_SEPARATOR}{local}") if local else "",
            CHECK_COLUMN: self.check,
        }
        mac = self._mac
        for label, message in identity.messages().items():
            out[label] = mac(label, message) if message is not None else ""
        return out


def encode_records(records: Iterable[Mapping[str, str]], *, campaign_secret: bytes) -> Iterator[dict[str, str]]:
    """Encodings of each record, in order (the API Maillage calls at submission time)."""
    encoder = Encoder(campaign_secret)
    for row in records:
        yield encoder.encode(row)
