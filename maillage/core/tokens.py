"""Secret links: a random token handed out once, only its hash stored.

An invitation to join an organisation, a meeting guest's reply link and a
private calendar feed are reached by a secret token in the address. The token
is shown once (in the email, on the page); the database keeps its SHA-256, so
a copy of the database gives no working link, and a lookup compares hashes.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32  # 256 bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
