"""Local development: `make run`. Embedded SQLite under var/, console email."""

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-secret-key-not-for-production-0123456789"  # noqa: F405
# Development keys are fixed and public: never use them with real data.
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or ["q8Jk3mAfkAeLDzPsDQvPkI8X0oJrPSQHhpUYLk6gqzM="]  # noqa: F405
LOOKUP_HASH_KEY = LOOKUP_HASH_KEY or "dev-only-lookup-key-distinct-from-the-encryption-key"  # noqa: F405
AUDIT_CHAIN_KEY = AUDIT_CHAIN_KEY or "dev-only-journal-chain-key"  # noqa: F405
DEMO_DATA_ALLOWED = True
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}
}
