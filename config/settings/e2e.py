"""Browser tests: a real server process on a throw-away SQLite file with the
demo data. Production-like (DEBUG off, strict CSP), static files served by
WhiteNoise from the finders so no collectstatic is needed."""

import os
from pathlib import Path

from .dev import *  # noqa: F403

DEBUG = False
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["MAILLAGE_E2E_DB"],
        "OPTIONS": {"timeout": 20},
    }
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PRIVATE_MEDIA_ROOT = Path(os.environ["MAILLAGE_E2E_DB"]).parent / "private"
STORAGES["default"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT  # noqa: F405
VAR_DIR = Path(os.environ["MAILLAGE_E2E_DB"]).parent
# Rate limits would make repeated logins of the same demo account flaky.
ACCOUNT_RATE_LIMITS = False
