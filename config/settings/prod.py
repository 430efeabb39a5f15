"""Production: PostgreSQL, SMTP, HTTPS behind a reverse proxy.

Required environment (see docs/operations.md): DJANGO_SECRET_KEY,
DATABASE_URL, ALLOWED_HOSTS, FIELD_ENCRYPTION_KEYS, LOOKUP_HASH_KEY, AUDIT_CHAIN_KEY (checked
by `check --deploy`: every journal write needs it),
SITE_BASE_URL; optional: EMAIL_URL-style SMTP settings, REDIS_URL, PROCONNECT_*.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

for _name in ("DJANGO_SECRET_KEY", "DATABASE_URL", "FIELD_ENCRYPTION_KEYS", "LOOKUP_HASH_KEY"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"Missing required environment variable {_name} (see docs/operations.md).")

DEBUG = False
DEMO_DATA_ALLOWED = False

# HTTPS is terminated by the reverse proxy, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies under our control append to X-Forwarded-For: the
# client address is the entry the outermost one appended; entries before it
# come from the client and can be forged (journal IPs, allauth's per-address
# rate limits).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 1))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 63072000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")  # noqa: F405
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "maillage.core.staticfiles.MemoisedManifestStaticFilesStorage",
}

# Sessions read from the cache, written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

if os.environ.get("REDIS_URL"):
    CACHES = {
        # Django's RedisCache with one client per connection pool (issue 17).
        "default": {"BACKEND": "maillage.core.cache.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    }
else:
    # A shared cache is required: TOTP codes are marked used in it (replay
    # protection across workers) and rate limits count in it.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "maillage_cache"}}

MAILERS = {
    "default": {
        "BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),  # noqa: F405
        },
    }
}

LOGGING["root"]["level"] = "INFO"  # noqa: F405
