"""Artwork in the print colours: RGB SVG and pictures converted to the output intent's CMYK,
or reported at their file, line and element when conversion is off."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pytest
from conftest import document
from PIL import Image
from tinycss2.color5 import parse_color

from generator.render.artwork import ArtworkLibrary, ArtworkSettings, placed_texts

#: The conversions are checked against one fixed profile (Ghostscript's SWOP-like one), not
#: against whichever output intent a market gets.
ICC = next((p for p in (Path("/usr/share/color/icc/ghostscript/default_cmyk.icc"),
                        Path("/usr/share/ghostscript/iccprofiles/default_cmyk.icc"))
            if p.is_file()), None)
pytestmark = pytest.mark.skipif(ICC is None, reason="needs libgs-common's default_cmyk.icc")

SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50">
  <style>
    .brand { fill: steelblue; stroke: hsl(30 90% 50%) }
  </style>
  <rect class="brand" width="100" height="50"/>
  <circle id="dot" cx="10" cy="10" r="5" fill="#000" stroke="rgba(255, 0, 0, 0.5)"/>
  <path d="M0 0h10" style="stroke: #777777; stroke-width: 2"/>
  <path d="M0 5h10" stroke="currentColor"/>
  <path d="M0 9h10"/>
</svg>
"""


def art(tmp_path, name: str, data, convert: bool = True):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return ArtworkLibrary(ArtworkSettings(str(tmp_path), str(ICC), convert)).get(path)


def colours(svg: str) -> list[str]:
    """Every colour value an SVG paints with (attributes, style attributes, style sheets)."""
    found = re.findall(r'(?:fill|stroke|color)\s*[:=]\s*"?([^";}]+)', svg)
    return [value.strip() for value in found]


def test_every_svg_colour_becomes_device_cmyk_in_place(tmp_path):
    result = art(tmp_path, "logo.svg", SVG)
    out = result.data.decode()
    assert result.media_type == "image/svg+xml"
    assert out.count("\n") == SVG.count("\n")  # edited in place: lines stay where they were
    for value in colours(out):
        colour = parse_color(value)
        assert value in ("none", "currentColor") or colour.space == "device-cmyk", value
    # Neutral greys print on the black plate only; a half-transparent colour keeps its alpha.
    assert 'fill="device-cmyk(0 0 0 1)"' in out  # #000, and the root's default black
    assert re.search(r"stroke: device-cmyk\(0 0 0 0\.\d+\)", out)  # #777777
    assert re.search(r'stroke="device-cmyk\(0 [\d.]+ [\d.]+ 0 / 0\.5\)"', out)
    assert out.startswith('<svg fill="device-cmyk(0 0 0 1)" color="device-cmyk(0 0 0 1)" ')
    [note] = result.findings
    assert note.code == "artwork.converted" and note.severity == "info"
    assert note.message == "converted 5 colours to CMYK for Artifex CMYK SWOP Profile"


def test_with_conversion_off_each_rgb_colour_is_an_error_at_its_element(tmp_path):
    result = art(tmp_path, "logo.svg", SVG, convert=False)
    assert result.data is None
    lines = [f.format() for f in result.findings]
    expected = ("expected CMYK colours (device-cmyk()) in a CMYK print profile "
                "(colour_conversion is off in brand.yaml), got ")
    assert lines == [
        f'logo.svg:6: <circle id="dot">: {expected}fill #000',
        f'logo.svg:6: <circle id="dot">: {expected}stroke rgba(255, 0, 0, 0.5)',
        f"logo.svg:7: <path>: {expected}stroke #777777",
        f"logo.svg:3: <style> .brand: {expected}fill steelblue",
        f"logo.svg:3: <style> .brand: {expected}stroke hsl(30 90% 50%)",
    ]
    assert all(f.severity == "error" and f.source == "logo.svg" for f in result.findings)


def test_a_gradient_paints_its_average_colour_with_a_warning(tmp_path):
    svg = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">
  <linearGradient id="sky">
    <stop offset="0" stop-color="#ffffff"/><stop offset="1" stop-color="#000000"/></linearGradient>
  <rect id="back" width="10" height="10" fill="url(#sky)"/>
</svg>"""
    result = art(tmp_path, "sky.svg", svg)
    assert 'fill="device-cmyk(0 0 0 0.5)"' in result.data.decode()
    [warning] = [f for f in result.findings if f.code == "artwork.gradient"]
    assert warning.severity == "warning" and (warning.line, warning.field) == (4, '<rect id="back">')
    assert "painted in its average colour device-cmyk(0 0 0 0.5)" in warning.message


def test_rgb_pictures_become_cmyk_jpegs_and_grey_stays_grey(tmp_path):
    def png(mode, colour, **alpha) -> bytes:
        image = Image.new(mode, (40, 30), colour)
        if alpha:
            image.putpixel((0, 0), alpha["corner"])
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()

    photo = art(tmp_path, "photo.png", png("RGBA", (40, 120, 220, 255), corner=(0, 0, 0, 0)))
    converted = Image.open(io.BytesIO(photo.data))
    assert (converted.format, converted.mode, converted.size) == ("JPEG", "CMYK", (40, 30))
    assert [f.code for f in photo.findings] == ["artwork.transparency", "artwork.converted"]
    assert photo.findings[0].message.startswith("expected an opaque picture, got transparent "
                                                "areas (40 x 30 px): they print on white paper")
    assert art(tmp_path, "grey.png", png("L", 128)).data is None
    [refused] = art(tmp_path, "rgb.png", png("RGB", (40, 120, 220)), convert=False).findings
    assert refused.format() == (
        "rgb.png: expected a CMYK or greyscale picture in a CMYK print profile "
        "(colour_conversion is off in brand.yaml), got RGB (40 x 30 px)")


def test_a_picture_inside_an_svg_is_converted_too(tmp_path):
    import base64

    raw = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(raw, format="PNG")
    href = "data:image/png;base64," + base64.b64encode(raw.getvalue()).decode()
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8">
  <image id="photo" width="8" height="8" href="{href}"/>
</svg>"""
    out = art(tmp_path, "framed.svg", svg).data.decode()
    embedded = re.search(r'href="data:image/jpeg;base64,([^"]+)"', out).group(1)
    assert Image.open(io.BytesIO(base64.b64decode(embedded))).mode == "CMYK"
    [refused] = art(tmp_path, "framed.svg", svg, convert=False).findings
    assert (refused.source, refused.line, refused.field) == ("framed.svg", 2, '<image id="photo">')


def test_conversion_is_deterministic_and_done_once(tmp_path):
    first = art(tmp_path, "logo.svg", SVG)
    assert art(tmp_path, "logo.svg", SVG).data == first.data  # a new library, the same bytes
    library = ArtworkLibrary(ArtworkSettings(str(tmp_path), str(ICC)))
    assert library.get(tmp_path / "logo.svg") is library.get(tmp_path / "logo.svg")


def test_svg_text_sizes_follow_style_sheets_units_and_transforms(tmp_path):
    svg = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100">
  <style>.small { font-size: 8px }</style>
  <text id="name" x="0" y="40" font-size="30">Lumora</text>
  <g transform="scale(0.5)">
    <text class="small" x="0" y="90">SINCE <tspan font-size="2em">2019</tspan></text></g>
</svg>"""
    result = art(tmp_path, "logo.svg", svg)
    assert [(t.line, t.element, t.size) for t in result.texts] == [
        (3, '<text id="name"> "Lumora"', 30.0),
        (5, '<text class="small"> "SINCE"', 4.0),
        (5, '<tspan> "2019"', 8.0),
    ]
    # Placed 100 CSS px wide (half its own size): 4 units are 2 px, 1.5 pt.
    assert placed_texts(result, 100, 50)[1] == (1.5, 'logo.svg:5 <text class="small"> "SINCE"')


# --- in a build ---------------------------------------------------------------------------------


def test_a_catalog_with_rgb_artwork_builds_in_cmyk(rgb_built):
    _, out, entries, result = rgb_built
    assert "got RGB" not in result.stderr
    for path in ("TS-FAN/TS-FAN_card-a6_en.pdf", "TS-FAN/TS-FAN_card-eu-multi_en-de-fr-it-es.pdf",
                 "TS-CLK/TS-CLK_card-85x55_en.pdf"):
        assert entries[path]["status"] == "ok", entries[path]["findings"]
    fan = entries["TS-FAN/TS-FAN_card-a6_en.pdf"]
    notes = {f["source"]: f["message"] for f in fan["findings"] if f["code"] == "artwork.converted"}
    # amazon-de's intent, FOGRA39 (the catalog names no profile of its own).
    assert notes == {
        "images/logo.svg": "converted 4 colours to CMYK for FOGRA39 coated (insertgen)",
        "images/photo.png": "converted the RGB picture (900 x 900 px) to CMYK for FOGRA39 "
                            "coated (insertgen)"}
    with pikepdf.open(out / "TS-FAN/TS-FAN_card-a6_en.pdf") as pdf:
        pictures = [x for page in pdf.pages for x in page.Resources.get("/XObject", {}).values()
                    if x.get("/Subtype") == "/Image"]
        assert pictures and {(str(x.ColorSpace), int(x.Width)) for x in pictures} == {
            ("/DeviceCMYK", 900)}
    # The screen edition keeps its RGB artwork as drawn.
    email = document({"documents": list(entries.values())}, "TS-CLK/TS-CLK_email_en.pdf")
    assert not [f for f in email["findings"] if f["code"].startswith("artwork.")]


def test_text_too_small_in_a_picture_names_the_picture_and_the_element(rgb_built):
    _, _, entries, result = rgb_built
    card = entries["TS-CLK/TS-CLK_card-4x6_en.pdf"]
    assert card["status"] == "failed"
    [small] = [f for f in card["findings"] if f["code"] == "preflight.text-size"]
    assert re.fullmatch(r'expected text of at least 6 pt, got (\d\.\d) pt, in artwork: '
                        r'images/dial\.svg:3 <text id="maker"> "TICK" at \1 pt \(make the text '
                        r'larger in the picture or place it larger\)', small["message"])
    assert small["artwork"] == ['images/dial.svg:3 <text id="maker"> "TICK"']
