"""Shared fixtures: the sample catalogs and one CLI build of the good one, reused by most tests."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real command line, as a user would."""
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=600)


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Path:
    """A private copy of the good sample catalog."""
    target = tmp_path_factory.mktemp("catalog") / "sample"
    shutil.copytree(FIXTURES / "sample", target)
    return target


@pytest.fixture
def catalog(tmp_path) -> Path:
    """A private copy of the sample catalog for one test to change."""
    target = tmp_path / "sample"
    shutil.copytree(FIXTURES / "sample", target)
    return target


def manifest(out: Path) -> dict[str, dict]:
    """The manifest entries of a build, by document path."""
    return {d["path"]: d for d in json.loads((out / "manifest.json").read_text())["documents"]}


@pytest.fixture(scope="session")
def built(sample, tmp_path_factory):
    """One `insertgen build` of the sample catalog: (out folder, manifest, completed process)."""
    out = tmp_path_factory.mktemp("out")
    result = run_cli("build", sample, "--out", out, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return out, manifest, result


def pdf_text(path) -> str:
    """The text of every page of the PDF at ``path``, as PDFium extracts it, on one line."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        return " ".join(p.get_textpage().get_text_range() for p in pdf).replace("\r\n", " ")
    finally:
        pdf.close()


def document(manifest: dict, path: str) -> dict:
    return next(d for d in manifest["documents"] if d["path"] == path)
