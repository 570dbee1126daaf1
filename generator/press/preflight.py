"""Preflight. What a print shop checks on a finished PDF, reported in the same finding
record as validation and compliance.

Checks, each with its own code: a valid PDF structure (``preflight.structure``); TrimBox and
BleedBox on every page and a bleed of at least the profile's minimum (``preflight.boxes``,
``preflight.bleed``); every font embedded (``preflight.font``); no missing glyph, i.e. no
``.notdef`` drawn (``preflight.glyph``); images of at least 300 dpi at their placed size, an
error under 150 (``preflight.image-dpi``); no RGB, Lab or spot colour painted in a CMYK profile
(``preflight.colour``); text of at least 6 pt (``preflight.text-size``); text inside the safe
zone (``preflight.safe-zone``); the expected page count (``preflight.pages``); and a QR code
whose modules and quiet zone are large enough to scan at print size (``preflight.qr``). For
PDF/X profiles, :mod:`generator.press.pdfx` adds transparency under X-1a
(``preflight.transparency``), annotations inside the trim (``preflight.annotation``) and the
Info keys, XMP version and output intent (``preflight.pdfx``).

Colours, images, text sizes and glyphs come from interpreting the content streams (pages and
form XObjects, with the transformation matrix): only what is painted counts, so a colour set
and never used is not a finding. Text positions come from PDFium. The build runs these checks
on every PDF it writes (an error fails that document); ``insertgen preflight`` runs them on any
PDF, and also finds QR codes by rendering the pages.
"""

from __future__ import annotations

import array
import dataclasses
import io
import math
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import pikepdf

from generator.findings import Finding, InsertgenError, Severity
from generator.press import pdfx
from generator.press.readback import ReadBack

PT_PER_MM = 72 / 25.4
#: Smallest QR module that phone cameras read reliably at a card's reading distance, in mm.
MIN_QR_MODULE_MM = 0.4
#: Light modules the QR symbology needs around the code (ISO/IEC 18004).
QR_QUIET_MODULES = 4


@dataclasses.dataclass(frozen=True)
class Expectations:
    """What a file should be: from the catalog (layout and print profile) or the command line."""

    #: Bleed every page needs, in millimetres (0: no bleed asked, boxes not required).
    min_bleed_mm: float = 3.0
    #: Only CMYK (grey, registration and process colours) may be painted.
    cmyk: bool = True
    #: Text keeps at least this distance from the trim (``None``: not checked).
    safe_mm: float | None = None
    #: Exact page count (``None``: any).
    pages: int | None = None
    #: The page count must be a multiple of this (4 for a saddle-stitched booklet).
    page_multiple: int = 1
    min_text_pt: float = 6.0
    dpi_warning: float = 300.0
    dpi_error: float = 150.0
    #: The QR module size measured when the PDF was laid out, in mm (build time).
    qr_module_mm: float | None = None
    #: ``(width px, height px, name)`` of the pictures the layout placed, so a finding names
    #: the file rather than the PDF's internal image name (build time).
    image_names: tuple[tuple[int, int, str], ...] = ()
    #: ``(page, size in pt, where)`` of the text SVG pictures draw, so a text-size finding
    #: names the picture and its element (build time).
    artwork_text: tuple[tuple[int, float, str], ...] = ()
    #: Find QR codes by rendering the pages (``insertgen preflight``; the build knows its own).
    detect_qr: bool = False
    #: Run qpdf's full syntax check (every stream decoded). The build skips it for the files
    #: its own writer has just made; ``insertgen preflight`` runs it on any file.
    check_syntax: bool = True
    #: The PDF/X variant the file claims (``pdf/x-1a``, ``pdf/x-4``; ``None``: not PDF/X):
    #: its Info keys, annotations and, for X-1a and X-3, transparency are checked.
    pdf_variant: str | None = None


def expectations(layout, profile, **overrides) -> Expectations:
    """What the catalog promises for a document of ``layout`` (a ``ResolvedLayout``) printed
    with ``profile`` (a ``PrintProfile``)."""
    spec = layout.spec
    values = dict(min_bleed_mm=profile.min_bleed_mm if profile.bleed else 0.0, cmyk=profile.cmyk,
                  safe_mm=spec.safe_mm, pages=spec.pages or None, page_multiple=spec.page_multiple,
                  pdf_variant=profile.pdf_variant)
    if not profile.cmyk:  # a file for screens: pictures are shown, not printed, at any resolution
        values |= dict(dpi_warning=0.0, dpi_error=0.0)
    return Expectations(**(values | overrides))


def preflight(data: bytes, expect: Expectations, *, source: str, read=None) -> list[Finding]:
    """Every problem of the PDF ``data``; ``source`` names it in the findings. ``read`` is the
    file already open in PDFium (a :class:`generator.press.readback.ReadBack`), when the caller has it."""
    return _run(data, expect, source, read).findings


def _run(data: bytes, expect: Expectations, source: str, read) -> _Report:
    report = _Report(source)
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as error:
        report.error("preflight.structure", None, f"expected a valid PDF, got {error}")
        return report
    with pdf:
        for problem in pdf.check_pdf_syntax() if expect.check_syntax else ():
            report.error("preflight.structure", None, f"expected a valid PDF structure, got {problem}")
        count = report.pages = len(pdf.pages)
        if expect.pages and count != expect.pages:
            report.error("preflight.pages", None, f"expected {expect.pages} pages, got {count}")
        if count % expect.page_multiple:
            report.error("preflight.pages", None, f"expected a page count that is a multiple of "
                                                  f"{expect.page_multiple}, got {count}")
        variant = expect.pdf_variant if pdfx.is_pdfx(expect.pdf_variant) else None
        if variant:
            pdfx.info_findings(report, pdf, variant)
        for number, page in enumerate(pdf.pages, 1):
            _boxes(report, number, page, expect)
            _Painting(report, number, expect).page(page)
            if variant:
                pdfx.annotation_findings(report, number, page, variant)
    if expect.safe_mm is not None or expect.detect_qr:
        if read is None:
            with ReadBack(data) as own:
                _positions(report, own, expect)
        else:
            _positions(report, read, expect)
    if expect.qr_module_mm is not None and expect.qr_module_mm < MIN_QR_MODULE_MM:
        report.error("preflight.qr", None, f"expected QR modules of at least {MIN_QR_MODULE_MM} mm "
                                           f"to scan at print size, got {expect.qr_module_mm:.2f} mm: "
                                           "make the code larger or the URL shorter")
    return report


class _Report:
    """Findings of one file, each problem once per page."""

    def __init__(self, source: str):
        self.source = source
        self.findings: list[Finding] = []
        self.pages = 0
        self._seen: set[tuple] = set()
        #: Whether each font used is embedded, by font object.
        self.embedded: dict[tuple, bool] = {}
        #: Codes drawing missing glyphs, by font object (``None``: not checkable).
        self.glyph_codes: dict[tuple, _GlyphCodes | None] = {}

    def add(self, code: str, page: int | None, message: str, severity: Severity,
            key: str | None = None, **extra) -> None:
        marker = (code, page, key or message)
        if marker in self._seen:
            return
        self._seen.add(marker)
        self.findings.append(Finding(code=code, severity=severity, category="preflight",
                                     source=self.source, field=f"page {page}" if page else None,
                                     message=message, extra=extra))

    def error(self, code: str, page: int | None, message: str, **kwargs) -> None:
        self.add(code, page, message, Severity.ERROR, **kwargs)

    def warning(self, code: str, page: int | None, message: str, **kwargs) -> None:
        self.add(code, page, message, Severity.WARNING, **kwargs)


# --- boxes and fonts ------------------------------------------------------------------------


def _box(page: pikepdf.Page, name: str) -> list[float] | None:
    value = page.obj.get(name)
    return [float(v) for v in value] if value is not None else None


def _boxes(report: _Report, number: int, page: pikepdf.Page, expect: Expectations) -> None:
    if expect.min_bleed_mm <= 0:
        return
    trim, bleed = _box(page, "/TrimBox"), _box(page, "/BleedBox")
    for name, box in (("TrimBox", trim), ("BleedBox", bleed)):
        if box is None:
            report.error("preflight.boxes", number, f"expected a {name}, got none")
    if trim is None or bleed is None:
        return
    sides = [trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]]
    smallest = min(sides) / PT_PER_MM
    if smallest < expect.min_bleed_mm - 0.05:
        report.error("preflight.bleed", number, f"expected a bleed of at least "
                                                f"{expect.min_bleed_mm:g} mm on every side, got "
                                                f"{max(smallest, 0):.1f} mm", bleed_mm=round(smallest, 2))


def _embedded(font) -> bool:
    """Whether a font's program is in the file (a Type 3 font draws with its own streams)."""
    if font.get("/Subtype") == "/Type3":
        return True
    descriptor = _descriptor(font)
    return descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


@dataclasses.dataclass(frozen=True)
class _GlyphCodes:
    """The character codes of one CID font that draw no real glyph."""

    #: Bytes per code.
    width: int
    #: Codes mapped to glyph 0 (.notdef) or to a glyph the embedded program does not have.
    bad: frozenset[int]
    #: With Identity-H, every code from here up is such a glyph (``None``: no limit).
    limit: int | None = None


_CMAP_CHAR = re.compile(rb"<([0-9a-fA-F]+)>\s+(\d+)")
_CMAP_RANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s+(\d+)")
_CMAP_SECTION = re.compile(rb"begincid(char|range)(.*?)endcid\1", re.S)


def _glyph_codes(font) -> _GlyphCodes | None:
    """What codes of ``font`` draw a missing glyph, for a CID font whose CIDs are glyph ids
    (Identity CID-to-GID map, as WeasyPrint writes them); ``None`` when nothing can be known."""
    if font is None or font.get("/Subtype") != "/Type0":
        return None
    descendant = font.get("/DescendantFonts")[0]
    if str(descendant.get("/CIDToGIDMap", "/Identity")) != "/Identity":
        return None
    descriptor = descendant.get("/FontDescriptor")
    program = (descriptor.get("/FontFile2") or descriptor.get("/FontFile3")) if descriptor else None
    if program is None:
        return None
    try:
        from fontTools.ttLib import TTFont

        count = TTFont(io.BytesIO(program.read_bytes()), lazy=True)["maxp"].numGlyphs
    except Exception:  # noqa: BLE001 - a font fontTools cannot read is not this check's to judge
        return None
    encoding = font.get("/Encoding")
    if encoding == "/Identity-H":
        listed = _listed_glyphs(descendant.get("/W"))
        if listed is not None and listed and min(listed) > 0 and max(listed) < count:
            return None  # every glyph the file draws is listed in its widths, and is real
        return _GlyphCodes(2, frozenset({0}), count)
    if not isinstance(encoding, pikepdf.Stream):
        return None
    cmap = encoding.read_bytes()
    bad: set[int] = set()
    width = 2
    for kind, body in _CMAP_SECTION.findall(cmap):
        if kind == b"char":
            for code, cid in _CMAP_CHAR.findall(body):
                width = len(code) // 2
                if int(cid) == 0 or int(cid) >= count:
                    bad.add(int(code, 16))
        else:
            for low, high, cid in _CMAP_RANGE.findall(body):
                width = len(low) // 2
                first, last, start = int(low, 16), int(high, 16), int(cid)
                bad.update(code for code in range(first, last + 1)
                           if start + code - first == 0 or start + code - first >= count)
    return _GlyphCodes(width, frozenset(bad))


def _listed_glyphs(widths) -> list[int] | None:
    """Glyph ids a CID font's widths array (``/W``) lists; producers such as WeasyPrint list
    every glyph the file draws, so a clean list spares reading the content streams' codes."""
    if widths is None:
        return None
    listed: list[int] = []
    items = list(widths)
    index = 0
    while index < len(items):
        first = int(items[index])
        if index + 1 < len(items) and isinstance(items[index + 1], pikepdf.Array):
            listed += range(first, first + len(items[index + 1]))
            index += 2
        elif index + 2 < len(items):
            listed += range(first, int(items[index + 1]) + 1)
            index += 3
        else:
            return None
    return listed


def _descriptor(font):
    if font.get("/Subtype") == "/Type0":
        descendants = font.get("/DescendantFonts")
        return descendants[0].get("/FontDescriptor") if descendants else None
    return font.get("/FontDescriptor")


# --- what is painted ------------------------------------------------------------------------

_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_FILL_OPS = {"f", "F", "f*", "B", "B*", "b", "b*"}
_STROKE_OPS = {"S", "s", "B", "B*", "b", "b*"}
_TEXT_OPS = {"Tj", "TJ", "'", '"'}


def _multiply(m, n):
    """The matrix ``m`` then ``n`` (PDF order: a point is transformed by m first)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


#: Operators that change nothing the checks look at (paths being built, line style, marked
#: content, text spacing): skipped first, since they are most of a page.
_SKIP = frozenset({"m", "l", "c", "v", "y", "h", "re", "n", "W", "W*", "w", "J", "j", "M", "d",
                   "ri", "i", "BMC", "BDC", "EMC", "MP", "DP", "BX", "EX", "Td", "TD", "T*",
                   "Tc", "Tw", "Tz", "TL", "Ts", "ET", "sc", "SC", "d0", "d1"})
#: The operators the checks read; pikepdf leaves the others (most of a page) unparsed.
_WANTED = ("q Q cm g G rg RG k K cs CS scn SCN f F f* B B* b b* S s sh BT Tf Tr Tm Tj TJ ' \" Do "
           "gs INLINE IMAGE")


class _State:
    """The graphics state the checks need (``q`` saves a copy, ``Q`` restores it)."""

    __slots__ = ("ctm", "fill", "stroke", "font", "size", "render")

    def __init__(self):
        self.ctm, self.fill, self.stroke = _IDENTITY, "DeviceGray", "DeviceGray"
        self.font, self.size, self.render = None, 0.0, 0

    def copy(self) -> _State:
        other = _State.__new__(_State)
        other.ctm, other.fill, other.stroke = self.ctm, self.fill, self.stroke
        other.font, other.size, other.render = self.font, self.size, self.render
        return other


class _Painting:
    """A small content-stream interpreter: colours painted, images placed, text shown."""

    def __init__(self, report: _Report, number: int, expect: Expectations):
        self.report, self.number, self.expect = report, number, expect
        #: Smallest text size painted on the page, in points.
        self.smallest: float | None = None
        #: Report transparency (the file is PDF/X-1a or X-3).
        self.opaque = pdfx.forbids_transparency(expect.pdf_variant)
        #: Report ICC-based colour (PDF/X-1a allows device CMYK, grey and spot colours only).
        self.device_only = expect.pdf_variant == "pdf/x-1a"

    def page(self, page: pikepdf.Page) -> None:
        if self.opaque and page.obj.get("/Group") is not None:
            self.transparent(["a transparency group (the page's)"])
        self.run(page.obj, page.obj.get("/Resources"), _State(), depth=0)
        if self.smallest is not None and self.smallest < self.expect.min_text_pt - 0.01:
            size = self.smallest
            small = sorted((pt, where) for page, pt, where in self.expect.artwork_text
                           if page == self.number and pt < self.expect.min_text_pt - 0.01)
            inside = "; ".join(f"{where} at {pt:.1f} pt" for pt, where in small)
            self.report.error("preflight.text-size", self.number,
                              f"expected text of at least {self.expect.min_text_pt:g} pt, got "
                              f"{size:.1f} pt" + (f", in artwork: {inside} (make the text larger "
                                                  "in the picture or place it larger)" if inside else ""),
                              key="text-size", text_pt=round(size, 2),
                              **({"artwork": [where for _, where in small]} if small else {}))

    def run(self, stream, resources, state: _State, depth: int) -> None:
        if depth > 8:
            return
        try:
            instructions = pikepdf.parse_content_stream(stream, _WANTED)
        except pikepdf.PdfError as error:
            self.report.error("preflight.structure", self.number,
                              f"expected a readable content stream, got {error}")
            return
        stack: list[_State] = []
        tm = _IDENTITY
        for instruction in instructions:
            op = str(instruction.operator)
            if op in _SKIP:
                continue
            args = instruction.operands
            if op == "q":
                stack.append(state.copy())
            elif op == "Q" and stack:
                state = stack.pop()
            elif op == "cm":
                state.ctm = _multiply(tuple(float(v) for v in args), state.ctm)
            elif op in ("g", "G", "rg", "RG", "k", "K"):
                space = {"g": "DeviceGray", "rg": "DeviceRGB", "k": "DeviceCMYK"}[op.lower()]
                if op.islower():
                    state.fill = space
                else:
                    state.stroke = space
            elif op in ("cs", "CS"):
                space = self.space(args[0], resources)
                if self.device_only:
                    self.icc_based(args[0], resources, "painting")
                if op == "cs":
                    state.fill = space
                else:
                    state.stroke = space
            elif op in ("scn", "SCN") and args and isinstance(args[-1], pikepdf.Name):
                space = self.pattern_space(args[-1], resources)
                if space and op == "scn":
                    state.fill = space
                elif space:
                    state.stroke = space
            elif op in _FILL_OPS or op in _STROKE_OPS:
                if op in _FILL_OPS:
                    self.colour(state.fill, "fill")
                if op in _STROKE_OPS:
                    self.colour(state.stroke, "stroke")
            elif op == "sh":
                shading = (resources.get("/Shading") or {}).get(args[0]) if resources else None
                if shading is not None:
                    self.colour(self.space(shading.get("/ColorSpace"), resources), "shading")
            elif op == "BT":
                tm = _IDENTITY
            elif op == "Tf":
                fonts = resources.get("/Font") if resources else None
                state.font = fonts.get(args[0]) if fonts else None
                state.size = float(args[1])
                if state.font is not None:
                    self.font_used(state.font, args[0])
            elif op == "Tr":
                state.render = int(args[0])
            elif op == "Tm":
                tm = tuple(float(v) for v in args)
            elif op in _TEXT_OPS:
                self.text(state, tm, args)
            elif op == "Do":
                self.xobject(args[0], resources, state, depth)
            elif op == "gs" and self.opaque:
                states = resources.get("/ExtGState") if resources else None
                self.transparent(pdfx.state_transparency(states.get(args[0]) if states else None))
            elif op == "INLINE IMAGE":
                self.inline_image(instruction, state)

    # colours ------------------------------------------------------------------------------

    def space(self, name, resources) -> str:
        """A colour space's kind: DeviceGray, DeviceRGB, DeviceCMYK, Registration, Spot:<n>,
        Lab, Pattern, or the kind of an ICC profile's components."""
        if isinstance(name, pikepdf.Name):
            plain = str(name).lstrip("/")
            if plain in ("DeviceGray", "DeviceRGB", "DeviceCMYK", "Pattern", "G", "RGB", "CMYK"):
                return {"G": "DeviceGray", "RGB": "DeviceRGB", "CMYK": "DeviceCMYK"}.get(plain, plain)
            spaces = resources.get("/ColorSpace") if resources else None
            value = spaces.get(name) if spaces else None
            return self.space(value, resources) if value is not None else "DeviceGray"
        if isinstance(name, pikepdf.Array) and len(name):
            family = str(name[0]).lstrip("/")
            if family == "ICCBased":
                components = int(name[1].get("/N", 3))
                return {1: "DeviceGray", 3: "DeviceRGB", 4: "DeviceCMYK"}.get(components, "DeviceRGB")
            if family == "Separation":
                colorant = str(name[1]).lstrip("/")
                return "Registration" if colorant in ("All", "None") else f"Spot:{colorant}"
            if family == "DeviceN":
                names = [str(n).lstrip("/") for n in name[1]]
                process = {"Cyan", "Magenta", "Yellow", "Black", "None"}
                return "DeviceCMYK" if set(names) <= process else f"Spot:{'+'.join(names)}"
            if family in ("Indexed", "I"):
                return self.space(name[1], resources)
            if family in ("CalRGB",):
                return "DeviceRGB"
            if family in ("CalGray",):
                return "DeviceGray"
            if family == "Lab":
                return "Lab"
            if family == "Pattern":
                return "Pattern"
        return "DeviceGray"

    def pattern_space(self, name, resources) -> str | None:
        patterns = resources.get("/Pattern") if resources else None
        pattern = patterns.get(name) if patterns else None
        if pattern is None:
            return None
        shading = pattern.get("/Shading")
        if shading is not None:
            return self.space(shading.get("/ColorSpace"), resources)
        return None  # a tiling pattern paints with its own content

    def colour(self, space: str, how: str) -> None:
        if not self.expect.cmyk or space in ("DeviceCMYK", "DeviceGray", "Registration", "Pattern"):
            return
        kind = "a spot colour (" + space[5:] + ")" if space.startswith("Spot:") else \
            "RGB" if space == "DeviceRGB" else space
        self.report.error("preflight.colour", self.number,
                          f"expected only CMYK colours in a CMYK profile, got {kind} used as {how}",
                          key=f"{space}:{how}")

    def icc_based(self, name, resources, how: str) -> None:
        if isinstance(name, pikepdf.Name) and resources is not None:
            spaces = resources.get("/ColorSpace")
            name = spaces.get(name) if spaces else name
        family = str(name[0]) if isinstance(name, pikepdf.Array) and len(name) else ""
        if family in ("/ICCBased", "/CalRGB", "/CalGray"):
            self.report.error("preflight.colour", self.number, "expected device colours in a "
                              f"PDF/X-1a file, got the {family.lstrip('/')} colour space used "
                              f"for {how}", key=f"{family}:{how}")

    def transparent(self, found: list[str]) -> None:
        for what in found:
            self.report.error("preflight.transparency", self.number, f"expected no transparency "
                              f"in a {pdfx.label(self.expect.pdf_variant)} file, got {what}",
                              key=what.split(" (")[0])

    # images -------------------------------------------------------------------------------

    def xobject(self, name, resources, state: _State, depth: int) -> None:
        xobjects = resources.get("/XObject") if resources else None
        xobject = xobjects.get(name) if xobjects else None
        if xobject is None:
            return
        kind = xobject.get("/Subtype")
        if self.opaque:
            self.transparent(pdfx.xobject_transparency(xobject, str(name).lstrip("/")))
        if kind == "/Image":
            if xobject.get("/ImageMask"):
                self.colour(state.fill, "image mask")
            else:
                self.colour(self.space(xobject.get("/ColorSpace"), resources), "image")
                if self.device_only:
                    self.icc_based(xobject.get("/ColorSpace"), resources, "an image")
            self.resolution(int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0)),
                            state.ctm, str(name).lstrip("/"))
        elif kind == "/Form":
            inner = state.copy()
            matrix = xobject.get("/Matrix")
            if matrix is not None:
                inner.ctm = _multiply(tuple(float(v) for v in matrix), state.ctm)
            self.run(xobject, xobject.get("/Resources") or resources, inner, depth + 1)

    def inline_image(self, instruction, state: _State) -> None:
        image = instruction.iimage
        self.resolution(int(image.width), int(image.height), state.ctm, "inline image")

    def resolution(self, width_px: int, height_px: int, ctm: tuple, name: str) -> None:
        width_pt = math.hypot(ctm[0], ctm[1])
        height_pt = math.hypot(ctm[2], ctm[3])
        if not width_px or not height_px or width_pt < 1 or height_pt < 1:
            return
        dpi = min(width_px / (width_pt / 72), height_px / (height_pt / 72))
        placed = f"{width_pt / PT_PER_MM:.0f} x {height_pt / PT_PER_MM:.0f} mm"
        known = [n for w, h, n in self.expect.image_names if (w, h) == (width_px, height_px)]
        label = f"{known[0]}, " if len(set(known)) == 1 else ""
        message = (f"expected images of at least {self.expect.dpi_warning:g} dpi at their placed "
                   f"size, got {dpi:.0f} dpi ({label}{width_px} x {height_px} px on {placed})")
        if dpi < self.expect.dpi_error:
            self.report.error("preflight.image-dpi", self.number, message, key=name, dpi=round(dpi))
        elif dpi < self.expect.dpi_warning:
            self.report.warning("preflight.image-dpi", self.number, message, key=name, dpi=round(dpi))

    # text ---------------------------------------------------------------------------------

    def text(self, state: _State, tm: tuple, args) -> None:
        if state.render in (3, 7) or not state.size:
            return  # invisible text (a clipping path or a searchable layer) paints nothing
        matrix = _multiply(tm, state.ctm)
        size = state.size * math.hypot(matrix[2], matrix[3])
        if self.smallest is None or size < self.smallest:
            self.smallest = size
        self.glyphs(state.font, args)
        if state.render in (0, 2, 4, 6):
            self.colour(state.fill, "text")
        if state.render in (1, 2, 5, 6):
            self.colour(state.stroke, "text outline")

    def font_used(self, font, name) -> None:
        key = font.objgen
        if key not in self.report.embedded:
            self.report.embedded[key] = _embedded(font)
        if not self.report.embedded[key]:
            base = str(font.get("/BaseFont", name)).lstrip("/")
            self.report.error("preflight.font", self.number, f"expected every font embedded, got "
                                                             f"{base} not embedded", key=base)

    def glyphs(self, font, args) -> None:
        """Report glyph 0 (.notdef, drawn as a tofu box) or a glyph the program lacks."""
        if font is None:
            return
        key = font.objgen
        if key not in self.report.glyph_codes:
            self.report.glyph_codes[key] = _glyph_codes(font)
        codes = self.report.glyph_codes[key]
        if codes is None or (not codes.bad and codes.limit is None):
            return
        data = b"".join(bytes(string) for operand in args
                        for string in (operand if isinstance(operand, pikepdf.Array) else (operand,))
                        if isinstance(string, pikepdf.String))
        if codes.width == 2:
            drawn = array.array("H", data[: len(data) // 2 * 2])
            if sys.byteorder == "little":
                drawn.byteswap()  # the codes are big-endian
        else:
            drawn = data
        if drawn and (not codes.bad.isdisjoint(drawn)
                      or (codes.limit is not None and max(drawn) >= codes.limit)):
            base = str(font.get("/BaseFont", "")).lstrip("/")
            self.report.error("preflight.glyph", self.number, "expected a glyph for every "
                              f"character, got a missing glyph (a tofu box) drawn with {base}",
                              key=base)


# --- positions (PDFium) ---------------------------------------------------------------------


def _positions(report: _Report, read, expect: Expectations) -> None:
    for number, (page, textpage) in enumerate(zip(read.pages, read.texts, strict=True), 1):
        if expect.safe_mm is not None:
            _safe_zone(report, number, page, textpage, expect.safe_mm)
        if expect.detect_qr:
            _qr_by_rendering(report, number, page)


def _safe_zone(report: _Report, number: int, page, textpage, safe_mm: float) -> None:
    left, bottom, right, top = page.get_trimbox()
    inset = safe_mm * PT_PER_MM
    worst = None
    for index in range(textpage.count_rects()):
        x0, y0, x1, y1 = textpage.get_rect(index)
        distance = min(x0 - left, y0 - bottom, right - x1, top - y1)
        if distance < inset - 0.5 and (worst is None or distance < worst[0]):
            worst = (distance, (x0, y0, x1, y1))
    if worst is not None:
        distance, rect = worst
        words = " ".join(textpage.get_text_bounded(*rect).split())[:50]
        report.error("preflight.safe-zone", number,
                     f"expected text at least {safe_mm:g} mm inside the trim, got \"{words}\" "
                     f"at {distance / PT_PER_MM:.1f} mm", distance_mm=round(distance / PT_PER_MM, 2))


def _qr_by_rendering(report: _Report, number: int, page, dpi: int = 300) -> None:
    """Find QR codes on the rendered page; check module size and the light quiet zone."""
    import zxingcpp

    scale = dpi / 72
    image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
    for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        version = int(code.extra.get("Version", 0) or 0) if isinstance(code.extra, dict) else 0
        if not version:
            continue
        modules = 17 + 4 * version
        points = [(p.x, p.y) for p in (code.position.top_left, code.position.top_right,
                                       code.position.bottom_right, code.position.bottom_left)]
        width_px = max(math.dist(points[0], points[1]), math.dist(points[1], points[2]))
        module_mm = width_px / modules / scale / PT_PER_MM
        if module_mm < MIN_QR_MODULE_MM:
            report.error("preflight.qr", number, f"expected QR modules of at least "
                                                 f"{MIN_QR_MODULE_MM} mm to scan at print size, got "
                                                 f"{module_mm:.2f} mm", module_mm=round(module_mm, 2))
        quiet = QR_QUIET_MODULES * width_px / modules
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        box = (min(xs) - quiet, min(ys) - quiet, max(xs) + quiet, max(ys) + quiet)
        if _dark_share(image, box, (min(xs), min(ys), max(xs), max(ys))) > 0.02:
            report.error("preflight.qr", number, f"expected a light quiet zone of "
                                                 f"{QR_QUIET_MODULES} modules around the QR code, "
                                                 "got dark marks in it", key="quiet")


def _dark_share(image, outer: tuple, inner: tuple) -> float:
    """Share of dark pixels in the ring between ``outer`` and ``inner`` (clipped to the page)."""
    width, height = image.size
    x0, y0 = max(int(outer[0]), 0), max(int(outer[1]), 0)
    x1, y1 = min(int(outer[2]) + 1, width), min(int(outer[3]) + 1, height)
    if (x0, y0, x1, y1) != (int(outer[0]), int(outer[1]), int(outer[2]) + 1, int(outer[3]) + 1):
        return 1.0  # the quiet zone runs off the page
    pixels = image.crop((x0, y0, x1, y1)).load()
    dark = total = 0
    for y in range(y1 - y0):
        for x in range(x1 - x0):
            gx, gy = x + x0, y + y0
            if inner[0] - 2 <= gx <= inner[2] + 2 and inner[1] - 2 <= gy <= inner[3] + 2:
                continue
            total += 1
            dark += pixels[x, y] < 128
    return dark / total if total else 0.0


def format_counts(findings: Iterable[Finding]) -> str:
    findings = list(findings)
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


# --- a build's output -----------------------------------------------------------------------


@dataclasses.dataclass
class Checked:
    """One file preflighted: where it is and what was found."""

    path: str
    findings: list[Finding]
    pages: int = 0


def output_targets(out: Path, catalog_root: Path | None) -> tuple[list[tuple[Path, Expectations]],
                                                                   list[Finding]]:
    """Every built PDF listed in ``out/manifest.json`` with what its layout and print profile
    promise; findings for a manifest or layout that cannot be read."""
    from generator.catalog import resolve_layout
    from generator.catalog.layouts import PROFILES
    from generator.manifest import built_file, read_manifest

    manifest = out / "manifest.json"
    try:
        entries = read_manifest(out)
    except InsertgenError as error:
        return [], [Finding(code="preflight.manifest", source=str(manifest), category="preflight",
                            message=str(error).removeprefix(f"{manifest}: "))]
    targets, findings = [], []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("status") != "ok":
            continue
        layout, problems = resolve_layout(catalog_root, str(entry.get("layout")))
        findings += problems
        profile = PROFILES.get(str(entry.get("profile")))
        if layout is None or profile is None:
            findings.append(Finding(
                code="preflight.manifest", source=str(manifest), field=str(entry.get("path")),
                category="preflight", message=f"expected a known layout and print profile, got "
                f"layout \"{entry.get('layout')}\" and profile \"{entry.get('profile')}\" (give "
                "the catalog with --catalog when it has its own layouts)"))
            continue
        path = built_file(out, entry)
        if path is None:
            findings.append(Finding(code="preflight.manifest", source=str(manifest),
                                    category="preflight", field=str(entry.get("path")),
                                    message=f"expected a PDF path inside {out}"))
            continue
        targets.append((path, expectations(layout, profile, detect_qr=True)))
    return targets, findings


def check_files(targets: list[tuple[Path, Expectations]], jobs: int | None = None) -> list[Checked]:
    """Preflight every ``(path, expectations)``; ``jobs`` worker processes (1: in-process)."""
    jobs = min(jobs or os.cpu_count() or 1, len(targets) or 1)
    if jobs == 1:
        return [_check_one(target) for target in targets]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(_check_one, targets))


def _check_one(target: tuple[Path, Expectations]) -> Checked:
    path, expect = target
    try:
        data = path.read_bytes()
    except OSError as error:
        return Checked(str(path), [Finding(code="preflight.structure", source=str(path),
                                           category="preflight", message="expected a readable "
                                           f"PDF file, got {error.strerror}")])
    report = _run(data, expect, str(path), None)
    return Checked(str(path), report.findings, report.pages)
