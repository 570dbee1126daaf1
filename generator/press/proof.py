"""Proofs: the stage after the PDFs, turning a build into pictures a person approves.

Pipeline: ... → PDF → preflight → **proofs**. :func:`proof_build` reads ``OUT/manifest.json``
and, for every document built ``ok``, writes one PNG per page with the print guides drawn over
it, one contact sheet per product and locale, and one ``index.html`` linking them all.

Guides (also explained by the legend of every contact sheet and of ``index.html``):

============  ==========================  =========================================
guide         line                        what it means
============  ==========================  =========================================
trim          solid magenta ``#ff00ff``   TrimBox: where the sheet is cut
bleed         dashed orange ``#ff8000``   BleedBox: how far the artwork must run
safe zone     dotted green ``#00a000``    the trim inset by the layout's ``safe_mm``
============  ==========================  =========================================

Pixel geometry, exact and predictable: a page is rendered showing its whole MediaBox (any
CropBox and /Rotate are ignored, so the picture is the page in PDF coordinates, upright). A
page PNG is ``round(width_pt / 72 * dpi)`` x ``round(height_pt / 72 * dpi)`` pixels of the
MediaBox (Python's :func:`round`). pypdfium2 sizes its bitmap with ``ceil`` instead, so the
render is made at exactly ``dpi / 72`` pixels per point and its last partial column or row is
cut off: the scale stays exact and the size is the rounded one. A guide at ``x`` points is
drawn on the pixel column that contains ``(x - media_x0) * dpi / 72`` (its floor), and at
``y`` points on the row containing ``(media_y1 - y) * dpi / 72`` (PDF y runs up, bitmap y
down), both kept inside the picture; lines are ``max(1, round(dpi / 100))`` pixels wide,
growing inwards from that pixel. A box the PDF does not define is not drawn; the safe zone
is then measured from the MediaBox, which PDF readers take as the trim.

Files written under the proofs folder, mirroring the build folder::

    index.html                                   links every sheet and page, legend
    <SKU>/<pdf stem>_p<N>.png                    one per page; N is 1-based, zero-padded
                                                 to the width of the page count
    <SKU>/<SKU>_<locales>_contact.png            one contact sheet per product and locale

Grouping: a multi-language document (``card-eu-multi``, a ``combined`` manual) is one printed
piece, so it is proofed once, on the sheet of a group named by its locales joined with ``-``
(``LH-KT17_en-de-fr-it-es_contact.png``), rather than repeated on each locale's sheet; every
document is then on exactly one sheet, and approving every sheet approves every document once.

Files from an earlier proof run are not deleted (the folder may hold other things); the index
links only this run's files. Every file is written atomically (temporary file, then rename).
"""

from __future__ import annotations

import dataclasses
import html
import io
import math
from collections.abc import Collection, Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import quote

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from generator.catalog import resolve_layout
from generator.catalog.layouts import MM_PER_INCH
from generator.files import write_atomically
from generator.findings import Finding, InsertgenError, Severity
from generator.manifest import built_file, read_manifest

PT_PER_INCH = 72.0
PT_PER_MM = PT_PER_INCH / MM_PER_INCH
#: Resolution of the contact sheets' thumbnails: one scale for every page on a sheet, so an
#: A5 manual page looks larger than an A6 card, as on the press.
THUMB_DPI = 36
#: Most thumbnails in one row of a contact sheet; a long manual wraps onto more rows.
SHEET_COLUMNS = 8
INDEX = "index.html"

Box = tuple[float, float, float, float]
RGB = tuple[int, int, int]


class ProofError(InsertgenError):
    """A PDF or build folder that cannot be proofed (missing, unreadable, no manifest)."""


@dataclasses.dataclass(frozen=True)
class Guide:
    """One kind of guide line: its colour and dash pattern, as the legend explains it."""

    name: str
    colour: RGB
    #: Dash and gap lengths in line widths; ``None`` for a solid line.
    dash: tuple[int, int] | None
    #: The legend's words for it.
    meaning: str


SAFE = Guide("safe zone", (0x00, 0xA0, 0x00), (2, 3), "dotted green: safe zone, text stays inside")
BLEED = Guide("bleed", (0xFF, 0x80, 0x00), (8, 4), "dashed orange: bleed, artwork runs to here")
TRIM = Guide("trim", (0xFF, 0x00, 0xFF), None, "solid magenta: trim, where the sheet is cut")
#: Drawing order: the trim last, so it stays visible where boxes coincide (no bleed, safe 0).
GUIDES = (SAFE, BLEED, TRIM)


@dataclasses.dataclass(frozen=True)
class PageBoxes:
    """The page boxes of one page, in PDF points; a box the PDF does not define is ``None``."""

    media: Box
    bleed: Box | None
    trim: Box | None

    def safe(self, safe_mm: float | None) -> Box | None:
        """The safe zone: the trim inset by ``safe_mm`` (the MediaBox when there is no TrimBox,
        as PDF readers take it); ``None`` when not asked for or when nothing is left."""
        if safe_mm is None:
            return None
        x0, y0, x1, y1 = self.trim or self.media
        inset = safe_mm * PT_PER_MM
        box = (x0 + inset, y0 + inset, x1 - inset, y1 - inset)
        return box if box[0] < box[2] and box[1] < box[3] else None


@dataclasses.dataclass
class ProofResult:
    """What :func:`proof_build` wrote."""

    #: The proofs folder.
    proofs: Path
    #: Every file written, in the order written (``index.html`` last).
    files: list[Path] = dataclasses.field(default_factory=list)
    #: Page PNGs of each proofed document, by its manifest ``path``.
    pages: dict[str, list[Path]] = dataclasses.field(default_factory=dict)
    #: Contact sheet of each (SKU, locale group); the group is a locale, or several joined by ``-``.
    sheets: dict[tuple[str, str], Path] = dataclasses.field(default_factory=dict)
    #: ``index.html``.
    index: Path | None = None
    #: Manifest paths of the documents not proofed because their status is not ``ok``.
    skipped: list[str] = dataclasses.field(default_factory=list)
    #: Documents that could not be proofed (missing PDF, bad path) and unknown layouts.
    findings: list[Finding] = dataclasses.field(default_factory=list)


# --- one page ---------------------------------------------------------------------------


def proof_page(pdf: Path, page: int, *, dpi: int = 100, safe_mm: float | None = None,
               guides: Collection[str] | None = None) -> Image.Image:
    """Proofs stage: page ``page`` (1-based) of ``pdf`` as an RGB picture of its whole MediaBox
    at ``dpi``, with the trim, bleed and safe-zone guides drawn over it (see the module);
    ``guides`` names the ones to draw (``"trim"``, ``"bleed"``, ``"safe zone"``; all by default)."""
    document = _open(pdf)
    try:
        if not 1 <= page <= len(document):
            raise ProofError(f"{pdf}: expected a page from 1 to {len(document)}, got {page}")
        image, boxes = _render(document[page - 1], dpi)
        _draw_guides(image, boxes, dpi, safe_mm, guides)
        return image
    finally:
        document.close()


def proof_pdf(pdf: Path, out_dir: Path, *, dpi: int = 100, safe_mm: float | None = None) -> list[Path]:
    """Proofs stage: every page of ``pdf`` as ``out_dir/<stem>_p<N>.png``; returns the paths."""
    return [path for path, _, _ in _proof_pages(pdf, out_dir, dpi, safe_mm)]


def page_png_name(pdf: Path, page: int, pages: int) -> str:
    """``<stem>_p<N>.png`` with N zero-padded to the width of the page count (``p07`` of 12)."""
    return f"{pdf.stem}_p{page:0{len(str(pages))}d}.png"


def _open(pdf: Path) -> pdfium.PdfDocument:
    if not pdf.is_file():
        raise ProofError(f"{pdf}: expected a PDF file, found nothing there")
    try:
        return pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as error:
        raise ProofError(f"{pdf}: expected a readable PDF, got: {error}") from error


def _proof_pages(pdf: Path, out_dir: Path, dpi: int,
                 safe_mm: float | None) -> Iterator[tuple[Path, Image.Image, PageBoxes]]:
    """Write each page's proof and yield it with the unguided render (for thumbnails)."""
    document = _open(pdf)
    try:
        count = len(document)
        for index in range(count):
            plain, boxes = _render(document[index], dpi)
            proof = plain.copy()
            _draw_guides(proof, boxes, dpi, safe_mm)
            path = out_dir / page_png_name(pdf, index + 1, count)
            _write_png(path, proof)
            yield path, plain, boxes
    finally:
        document.close()


def _render(page: pdfium.PdfPage, dpi: int) -> tuple[Image.Image, PageBoxes]:
    """The page at exactly ``dpi / 72`` pixels per point, MediaBox-sized, and its boxes."""
    boxes = PageBoxes(_normal(page.get_mediabox()),
                      _normal(page.get_bleedbox(fallback_ok=False)),
                      _normal(page.get_trimbox(fallback_ok=False)))
    # PDFium renders the CropBox with /Rotate applied; the proof shows the whole MediaBox
    # upright, so guide positions follow from the MediaBox alone. The change stays in memory.
    page.set_rotation(0)
    page.set_cropbox(*boxes.media)
    scale = dpi / PT_PER_INCH
    width, height = _pixel_size(boxes.media, dpi)
    rendered = page.render(scale=scale).to_pil().convert("RGB")
    if rendered.size == (width, height):
        return rendered, boxes
    # ``render`` rounds the bitmap up (ceil): drop the partial last column or row.
    image = Image.new("RGB", (width, height), "white")
    image.paste(rendered.crop((0, 0, min(width, rendered.width), min(height, rendered.height))))
    return image, boxes


def _normal(box: Box | None) -> Box | None:
    if box is None:
        return None
    x0, y0, x1, y1 = box
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _pixel_size(media: Box, dpi: float) -> tuple[int, int]:
    scale = dpi / PT_PER_INCH
    return (max(1, round((media[2] - media[0]) * scale)), max(1, round((media[3] - media[1]) * scale)))


def line_width(dpi: float) -> int:
    """Guide line width in pixels at ``dpi``."""
    return max(1, round(dpi / 100))


def guide_pixels(box: Box, boxes: PageBoxes, dpi: float) -> tuple[int, int, int, int]:
    """Pixel columns (left, right) and rows (top, bottom) of the guide lines of ``box``."""
    width, height = _pixel_size(boxes.media, dpi)
    scale = dpi / PT_PER_INCH
    mx0, _, _, my1 = boxes.media

    def pixel(value: float, size: int) -> int:
        # The epsilon keeps a line computed as 36.9999999 on the pixel of its true 37.0.
        return min(max(math.floor(value * scale + 1e-6), 0), size - 1)

    x0, y0, x1, y1 = box
    return (pixel(x0 - mx0, width), pixel(x1 - mx0, width), pixel(my1 - y1, height),
            pixel(my1 - y0, height))


def _draw_guides(image: Image.Image, boxes: PageBoxes, dpi: float, safe_mm: float | None,
                 only: Collection[str] | None = None) -> None:
    draw = ImageDraw.Draw(image)
    width = line_width(dpi)
    for guide in GUIDES:
        if only is not None and guide.name not in only:
            continue
        box = {SAFE: boxes.safe(safe_mm), BLEED: boxes.bleed, TRIM: boxes.trim}[guide]
        if box is not None:
            left, right, top, bottom = guide_pixels(box, boxes, dpi)
            _rectangle(draw, (left, top, right, bottom), guide, width)


def _rectangle(draw: ImageDraw.ImageDraw, rect: tuple[int, int, int, int], guide: Guide,
               width: int) -> None:
    """Four sides, each dashed from its own corner so the corners always show."""
    left, top, right, bottom = rect
    # A line of ``width`` pixels grows inwards, so the outer pixel stays where it is computed.
    inward = width - 1
    _line(draw, left, top, right, top + inward, True, guide, width)
    _line(draw, left, bottom - inward, right, bottom, True, guide, width)
    _line(draw, left, top, left + inward, bottom, False, guide, width)
    _line(draw, right - inward, top, right, bottom, False, guide, width)


def _line(draw: ImageDraw.ImageDraw, x0: int, y0: int, x1: int, y1: int, horizontal: bool,
          guide: Guide, width: int) -> None:
    if guide.dash is None:
        draw.rectangle((x0, y0, x1, y1), fill=guide.colour)
        return
    on, off = (n * width for n in guide.dash)
    start, end = (x0, x1) if horizontal else (y0, y1)
    for position in range(start, end + 1, on + off):
        stop = min(position + on - 1, end)
        rect = (position, y0, stop, y1) if horizontal else (x0, position, x1, stop)
        draw.rectangle(rect, fill=guide.colour)


def _write_png(path: Path, image: Image.Image) -> None:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    write_atomically(path, buffer.getvalue())


# --- a build ----------------------------------------------------------------------------


@dataclasses.dataclass
class _Document:
    """A manifest entry planned for proofing."""

    entry: dict
    pdf: Path
    #: Folder of its page PNGs inside the proofs folder.
    folder: Path
    safe_mm: float | None

    @property
    def label(self) -> str:
        return str(self.entry.get("document", self.pdf.stem))


def proof_build(out: Path, proofs: Path, *, dpi: int = 100, catalog: Path | None = None) -> ProofResult:
    """Proofs stage for a build folder: page PNGs of every ``ok`` document of
    ``out/manifest.json``, a contact sheet per product and locale group, and ``index.html``.

    The safe zone of each document comes from its layout, looked up in ``catalog``'s
    ``layouts/`` first when given, then among the built-in layouts. Problems that leave a
    document out (or without its safe zone) are returned as findings, never raised.
    """
    result = ProofResult(proofs=proofs)
    groups = _plan(out, proofs, catalog, result)
    for (sku, group), documents in sorted(groups.items()):
        blocks = []
        for document in documents:
            pages: list[Path] = []
            thumbnails = []
            try:
                for path, plain, boxes in _proof_pages(document.pdf, document.folder, dpi,
                                                       document.safe_mm):
                    pages.append(path)
                    thumbnails.append(_thumbnail(plain, boxes, min(dpi, THUMB_DPI), document.safe_mm))
            except ProofError as error:
                result.findings.append(_finding(document.entry, "proof.pdf", str(error)))
            result.files += pages
            if pages:
                result.pages[document.entry["path"]] = pages
                blocks.append((document, thumbnails))
        if blocks:
            sheet = blocks[0][0].folder / f"{_file_part(sku)}_{_file_part(group)}_contact.png"
            _write_png(sheet, _contact_sheet(sku, group, blocks, dpi))
            result.sheets[(sku, group)] = sheet
            result.files.append(sheet)
    result.index = proofs / INDEX
    write_atomically(result.index, _index_html(out, result, groups, dpi).encode("utf-8"))
    result.files.append(result.index)
    return result


def _plan(out: Path, proofs: Path, catalog: Path | None,
          result: ProofResult) -> dict[tuple[str, str], list[_Document]]:
    """Read the manifest and group the ``ok`` documents by (SKU, locale group)."""
    try:
        entries = read_manifest(out)
    except InsertgenError as error:
        raise ProofError(str(error)) from None
    safe_mm: dict[str, float | None] = {}
    groups: dict[tuple[str, str], list[_Document]] = {}
    for entry in entries:
        path = str(entry.get("path", ""))
        if entry.get("status") != "ok":
            result.skipped.append(path)
            continue
        pdf = built_file(out, entry)
        if pdf is None:  # the proofs folder mirrors the build: a path out of one leads out of both
            result.findings.append(_finding(entry, "proof.path",
                                            f"expected a PDF path inside {out}, got \"{path}\""))
            continue
        relative = PurePosixPath(path)
        layout = str(entry.get("layout", ""))
        if layout not in safe_mm:
            safe_mm[layout] = _layout_safe_mm(layout, catalog, entry, result.findings)
        locales = [str(locale) for locale in entry.get("locales", [])]
        key = (str(entry.get("sku", "")), "-".join(locales) or "none")
        groups.setdefault(key, []).append(
            _Document(entry, pdf, proofs / relative.parent, safe_mm[layout]))
    return groups


def _layout_safe_mm(name: str, catalog: Path | None, entry: dict,
                    findings: list[Finding]) -> float | None:
    layout, problems = resolve_layout(catalog, name) if name else (None, [])
    if layout is None:
        why = "; ".join(p.format() for p in problems) or "not in the catalog or the built-in layouts"
        findings.append(_finding(entry, "proof.layout", f"expected a readable layout \"{name}\", "
                                 f"got: {why}; its pages are proofed without a safe zone",
                                 Severity.WARNING))
        return None
    return layout.spec.safe_mm


def _finding(entry: dict, code: str, message: str, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(code=code, message=message, severity=severity, source=str(entry.get("path", "")),
                   sku=entry.get("sku"), category="proof")


def _file_part(text: str) -> str:
    # SKUs and locales are plain names in a real build; anything else must not make a path.
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text).strip(".") or "_"


# --- contact sheets ---------------------------------------------------------------------

_MARGIN, _GAP, _PAD = 16, 12, 4
_BACKGROUND, _INK, _GREY = (255, 255, 255), (26, 26, 26), (110, 110, 110)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's built-in font: the same sheet on every machine, no system font needed.
    return ImageFont.load_default(size)


def _thumbnail(plain: Image.Image, boxes: PageBoxes, dpi: int, safe_mm: float | None) -> Image.Image:
    """The unguided render scaled to ``dpi``, guides drawn afresh so they stay one pixel sharp."""
    image = plain.resize(_pixel_size(boxes.media, dpi), Image.Resampling.LANCZOS)
    _draw_guides(image, boxes, dpi, safe_mm)
    return image


def _text_size(font, text: str) -> tuple[int, int]:
    left, top, right, bottom = font.getbbox(text)
    return math.ceil(right), math.ceil(bottom)


def _legend(draw: ImageDraw.ImageDraw | None, x: int, y: int) -> tuple[int, int]:
    """Draw (or, without ``draw``, only measure) the legend at ``x, y``; returns its size."""
    font = _font(13)
    width = height = 0
    for guide in reversed(GUIDES):
        text_w, text_h = _text_size(font, guide.meaning)
        row = max(text_h, 12)
        if draw is not None:
            middle = y + height + row // 2
            _line(draw, x, middle - 1, x + 47, middle, True, guide, 2)
            draw.text((x + 58, y + height), guide.meaning, fill=_INK, font=font)
        width = max(width, 58 + text_w)
        height += row + _PAD
    return width, height


def _contact_sheet(sku: str, group: str, blocks: list[tuple[_Document, list[Image.Image]]],
                   dpi: int) -> Image.Image:
    """Header, legend, then per document a heading and its labelled thumbnails in rows."""
    title_font, head_font, label_font = _font(20), _font(14), _font(12)
    pages = sum(len(thumbs) for _, thumbs in blocks)
    title = f"{sku}  {group}"
    subtitle = (f"{len(blocks)} document(s), {pages} page(s); proofs at {dpi} dpi, thumbnails at "
                f"{min(dpi, THUMB_DPI)} dpi (one scale for all)")
    label_h = _text_size(label_font, "Ag")[1] + _PAD
    layout = []  # (heading, cells, cell width, cell height)
    for document, thumbs in blocks:
        entry = document.entry
        trim = " x ".join(f"{v:g}" for v in entry.get("trim_mm", []))
        safe = "none" if document.safe_mm is None else f"{document.safe_mm:g} mm"
        heading = (f"{document.label}  ({document.pdf.name}; layout {entry.get('layout')}, trim "
                   f"{trim} mm, bleed {entry.get('bleed_mm', 0):g} mm, safe {safe})")
        labels = [f"{document.label} p{n}" for n in range(1, len(thumbs) + 1)]
        cell_w = max(max(t.width for t in thumbs), *(_text_size(label_font, s)[0] for s in labels))
        cell_h = max(t.height for t in thumbs) + _PAD + label_h
        layout.append((heading, list(zip(thumbs, labels, strict=True)), cell_w, cell_h))

    title_h = _text_size(title_font, title)[1] + _PAD
    sub_w, sub_h = _text_size(label_font, subtitle)
    legend_w, legend_h = _legend(None, 0, 0)
    head_h = _text_size(head_font, "Ag")[1] + _PAD
    width = max(_text_size(title_font, title)[0], sub_w + _PAD, legend_w)
    height = title_h + sub_h + _GAP + legend_h + _GAP
    for heading, cells, cell_w, cell_h in layout:
        columns = min(len(cells), SHEET_COLUMNS)
        rows = math.ceil(len(cells) / columns)
        width = max(width, _text_size(head_font, heading)[0], columns * (cell_w + _GAP) - _GAP)
        height += head_h + rows * (cell_h + _GAP) + _GAP

    sheet = Image.new("RGB", (width + 2 * _MARGIN, height + 2 * _MARGIN), _BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    x, y = _MARGIN, _MARGIN
    draw.text((x, y), title, fill=_INK, font=title_font)
    y += title_h
    draw.text((x, y), subtitle, fill=_GREY, font=label_font)
    y += sub_h + _GAP
    _legend(draw, x, y)
    y += legend_h + _GAP
    for heading, cells, cell_w, cell_h in layout:
        draw.line((x, y, x + width, y), fill=(220, 220, 220))
        draw.text((x, y + _PAD), heading, fill=_INK, font=head_font)
        y += head_h + _PAD
        for index, (thumb, label) in enumerate(cells):
            column, row = index % SHEET_COLUMNS, index // SHEET_COLUMNS
            cx, cy = x + column * (cell_w + _GAP), y + row * (cell_h + _GAP)
            sheet.paste(thumb, (cx, cy))
            # A hairline frame shows the MediaBox edge on a white page.
            draw.rectangle((cx - 1, cy - 1, cx + thumb.width, cy + thumb.height), outline=(200, 200, 200))
            draw.text((cx, cy + thumb.height + _PAD), label, fill=_INK, font=label_font)
        y += math.ceil(len(cells) / SHEET_COLUMNS) * (cell_h + _GAP) + _GAP - _PAD
    return sheet


# --- index.html -------------------------------------------------------------------------

_CSS = """
body { font: 15px/1.4 system-ui, sans-serif; margin: 2em; color: #1a1a1a; }
h2 { border-top: 1px solid #ccc; padding-top: .6em; }
img.sheet { max-width: 100%; border: 1px solid #ccc; }
table { border-collapse: collapse; margin: .5em 0 1.5em; }
td, th { text-align: left; padding: .2em .8em .2em 0; vertical-align: top; }
.legend span { display: inline-block; width: 3em; margin: 0 .5em .2em 1em; vertical-align: middle; }
.problems li { color: #a00; }
"""


def _index_html(out: Path, result: ProofResult, groups: dict[tuple[str, str], list[_Document]],
                dpi: int) -> str:
    """A standalone page: relative links only, all text escaped, no outside resources."""
    def esc(text: object) -> str:
        return html.escape(str(text), quote=True)

    def href(path: Path) -> str:
        return esc(quote(path.relative_to(result.proofs).as_posix()))

    style = {SAFE: "dotted", BLEED: "dashed", TRIM: "solid"}
    legend = "".join(f'<span style="border-top: 3px {style[g]} #{bytes(g.colour).hex()}"></span>'
                     f"{esc(g.meaning)}" for g in reversed(GUIDES))
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f"<title>Proofs of {esc(out.name)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        f"<h1>Proofs of {esc(out.name)}</h1>",
        f"<p>{len(result.pages)} document(s), {sum(map(len, result.pages.values()))} page(s) at "
        f"{dpi} dpi, each showing the whole MediaBox (crop marks included).</p>",
        f'<p class="legend">{legend}</p>',
    ]
    current_sku = None
    for key in sorted(groups):
        sku, group = key
        if sku != current_sku:
            parts.append(f"<h2>{esc(sku)}</h2>")
            current_sku = sku
        parts.append(f"<h3>{esc(sku)} &middot; {esc(group)}</h3>")
        if key in result.sheets:
            sheet = result.sheets[key]
            parts.append(f'<p><a href="{href(sheet)}"><img class="sheet" loading="lazy" '
                         f'src="{href(sheet)}" alt="{esc(f"Contact sheet {sku} {group}")}"></a></p>')
        parts.append("<table><tr><th>document</th><th>file</th><th>layout</th><th>pages</th></tr>")
        for document in groups[key]:
            pages = result.pages.get(document.entry["path"], [])
            links = " ".join(f'<a href="{href(p)}">{n}</a>' for n, p in enumerate(pages, 1)) or "none"
            parts.append(f"<tr><td>{esc(document.label)}</td><td>{esc(document.entry['path'])}</td>"
                         f"<td>{esc(document.entry.get('layout', ''))}</td><td>{links}</td></tr>")
        parts.append("</table>")
    if result.skipped or result.findings:
        parts.append('<h2>Not proofed</h2><ul class="problems">')
        parts += [f"<li>{esc(path)}: not built (status not ok)</li>" for path in result.skipped]
        parts += [f"<li>{esc(f.format())}</li>" for f in result.findings]
        parts.append("</ul>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)
