"""Preflight's PDF/X checks on small files made with pikepdf: transparency under X-1a, annotations
inside the trim, the Info keys, the XMP version and the output intent."""

from __future__ import annotations

import io

import pikepdf
import pytest

from generator.press.preflight import Expectations, preflight

X1A = Expectations(min_bleed_mm=3, cmyk=True, pdf_variant="pdf/x-1a")
X4 = Expectations(min_bleed_mm=3, cmyk=True, pdf_variant="pdf/x-4")
#: 85 x 55 mm with 3 mm bleed, in points.
TRIM = [8.5, 8.5, 249.45, 164.41]
MEDIA = [0, 0, 257.95, 172.91]


def _pdf(*, version: str = "PDF/X-1a:2003", content: bytes = b"0 0 0 1 k 20 20 50 50 re f",
         resources: dict | None = None, info: dict | None = None, annots=(), xmp: bool = True,
         change=None) -> bytes:
    """A one-page CMYK file with everything PDF/X asks for, unless a keyword removes it."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(MEDIA[2], MEDIA[3]))
    page.obj.TrimBox = pikepdf.Array(TRIM)
    page.obj.BleedBox = pikepdf.Array(MEDIA)
    page.obj.Contents = pdf.make_stream(content)
    page.obj.Resources = pikepdf.Dictionary(resources or {})
    if annots:
        page.obj.Annots = pikepdf.Array([pdf.make_indirect(a) for a in annots])
    keys = {"/Title": "A card", "/CreationDate": "D:20240101000000Z",
            "/ModDate": "D:20240101000000Z", "/Trapped": pikepdf.Name("/False"),
            "/GTS_PDFXVersion": version}
    keys.update(info or {})
    pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary(
        {k: (pikepdf.String(v) if isinstance(v, str) else v) for k, v in keys.items()
         if v is not None}))
    profile = pdf.make_stream(b"\0" * 128, N=4)
    pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String("FOGRA39"),
        RegistryName=pikepdf.String("http://www.color.org"), DestOutputProfile=profile)])
    if xmp:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["pdfxid:GTS_PDFXVersion"] = version
    if change:
        change(pdf, page)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def _messages(data: bytes, expect: Expectations, code: str | None = None) -> list[str]:
    found = preflight(data, expect, source="card.pdf")
    return [f"{f.field or '-'}: {f.message} [{f.severity.value}]" for f in found
            if code is None or f.code == code]


def _form(pdf: pikepdf.Pdf, content: bytes, resources: dict | None = None,
          group: bool = True) -> pikepdf.Stream:
    form = pdf.make_stream(content, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                           BBox=pikepdf.Array([0, 0, 100, 100]),
                           Resources=pikepdf.Dictionary(resources or {}))
    if group:
        form.Group = pikepdf.Dictionary(Type=pikepdf.Name.Group, S=pikepdf.Name.Transparency,
                                        I=True)
    return form


def test_a_complete_file_has_no_pdfx_findings():
    assert _messages(_pdf(), X1A) == []
    assert _messages(_pdf(version="PDF/X-4"), X4) == []


def test_a_transparency_group_is_an_error_under_x1a_only():
    def grouped(pdf, page):
        page.obj.Resources.XObject = pikepdf.Dictionary(X0=_form(pdf, b"0 0 0 1 k 0 0 9 9 re f"))
        page.obj.Contents = pdf.make_stream(b"q /X0 Do Q")

    assert _messages(_pdf(change=grouped), X1A) == [
        "page 1: expected no transparency in a PDF/X-1a file, got a transparency group (form "
        "XObject X0) [error]"]
    assert _messages(_pdf(version="PDF/X-4", change=grouped), X4) == []


@pytest.mark.parametrize("key, value, expected", [
    ("/SMask", "mask", "a soft mask in a graphics state"),
    ("/BM", "/Multiply", "the blend mode Multiply"),
    ("/ca", 0.5, "an opacity of 0.5 (fill)"),
])
def test_soft_masks_blend_modes_and_opacity_used_are_errors_under_x1a(key, value, expected):
    def used(pdf, page):
        state = pikepdf.Dictionary(S=pikepdf.Name.Luminosity) if value == "mask" else \
            pikepdf.Name(value) if isinstance(value, str) else value
        page.obj.Resources.ExtGState = pikepdf.Dictionary(S0=pikepdf.Dictionary({key: state}))
        page.obj.Contents = pdf.make_stream(b"q /S0 gs 0 0 0 1 k 0 0 9 9 re f Q")

    assert _messages(_pdf(change=used), X1A) == [
        f"page 1: expected no transparency in a PDF/X-1a file, got {expected} [error]"]


def test_a_graphics_state_never_used_is_not_a_finding():
    def unused(pdf, page):
        page.obj.Resources.ExtGState = pikepdf.Dictionary(S0=pikepdf.Dictionary(ca=0.5))

    assert _messages(_pdf(change=unused), X1A) == []


def test_an_image_with_a_soft_mask_is_an_error_under_x1a():
    def masked(pdf, page):
        alpha = pdf.make_stream(b"\x80", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                                Width=1, Height=1, ColorSpace=pikepdf.Name.DeviceGray,
                                BitsPerComponent=8)
        image = pdf.make_stream(b"\0\0\0\xff", Type=pikepdf.Name.XObject,
                                Subtype=pikepdf.Name.Image, Width=1, Height=1,
                                ColorSpace=pikepdf.Name.DeviceCMYK, BitsPerComponent=8,
                                SMask=alpha)
        page.obj.Resources.XObject = pikepdf.Dictionary(Im0=image)
        page.obj.Contents = pdf.make_stream(b"q 1 0 0 1 20 20 cm /Im0 Do Q")

    assert "page 1: expected no transparency in a PDF/X-1a file, got a soft mask (image Im0 has " \
           "an alpha channel) [error]" in _messages(_pdf(change=masked), X1A)


def _link(rect, flags: int | None = None) -> pikepdf.Dictionary:
    link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                              Rect=pikepdf.Array(rect), Border=pikepdf.Array([0, 0, 0]))
    if flags is not None:
        link.F = flags
    return link


def test_annotations_inside_the_trim_are_reported():
    inside, on_bleed = [40, 40, 120, 52], [1, 1, 7, 7]
    assert _messages(_pdf(annots=[_link(inside), _link(inside), _link(on_bleed)]), X1A,
                     "preflight.annotation") == [
        "page 1: expected no annotations inside the trim of a PDF/X-1a file, got 2 Link "
        "annotations: remove them (insertgen's print profiles leave links out) [error]"]
    # PDF/X-4: a link that does not print is a warning, one that prints an error.
    assert _messages(_pdf(version="PDF/X-4", annots=[_link(inside)]), X4, "preflight.annotation") == [
        "page 1: expected no annotations inside the trim of a PDF/X-4 file, got 1 Link annotation "
        "(not printed, but many print shops' preflights refuse them): insertgen's print profiles "
        "leave them out [warning]"]
    assert _messages(_pdf(version="PDF/X-4", annots=[_link(inside, 4)]), X4,
                     "preflight.annotation") == [
        "page 1: expected no annotations inside the trim of a PDF/X-4 file, got 1 Link "
        "annotation: remove them (insertgen's print profiles leave links out) [error]"]
    assert _messages(_pdf(annots=[_link(on_bleed)]), X1A, "preflight.annotation") == []


def test_missing_info_keys_are_named():
    data = _pdf(info={"/GTS_PDFXVersion": None, "/Trapped": None, "/Title": None})
    assert _messages(data, X1A) == [
        "-: expected the Info keys a PDF/X-1a file needs, got no GTS_PDFXVersion, Title, Trapped "
        "[error]"]
    # PDF/X-1a:2001 names its conformance level in a key of its own.
    assert _messages(_pdf(version="PDF/X-1:2001"), X1A) == [
        "-: expected the Info keys a PDF/X-1a file needs, got no GTS_PDFXConformance [error]"]
    assert _messages(_pdf(version="PDF/X-1:2001",
                          info={"/GTS_PDFXConformance": "PDF/X-1a:2001"}), X1A) == []


def test_the_version_xmp_and_output_intent_are_checked():
    assert _messages(_pdf(), X4) == [
        "-: expected a PDF/X-4 file (GTS_PDFXVersion PDF/X-4...), got GTS_PDFXVersion "
        "'PDF/X-1a:2003' [error]"]
    assert _messages(_pdf(version="PDF/X-4", xmp=False), X4) == [
        "-: expected pdfxid:GTS_PDFXVersion in the XMP metadata of a PDF/X-4 file, got none "
        "[error]"]

    def no_intent(pdf, page):
        del pdf.Root.OutputIntents

    assert _messages(_pdf(change=no_intent), X1A) == [
        "-: expected a GTS_PDFX output intent in a PDF/X-1a file, got none [error]"]
    # A file for screens is not PDF/X: none of this is asked.
    screen = Expectations(min_bleed_mm=0, cmyk=False)
    assert _messages(_pdf(info={"/GTS_PDFXVersion": None}, change=no_intent), screen) == []


def test_the_command_line_checks_pdfx_with_the_profile(tmp_path):
    from tests.conftest import run_cli

    path = tmp_path / "card.pdf"
    path.write_bytes(_pdf(info={"/Trapped": None}))
    result = run_cli("preflight", "--profile", "print-x1a", path)
    assert result.returncode == 1
    assert (f"{path}: expected the Info keys a PDF/X-1a file needs, got no Trapped"
            in result.stdout)


def test_icc_based_colour_is_an_error_under_x1a_only():
    def icc(pdf, page):
        profile = pdf.make_stream(b"\0" * 128, N=4)
        page.obj.Resources.ColorSpace = pikepdf.Dictionary(
            CS0=pikepdf.Array([pikepdf.Name.ICCBased, profile]),
            Unused=pikepdf.Array([pikepdf.Name.ICCBased, profile]))
        page.obj.Contents = pdf.make_stream(b"/CS0 cs 0 0 0 1 scn 0 0 9 9 re f")

    assert _messages(_pdf(change=icc), X1A) == [
        "page 1: expected device colours in a PDF/X-1a file, got the ICCBased colour space used "
        "for painting [error]"]
    assert _messages(_pdf(version="PDF/X-4", change=icc), X4) == []
