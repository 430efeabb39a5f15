"""Static files storage for production: whitenoise's compressed manifest
storage with the URL of each file memoised per process.

Each `{% static %}` re-parses the name, looks it up in the manifest and joins
and unquotes the URL (issue 17: 7 of them on every page, and django-dsfr's
tags add theirs). The manifest is read once when the storage is made and
never changes while the process runs, so neither does a file's URL.
"""

from __future__ import annotations

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

# Every static file a template names fits many times over; the bound only
# stops a template that builds names from data from growing the memo.
MAX_MEMOISED_URLS = 4096


class MemoisedManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._memoised_urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force or settings.DEBUG:  # unhashed names in DEBUG: not memoised
            return super().url(name, force)
        url = self._memoised_urls.get(name)
        if url is None:
            url = super().url(name)
            if len(self._memoised_urls) < MAX_MEMOISED_URLS:
                self._memoised_urls[name] = url
        return url

    def post_process(self, *args, **kwargs):
        # collectstatic rebuilds the manifest: URLs computed before are stale.
        self._memoised_urls.clear()
        yield from super().post_process(*args, **kwargs)
