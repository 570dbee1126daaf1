"""The copy of a failed document kept for inspection, marked so it cannot pass for a print file.

Every page gets a red band above the sheet ("FAILED — not for print" and where the findings
are) on a MediaBox grown to hold it, and the same words across the trim, translucent, so the
mark survives a print workflow that crops to the TrimBox or BleedBox. Nothing else on the page
changes, so what failed can still be seen.
"""

from __future__ import annotations

import io

import pikepdf

from generator.press.preflight import PT_PER_MM

STAMP = "FAILED \u2014 not for print"
RED = "0 1 1 0"
#: Height of the band above the sheet, in mm.
BAND_MM = 9.0
#: Helvetica-Bold advance widths (per 1000 em) of the stamp's characters, to centre it.
_WIDTHS = {"F": 611, "A": 722, "I": 278, "L": 611, "E": 667, "D": 722, " ": 278, "\u2014": 1000,
           "n": 611, "o": 611, "t": 333, "f": 333, "r": 389, "p": 611, "i": 278}


def _text(value: str) -> str:
    """A PDF string of ``value`` in WinAnsiEncoding (what Helvetica is read with here)."""
    raw = value.encode("cp1252", "replace")
    return "(" + raw.decode("latin-1").replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def mark_failed(data: bytes, note: str) -> bytes:
    """The PDF ``data`` with every page marked as failed; ``note`` goes into the band (for
    example the number of errors and the file that lists them)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        font = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name("/Helvetica-Bold"), Encoding=pikepdf.Name.WinAnsiEncoding))
        faint = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, ca=0.35, CA=0.35))
        for page in pdf.pages:
            _mark(pdf, page, font, faint, note)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def _mark(pdf: pikepdf.Pdf, page: pikepdf.Page, font, faint, note: str) -> None:
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    trim = page.obj.get("/TrimBox")
    tx0, ty0, tx1, ty1 = (float(v) for v in trim) if trim is not None else (x0, y0, x1, y1)
    band = BAND_MM * PT_PER_MM
    grown = pikepdf.Array([x0, y0, x1, y1 + band])
    page.obj.MediaBox = grown
    if "/CropBox" in page.obj:
        page.obj.CropBox = grown
    # Named, not prefixed (pikepdf adds a random suffix to a prefix): the same failed file is
    # marked to the same bytes, whichever process marks it.
    font_name = page.add_resource(font, pikepdf.Name.Font, pikepdf.Name("/InsertgenFailed"))
    gs_name = page.add_resource(faint, pikepdf.Name.ExtGState, pikepdf.Name("/InsertgenFaint"))
    # Across the trim: the stamp on the diagonal, as wide as 80 % of it.
    width, height = tx1 - tx0, ty1 - ty0
    diagonal = (width ** 2 + height ** 2) ** 0.5
    advance = sum(_WIDTHS.get(c, 600) for c in STAMP) / 1000
    size = 0.8 * diagonal / advance
    cos, sin = width / diagonal, height / diagonal
    cx, cy = tx0 + width / 2, ty0 + height / 2
    start_x = cx - cos * advance * size / 2 + sin * size * 0.35
    start_y = cy - sin * advance * size / 2 - cos * size * 0.35
    band_size = band * 0.36
    room = int((x1 - x0 - band * 0.6) / (0.6 * band_size))  # characters the band holds
    label = f"{STAMP}: {note}"
    label = label if len(label) <= room else label[: max(room - 1, 0)] + "\u2026"
    lines = [
        "Q q",
        f"{gs_name} gs {RED} k BT {font_name} {size:.2f} Tf "
        f"{cos:.5f} {sin:.5f} {-sin:.5f} {cos:.5f} {start_x:.2f} {start_y:.2f} Tm "
        f"{_text(STAMP)} Tj ET",
        "Q q",
        f"{RED} k {x0:.2f} {y1:.2f} {x1 - x0:.2f} {band:.2f} re f",
        f"0 0 0 0 k BT {font_name} {band_size:.2f} Tf {x0 + band * 0.3:.2f} "
        f"{y1 + band * 0.32:.2f} Td {_text(label)} Tj ET",
        "Q",
    ]
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(pdf, "\n".join(lines).encode("latin-1")))
