"""Shared fixtures: the sample catalogs and one CLI build of the good one, reused by most tests."""

from __future__ import annotations

import ctypes
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent
#: The documents a build of the sample catalog makes, in order.
SAMPLE_DOCUMENTS = [
    "TS-CLK/TS-CLK_card-4x6_en.pdf",
    "TS-CLK/TS-CLK_card-85x55_en.pdf",
    "TS-CLK/TS-CLK_email_en.pdf",
    "TS-FAN/TS-FAN_card-a6_ar.pdf",
    "TS-FAN/TS-FAN_card-a6_de.pdf",
    "TS-FAN/TS-FAN_card-a6_en.pdf",
    "TS-FAN/TS-FAN_card-a6_ja.pdf",
    "TS-FAN/TS-FAN_card-eu-multi_en-de-fr-it-es.pdf",
]


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


# --- a new catalog's artwork, as people draw it: RGB -------------------------------------------

RGB_LOGO = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 16">
  <style>.mark { fill: #0060b0 }</style>
  <rect class="mark" x="0" y="0" width="16" height="16" rx="3"/>
  <path id="letter" d="M22 3h14v3h-5v9h-4V6h-5z" style="fill: rgb(26, 26, 26)"/>
  <circle cx="50" cy="8" r="4" fill="orange" stroke="#fff"/>
</svg>
"""
#: The clock's picture: hex colours, no fill on the text, and text too small to print.
RGB_DIAL = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200">
  <circle cx="100" cy="100" r="90" fill="#f4f4f4" stroke="#333"/>
  <text id="maker" x="100" y="150" font-size="5" text-anchor="middle">TICK</text>
</svg>
"""


def rgb_artwork(catalog: Path) -> Path:
    """Give ``catalog`` hex-colour SVGs (logo; a clock picture with tiny text) and an RGB PNG
    (the fan's picture), as a new catalog would have."""
    from PIL import Image, ImageDraw

    images = catalog / "images"
    (images / "logo.svg").write_text(RGB_LOGO)
    (images / "dial.svg").write_text(RGB_DIAL)
    photo = Image.new("RGB", (900, 900), "#ffffff")
    ImageDraw.Draw(photo).ellipse((100, 100, 800, 800), fill="#2a7de1")
    photo.save(images / "photo.png")
    for product, picture in (("fan.yaml", "photo.png"), ("clock.yaml", "dial.svg")):
        path = catalog / "products" / product
        path.write_text(path.read_text().replace(
            "documents:", f"images:\n  - {{file: images/{picture}, alt: The product}}\ndocuments:", 1))
    return catalog


@pytest.fixture(scope="session")
def rgb_built(tmp_path_factory):
    """One build of the sample catalog with RGB artwork: (catalog, out, manifest, process)."""
    catalog = tmp_path_factory.mktemp("rgb") / "sample"
    shutil.copytree(FIXTURES / "sample", catalog)
    rgb_artwork(catalog)
    out = tmp_path_factory.mktemp("rgb-out")
    result = run_cli("build", catalog, "--out", out, "--jobs", "2")
    return catalog, out, manifest(out), result


@pytest.fixture
def preview_catalog(tmp_path) -> Path:
    """The preview tests' private small copy of the example catalog (see
    ``tests/serve/serve_catalog.py``). Here, not in a ``tests/serve/conftest.py``: a second
    module named ``conftest`` would shadow this one for every ``from conftest import``."""
    from serve_catalog import small_catalog

    return small_catalog(tmp_path / "catalog")


def glyph_rows(pdf: pdfium.PdfDocument, index: int) -> list[list[tuple[float, str]]]:
    """The characters of a page with their x origin, in lines by baseline from the top, each
    line sorted left to right (word joiners and line ends left out)."""
    textpage = pdf[index].get_textpage()
    rows: dict[int, list[tuple[float, str]]] = {}
    x, y = ctypes.c_double(), ctypes.c_double()
    for i in range(textpage.count_chars()):
        char = textpage.get_text_range(i, 1)
        if char in ("\r", "\n", "\u2060"):
            continue
        pdfium_raw.FPDFText_GetCharOrigin(textpage.raw, i, ctypes.byref(x), ctypes.byref(y))
        rows.setdefault(round(y.value), []).append((x.value, char))
    return [sorted(row) for _, row in sorted(rows.items(), reverse=True)]
