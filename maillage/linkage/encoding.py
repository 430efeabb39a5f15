"""Keyed encodings of an identity (standard library only).

Each record gets several encodings, each an HMAC-SHA256 under the campaign
secret of a combination of normalised identity parts. No combination is a name
alone or a date alone: every encoded value mixes names with a birth date or
year, so that values are close to unique and their frequencies tell the
linkage unit nothing (see docs/security.md, « Record linkage »).

    encodings = encode_records(rows, campaign_secret=secret)

`rows` are mappings with the input columns (INPUT_COLUMNS); each output is a
dict with OUTPUT_COLUMNS, and nothing else: no name, date, sex or nationality
leaves in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import rules
from .normalise import BirthDate, name_words, normalise_citizenship, normalise_sex, parse_birth_date, phonetic

MIN_SECRET_BYTES = 32

INPUT_COLUMNS = ("record_id", "organisation", "given_names", "family_names", "birth_date", "sex", "citizenship")
# Optional: the organisation's own identifier of the person (its case file),
# for records it already knows belong to one person (its own duplicate detection).
LOCAL_PERSON_COLUMN = "local_person_id"

# The encodings, in output order. Each is None (empty in the file) when a part
# it needs is unknown, so that two unknowns never count as agreement.
ENCODINGS = (
    "e_name_date",  # first given name, family names (in order) + full birth date
    "e_sorted_date",  # the same name words sorted (survives given/family swaps) + full date
    "e_sorted_swapdate",  # name words sorted + date with day and month in either order
    "e_sorted_month",  # name words sorted + birth year and month (a wrong day)
    "e_prefix_date_sex",  # first letters of the first given and family words, sorted + date + sex
    "e_names_year_sex_cit",  # name words sorted + birth year + sex + citizenship
    "e_family_date",  # family names + full date (given names missing or different)
    "e_given_date",  # first given name + full date (family name missing or different)
    "e_phonetic_swapdate",  # phonetic keys of the name words, sorted + date, day and month in either order
    "e_names_year",  # name words sorted + birth year (sex or citizenship missing on one side)
    "e_phonetic_year",  # phonetic keys of the name words, sorted + birth year
)
CHECK_COLUMN = "key_check"
LOCAL_PERSON_KEY = "local_person_key"
OUTPUT_COLUMNS = ("record_id", "organisation", LOCAL_PERSON_KEY, CHECK_COLUMN, *ENCODINGS)

_SEPARATOR = "\x1f"


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
class Identity:
    given: tuple[str, ...]
    family: tuple[str, ...]
    birth: BirthDate
    sex: str
    citizenship: str

    @classmethod
    def from_row(cls, row: Mapping[str, str]) -> Identity:
        return cls(
            given=tuple(name_words(row.get("given_names") or "")),
            family=tuple(name_words(row.get("family_names") or "")),
            birth=parse_birth_date(row.get("birth_date") or ""),
            sex=normalise_sex(row.get("sex") or ""),
            citizenship=normalise_citizenship(row.get("citizenship") or ""),
        )

    def messages(self) -> dict[str, str | None]:
        """The plaintext of each encoding (never written anywhere; keyed at once)."""
        # The core of a name: the first given name and the family names. Further
        # given names are often left out by one organisation and not another.
        core = self.given[:1] + self.family
        sorted_names = " ".join(sorted(core))
        sounds = " ".join(sorted(phonetic(w) for w in core))
        full, swapped, year = self.birth.full, self.birth.swap_invariant, self.birth.year_text
        given, family = " ".join(self.given[:1]), " ".join(self.family)
        prefixes = (
            " ".join(sorted((self.given[0][: rules.PREFIX_LENGTH], self.family[0][: rules.PREFIX_LENGTH])))
            if self.given and self.family
            else None
        )

        def combine(*parts):
            return None if any(p is None or p == "" for p in parts) else _SEPARATOR.join(parts)

        return {
            "e_name_date": combine(given, family, full) if self.given and self.family else None,
            "e_sorted_date": combine(sorted_names, full),
            "e_sorted_swapdate": combine(sorted_names, swapped),
            "e_sorted_month": combine(sorted_names, full[:6] if full else None),
            "e_prefix_date_sex": combine(prefixes, full, self.sex),
            # Sex and citizenship may be unknown here: names and year carry the key.
            "e_names_year_sex_cit": (
                _SEPARATOR.join((sorted_names, year, self.sex, self.citizenship)) if sorted_names and year else None
            ),
            "e_family_date": combine(family, full),
            "e_given_date": combine(self.given[0] if self.given else None, full),
            "e_phonetic_swapdate": combine(sounds, swapped),
            "e_names_year": combine(sorted_names, year),
            "e_phonetic_year": combine(sounds, year),
        }


class Encoder:
    """Encodes rows with one campaign secret."""

    def __init__(self, campaign_secret: bytes):
        check_secret(campaign_secret)
        self._key = _derive(campaign_secret, "encode")
        self.check = key_check_value(campaign_secret)

    def _mac(self, label: str, message: str) -> str:
        digest = hmac.digest(self._key, f"{label}{_SEPARATOR}{message}".encode(), hashlib.sha256)
        # 96 bits: collisions between distinct values are negligible even over
        # billions of records, and the file stays small.
        return base64.urlsafe_b64encode(digest[:12]).decode("ascii")

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
        for label, message in identity.messages().items():
            out[label] = self._mac(label, message) if message is not None else ""
        return out


def encode_records(records: Iterable[Mapping[str, str]], *, campaign_secret: bytes) -> Iterator[dict[str, str]]:
    """Encodings of each record, in order (the API Maillage calls at submission time)."""
    encoder = Encoder(campaign_secret)
    for row in records:
        yield encoder.encode(row)
