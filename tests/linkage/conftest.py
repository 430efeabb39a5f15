"""Fixtures of the record-linkage tests (no database: the package runs without Django)."""

from __future__ import annotations

import pytest

CAMPAIGN_SECRET = b"campaign-2026-secret-from-the-key-custodian-0123456789"
UNIT_SECRET = b"linkage-unit-own-secret-2026-abcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def campaign_secret_file(tmp_path):
    path = tmp_path / "campaign.secret"
    path.write_bytes(CAMPAIGN_SECRET + b"\n")
    return path


@pytest.fixture
def unit_secret_file(tmp_path):
    path = tmp_path / "unit.secret"
    path.write_bytes(UNIT_SECRET)
    return path
