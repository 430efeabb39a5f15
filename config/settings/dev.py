"""Local development: `make run`. Embedded SQLite under var/, console email."""

import os

from .base import *  # noqa: F403
from .base import MIDDLEWARE, VAR_DIR

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-secret-key-not-for-production-0123456789"  # noqa: F405
# Development keys are fixed and public: never use them with real data.
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or ["q8Jk3mAfkAeLDzPsDQvPkI8X0oJrPSQHhpUYLk6gqzM="]  # noqa: F405
LOOKUP_HASH_KEY = LOOKUP_HASH_KEY or "dev-only-lookup-key-distinct-from-the-encryption-key"  # noqa: F405
AUDIT_CHAIN_KEY = AUDIT_CHAIN_KEY or "dev-only-journal-chain-key"  # noqa: F405
BACKUP_KEYS = BACKUP_KEYS or ["dev-only-backup-key-distinct-from-the-others"]  # noqa: F405
DEMO_DATA_ALLOWED = True
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}
}

# Development pages (the emails sent, maillage.www.dev) and the product's own
# 404/403 pages instead of Django's technical 404 listing every URL.
DEV_TOOLS = True
MIDDLEWARE = [*MIDDLEWARE, "maillage.www.dev.middleware.ProductErrorPagesMiddleware"]
# Links in emails and calendar feeds: the address actually served. `make run
# PORT=8201` sets SITE_BASE_URL; PORT alone is enough too.
SITE_BASE_URL = os.environ.get("SITE_BASE_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
