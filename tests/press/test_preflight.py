"""Preflight: each check fires on its own problem, stays quiet on a good file, and the build and
the `insertgen preflight` command use it."""

from __future__ import annotations

import io
import json
import shutil

import pikepdf
import pytest
from PIL import Image
from weasyprint import HTML

from generator.catalog.layouts import PROFILES
from generator.press.preflight import Expectations, preflight
from generator.render.qr import QUIET_ZONE, qr_matrix, qr_svg
from tests.conftest import FIXTURES, document, run_cli

CARD = Expectations(min_bleed_mm=3, cmyk=True, safe_mm=4, pages=None)

PAGE_CSS = """
@page { size: 85mm 55mm; margin: 0; bleed: %(bleed)s; }
body { margin: 0; font-family: "Noto Sans"; font-size: 9pt; color: device-cmyk(0 0 0 1); }
section { position: relative; width: 85mm; height: 55mm; break-after: page; }
.in { position: absolute; left: 8mm; top: 8mm; width: 60mm; }
.qr { width: %(qr)s; height: %(qr)s; }
"""


def _png(width: int, height: int) -> str:
    """A greyscale PNG as a data URL (greyscale is allowed in a CMYK file)."""
    import base64

    buffer = io.BytesIO()
    Image.new("L", (width, height), 90).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _pdf(pages: list[str], *, bleed: str = "3mm", qr: str = "20mm") -> bytes:
    body = "".join(f"<section>{page}</section>" for page in pages)
    css = PAGE_CSS % {"bleed": bleed, "qr": qr}
    return HTML(string=f"<style>{css}</style>{body}").write_pdf()


def _as_pdfx4(data: bytes) -> bytes:
    """``data`` labelled as insertgen's finisher labels a PDF/X-4 file (Info keys, XMP version,
    output intent), for the command line, which checks print-x4 files by default."""
    from generator.render.resources import ICC_DIR

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for key, value in (("/GTS_PDFXVersion", "PDF/X-4"), ("/Title", "A card"),
                           ("/CreationDate", "D:20240101000000Z"),
                           ("/ModDate", "D:20240101000000Z")):
            pdf.docinfo[key] = pikepdf.String(value)
        pdf.docinfo.Trapped = pikepdf.Name("/False")
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["pdfxid:GTS_PDFXVersion"] = "PDF/X-4"
        profile = pdf.make_stream((ICC_DIR / "FOGRA39-coated.icc").read_bytes(), N=4)
        pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX, DestOutputProfile=profile,
            OutputConditionIdentifier=pikepdf.String("FOGRA39"))])
        buffer = io.BytesIO()
        pdf.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def files(tmp_path_factory) -> dict[str, bytes]:
    """A good card, and one page per problem, rendered once for the session."""
    sharp = _png(600, 600)  # 600 px on 20 mm: 762 dpi
    good = _pdf([
        f'<div class="in">Contact us first <img src="{sharp}" style="width:20mm"></div>',
        f'<div class="in">{qr_svg("https://help.example/TS-FAN", "device-cmyk(0 0 0 1)")}</div>',
    ])
    broken = _pdf([
        f'<div class="in">Blurry <img src="{_png(60, 60)}" style="width:20mm"></div>',  # 76 dpi
        f'<div class="in">Soft <img src="{_png(180, 180)}" style="width:20mm"></div>',  # 229 dpi
        '<div class="in" style="color: rgb(200 0 0)">Red in RGB</div>',
        '<div style="position:absolute; left:1mm; top:20mm">Near the edge</div>',
        '<div class="in">A \ue000 B</div>',  # a private-use character no font has
        '<div class="in" style="font-size:4pt">Tiny print</div>',
    ])
    thin_bleed = _pdf(['<div class="in">Thin bleed</div>'], bleed="1mm")
    small_qr = _pdf([f'<div class="in">{qr_svg("https://help.example/TS-FAN", "black")}</div>'],
                    qr="8mm")
    crowded_qr = _pdf([
        f'<div class="in">{qr_svg("https://help.example/TS-FAN", "device-cmyk(0 0 0 1)")}</div>'
        '<div style="position:absolute; left:8mm; top:8mm; width:1.2mm; height:20mm; '
        'background: device-cmyk(0 0 0 1)"></div>'])
    folder = tmp_path_factory.mktemp("preflight")
    made = {"good": good, "broken": broken, "thin_bleed": thin_bleed, "small_qr": small_qr,
            "crowded_qr": crowded_qr}
    for name, data in made.items():
        (folder / f"{name}.pdf").write_bytes(_as_pdfx4(data))
    made["folder"] = folder  # type: ignore[assignment]
    return made


def test_a_good_card_has_no_findings(files):
    assert preflight(files["good"], Expectations(**{**CARD.__dict__, "detect_qr": True}),
                     source="good.pdf") == []


def test_each_problem_is_found_on_its_own_page(files):
    findings = preflight(files["broken"], CARD, source="broken.pdf")
    found = {(f.code, f.field, f.severity.value, f.message) for f in findings}
    assert found == {
        ("preflight.image-dpi", "page 1", "error", "expected images of at least 300 dpi at their "
         "placed size, got 76 dpi (60 x 60 px on 20 x 20 mm)"),
        ("preflight.image-dpi", "page 2", "warning", "expected images of at least 300 dpi at "
         "their placed size, got 229 dpi (180 x 180 px on 20 x 20 mm)"),
        ("preflight.colour", "page 3", "error", "expected only CMYK colours in a CMYK profile, "
         "got RGB used as text"),
        ("preflight.safe-zone", "page 4", "error", 'expected text at least 4 mm inside the '
         'trim, got "Near the edge" at 1.3 mm'),
        ("preflight.glyph", "page 5", "error", next(f.message for f in findings
                                                    if f.code == "preflight.glyph")),
        ("preflight.text-size", "page 6", "error", "expected text of at least 6 pt, got 4.0 pt"),
    }
    glyph = next(f for f in findings if f.code == "preflight.glyph")
    assert glyph.message.startswith("expected a glyph for every character, got a missing glyph "
                                    "(a tofu box) drawn with ")
    assert all(f.category == "preflight" and f.source == "broken.pdf" for f in findings)


def test_checks_are_switched_by_the_expectations(files):
    """An RGB file for screens, no safe zone asked, lower limits: nothing to say but the glyph
    (a missing glyph is wrong on any profile)."""
    relaxed = Expectations(min_bleed_mm=0, cmyk=False, safe_mm=None, min_text_pt=4,
                           dpi_warning=70, dpi_error=50)
    assert [f.code for f in preflight(files["broken"], relaxed, source="b")] == ["preflight.glyph"]


def test_thin_bleed_and_missing_boxes(files):
    findings = preflight(files["thin_bleed"], CARD, source="thin.pdf")
    assert [(f.code, f.field, f.message) for f in findings] == [
        ("preflight.bleed", "page 1", "expected a bleed of at least 3 mm on every side, got 1.0 mm")]
    pdf = pikepdf.open(io.BytesIO(files["thin_bleed"]))
    del pdf.pages[0].obj["/TrimBox"]
    del pdf.pages[0].obj["/BleedBox"]
    buffer = io.BytesIO()
    pdf.save(buffer)
    assert [f.message for f in preflight(buffer.getvalue(), CARD, source="x")] == [
        "expected a TrimBox, got none", "expected a BleedBox, got none"]


def test_a_font_that_is_not_embedded(files):
    pdf = pikepdf.open(io.BytesIO(files["thin_bleed"]))
    for font in pdf.pages[0].Resources.Font.values():
        descriptor = font.DescendantFonts[0].FontDescriptor
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            if key in descriptor:
                del descriptor[key]
    buffer = io.BytesIO()
    pdf.save(buffer)
    findings = preflight(buffer.getvalue(), Expectations(min_bleed_mm=0), source="x")
    assert len(findings) == 1 and findings[0].code == "preflight.font"
    assert findings[0].message.startswith("expected every font embedded, got ")
    assert findings[0].message.endswith("Noto-Sans not embedded")


def test_page_count_and_multiple(files):
    six = preflight(files["broken"], Expectations(min_bleed_mm=0, cmyk=False, min_text_pt=1,
                                                  dpi_error=1, dpi_warning=1, pages=2,
                                                  page_multiple=4), source="x")
    assert [f.message for f in six if f.code == "preflight.pages"] == [
        "expected 2 pages, got 6", "expected a page count that is a multiple of 4, got 6"]


def test_a_file_that_is_not_a_pdf(tmp_path):
    findings = preflight(b"%PDF-1.7\nnot really", CARD, source="bad.pdf")
    assert [f.code for f in findings] == ["preflight.structure"]
    assert findings[0].message.startswith("expected a valid PDF, got ")


def test_qr_modules_and_quiet_zone_by_rendering(files):
    find = Expectations(min_bleed_mm=0, cmyk=False, detect_qr=True)
    small = preflight(files["small_qr"], find, source="x")
    assert [f.code for f in small] == ["preflight.qr"]
    modules = len(qr_matrix("https://help.example/TS-FAN")) + 2 * QUIET_ZONE  # the view box
    assert small[0].message == ("expected QR modules of at least 0.4 mm to scan at print size, "
                                f"got {8 / modules:.2f} mm")
    crowded = preflight(files["crowded_qr"], find, source="x")
    assert [f.message for f in crowded] == [
        "expected a light quiet zone of 4 modules around the QR code, got dark marks in it"]


def test_qr_module_measured_by_the_build_is_checked(files):
    findings = preflight(files["thin_bleed"], Expectations(min_bleed_mm=0, qr_module_mm=0.3),
                         source="x")
    assert [f.message for f in findings] == [
        "expected QR modules of at least 0.4 mm to scan at print size, got 0.30 mm: make the "
        "code larger or the URL shorter"]


# --- the command and the build ----------------------------------------------------------


def test_cli_profile_names_follow_the_table():
    from generator.cli import PROFILE_NAMES

    assert PROFILE_NAMES == tuple(sorted(PROFILES))


def test_cli_on_files(files):
    folder = files["folder"]
    result = run_cli("preflight", folder / "good.pdf", folder / "thin_bleed.pdf", "--safe-mm", "4",
                     "--jobs", "1")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{folder / 'thin_bleed.pdf'}: page 1: expected a bleed of at least 3 mm on every side, "
        "got 1.0 mm"]
    assert result.stderr.strip() == ("preflight: 2 file(s), 3 page(s), 1 without findings; "
                                     "1 error, 0 warnings")
    result = run_cli("preflight", folder / "good.pdf", "--format", "json", "--jobs", "1")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["files"] == [{"path": str(folder / "good.pdf"), "pages": 2, "findings": []}]


def test_cli_needs_something_to_check():
    result = run_cli("preflight")
    assert result.returncode == 2
    assert "expected PDF files, --out OUTPUT_FOLDER or --catalog DIR, got none" in result.stderr


def test_cli_on_a_build_output(built, sample, tmp_path):
    out, manifest, _ = built
    # --catalog alone reads the build's default folder, output/, from where it is run.
    (tmp_path / "output").symlink_to(out)
    result = run_cli("preflight", "--catalog", sample, "--jobs", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    ok = [d for d in manifest["documents"] if d["status"] == "ok"]
    pages = sum(d["pages"] for d in ok)
    assert result.stdout == ""
    assert result.stderr.strip() == (f"preflight: {len(ok)} file(s), {pages} page(s), {len(ok)} "
                                     "without findings; 0 errors, 0 warnings")


def test_build_fails_a_document_that_fails_preflight(tmp_path):
    """A product picture too coarse for print: that card fails with the preflight finding and is
    not written; the product's other documents are built."""
    catalog = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "sample", catalog)
    Image.new("L", (40, 40), 120).save(catalog / "images" / "coarse.png")
    product = catalog / "products" / "clock.yaml"
    product.write_text(product.read_text(encoding="utf-8").replace(
        "card:\n", "images:\n  - file: images/coarse.png\n    alt: The clock\ncard:\n"),
        encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", catalog, "--out", out, "--product", "TS-CLK", "--jobs", "1")
    assert result.returncode == 1
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    card = document(manifest, "TS-CLK/TS-CLK_card-4x6_en.pdf")
    assert card["status"] == "failed"
    assert not (out / card["path"]).exists()
    dpi = [f for f in card["findings"] if f["code"] == "preflight.image-dpi"]
    assert dpi and dpi[0]["severity"] == "error" and dpi[0]["category"] == "preflight"
    assert dpi[0]["message"] == ("expected images of at least 300 dpi at their placed size, "
                                 "got 16 dpi (images/coarse.png, 40 x 40 px on 62 x 62 mm)")
    assert "page 1" in result.stderr and "preflight" not in result.stdout
    screen = document(manifest, "TS-CLK/TS-CLK_email_en.pdf")
    # A screen file is not printed: the picture's resolution is not its problem.
    assert screen["status"] == "ok"
    assert not [f for f in screen["findings"] if f["code"].startswith("preflight")]


def test_spot_and_lab_colours_count_only_when_painted(files):
    """A spot colour filled, a Lab colour stroked, and an RGB colour set but never used."""
    pdf = pikepdf.open(io.BytesIO(files["thin_bleed"]))
    page = pdf.pages[0]
    tint = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[0, 0.5, 1, 0], N=1)
    spaces = page.Resources.get("/ColorSpace") or pikepdf.Dictionary()
    spaces["/Spot"] = pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name("/PANTONE 1505 C"),
                                     pikepdf.Name.DeviceCMYK, tint])
    spaces["/Lab"] = pikepdf.Array([pikepdf.Name.Lab, pikepdf.Dictionary(WhitePoint=[0.95, 1, 1.09])])
    page.Resources.ColorSpace = spaces
    page.contents_add(pdf.make_stream(b"q /Spot cs 1 scn 20 20 10 10 re f /Lab CS 50 0 0 SCN "
                                      b"20 20 m 40 40 l S 1 0 0 rg Q"))
    buffer = io.BytesIO()
    pdf.save(buffer)
    findings = preflight(buffer.getvalue(), Expectations(min_bleed_mm=0), source="x")
    assert [f.message for f in findings] == [
        "expected only CMYK colours in a CMYK profile, got a spot colour (PANTONE 1505 C) used as fill",
        "expected only CMYK colours in a CMYK profile, got Lab used as stroke"]
