"""Stage: imposition. Print-ready documents placed on press sheets, as the printer runs them.

Two entry functions, one per product:

- :func:`impose_cards`: step-and-repeat of a card (page 1 front, page 2 back) on a press sheet,
  work-and-turn for duplex;
- :func:`impose_booklet`: a saddle-stitched manual as printer spreads, two pages per side.

Both read a PDF written by the PDF stage and write a new PDF with pikepdf. Each source page
becomes one form XObject (fonts, images and colour spaces travel inside it, so fonts stay
embedded), placed with a translation and clipped to the part of the page that is printed.
Marks are drawn in registration colour (``/Separation /All``), as the PDF stage draws them.

Geometry (points, PDF coordinates, origin at the bottom left of the output page):

Cards
    The printable area is the sheet less ``margin_mm`` on every side. Cards are placed
    whole with their bleed (each clipped to its source BleedBox, so a card's own crop marks
    never reach a neighbour) on a grid whose cells are the bleed boxes; the gutter is the
    space between neighbouring *bleed* edges, so bleeds never overlap, and trim boxes are
    spaced by trim width + left and right bleed + gutter. Columns = the most bleed boxes
    and gutters that fit the printable width (likewise rows); the sheet is portrait or
    landscape, whichever holds more cards (portrait on a tie); cards are never turned. The
    block of cards is centred on the sheet. Cut marks lie on every trim line: outside the
    block, in the margin (1 mm from the block's bleed edge, up to 5 mm long, shortened to
    the sheet edge), and in every gutter that leaves at least 1 mm of mark between the two
    1 mm offsets; no mark crosses a bleed box. Fronts are listed in reading order (rows top
    to bottom, columns left to right).
Duplex (work-and-turn about the vertical axis)
    The second output page is the back sheet: page 2 of the card, each back placed at the
    front's trim rectangle mirrored about the sheet's vertical centre line (x -> width - x),
    so column c's back sits in column ``columns - 1 - c`` as seen from the back and lands
    behind its front once the sheet is turned left to right. ``placements[1][i]`` is the
    back of ``placements[0][i]``.
Booklets
    Sheet k (0-based) of an N-page booklet carries the printer spreads front = (N - 2k,
    2k + 1) and back = (2k + 2, N - 2k - 1), as (left, right) 1-based page numbers; the
    output has front k then back k for every sheet. Right-to-left booklets (bound on the
    right) mirror every spread: front of sheet 0 is (1, N). The two pages meet at the spine
    with no gap; each keeps its bleed at the top, bottom and outer edge and is cut at the
    trim on the spine side. Crop marks sit outside the bleed at the four spread corners and
    a dashed fold mark at the spine above and below, all 1 mm from the bleed, 5 mm long.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import math
import re
import uuid
from pathlib import Path

import pikepdf

from generator.catalog.layouts import MARK_LENGTH_MM, MARK_OFFSET_MM, PT_PER_MM
from generator.files import write_atomically
from generator.findings import InsertgenError

#: ``(x0, y0, x1, y1)`` in points on a page.
Rect = tuple[float, float, float, float]
#: A line ``(x0, y0, x1, y1)`` in points on a page.
Segment = tuple[float, float, float, float]

#: Press sheets, portrait width and height in millimetres.
SHEETS: dict[str, tuple[float, float]] = {
    "A4": (210.0, 297.0),
    "A3": (297.0, 420.0),
    "SRA3": (320.0, 450.0),
    "Letter": (215.9, 279.4),
    "Tabloid": (279.4, 431.8),
}

#: Shortest mark worth drawing in a gutter or a narrow margin, in millimetres.
MIN_MARK_MM = 1.0
#: Registration colour: every separation at 100 % (the name the PDF stage uses too).
REGISTRATION = "/InsertgenRegistration"
#: Languages written right to left, for booklets whose PDF does not say its direction.
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "yi", "ps", "ckb", "dv", "sd", "ug"})


@dataclasses.dataclass(frozen=True)
class Placement:
    """One source page placed on an output page."""

    #: 1-based page number in the source PDF.
    page: int
    #: Where the page's TrimBox lands on the output page.
    trim: Rect
    #: The part of the page that is printed (the clip): trim plus bleed, cut at the trim on
    #: a booklet's spine side.
    clip: Rect


@dataclasses.dataclass
class Imposition:
    """What an imposition did, page by page, so tests and the CLI can report it exactly."""

    #: Physical press sheets (a duplex card sheet is one sheet, printed on both sides).
    sheets: int
    #: Per output page, the source pages placed on it.
    placements: list[list[Placement]]
    #: Per output page, the cut (crop) mark segments.
    marks: list[list[Segment]]
    #: Per output page, the fold mark segments (booklets; empty for cards).
    folds: list[list[Segment]]
    #: Output page width and height in points (every output page has this size).
    page_size: tuple[float, float]


@dataclasses.dataclass(frozen=True)
class _OutputPage:
    """One page to write: its boxes, what goes on it and its marks."""

    size: tuple[float, float]
    trim: Rect
    bleed: Rect
    placements: list[Placement]
    marks: list[Segment]
    folds: list[Segment] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class _SourcePage:
    trim: Rect
    bleed: Rect

    @property
    def bleeds(self) -> tuple[float, float, float, float]:
        """Bleed on the left, bottom, right and top."""
        return (self.trim[0] - self.bleed[0], self.trim[1] - self.bleed[1],
                self.bleed[2] - self.trim[2], self.bleed[3] - self.trim[3])

    @property
    def width(self) -> float:
        return self.trim[2] - self.trim[0]

    @property
    def height(self) -> float:
        return self.trim[3] - self.trim[1]


# --- cards ------------------------------------------------------------------------------


def impose_cards(source: Path, out: Path, *, sheet: str = "SRA3", gutter_mm: float = 6.0,
                 margin_mm: float = 10.0, duplex: bool = True) -> Imposition:
    """Step and repeat the card in ``source`` on a press sheet and write it to ``out``.

    Page 1 (front) fills the first output page; with ``duplex``, page 2 (back) fills the
    second, mirrored for work-and-turn. The rules are in the module docstring.
    """
    name, (sheet_w, sheet_h) = _sheet(sheet)
    for label, value in (("gutter", gutter_mm), ("margin", margin_mm)):
        if value < 0:
            raise InsertgenError(f"expected a {label} of 0 mm or more, got {_mm(value)} mm")
    with _open(source) as pdf:
        pages = [_source_page(source, pdf, number) for number in range(1, len(pdf.pages) + 1)]
        if len(pages) not in (1, 2):
            raise InsertgenError(f"{source}: expected a card of 1 or 2 pages (front, back), got "
                                 f"{len(pages)}; impose a manual with impose_booklet")
        if duplex and len(pages) < 2:
            raise InsertgenError(f"{source}: expected a card of 2 pages (front and back) for "
                                 "duplex, got 1; impose it without duplex")
        front = pages[0]
        cell = (front.bleed[2] - front.bleed[0], front.bleed[3] - front.bleed[1])
        if duplex:
            back = pages[1]
            back_cell = (back.bleed[2] - back.bleed[0], back.bleed[3] - back.bleed[1])
            if any(abs(a - b) > 0.01 for a, b in zip(cell, back_cell, strict=True)):
                raise InsertgenError(
                    f"{source}: expected the back (page 2) the size of the front, "
                    f"{_mm_size(cell)} with bleed, got {_mm_size(back_cell)}")
        gutter, margin = gutter_mm * PT_PER_MM, margin_mm * PT_PER_MM
        size, columns, rows = _best_grid(sheet_w * PT_PER_MM, sheet_h * PT_PER_MM, cell, gutter,
                                         margin)
        if not columns * rows:
            raise InsertgenError(
                f"{source}: expected a card that fits the printable area of the {name} sheet, "
                f"{_mm(sheet_w - 2 * margin_mm)} x {_mm(sheet_h - 2 * margin_mm)} mm "
                f"({_mm(sheet_w)} x {_mm(sheet_h)} mm less {_mm(margin_mm)} mm margins), in "
                f"portrait or landscape; got a card of {_mm_size(cell)} with bleed")
        cells = _cells(size, cell, gutter, columns, rows)
        fronts = [_on_cell(1, front, box) for box in cells]
        sheet_box = (0.0, 0.0, *size)
        output = [_OutputPage(size, sheet_box, sheet_box, fronts,
                              _card_marks(size, fronts, columns, rows))]
        if duplex:
            backs = [_on_cell(2, pages[1], _mirror(box, size[0])) for box in cells]
            output.append(_OutputPage(size, sheet_box, sheet_box, backs,
                                      _card_marks(size, backs, columns, rows)))
        _write(pdf, source, out, output, f"cards {name} {gutter_mm} {margin_mm} {duplex}")
    return _report(1, output)


def _sheet(sheet: str) -> tuple[str, tuple[float, float]]:
    """The table's spelling of ``sheet`` (any case) and its portrait size in millimetres."""
    for name, size in SHEETS.items():
        if name.lower() == sheet.lower():
            return name, size
    raise InsertgenError(f"unknown sheet {sheet!r}: expected one of {', '.join(SHEETS)}")


def _best_grid(width: float, height: float, cell: tuple[float, float], gutter: float,
               margin: float) -> tuple[tuple[float, float], int, int]:
    """The sheet size (portrait or landscape) holding the most cells, and its columns and rows."""
    best = ((width, height), 0, 0)
    for size in ((width, height), (height, width)):
        columns, rows = (_fit(size[i] - 2 * margin, cell[i], gutter) for i in (0, 1))
        if columns * rows > best[1] * best[2]:
            best = (size, columns, rows)
    return best


def _fit(room: float, cell: float, gutter: float) -> int:
    """How many cells with a gutter between each two fit in ``room``."""
    # n cells need n * cell + (n - 1) * gutter; the tolerance absorbs mm-to-point rounding.
    return max(0, math.floor((room + gutter) / (cell + gutter) + 1e-9))


def _cells(size: tuple[float, float], cell: tuple[float, float], gutter: float, columns: int,
           rows: int) -> list[Rect]:
    """The bleed boxes of the grid, centred on the sheet, in reading order."""
    block_w = columns * cell[0] + (columns - 1) * gutter
    block_h = rows * cell[1] + (rows - 1) * gutter
    left, top = (size[0] - block_w) / 2, (size[1] + block_h) / 2
    boxes = []
    for row in range(rows):
        y1 = top - row * (cell[1] + gutter)
        for column in range(columns):
            x0 = left + column * (cell[0] + gutter)
            boxes.append((x0, y1 - cell[1], x0 + cell[0], y1))
    return boxes


def _on_cell(number: int, page: _SourcePage, cell: Rect) -> Placement:
    """Source page ``number`` with its bleed box filling ``cell``."""
    left, bottom, right, top = page.bleeds
    trim = (cell[0] + left, cell[1] + bottom, cell[2] - right, cell[3] - top)
    return Placement(number, trim, cell)


def _mirror(box: Rect, width: float) -> Rect:
    """``box`` mirrored about the vertical centre line of a page ``width`` wide."""
    return (width - box[2], box[1], width - box[0], box[3])


def _card_marks(size: tuple[float, float], cards: list[Placement], columns: int,
                rows: int) -> list[Segment]:
    """Cut marks on every trim line: in the margin around the block and in the gutters."""
    offset, shortest = MARK_OFFSET_MM * PT_PER_MM, MIN_MARK_MM * PT_PER_MM
    # Rows top to bottom, each left to right on the page (a back sheet lists them mirrored).
    grid = [sorted(cards[r * columns:(r + 1) * columns], key=lambda c: c.clip[0]) for r in range(rows)]
    block = (min(c.clip[0] for c in cards), min(c.clip[1] for c in cards),
             max(c.clip[2] for c in cards), max(c.clip[3] for c in cards))
    xs = sorted({x for c in grid[0] for x in (c.trim[0], c.trim[2])})
    ys = sorted({y for row in grid for y in (row[0].trim[1], row[0].trim[3])})
    marks: list[Segment] = []
    for a, b in filter(None, (_outward(block[3], size[1] - block[3], 1), _outward(block[1], block[1], -1))):
        marks += [(x, a, x, b) for x in xs]  # above and below the block
    for a, b in filter(None, (_outward(block[0], block[0], -1), _outward(block[2], size[0] - block[2], 1))):
        marks += [(a, y, b, y) for y in ys]  # left and right of the block
    # Gutters between columns carry the horizontal trim lines, gutters between rows the
    # vertical ones; both only when a mark fits between the offsets from the two bleeds.
    for row in grid:
        for left, right in zip(row, row[1:], strict=False):
            a, b = left.clip[2], right.clip[0]
            if b - a - 2 * offset >= shortest:
                marks += [(a + offset, y, b - offset, y) for y in (left.trim[1], left.trim[3])]
    for upper, lower in zip(grid, grid[1:], strict=False):
        a, b = lower[0].clip[3], upper[0].clip[1]
        if b - a - 2 * offset >= shortest:
            marks += [(x, a + offset, x, b - offset) for x in xs]
    return marks



def _outward(edge: float, room: float, direction: int) -> tuple[float, float] | None:
    """Where a mark goes from a bleed ``edge`` towards the sheet edge ``room`` away
    (``direction`` +1 or -1): 1 mm off the bleed, 5 mm long or as long as the room allows."""
    offset, length = MARK_OFFSET_MM * PT_PER_MM, MARK_LENGTH_MM * PT_PER_MM
    span = min(length, room - offset)
    if span < MIN_MARK_MM * PT_PER_MM:
        return None
    return edge + direction * offset, edge + direction * (offset + span)


# --- booklets ---------------------------------------------------------------------------


def impose_booklet(source: Path, out: Path, *, rtl: bool | None = None) -> Imposition:
    """Impose the manual in ``source`` as saddle-stitched printer spreads and write ``out``.

    ``rtl=None`` reads the direction from the source: its ``/ViewerPreferences /Direction``
    when present, else its ``/Lang`` (a right-to-left language binds on the right);
    ``True`` or ``False`` overrides it. The rules are in the module docstring.
    """
    with _open(source) as pdf:
        count = len(pdf.pages)
        if count == 0 or count % 4:
            raise InsertgenError(f"{source}: expected a page count that is a multiple of 4, "
                                 f"got {count}")
        pages = [_source_page(source, pdf, number) for number in range(1, count + 1)]
        first = pages[0]
        for number, page in enumerate(pages[1:], start=2):
            if abs(page.width - first.width) > 0.01 or abs(page.height - first.height) > 0.01:
                raise InsertgenError(
                    f"{source}: page {number}: expected every page trimmed to "
                    f"{_mm_size((first.width, first.height))} like page 1, got "
                    f"{_mm_size((page.width, page.height))}")
        if rtl is None:
            rtl = _reads_right_to_left(pdf)
        # One bleed for the whole spread: the narrowest any page has, so no clip shows
        # blank paper where a page's artwork ends.
        bleed = min(b for page in pages for b in page.bleeds)
        output = [_spread(pair, first.width, first.height, bleed)
                  for pair in spreads(count, rtl=rtl)]
        _write(pdf, source, out, output, f"booklet {rtl}")
    return _report(count // 4, output)


def spreads(count: int, *, rtl: bool = False) -> list[tuple[int, int]]:
    """Printer spreads ``(left, right)`` of a saddle-stitched booklet, 1-based page numbers,
    in print order: sheet 0 front, sheet 0 back, sheet 1 front, ..."""
    pairs = []
    for k in range(count // 4):
        pairs += [(count - 2 * k, 2 * k + 1), (2 * k + 2, count - 2 * k - 1)]
    return [(right, left) for left, right in pairs] if rtl else pairs


def _reads_right_to_left(pdf: pikepdf.Pdf) -> bool:
    preferences = pdf.Root.get("/ViewerPreferences")
    if preferences is not None and "/Direction" in preferences:
        return preferences.Direction == pikepdf.Name.R2L
    language = str(pdf.Root.get("/Lang", "")).split("-")[0].lower()
    return language in RTL_LANGUAGES


def _spread(pair: tuple[int, int], width: float, height: float, bleed: float) -> _OutputPage:
    """Two pages side by side at the spine, their bleed kept except at the spine."""
    offset, length = MARK_OFFSET_MM * PT_PER_MM, MARK_LENGTH_MM * PT_PER_MM
    slug = offset + length + 1  # as around a single page (the PDF stage): marks plus 1 pt
    x0 = y0 = slug + bleed
    x1, y1, spine = x0 + 2 * width, y0 + height, x0 + width
    size = (x1 + bleed + slug, y1 + bleed + slug)
    left, right = pair
    placements = [
        Placement(left, (x0, y0, spine, y1), (x0 - bleed, y0 - bleed, spine, y1 + bleed)),
        Placement(right, (spine, y0, x1, y1), (spine, y0 - bleed, x1 + bleed, y1 + bleed)),
    ]
    top, bottom = y1 + bleed + offset, y0 - bleed - offset
    marks = []
    for x in (x0, x1):
        marks += [(x, top, x, top + length), (x, bottom, x, bottom - length)]
    for y in (y0, y1):
        marks += [(x0 - bleed - offset, y, x0 - bleed - offset - length, y),
                  (x1 + bleed + offset, y, x1 + bleed + offset + length, y)]
    folds = [(spine, top, spine, top + length), (spine, bottom, spine, bottom - length)]
    trim = (x0, y0, x1, y1)
    return _OutputPage(size, trim, _grow(trim, bleed), placements, marks, folds)


# --- reading and writing ----------------------------------------------------------------


def _open(source: Path) -> pikepdf.Pdf:
    try:
        return pikepdf.open(source)
    except (OSError, pikepdf.PdfError) as error:
        raise InsertgenError(f"{source}: expected a readable PDF, got {error}") from None


def _source_page(source: Path, pdf: pikepdf.Pdf, number: int) -> _SourcePage:
    page = pdf.pages[number - 1]
    if int(page.obj.get("/Rotate", 0)) % 360:
        raise InsertgenError(f"{source}: page {number}: expected an unrotated page, got /Rotate "
                             f"{int(page.obj.Rotate)}")
    # pikepdf falls back as the PDF specification says: BleedBox to CropBox to MediaBox,
    # TrimBox to CropBox; a page without bleed is placed at its trim.
    trim = tuple(float(v) for v in page.trimbox)
    bleed = tuple(float(v) for v in page.bleedbox)
    return _SourcePage(_normalise(trim), _normalise(bleed))


def _normalise(box) -> Rect:
    x0, y0, x1, y1 = box
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _write(source_pdf: pikepdf.Pdf, source: Path, out: Path, pages: list[_OutputPage],
           recipe: str) -> None:
    """Write the output pages, keeping the source's output intent and PDF/X labels."""
    pdf = pikepdf.new()
    forms: dict[int, _Form] = {}
    for page in pages:
        for placement in page.placements:
            if placement.page not in forms:
                forms[placement.page] = _form(pdf, source_pdf, placement.page)
    registration = pdf.make_indirect(_registration())
    for page in pages:
        _add_page(pdf, page, forms, registration)
    _copy_print_labels(pdf, source_pdf, source, recipe)
    buffer = io.BytesIO()
    # A deterministic /ID keeps the promise of the build: the same input, the same bytes.
    pdf.save(buffer, min_version=source_pdf.pdf_version, deterministic_id=True)
    write_atomically(out, buffer.getvalue())


@dataclasses.dataclass(frozen=True)
class _Form:
    """A source page as a form XObject of the output, and where its TrimBox starts."""

    xobject: pikepdf.Object
    origin: tuple[float, float]


def _form(pdf: pikepdf.Pdf, source_pdf: pikepdf.Pdf, number: int) -> _Form:
    """Source page ``number`` as a form XObject of ``pdf``, bounded by its BleedBox."""
    page = source_pdf.pages[number - 1]
    form = page.as_form_xobject()
    # qpdf bounds the form by the TrimBox: the bleed must stay (the page's own marks go).
    form.BBox = pikepdf.Array(_normalise(tuple(float(v) for v in page.bleedbox)))
    trim = _normalise(tuple(float(v) for v in page.trimbox))
    return _Form(pdf.copy_foreign(form), (trim[0], trim[1]))


def _registration() -> pikepdf.Array:
    """``/Separation /All``: the tint goes on every plate, so marks print on each."""
    tint = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1)
    return pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK, tint])


def _add_page(pdf: pikepdf.Pdf, page: _OutputPage, forms: dict[int, _Form],
              registration: pikepdf.Object) -> None:
    commands = []
    for placement in page.placements:
        origin = forms[placement.page].origin
        dx, dy = placement.trim[0] - origin[0], placement.trim[1] - origin[1]
        x0, y0, x1, y1 = placement.clip
        commands.append(f"q {_n(x0)} {_n(y0)} {_n(x1 - x0)} {_n(y1 - y0)} re W n "
                        f"1 0 0 1 {_n(dx)} {_n(dy)} cm /P{placement.page} Do Q")
    commands.append(f"q {REGISTRATION} CS 1 SCN 0.25 w 0 J")
    commands += [_line(segment) for segment in page.marks]
    if page.folds:
        # Dashed, so the finisher tells the fold from a cut.
        commands.append(f"[{_n(PT_PER_MM)} {_n(PT_PER_MM)}] 0 d")
        commands += [_line(segment) for segment in page.folds]
    commands.append("Q")
    used = sorted({p.page for p in page.placements})
    resources = pikepdf.Dictionary(
        XObject=pikepdf.Dictionary({f"/P{n}": forms[n].xobject for n in used}),
        ColorSpace=pikepdf.Dictionary({REGISTRATION: registration}),
    )
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=_box((0.0, 0.0, *page.size)),
        TrimBox=_box(page.trim),
        BleedBox=_box(page.bleed),
        Resources=resources,
        Contents=pdf.make_stream("\n".join(commands).encode()),
    )))


_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def _copy_print_labels(pdf: pikepdf.Pdf, source_pdf: pikepdf.Pdf, source: Path, recipe: str) -> None:
    """The source's output intent, PDF/X metadata, document information and language."""
    root = source_pdf.Root
    for key in ("/OutputIntents", "/Lang"):
        if key in root:
            pdf.Root[key] = _copy(pdf, root[key])
    if "/Metadata" in root:
        # Another document than the source: a new XMP document ID, derived from the source
        # and the recipe so that the output stays reproducible.
        seed = hashlib.sha256(Path(source).read_bytes() + recipe.encode()).digest()
        document_id = f"xmp.did:{uuid.UUID(bytes=seed[:16])}".encode()
        xmp = _DOCUMENT_ID.sub(document_id, root.Metadata.read_bytes())
        pdf.Root.Metadata = pdf.make_stream(xmp, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
    for key, value in source_pdf.docinfo.items():
        pdf.docinfo[key] = _copy(pdf, value)


def _copy(pdf: pikepdf.Pdf, value):
    """``value`` of another PDF, for ``pdf`` (``copy_foreign`` takes indirect objects only)."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return pdf.copy_foreign(value)
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_copy(pdf, item) for item in value])
    if isinstance(value, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _copy(pdf, item) for key, item in value.items()})
    return value


def _report(sheets: int, pages: list[_OutputPage]) -> Imposition:
    return Imposition(sheets, [list(p.placements) for p in pages], [list(p.marks) for p in pages],
                      [list(p.folds) for p in pages], pages[0].size)


# --- small helpers ----------------------------------------------------------------------


def _grow(box: Rect, by: float) -> Rect:
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def _box(box: Rect) -> pikepdf.Array:
    return pikepdf.Array([round(v, 4) for v in box])


def _line(segment: Segment) -> str:
    a, b, c, d = segment
    return f"{_n(a)} {_n(b)} m {_n(c)} {_n(d)} l S"


def _n(value: float) -> str:
    """A number for a content stream: 4 decimals, no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _mm(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _mm_size(size: tuple[float, float]) -> str:
    """A size in points as ``111 x 154 mm``."""
    return f"{_mm(size[0] / PT_PER_MM)} x {_mm(size[1] / PT_PER_MM)} mm"
