"""Test settings: fast hashing, immediate tasks, in-memory email."""

import os
import tempfile

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
FIELD_ENCRYPTION_KEYS = ["dGVzdC1rZXktMDEyMzQ1Njc4OWFiY2RlZmdoaWprbG0="]
LOOKUP_HASH_KEY = "test-lookup-key"
AUDIT_CHAIN_KEY = "test-journal-chain-key"
BACKUP_KEYS = ["test-backup-key"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DEMO_DATA_ALLOWED = True
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PRIVATE_MEDIA_ROOT = Path(  # noqa: F405
    os.environ.get("PRIVATE_MEDIA_ROOT", os.path.join(tempfile.gettempdir(), "maillage-test-private"))
)
STORAGES["default"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT  # noqa: F405
ACCOUNT_RATE_LIMITS = ACCOUNT_RATE_LIMITS  # noqa: F405  (kept: tests check them)
if "DATABASE_URL" not in os.environ:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
# No collectstatic before `make test`: without autorefresh WhiteNoise warns
# "No directory at: staticfiles/" and warnings are errors in the suite.
WHITENOISE_AUTOREFRESH = True
