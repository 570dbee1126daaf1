"""PDF facts a printer checks: page boxes per format, fonts embedded, output intent, marks."""

from __future__ import annotations

import re
import shutil
import subprocess

import pikepdf
import pytest

from generator.catalog.layouts import MARK_LENGTH_MM, MARK_OFFSET_MM
from generator.render.fonts import font_stack

PT = 72 / 25.4


def boxes(path):
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0]
        names = ("MediaBox", "TrimBox", "BleedBox")
        return {name: [float(v) for v in page.obj[f"/{name}"]] for name in names}


@pytest.mark.parametrize("path, trim_mm, bleed_mm", [
    ("TS-FAN/TS-FAN_card-a6_en.pdf", (105, 148), 3),
    ("TS-CLK/TS-CLK_card-4x6_en.pdf", (101.6, 152.4), 3.175),
    ("TS-CLK/TS-CLK_card-85x55_en.pdf", (85, 55), 3),
])
def test_page_boxes(built, path, trim_mm, bleed_mm):
    out, _, _ = built
    box = boxes(out / path)
    x0, y0, x1, y1 = box["TrimBox"]
    assert x1 - x0 == pytest.approx(trim_mm[0] * PT, abs=0.05)
    assert y1 - y0 == pytest.approx(trim_mm[1] * PT, abs=0.05)
    b0, c0, b1, c1 = box["BleedBox"]
    assert x0 - b0 == pytest.approx(bleed_mm * PT, abs=0.05)
    assert c1 - y1 == pytest.approx(bleed_mm * PT, abs=0.05)
    # Crop marks sit outside the bleed, so the MediaBox is larger than the BleedBox.
    m0, n0, m1, n1 = box["MediaBox"]
    slug = (MARK_OFFSET_MM + MARK_LENGTH_MM) * PT + 1
    assert b0 - m0 == pytest.approx(slug, abs=0.01)
    assert m1 - b1 == pytest.approx(slug, abs=0.01)


def test_every_font_is_embedded_and_subset(built):
    out, manifest, _ = built
    for entry in manifest["documents"]:
        with pikepdf.open(out / entry["path"]) as pdf:
            fonts = [obj for obj in pdf.objects
                     if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor"]
            assert fonts, entry["path"]
            for descriptor in fonts:
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), entry["path"]
                assert str(descriptor["/FontName"])[7] == "+", "subset fonts carry a tag prefix"


def pdf_fonts(path) -> set[str]:
    """The fonts of a PDF without their subset tag, as ``pdffonts`` (poppler) lists them, or,
    where it is not installed, read from the font dictionaries."""
    if shutil.which("pdffonts"):
        lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                               check=True).stdout.splitlines()[2:]
        names = {line.split()[0] for line in lines if line.strip()}
    else:
        with pikepdf.open(path) as pdf:
            names = {str(obj.BaseFont).lstrip("/") for obj in pdf.objects
                     if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"
                     and "/BaseFont" in obj and obj.get("/Subtype") != "/CIDFontType2"}
    return {re.sub(r"^[A-Z]{6}\+", "", name) for name in names}


#: Faces that exist as fonts: regular and bold everywhere; italics only where the family has
#: them (Noto Sans); never an oblique, which is a slanted copy made by the renderer.
REAL_STYLES = {"", "-Bold"}
ITALIC_FAMILIES = {"Noto Sans"}


def assert_locale_fonts(path, locales):
    """Every font of the PDF is a real face of a family in its locales' stacks."""
    stacks = {family for locale in locales for family in font_stack(locale)}
    for name in pdf_fonts(path):
        matches = [family for family in stacks if name.startswith(family.replace(" ", "-"))
                   and name[len(family):] in REAL_STYLES | (
                       {"-Italic", "-Bold-Italic"} if family in ITALIC_FAMILIES else set())]
        assert matches, f"{path.name}: {name} is not a face of {sorted(stacks)}"


def test_fonts_are_the_locale_stack_only(built):
    out, manifest, _ = built
    seen = set()
    for entry in manifest["documents"]:
        assert_locale_fonts(out / entry["path"], entry["locales"])
        seen |= pdf_fonts(out / entry["path"])
    # Bold is a real bold face in every script the sample prints.
    assert {"Noto-Sans-Bold", "Noto-Sans-Arabic-Bold", "Noto-Sans-CJK-JP-Bold"} <= seen


def test_pdfx4_output_intent_and_cmyk(built):
    out, _, _ = built
    with pikepdf.open(out / "TS-FAN/TS-FAN_card-a6_de.pdf") as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1
        assert intents[0].S == "/GTS_PDFX"
        assert intents[0].DestOutputProfile.N == 4
        metadata = pdf.open_metadata()
        assert metadata.get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"
        # Brand colours and text are device CMYK: no RGB fill operators on the page.
        operators = {str(op.operator) for op in pikepdf.parse_content_stream(pdf.pages[0])}
        assert not operators & {"rg", "RG"}
        assert len(pdf.pages) == 2


def test_crop_marks_in_registration_colour(built):
    out, _, _ = built
    with pikepdf.open(out / "TS-FAN/TS-FAN_card-a6_en.pdf") as pdf:
        page = pdf.pages[0]
        spaces = page.Resources.ColorSpace
        registration = spaces.InsertgenRegistration
        assert registration[0] == "/Separation" and registration[1] == "/All"
        strokes = [op for op in pikepdf.parse_content_stream(page) if str(op.operator) == "m"]
        trim = [float(v) for v in page.obj.TrimBox]
        bleed = [float(v) for v in page.obj.BleedBox]
        mark_points = [(float(op.operands[0]), float(op.operands[1])) for op in strokes[-8:]]
        # Every mark starts outside the bleed box, on a trim line.
        for x, y in mark_points:
            outside = x < bleed[0] or x > bleed[2] or y < bleed[1] or y > bleed[3]
            on_trim = any(abs(x - t) < 0.01 for t in (trim[0], trim[2])) or \
                any(abs(y - t) < 0.01 for t in (trim[1], trim[3]))
            assert outside and on_trim, (x, y)


def test_screen_profile_is_rgb_trimmed_and_light(built):
    out, manifest, _ = built
    path = out / "TS-CLK/TS-CLK_email_en.pdf"
    box = boxes(path)
    assert box["MediaBox"] == box["TrimBox"] == box["BleedBox"]
    assert box["MediaBox"][2] == pytest.approx(105 * PT, abs=0.05)
    with pikepdf.open(path) as pdf:
        assert "/OutputIntents" not in pdf.Root
        operators = {str(op.operator) for op in pikepdf.parse_content_stream(pdf.pages[0])}
        assert "rg" in operators
    print_size = (out / "TS-CLK/TS-CLK_card-4x6_en.pdf").stat().st_size
    assert path.stat().st_size < print_size / 2
