"""Visual regression check: the pages it looks at, how they are rendered and how they are compared.

The example catalog is copied and its documents cut down to one per layout and script (Latin,
Arabic, CJK); one CLI build makes them, pypdfium2 rasterises the chosen pages at ``DPI`` and the
pictures are compared with the PNGs in ``reference/``. ``update.py`` writes those PNGs again.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import yaml
from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "catalog"
REFERENCE = Path(__file__).resolve().parent / "reference"

UPDATE = ".venv/bin/python tests/visual/update.py"
#: Low enough to keep a reference a few tens of kB, high enough to show 6 pt text as strokes.
DPI = 60
#: A pixel differs when one of its channels moved by more than this (0-255): anti-aliasing
#: of a glyph edge moves a few levels, a block or colour change moves far more.
PIXEL_THRESHOLD = 48
#: A picture fails when more than this share of its pixels differ.
MAX_DIFFERING = 0.001


@dataclasses.dataclass(frozen=True)
class Case:
    """One picture: ``pages`` of one built document, side by side."""

    sku: str
    document: str
    locales: tuple[str, ...]
    #: Page indices (0-based) placed left to right in the picture.
    pages: tuple[int, ...]

    @property
    def name(self) -> str:
        return self.document if len(self.locales) > 1 else f"{self.document}-{self.locales[0]}"

    @property
    def pdf(self) -> str:
        return f"{self.sku}/{self.sku}_{self.document}_{'-'.join(self.locales)}.pdf"


SIDES = (0, 1)
#: A manual's page with the overview figure and its callouts, safety messages and body text.
MANUAL_PAGE = (2,)
SCRIPTS = (("en",), ("ar",), ("ja",))
CASES: tuple[Case, ...] = (
    *(Case("LH-KT17", "card-a6", s, SIDES) for s in SCRIPTS),
    *(Case("LH-DL40", "card-4x6", s, SIDES) for s in SCRIPTS),
    *(Case("LH-DL40", "card-85x55", s, SIDES) for s in SCRIPTS),
    # Five Latin-script languages on one card: the catalog has no Arabic or CJK one.
    Case("LH-KT17", "card-eu-multi", ("en", "de", "fr", "it", "es"), SIDES),
    *(Case("LH-KT17", "manual", s, MANUAL_PAGE) for s in SCRIPTS),
)


#: The README's picture of a card (``update.py --docs``), larger than the references.
DOCS = {ROOT / "docs" / "card-de.png": Case("LH-KT17", "card-a6", ("de",), SIDES)}
DOCS_DPI = 110


def catalog_copy(target: Path, cases: tuple[Case, ...] = CASES) -> Path:
    """Copy the example catalog to ``target`` with only the documents of ``cases`` in it."""
    shutil.copytree(EXAMPLES, target)
    wanted: dict[str, dict[str, list[str]]] = {}
    for case in cases:
        locales = wanted.setdefault(case.sku, {}).setdefault(case.document, [])
        locales.extend(loc for loc in case.locales if loc not in locales)
    for path in sorted((target / "products").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        documents = wanted.get(data["sku"])
        if not documents:
            path.unlink()
            continue
        kept = [doc for doc in data["documents"] if doc.get("id", doc["layout"]) in documents]
        for doc in kept:
            doc["locales"] = documents[doc.get("id", doc["layout"])]
        data["documents"] = kept
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


def build(work: Path, cases: tuple[Case, ...] = CASES) -> Path:
    """Build the documents of ``cases`` under ``work`` with the real command line; the output
    folder."""
    catalog = catalog_copy(work / "catalog", cases)
    out = work / "out"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", str(catalog), "--out", str(out), "--jobs", "2",
         "-q"], capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"insertgen build failed (exit {result.returncode}):\n{result.stderr}")
    documents = {d["path"] for d in json.loads((out / "manifest.json").read_text())["documents"]}
    missing = [case.pdf for case in cases if case.pdf not in documents]
    if missing:
        raise RuntimeError(f"the build made no {', '.join(missing)}")
    return out


def rasterise(pdf_path: Path, pages: tuple[int, ...], dpi: int = DPI) -> Image.Image:
    """The ``pages`` of ``pdf_path`` at ``dpi`` (whole MediaBox, bleed included), left to right on
    a mid-grey ground with a gap of 4 px at 60 dpi."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        pictures = [pdf[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in pages]
    finally:
        pdf.close()
    gap = round(4 * dpi / 60)
    width = sum(p.width for p in pictures) + gap * (len(pictures) - 1)
    sheet = Image.new("RGB", (width, max(p.height for p in pictures)), (128, 128, 128))
    x = 0
    for picture in pictures:
        sheet.paste(picture, (x, 0))
        x += picture.width + gap
    return sheet


def picture(out: Path, case: Case) -> Image.Image:
    return rasterise(out / case.pdf, case.pages)


def reference_path(case: Case) -> Path:
    return REFERENCE / f"{case.name}.png"


def save(image: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)


@dataclasses.dataclass(frozen=True)
class Comparison:
    """How far a picture is from its reference."""

    #: Share of pixels with a channel more than ``PIXEL_THRESHOLD`` away (1.0 for a size change).
    differing: float
    #: The largest channel difference seen (0-255).
    largest: int
    #: True when the sizes differ.
    resized: bool = False

    @property
    def passed(self) -> bool:
        return not self.resized and self.differing <= MAX_DIFFERING

    def __str__(self) -> str:
        if self.resized:
            return "the picture's size differs from the reference's"
        return (f"{self.differing:.3%} of the pixels differ by more than {PIXEL_THRESHOLD} "
                f"(at most {MAX_DIFFERING:.1%} allowed), largest difference {self.largest}")


def _delta(actual: Image.Image, reference: Image.Image) -> Image.Image:
    """Per pixel, the largest difference of its three channels (a greyscale picture)."""
    red, green, blue = ImageChops.difference(actual.convert("RGB"), reference.convert("RGB")).split()
    return ImageChops.lighter(ImageChops.lighter(red, green), blue)


def _mask(delta: Image.Image) -> Image.Image:
    """White where a pixel differs by more than ``PIXEL_THRESHOLD``."""
    return delta.point(lambda v: 255 if v > PIXEL_THRESHOLD else 0, "1")


def compare(actual: Image.Image, reference: Image.Image) -> Comparison:
    """Compare two pictures pixel by pixel, channel by channel."""
    if actual.size != reference.size:
        return Comparison(1.0, 255, resized=True)
    delta = _delta(actual, reference)
    differing = _mask(delta).histogram()[-1]
    return Comparison(differing / (delta.width * delta.height), delta.getextrema()[1])


def diff_image(actual: Image.Image, reference: Image.Image) -> Image.Image:
    """The reference faded to light grey with every differing pixel in red (when the sizes
    differ, their common top-left part is compared)."""
    box = (0, 0, min(actual.width, reference.width), min(actual.height, reference.height))
    actual, reference = actual.crop(box), reference.crop(box)
    faded = reference.convert("L").point(lambda v: 200 + v * 55 // 255).convert("RGB")
    red = Image.new("RGB", faded.size, (255, 0, 0))
    return Image.composite(red, faded, _mask(_delta(actual, reference)))


def failure(case: Case, actual: Image.Image, expected: Image.Image, folder: Path) -> str | None:
    """None when ``actual`` passes for ``expected``; otherwise write the actual picture and the
    diff to ``folder`` and say what differs and where those files are."""
    comparison = compare(actual, expected)
    if comparison.passed:
        return None
    actual_path, diff_path = folder / f"{case.name}-actual.png", folder / f"{case.name}-diff.png"
    save(actual, actual_path)
    save(diff_image(actual, expected), diff_path)
    pages = ", ".join(str(p + 1) for p in case.pages)
    return (f"{case.pdf} page(s) {pages}: {comparison}; actual {actual_path}, diff {diff_path}; "
            f"if the change is wanted, look at them and run {UPDATE}")
