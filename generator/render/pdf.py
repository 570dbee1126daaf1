"""PDF writing: WeasyPrint lays the HTML out and writes the print-ready file's bytes.

Runs inside warm worker processes: each keeps one ``FontConfiguration`` and a cache of parsed
stylesheets. A WeasyPrint *finisher* completes the file: crop marks in registration colour
outside the bleed (on a larger MediaBox), a document ID derived from the input so the same
input gives byte-identical PDFs, and the PDF/X touches of :mod:`generator.render.pdfx` (no
needless transparency groups, transparency under X-1a refused, no links in print files, the
Info keys, the output condition named as its registry names it). The laid-out document is
measured here too (the fit of every text field, the QR module size and the pictures placed),
since only this stage sees its boxes.
Pictures are read through :mod:`generator.render.artwork`, so RGB artwork is drawn in the
output intent's CMYK (or reported, with its file and element). The bytes go back to the
orchestrator, which gates, preflights and writes them.
"""

from __future__ import annotations

import ctypes
import dataclasses
import functools
import hashlib
import logging
import re
import uuid
import zlib
from collections import OrderedDict
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf
from weasyprint import CSS, HTML
from weasyprint.formatting_structure.boxes import LineBox, TextBox
from weasyprint.logger import LOGGER as WEASYPRINT_LOGGER
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from generator.catalog.layouts import MARK_LENGTH_MM, MARK_OFFSET_MM, PT_PER_MM
from generator.findings import Finding
from generator.render import pdfx
from generator.render.artwork import (
    PICTURE_SUFFIXES,
    Artwork,
    ArtworkLibrary,
    ArtworkSettings,
    library,
    placed_texts,
)
from generator.render.fonts import install_subset_cache
from generator.render.resources import OutputIntent


@dataclasses.dataclass(frozen=True)
class RenderJob:
    """Everything a worker needs to turn one document's HTML into a PDF file."""

    key: str
    html: str
    css: str
    #: Catalog folder (base URL of the HTML).
    base_dir: str
    #: Layout folder (base URL of the stylesheet).
    css_dir: str
    #: Folders (and single files) rendering may read.
    allowed: tuple[str, ...]
    expected_pages: int
    pdf_variant: str | None
    marks: bool
    bleed_mm: float
    #: ``(field prefix, most lines)`` from the layout.
    max_lines: tuple[tuple[str, int], ...] = ()
    #: ``False`` lays the document out and measures it, without writing a PDF.
    write: bool = True
    #: Measure the QR module size and the pictures placed (for preflight).
    placed: bool = True
    #: Pad the page count to a multiple of this (booklets: 4) ...
    page_multiple: int = 1
    #: ... with pages of this HTML (at least ``page_multiple - 1`` notes pages), put before
    #: the last page (the back cover).
    notes_html: str | None = None
    #: How pictures are brought to the output intent's CMYK (``None``: drawn as they are,
    #: and SVG text is not named in findings).
    artwork: ArtworkSettings | None = None
    #: The output condition the CMYK profile stands for (``None``: no output intent).
    intent: OutputIntent | None = None


@dataclasses.dataclass
class RenderResult:
    key: str
    ok: bool
    pages: int = 0
    sha256: str | None = None
    size: int = 0
    #: ``(code, severity, message)`` triples; turned into findings by the build.
    problems: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)
    #: Sides whose content runs past their safe zone: ``(side, mm)``.
    overflow: list[tuple[str, float]] = dataclasses.field(default_factory=list)
    #: Every text field measured on the rendered pages.
    fields: list[FieldFit] = dataclasses.field(default_factory=list)
    #: Fields with more lines than the layout allows, and the limit.
    too_many_lines: list[tuple[FieldFit, int]] = dataclasses.field(default_factory=list)
    #: Every ``data-balance`` element as laid out, in document order: ``(width of the box it
    #: sits in, lines)``, in CSS px (:mod:`generator.render.fit` checks its balancing with it).
    balanced: list[tuple[float, int]] = dataclasses.field(default_factory=list)
    #: The width of the box each text field sits in, in CSS px, by field.
    columns: dict[str, float] = dataclasses.field(default_factory=dict)
    #: Findings about the file (preflight's, added by the orchestrator).
    findings: list = dataclasses.field(default_factory=list)
    #: The file's bytes once rendered (the orchestrator writes them and drops them here).
    pdf: bytes | None = None
    #: The smallest QR module as laid out, in mm (``None`` without a QR code or not measured).
    qr_module_mm: float | None = None
    #: Pictures placed: ``(width px, height px, file relative to the catalog)``.
    images: tuple[tuple[int, int, str], ...] = ()
    #: What the pictures drawn say about themselves (conversions, RGB refused), by file.
    artwork: list[Finding] = dataclasses.field(default_factory=list)
    #: Text drawn by SVG pictures: ``(page, size in pt, file:line element)``.
    artwork_text: tuple[tuple[int, float, str], ...] = ()
    #: Where the marked copy of a failed document was kept, relative to the output folder.
    failed_copy: str | None = None
    #: How each ``data-balance`` element set its text (:class:`TextSetting`, ``None`` when it
    #: holds more than one run of text), for this process only: not sent back by a worker.
    settings: list = dataclasses.field(default_factory=list, compare=False, repr=False)

    def __getstate__(self):
        state = dict(self.__dict__)
        state["settings"] = []  # WeasyPrint's styles stay in the process that laid them out
        return state

    @property
    def fits(self) -> bool:
        return not self.overflow and not self.too_many_lines

    @property
    def failed(self) -> bool:
        """Whether a problem found so far fails the document."""
        return any(severity == "error" for _, severity, _ in self.problems) or \
            any(f.severity == "error" for f in self.artwork)


@dataclasses.dataclass(frozen=True)
class TextSetting:
    """How a block sets its one run of text: the style of the text and, in CSS px, what
    its box takes across besides the text (margins, borders, padding: ``inset``; borders and
    padding: ``frame``)."""

    style: object
    inset: float
    frame: float
    border_box: bool


@dataclasses.dataclass(frozen=True)
class FieldFit:
    """One printed text field as laid out: its box and its lines."""

    #: Field path, e.g. ``card.tips[1]``.
    field: str
    #: Locale the text is written in.
    locale: str
    #: The ``data-fit`` side it sits on (``front``, ``back``).
    side: str
    height_mm: float
    lines: int


def _too_many_lines(fields: list[FieldFit], max_lines) -> list[tuple[FieldFit, int]]:
    return [(f, limit) for f in fields if (limit := line_limit(f.field, max_lines)) and f.lines > limit]


def line_limit(field: str, max_lines: tuple[tuple[str, int], ...]) -> int | None:
    """The layout's line limit for ``field`` (``card.tips`` covers ``card.tips[2]``)."""
    for prefix, limit in max_lines:
        if field == prefix or field.startswith(prefix + "["):
            return limit
    return None


class ConfinedFetcher(URLFetcher):
    """Serves ``data:`` URLs and files under the allowed folders; refuses everything else.
    With an artwork library, pictures are served as the library converted them."""

    def __init__(self, allowed: tuple[str, ...], artwork: ArtworkLibrary | None = None):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.allowed = [Path(p).resolve() for p in allowed]
        self.refused: list[str] = []
        self.artwork = artwork
        #: The pictures served, by file name.
        self.served: dict[str, Artwork] = {}

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if any(path == root or path.is_relative_to(root) for root in self.allowed):
                if self.artwork is not None and path.suffix.lower() in PICTURE_SUFFIXES \
                        and path.is_file():
                    return self._picture(path, url, headers)
                return super().fetch(url, headers)
            self.refused.append(f"{path} is outside the catalog and the built-in layouts")
        else:
            self.refused.append(f"{url} is a network address")
        raise ValueError(f"insertgen refuses to read {url}")

    def _picture(self, path: Path, url: str, headers):
        art = self.artwork.get(path)
        self.served.setdefault(art.name, art)
        if art.data is None:
            return super().fetch(url, headers)
        # Not a file: URL, so WeasyPrint keeps these bytes rather than reading the file again.
        return URLFetcherResponse(f"insertgen-artwork:{art.name}", art.data,
                                  {"Content-Type": art.media_type})


class _Collect(logging.Handler):
    """Keeps WeasyPrint's warnings of the current document."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


class CompressedStreams:
    """The Flate-compressed bytes of the resource streams a worker embeds again and again (the
    output intent's ICC profile, pictures, their profiles, font subsets), by the digest of
    their content; least recently used dropped past ``limit`` bytes.

    Compressed exactly as pydyf would (zlib level 9, ``/Filter /FlateDecode`` after the
    stream's own keys), so a file written through the cache has the same bytes as one
    written without it."""

    def __init__(self, limit: int = 16 * 2 ** 20):
        self.limit = limit
        self.size = 0
        self.hits = self.misses = 0
        self._entries: OrderedDict[bytes, bytes] = OrderedDict()

    def compressed(self, raw: bytes) -> bytes:
        key = hashlib.blake2b(raw, digest_size=20).digest()
        found = self._entries.get(key)
        if found is not None:
            self.hits += 1
            self._entries.move_to_end(key)
            return found
        self.misses += 1
        packer = zlib.compressobj(level=9)
        data = packer.compress(raw) + packer.flush()
        if len(data) <= self.limit:
            self._entries[key] = data
            self.size += len(data)
            while self.size > self.limit:
                self.size -= len(self._entries.popitem(last=False)[1])
        return data

    def apply(self, pdf: pydyf.PDF) -> None:
        """Compress ``pdf``'s resource streams now, through the cache (page and form content,
        which changes from one document to the next, is left to pydyf)."""
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Stream) and obj.compress and "Filter" not in obj.extra \
                    and _reused_resource(obj):
                raw = b"\n".join(pydyf._to_bytes(item) for item in obj.stream)
                obj.stream = [self.compressed(raw)]
                obj.compress = False
                obj.extra["Filter"] = "/FlateDecode"


def _reused_resource(stream: pydyf.Stream) -> bool:
    """ICC profiles (``N``), embedded font files and pictures: what repeats between files."""
    extra = stream.extra
    return "N" in extra or "Length1" in extra or \
        extra.get("Subtype") in ("/OpenType", "/Image")


class Renderer:
    """A warm renderer: one font configuration and parsed stylesheets, reused per document."""

    #: Parsed stylesheets kept (one per layout and print profile is the usual need).
    STYLESHEETS = 16
    #: Written documents between two returns of freed memory to the system: glibc keeps it
    #: otherwise, and a worker holds 30-45 MB more after some cards (CJK, the EU card) until
    #: the next return. Each one: 0.2-0.6 ms, tens of ms after such a card.
    TRIM_EVERY = 1

    def __init__(self):
        self.font_config = FontConfiguration()
        #: Parsed stylesheets and the ``@color-profile`` rules each declared, by CSS digest.
        self._css: dict[str, tuple[CSS, dict]] = {}
        #: Resource streams compressed once per worker (``None``: pydyf compresses each time).
        self.streams: CompressedStreams | None = CompressedStreams()
        self._rendered = 0
        install_subset_cache()
        self._log = _Collect()
        WEASYPRINT_LOGGER.addHandler(self._log)
        WEASYPRINT_LOGGER.setLevel(logging.WARNING)
        WEASYPRINT_LOGGER.propagate = False

    def _stylesheet(self, job: RenderJob, fetcher: ConfinedFetcher) -> tuple[CSS, dict]:
        digest = hashlib.sha256(job.css.encode()).hexdigest()
        if digest not in self._css and len(self._css) >= self.STYLESHEETS:
            del self._css[next(iter(self._css))]  # the oldest
        if digest not in self._css:
            profiles: dict = {}
            css = CSS(string=job.css, base_url=Path(job.css_dir).as_uri() + "/",
                      url_fetcher=fetcher, font_config=self.font_config, color_profiles=profiles)
            for profile in profiles.values():
                # littleCMS re-serialises a profile differently once its tags were read (a
                # warm worker's second document would embed other bytes than its first): the
                # finisher embeds the file exactly as it is.
                profile.insertgen_bytes = _profile_bytes(profile.src)
            self._css[digest] = (css, profiles)
        return self._css[digest]

    def render(self, job: RenderJob) -> RenderResult:
        """Lay out, measure and write one document to bytes (the result says what went
        wrong; ``result.pdf`` is ``None`` when it could not be written)."""
        try:
            return self._render(job)
        finally:
            self._rendered += job.write
            if job.write and self._rendered % self.TRIM_EVERY == 0:
                _release_memory()

    def _render(self, job: RenderJob) -> RenderResult:
        result = RenderResult(job.key, ok=False)
        self._log.records.clear()
        fetcher = ConfinedFetcher(job.allowed, library(job.artwork) if job.artwork else None)
        try:
            stylesheet, profiles = self._stylesheet(job, fetcher)
            # The variant is given to render() too: it decides the document's output intent.
            document = HTML(string=job.html, base_url=Path(job.base_dir).as_uri() + "/",
                            url_fetcher=fetcher).render(
                stylesheets=[stylesheet], font_config=self.font_config,
                color_profiles=dict(profiles), pdf_variant=job.pdf_variant)
            missing = -len(document.pages) % job.page_multiple
            if missing and job.notes_html:
                notes = HTML(string=job.notes_html, base_url=Path(job.base_dir).as_uri() + "/",
                             url_fetcher=fetcher).render(
                    stylesheets=[stylesheet], font_config=self.font_config,
                    color_profiles=dict(profiles), pdf_variant=job.pdf_variant)
                fit = measure_fit(document)
                document = document.copy(document.pages[:-1] + notes.pages[:missing]
                                         + document.pages[-1:])
            else:
                fit = None
            result.pages = len(document.pages)
            if not job.write:  # measuring only (``insertgen i18n status``)
                _measured_into(result, fit or measure_fit(document))
                result.too_many_lines = _too_many_lines(result.fields, job.max_lines)
                result.ok = result.fits
                return result
            seed = hashlib.sha256((job.html + job.css + str(job.pdf_variant)).encode()).digest()
            dropped: list[str] = []
            transparent: dict[int, list[str]] = {}
            pdf = document.write_pdf(
                pdf_variant=job.pdf_variant,
                finisher=lambda doc, pdf: _finish(pdf, seed, job, profiles, dropped, transparent,
                                                  self.streams),
            )
            by_reasons: dict[tuple[str, ...], list[int]] = {}
            for number, reasons in transparent.items():
                by_reasons.setdefault(tuple(reasons), []).append(number)
            for reasons, numbers in by_reasons.items():
                where = (f"page {numbers[0]}" if len(numbers) == 1 else
                         f"pages {', '.join(map(str, numbers))}")
                result.problems.append(("render.transparency", "error", (
                    f"expected no transparency in a {pdfx.label(job.pdf_variant)} file, got "
                    f"{', '.join(reasons)} on {where}: remove it from the layout "
                    "(opacity, rgba() colours, blend modes, masks, pictures with an alpha "
                    "channel) or print with print-x4, which allows transparency")))
            for target in dict.fromkeys(dropped):
                result.problems.append(("render.link-dropped", "warning", (
                    f"expected links to https:, mailto: or tel: addresses, got a link to "
                    f"{target[:80]!r}: it was dropped from the PDF (the text stays)")))
        except Exception as error:  # noqa: BLE001 - a render bug must not stop the other documents
            result.problems.append(("render.error", "error",
                                    f"rendering failed: {type(error).__name__}: {error}"))
            return result
        result.artwork = [f for art in fetcher.served.values() for f in art.findings]
        for reason in dict.fromkeys(fetcher.refused):
            result.problems.append(("render.resource-refused", "error",
                                    f"refused to read a resource: {reason}"))
        for record in self._log.records:
            message = record.getMessage().strip().splitlines()[0]
            if "insertgen refuses" in message:
                continue
            if "fontTools instead of HarfBuzz" in message:
                result.problems.append(("render.harfbuzz-subset", "error", "libharfbuzz-subset0 is "
                                        "missing: install it (see `insertgen doctor`)"))
                continue
            result.problems.append(("render.weasyprint", "warning", f"WeasyPrint: {message}"))
        _measured_into(result, fit or measure_fit(document))
        result.too_many_lines = _too_many_lines(result.fields, job.max_lines)
        if job.expected_pages and result.pages != job.expected_pages:
            result.problems.append((
                "render.overflow", "error",
                f"expected {job.expected_pages} pages, got {result.pages}: the text does not fit "
                "the card; shorten the texts of this locale or use a larger layout"))
        if result.pages % job.page_multiple:
            result.problems.append((
                "render.pages", "error",
                f"expected a page count that is a multiple of {job.page_multiple}, got "
                f"{result.pages}: the layout needs a notes page template"))
        if job.placed:
            result.qr_module_mm, result.images, pictures = _placed(document, job.base_dir)
            result.artwork_text = tuple(
                (page, size, where) for page, name, width, height in pictures
                if (art := fetcher.served.get(name)) is not None
                for size, where in placed_texts(art, width, height))
        result.pdf = pdf
        return result


@functools.cache
def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def _release_memory() -> None:
    """Hand freed heap memory back to the system (glibc only; elsewhere a no-op)."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


MM_PER_PX = 25.4 / 96


@dataclasses.dataclass
class Measured:
    """What :func:`measure_fit` reads off a laid-out document."""

    #: Sides whose content runs past their bottom edge, with the overflow in mm.
    overflow: list[tuple[str, float]]
    fields: list[FieldFit]
    #: ``(width of the box it sits in, lines)`` of every ``data-balance`` element.
    balanced: list[tuple[float, int]]
    #: The width of the box each field sits in, by field.
    columns: dict[str, float]
    #: How each ``data-balance`` element set its text (``None``: not one run of text).
    settings: list[TextSetting | None] = dataclasses.field(default_factory=list)


def _measured_into(result: RenderResult, measured: Measured) -> None:
    result.overflow, result.fields = measured.overflow, measured.fields
    result.balanced, result.columns = measured.balanced, measured.columns
    result.settings = measured.settings


def measure_fit(document) -> Measured:
    """Sides (``data-fit`` boxes) whose content runs past their bottom edge, with the overflow
    in millimetres, and every text field (``data-field`` boxes) with its height and lines."""
    overflow: dict[tuple[int, str], float] = {}
    measured = Measured([], [], [], {})
    for number, page in enumerate(document.pages):
        for box in _descendants(page._page_box):
            element = getattr(box, "element", None)
            name = element.get("data-fit") if element is not None else None
            if not name or box.element_tag is None:
                continue
            limit = box.content_box_y() + box.height
            bottom = max((child.position_y + child.margin_height()
                          for child in _descendants(box) if child is not box), default=limit)
            if bottom - limit > 0.5:  # half a CSS pixel: rounding, not overflow
                key = (number, name)
                overflow[key] = max(overflow.get(key, 0.0), (bottom - limit) * MM_PER_PX)
            _fields(box, name, measured)
    measured.overflow = [(name, mm) for (_, name), mm in overflow.items()]
    return measured


def _placed(document, base_dir: str):
    """What preflight cannot read back from the PDF: the smallest QR module as laid out, in
    millimetres (the ``svg.qr`` box width over the modules of its view box, quiet zone
    included; ``None`` without a QR code), the raster pictures placed, as ``(width px, height
    px, file relative to the catalog)``, and every picture placed, as ``(page, file, box width,
    box height)`` in CSS px."""
    smallest, images, pictures = None, [], []
    base = Path(base_dir).resolve()
    for number, page in enumerate(document.pages, 1):
        for box in _descendants(page._page_box):
            element = getattr(box, "element", None)
            if element is None or box.element_tag is None:
                continue
            picture = getattr(box, "replacement", None)
            url = urlsplit(element.get("src") or "")
            if picture is not None and url.scheme in ("", "file") and url.path:
                source = unquote(url.path)
                path = (Path(source) if Path(source).is_absolute() else base / source).resolve()
                name = path.relative_to(base).as_posix() if path.is_relative_to(base) else str(path)
                pictures.append((number, name, box.width, box.height))
                if hasattr(picture, "width"):
                    images.append((int(picture.width), int(picture.height), name))
            if not box.element_tag.endswith("svg") or "qr" not in (element.get("class") or "").split():
                continue
            try:
                modules = float((element.get("viewBox") or "").split()[2])
            except (IndexError, ValueError):
                continue
            if modules > 0 and box.width:
                size = box.width * MM_PER_PX / modules
                smallest = size if smallest is None else min(smallest, size)
    return smallest, tuple(images), tuple(pictures)


def _fields(side, name: str, measured: Measured) -> None:
    """The fields on ``side`` (and the balanced elements and columns) into ``measured``."""
    seen: set[int] = set()
    for box, parent in _with_parents(side):  # outer boxes first: one measure per element
        element = getattr(box, "element", None)
        if element is None or id(element) in seen or isinstance(box, LineBox) \
                or not hasattr(box, "children"):
            continue
        field = element.get("data-field")
        balance = element.get("data-balance") is not None
        if not field and not balance:
            continue
        seen.add(id(element))
        lines = sum(1 for child in _descendants(box) if isinstance(child, LineBox))
        column = float(parent.width) if parent is not None else float(box.margin_width())
        if balance:
            measured.balanced.append((column, lines))
            measured.settings.append(_text_setting(box))
        if field:
            measured.fields.append(FieldFit(field, element.get("data-locale", ""), name,
                                            round(box.border_height() * MM_PER_PX, 2), lines))
            measured.columns.setdefault(field, column)


def _text_setting(box) -> TextSetting | None:
    """How block ``box`` sets its text, when all of it is one run (lines of text boxes of
    one style, nothing inline around them)."""
    styles = set()
    for line in box.children:
        if not isinstance(line, LineBox) or not all(isinstance(t, TextBox) for t in line.children):
            return None
        styles.update(id(t.style) for t in line.children)
    if len(styles) != 1:
        return None
    frame = (box.border_left_width + box.border_right_width + box.padding_left
             + box.padding_right)
    return TextSetting(box.children[0].children[0].style, box.margin_width() - box.width, frame,
                       box.style["box_sizing"] == "border-box")


def _with_parents(box, parent=None):
    yield box, parent
    for child in getattr(box, "children", ()):
        yield from _with_parents(child, box)


def _descendants(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


# --- finisher ---------------------------------------------------------------------------

_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def _profile_bytes(src) -> bytes | None:
    """The bytes of an ICC profile file named by a ``file:`` URL (``None`` otherwise)."""
    if not isinstance(src, str) or not src.startswith("file:"):
        return None
    try:
        return Path(unquote(urlsplit(src).path)).read_bytes()
    except OSError:
        return None


def _object(pdf: pydyf.PDF, reference):
    """The object an indirect reference (``"12 0 R"``, as text or bytes) points to."""
    if isinstance(reference, bytes):
        reference = reference.decode("ascii")
    return pdf.objects[int(str(reference).split()[0])]


#: The only link targets a printed or screen PDF keeps.
LINK_SCHEMES = ("https:", "mailto:", "tel:")


def _drop_unsafe_links(pdf: pydyf.PDF, dropped: list[str]) -> None:
    """Link annotations to anything but https:, mailto: and tel: are taken off the pages
    (``javascript:``, ``file:``, ``http:`` ...); their targets are listed in ``dropped``."""

    def unsafe(annotation: dict) -> bool:
        action = annotation.get("A")
        target = action.get("URI") if isinstance(action, dict) else None
        uri = getattr(target, "string", None)
        if uri is None or uri.strip().lower().startswith(LINK_SCHEMES):
            return False
        dropped.append(uri)
        # The object is still written, unreferenced: its target must not be in the file.
        annotation.pop("A", None)
        annotation.pop("Contents", None)
        return True

    pdfx.remove_annotations(pdf, unsafe)


def _finish(pdf: pydyf.PDF, seed: bytes, job: RenderJob, profiles: dict | None = None,
            dropped: list[str] | None = None,
            transparent: dict[int, list[str]] | None = None,
            streams: CompressedStreams | None = None) -> None:
    """Last touches before WeasyPrint writes the file. ``dropped`` receives the link targets
    taken out, ``transparent`` what is transparent on each page of a file whose variant
    forbids transparency (the render then fails); ``streams`` compresses the resource
    streams through a worker's cache."""
    _drop_unsafe_links(pdf, dropped if dropped is not None else [])
    found = pdfx.remove_opaque_groups(pdf)
    if job.pdf_variant in pdfx.OPAQUE_VARIANTS and transparent is not None:
        transparent.update(found)
    if job.pdf_variant == "pdf/x-1a":
        pdfx.drop_unused_colour_spaces(pdf)
    if pdfx.is_pdfx(job.pdf_variant):
        pdfx.remove_links(pdf)  # paper has no links; PDF/X wants no annotations in the trim
        pdfx.complete_info(pdf, job.pdf_variant)
        if job.intent is not None:
            pdfx.name_output_intent(pdf, job.intent.identifier, job.intent.registry,
                                    job.intent.condition, job.intent.info)
    for profile in (profiles or {}).values():
        raw = getattr(profile, "insertgen_bytes", None)
        if raw and profile.pdf_reference:
            _object(pdf, profile.pdf_reference).stream = [raw]
    metadata = pdf.catalog.get("Metadata")
    if metadata is not None:
        stream = _object(pdf, metadata)
        document_id = f"xmp.did:{uuid.UUID(bytes=seed[:16])}".encode()
        stream.stream = [_DOCUMENT_ID.sub(document_id, bytes(chunk)) if isinstance(chunk, bytes)
                         else chunk for chunk in stream.stream]
    if job.marks and job.bleed_mm > 0:
        for number in pdf.pages["Kids"][::3]:
            _add_crop_marks(pdf, pdf.objects[number])
    if streams is not None:
        streams.apply(pdf)


def _add_crop_marks(pdf: pydyf.PDF, page: pydyf.Dictionary) -> None:
    """Crop marks at the trim lines, outside the bleed, on a MediaBox grown to hold them."""
    x0, y0, x1, y1 = (float(v) for v in page["TrimBox"])
    bx0, by0, bx1, by1 = (float(v) for v in page["BleedBox"])
    offset, length = MARK_OFFSET_MM * PT_PER_MM, MARK_LENGTH_MM * PT_PER_MM
    grow = offset + length + 1
    page["MediaBox"] = pydyf.Array([bx0 - grow, by0 - grow, bx1 + grow, by1 + grow])
    lines = []
    for x in (x0, x1):  # vertical marks above and below
        lines.append((x, by1 + offset, x, by1 + offset + length))
        lines.append((x, by0 - offset, x, by0 - offset - length))
    for y in (y0, y1):  # horizontal marks left and right
        lines.append((bx0 - offset, y, bx0 - offset - length, y))
        lines.append((bx1 + offset, y, bx1 + offset + length, y))
    resources = _object(pdf, page["Resources"])
    spaces = resources.get("ColorSpace")
    if isinstance(spaces, bytes):
        spaces = _object(pdf, spaces)
    if spaces is None:
        spaces = resources["ColorSpace"] = pydyf.Dictionary()
    spaces["InsertgenRegistration"] = pydyf.Array([
        "/Separation", "/All", "/DeviceCMYK",
        pydyf.Dictionary({"FunctionType": 2, "Domain": pydyf.Array([0, 1]),
                          "C0": pydyf.Array([0, 0, 0, 0]), "C1": pydyf.Array([1, 1, 1, 1]),
                          "N": 1}),
    ])
    body = ["Q q /InsertgenRegistration CS 1 SCN 0.25 w 0 J"]
    body += [f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S" for a, b, c, d in lines]
    body.append("Q")
    opening = pydyf.Stream([b"q"])
    closing = pydyf.Stream(["\n".join(body).encode()])
    pdf.add_object(opening)
    pdf.add_object(closing)
    page["Contents"] = pydyf.Array([opening.reference, page["Contents"], closing.reference])
