"""Fixtures of the preview's tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from serve_catalog import small_catalog


@pytest.fixture
def preview_catalog(tmp_path) -> Path:
    """A private small copy of the example catalog (see :mod:`serve_catalog`)."""
    return small_catalog(tmp_path / "catalog")
