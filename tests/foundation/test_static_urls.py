"""Production static URLs are memoised per process
(maillage/core/staticfiles.py, decision 0014): the same URLs as the manifest
storage gives, a missing file still refused."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from maillage.core.staticfiles import MemoisedManifestStaticFilesStorage


def test_memoised_urls_are_the_manifest_urls(tmp_path):
    manifest = {"version": "1.1", "hash": "h", "paths": {"css/maillage.css": "css/maillage.0123abcd.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    memoised = MemoisedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    plain = CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    expected = plain.url("css/maillage.css")
    assert expected == "/static/css/maillage.0123abcd.css"
    assert memoised.url("css/maillage.css") == expected
    assert memoised.url("css/maillage.css") == expected  # from the memo
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        memoised.url("css/absent.css")
