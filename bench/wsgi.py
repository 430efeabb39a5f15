"""The production WSGI application with the bench-only URLs added
(bench/urls.py): used by bench/run.py's gunicorn load test, never deployed."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

from django.conf import settings
from django.core.wsgi import get_wsgi_application

settings.ROOT_URLCONF = "bench.urls"
application = get_wsgi_application()
