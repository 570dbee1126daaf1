"""Artwork in the print colours: the pictures a layout places (SVG, PNG, JPEG ...) as the
output intent's CMYK, before WeasyPrint draws them.

In: a picture file inside the catalog or the layouts, the output intent's ICC profile and the
brand's ``colour_conversion`` switch. Out: an :class:`Artwork`: the bytes to draw instead of
the file (``None``: the file is drawn as it is), findings that name the file, the line and the
element, and the text an SVG draws (for the text-size check once the picture is placed).

- **SVG**: every colour in ``fill``, ``stroke``, ``stop-color``, ``flood-color``,
  ``lighting-color`` and ``color``, as an attribute, in a ``style`` attribute or in a
  ``<style>`` sheet (hex, ``rgb()``, ``hsl()``, named colours, ``lab()`` ...), becomes
  ``device-cmyk()``, which WeasyPrint paints as device CMYK. The file is edited in place, so
  the lines stay where they were. The default black of shapes without a fill becomes black ink.
  WeasyPrint 70 cannot paint SVG gradients in CMYK (its shadings take three components), so a
  gradient paints its average colour, with a warning. Pictures embedded as ``data:`` URLs
  are converted like picture files.
- **Pictures**: RGB (and palette) pictures become CMYK JPEGs (the only CMYK form WeasyPrint 70
  places); transparency is flattened on white paper, with a warning when there was any.
  Greyscale stays grey, CMYK JPEGs stay as they are.

With ``colour_conversion: false`` nothing is converted: each RGB colour or picture is an error
at its place instead. Each file is converted once per process and kept (the orchestrator
converts the catalog's pictures before the workers fork, so they share the result).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import re
import time
from pathlib import Path
from xml.parsers import expat

from PIL import Image, ImageOps, UnidentifiedImageError
from tinycss2.color5 import parse_color

from generator.findings import Finding, Severity
from generator.render.colour import ColourConverter, css_cmyk, jpeg
from generator.render.svgtree import (
    TEXT_TAGS,
    SvgElement,
    SvgText,
    inherits,
    is_number,
    name_end,
    own_property,
    parse,
    texts,
    user_size,
)

#: Files treated as pictures (anything else a layout reads is served as it is).
PICTURE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".tif", ".tiff", ".bmp")
COLOUR_PROPERTIES = ("fill", "stroke", "stop-color", "flood-color", "lighting-color", "color",
                     "solid-color")
#: Raw findings of one file kept per kind, so a logo with 300 paths does not flood the output.
MAX_PER_KIND = 12
BLACK_INK = "device-cmyk(0 0 0 1)"


@dataclasses.dataclass(frozen=True)
class ArtworkSettings:
    """How a document's pictures are printed: the catalog folder (names in findings are
    relative to it), the output intent's ICC file (``None`` for an RGB profile: nothing is
    converted, SVG text is still read) and whether RGB is converted or refused."""

    root: str
    icc: str | None
    convert: bool = True


@dataclasses.dataclass(frozen=True)
class Artwork:
    """One picture as it will be drawn."""

    #: The file, relative to the catalog when inside it.
    name: str
    #: What to draw instead of the file, and its media type (``None``: the file as it is).
    data: bytes | None = None
    media_type: str | None = None
    findings: tuple[Finding, ...] = ()
    #: Text drawn by an SVG, and the SVG's width and height in its own units.
    texts: tuple[SvgText, ...] = ()
    user_size: tuple[float, float] | None = None


class ArtworkLibrary:
    """Converted artwork for one output intent, each file converted once (by content)."""

    def __init__(self, settings: ArtworkSettings):
        self.settings = settings
        self.root = Path(settings.root).resolve()
        self._converter: ColourConverter | None = None
        self._done: dict[tuple[str, str], Artwork] = {}
        #: Time spent converting, in seconds (for the build's report).
        self.seconds = 0.0

    @property
    def converter(self) -> ColourConverter:
        if self._converter is None:
            self._converter = ColourConverter(self.settings.icc)
        return self._converter

    def name(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path)

    def get(self, path: Path) -> Artwork:
        """The artwork of the picture file ``path`` (resolved)."""
        name = self.name(path)
        data = path.read_bytes()
        key = (name, hashlib.sha256(data).hexdigest())
        if key not in self._done:
            started = time.perf_counter()
            try:
                art = (_Svg(self, name, data).run() if _is_svg(path, data)
                       else _picture(self, name, data))
            except Exception as error:  # noqa: BLE001 - one bad picture fails its documents only
                art = Artwork(name, findings=(_finding(
                    "artwork.unreadable", name, None, None,
                    f"expected a picture insertgen can read, got {type(error).__name__}: {error}"),))
            self._done[key] = art
            self.seconds += time.perf_counter() - started
        return self._done[key]

    def warm(self, paths) -> list[Artwork]:
        """Convert the pictures among ``paths`` now (before workers fork)."""
        return [self.get(path.resolve()) for path in paths
                if path.is_file() and path.suffix.lower() in PICTURE_SUFFIXES]


_LIBRARIES: dict[ArtworkSettings, ArtworkLibrary] = {}


def library(settings: ArtworkSettings) -> ArtworkLibrary:
    """The process's library for ``settings`` (a forked worker shares its parent's)."""
    if settings not in _LIBRARIES:
        _LIBRARIES[settings] = ArtworkLibrary(settings)
    return _LIBRARIES[settings]


def _is_svg(path: Path, data: bytes) -> bool:
    return path.suffix.lower() == ".svg" or data.lstrip()[:5] in (b"<?xml", b"<svg ", b"<svg\n")


def _finding(code: str, name: str, line: int | None, element: str | None, message: str,
             severity: Severity = Severity.ERROR, **extra) -> Finding:
    return Finding(code=code, message=message, severity=severity, source=name, line=line,
                   field=element, category="artwork", extra=extra)


# --- pictures ---------------------------------------------------------------------------------

_GREY = ("L", "LA")
_GREY_DEEP = ("1", "I", "I;16", "I;16B", "I;16L", "F")


def _picture(lib: ArtworkLibrary, name: str, data: bytes, element: str | None = None,
             line: int | None = None) -> Artwork:
    """A raster picture in CMYK (or grey), or the error saying why it cannot be printed."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as error:
        return Artwork(name, findings=(_finding("artwork.unreadable", name, line, element,
                                                f"expected a PNG, JPEG or SVG picture, got {error}"),))
    mode, size = image.mode, f"{image.width} x {image.height} px"
    if lib.settings.icc is None or mode in _GREY or (mode == "CMYK" and image.format == "JPEG"):
        return Artwork(name)  # printable as it is
    if mode in _GREY_DEEP:  # WeasyPrint would make these RGB: keep them grey
        out = io.BytesIO()
        ImageOps.exif_transpose(image).convert("L").save(out, format="PNG")
        return Artwork(name, out.getvalue(), "image/png")
    if mode == "CMYK":  # a CMYK TIFF: WeasyPrint places CMYK only as JPEG
        return Artwork(name, jpeg(ImageOps.exif_transpose(image)), "image/jpeg")
    if not lib.settings.convert:
        return Artwork(name, findings=(_finding(
            "artwork.colour", name, line, element,
            f"expected a CMYK or greyscale picture in a CMYK print profile (colour_conversion is "
            f"off in brand.yaml), got {mode} ({size})", mode=mode),))
    image = ImageOps.exif_transpose(image)
    findings = []
    if "transparency" in image.info or mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        image = image.convert("RGBA")
        alpha = image.getchannel("A")
        if alpha.getextrema()[0] < 255:
            findings.append(_finding(
                "artwork.transparency", name, line, element,
                f"expected an opaque picture, got transparent areas ({size}): they print on "
                "white paper, since WeasyPrint 70 places CMYK pictures without transparency "
                "(use an SVG or a picture with its background)", Severity.WARNING))
        paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
        paper.alpha_composite(image)
        image = paper.convert("RGB")
        image.info["icc_profile"] = Image.open(io.BytesIO(data)).info.get("icc_profile")
    converted = lib.converter.picture(image)
    findings.append(_finding(
        "artwork.converted", name, line, element,
        f"converted the {mode} picture ({size}) to CMYK for {lib.converter.description}",
        Severity.INFO))
    return Artwork(name, jpeg(converted), "image/jpeg", tuple(findings))


# --- SVG --------------------------------------------------------------------------------------


_ATTRIBUTE = re.compile(rb"""(?<=\s)([A-Za-z_:][-\w:.]*)(\s*=\s*)("[^"]*"|'[^']*')""")
_COMMENT = re.compile(rb"/\*.*?\*/", re.S)
_DECLARATION = re.compile(rb"(?<![-\w])(" + b"|".join(p.encode() for p in COLOUR_PROPERTIES)
                          + rb")\s*:\s*([^;{}!]*)", re.I)
_TOKEN = re.compile(rb"url\([^)]*\)|#[0-9A-Za-z]+|[A-Za-z][-\w]*\([^()]*\)|[A-Za-z][-\w]*")
_KEYWORDS = {"none", "inherit", "initial", "unset", "currentcolor", "context-fill",
             "context-stroke", "transparent"}
_DATA_IMAGE = re.compile(rb"data:image/[-\w.+]+;base64,([A-Za-z0-9+/=\s]+)")
_SHAPES = {"rect", "circle", "ellipse", "path", "polygon", "polyline", *TEXT_TAGS}


class _Svg:
    """One SVG file: its colours rewritten in place, its text sizes read."""

    def __init__(self, lib: ArtworkLibrary, name: str, data: bytes):
        self.lib, self.name, self.data = lib, name, data
        self.convert = lib.settings.convert
        self.edits: list[tuple[int, int, bytes]] = []
        self.findings: list[Finding] = []
        self.counts: dict[str, int] = {}
        self.converted = 0

    # parsing ---------------------------------------------------------------------------------

    # the run -----------------------------------------------------------------------------------

    def run(self) -> Artwork:
        try:
            elements = parse(self.data)
        except expat.ExpatError as error:
            return Artwork(self.name, findings=(_finding(
                "artwork.unreadable", self.name, error.lineno, None,
                f"expected well-formed SVG, got {expat.errors.messages[error.code]}"),))
        if not elements:
            return Artwork(self.name)
        self.elements = elements
        self.gradients = {e.attrs["id"]: e for e in elements
                          if e.tag in ("linearGradient", "radialGradient") and e.attrs.get("id")}
        sheets = [e for e in elements if e.tag == "style"]
        if self.lib.settings.icc is not None:  # a CMYK profile: colours to CMYK
            for element in elements:
                self.tag(element)
            for sheet in sheets:
                self.css(sheet.tag_end, sheet.content_end, sheet, rule=True)
            self.default_black(elements, sheets)
        findings = list(self.findings)
        for kind, count in self.counts.items():
            if count > MAX_PER_KIND:
                findings.append(_finding(kind, self.name, None, None,
                                         f"and {count - MAX_PER_KIND} more like the ones above",
                                         self._severity(kind)))
        if self.converted:
            findings.append(_finding(
                "artwork.converted", self.name, None, None,
                f"converted {self.converted} colour{'s' * (self.converted != 1)} to CMYK for "
                f"{self.lib.converter.description}", Severity.INFO))
        root = elements[0]
        data = self.apply() if self.edits else None
        return Artwork(self.name, data, "image/svg+xml" if data else None, tuple(findings),
                       tuple(texts(elements, sheets, self.data)), user_size(root.attrs))

    def apply(self) -> bytes:
        out, last = [], 0
        for start, end, replacement in sorted(self.edits):
            out += [self.data[last:start], replacement]
            last = end
        return b"".join(out) + self.data[last:]

    def report(self, code: str, offset: int, element: str, message: str,
               severity: Severity | None = None, **extra) -> None:
        self.counts[code] = self.counts.get(code, 0) + 1
        if self.counts[code] <= MAX_PER_KIND:
            self.findings.append(_finding(code, self.name, self.data.count(b"\n", 0, offset) + 1,
                                          element, message, severity or self._severity(code),
                                          **extra))

    def _severity(self, code: str) -> Severity:
        if code == "artwork.colour-unknown":
            return Severity.WARNING
        if code == "artwork.gradient":
            return Severity.WARNING if self.convert else Severity.ERROR
        return Severity.ERROR

    # where colours are -------------------------------------------------------------------------

    def tag(self, element: SvgElement) -> None:
        """The colour attributes, the style attribute and data: pictures of one start tag."""
        for match in _ATTRIBUTE.finditer(self.data, element.start, element.tag_end):
            attribute = match.group(1).decode("ascii", "replace")
            start, end = match.start(3) + 1, match.end(3) - 1
            if attribute.lower() in COLOUR_PROPERTIES:
                self.value(start, end, attribute, element.label())
            elif attribute == "style":
                self.css(start, end, element)
            elif attribute.endswith("href") and element.tag in ("image", "feImage"):
                self.data_picture(start, end, element)

    def css(self, start: int, end: int, element: SvgElement, rule: bool = False) -> None:
        """Colour declarations between ``start`` and ``end`` (a style attribute or sheet)."""
        text = _COMMENT.sub(lambda m: b" " * len(m.group()), self.data[start:end])
        for match in _DECLARATION.finditer(text):
            where = element.label()
            if rule:
                selector = text[:match.start()].rsplit(b"}", 1)[-1].rsplit(b"{", 1)[0]
                where = f"<style> {selector.decode('utf-8', 'replace').strip()[:60]}"
            self.value(start + match.start(2), start + match.end(2),
                       match.group(1).decode().lower(), where)

    def value(self, start: int, end: int, prop: str, where: str) -> None:
        """One colour property's value: each colour in it in CMYK (or reported)."""
        raw = self.data[start:end]
        for match in _TOKEN.finditer(raw):
            token = match.group().decode("ascii", "replace")
            if token.lower().startswith("url("):
                gradient = self.gradients.get(token[4:-1].strip(" '\"").lstrip("#"))
                if gradient is not None:
                    self.flatten(start, end, prop, where, gradient)
                    return
                continue
            colour = parse_color(token)
            if colour is None or isinstance(colour, str):
                if token.lower() not in _KEYWORDS and colour is None:
                    self.report("artwork.colour-unknown", start, where,
                                f"expected a colour for {prop}, got {token!r}: it is left as it is")
                continue
            if colour.space == "device-cmyk":
                continue
            at = start + match.start()
            if not self.convert:
                self.report("artwork.colour", at, where,
                            f"expected CMYK colours (device-cmyk()) in a CMYK print profile "
                            f"(colour_conversion is off in brand.yaml), got {prop} {token}",
                            colour=token, property=prop)
                continue
            self.edits.append((at, start + match.end(), self.cmyk(colour).encode()))
            self.converted += 1

    def cmyk(self, colour) -> str:
        red, green, blue = (min(max(v, 0.0), 1.0) for v in colour.to("srgb").coordinates)
        rgb = tuple(round(v * 255) for v in (red, green, blue))
        return css_cmyk(self.lib.converter.cmyk(rgb), colour.alpha)

    def flatten(self, start: int, end: int, prop: str, where: str, gradient: SvgElement) -> None:
        """A gradient paint: its average colour, since WeasyPrint 70 cannot shade in CMYK."""
        gradient_id = gradient.attrs["id"]
        if not self.convert:
            self.report("artwork.gradient", start, where,
                        f"expected flat colours in a CMYK print profile, got {prop} with the "
                        f"gradient #{gradient_id}, which WeasyPrint 70 cannot paint in CMYK")
            return
        stops = self.stops(gradient)
        colours = []
        for stop in stops:
            value = own_property(stop, "stop-color") or "black"
            colour = parse_color(value.strip())
            opacity = own_property(stop, "stop-opacity")
            alpha = float(opacity) if opacity and is_number(opacity) else 1.0
            if colour is None or isinstance(colour, str):
                colour = parse_color("black")
            colours.append((_as_cmyk(self, colour), colour.alpha * alpha))
        if not colours:
            return
        weights = _stop_weights([_offset(s) for s in stops])
        average = tuple(sum(w * c[0][i] for w, c in zip(weights, colours, strict=True))
                        for i in range(4))
        alpha = sum(w * c[1] for w, c in zip(weights, colours, strict=True))
        replacement = css_cmyk(average, alpha)
        self.edits.append((start, end, replacement.encode()))
        self.converted += 1
        self.report("artwork.gradient", start, where,
                    f"expected flat colours, got {prop} with the gradient #{gradient_id}: it is "
                    f"painted in its average colour {replacement}, since WeasyPrint 70 cannot "
                    "paint gradients in CMYK (use flat colours, or a CMYK picture)")

    def stops(self, gradient: SvgElement, depth: int = 0) -> list[SvgElement]:
        own = [e for e in self.children(gradient) if e.tag == "stop"]
        href = gradient.attrs.get("href") or gradient.attrs.get("xlink:href") or ""
        if not own and href.startswith("#") and depth < 8 and href[1:] in self.gradients:
            return self.stops(self.gradients[href[1:]], depth + 1)
        return own

    def children(self, element: SvgElement) -> list[SvgElement]:
        return [e for e in self.elements if e.parent is element]

    def data_picture(self, start: int, end: int, element: SvgElement) -> None:
        """A picture inside the SVG as a ``data:`` URL, converted like a picture file."""
        match = _DATA_IMAGE.match(self.data, start, end)
        if match is None:
            return
        raw = base64.b64decode(re.sub(rb"\s", b"", match.group(1)))
        art = _picture(self.lib, self.name, raw, element.label(),
                       self.data.count(b"\n", 0, start) + 1)
        self.findings += [f for f in art.findings if f.code != "artwork.converted"]
        if art.data is not None:
            url = b"data:" + art.media_type.encode() + b";base64," + base64.b64encode(art.data)
            self.edits.append((start, match.end(), url))
            self.converted += 1

    def default_black(self, elements: list[SvgElement], sheets: list[SvgElement]) -> None:
        """Shapes without a fill are painted black, in RGB: make that black ink."""
        root = elements[0]
        styled = any(b"fill" in self.data[s.tag_end:s.content_end] for s in sheets)
        unfilled = next((e for e in elements if e.tag in _SHAPES and not inherits(e, "fill")), None)
        current = b"currentcolor" in self.data.lower() and not inherits(root, "color")
        additions = []
        if unfilled is not None and not inherits(root, "fill"):
            if not self.convert and not styled:
                self.report("artwork.colour", unfilled.start, unfilled.label(),
                            "expected a CMYK fill (device-cmyk()) in a CMYK print profile "
                            "(colour_conversion is off in brand.yaml), got no fill: SVG paints "
                            "it RGB black", property="fill")
            elif self.convert:
                additions.append(f' fill="{BLACK_INK}"')
        if current and self.convert:
            additions.append(f' color="{BLACK_INK}"')
        if additions:
            at = name_end(self.data, root.start)
            self.edits.append((at, at, "".join(additions).encode()))


def _offset(stop: SvgElement) -> float:
    value = (stop.attrs.get("offset") or "0").strip()
    try:
        return float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        return 0.0


def _stop_weights(positions: list[float]) -> list[float]:
    """How much each stop counts in the gradient's average (CSS Images 3 average colour)."""
    count = len(positions)
    if count == 1:
        return [1.0]
    positions = [max(positions[: i + 1]) for i in range(count)]
    total = positions[-1] - positions[0]
    if total <= 0:
        return [1 / count] * count
    weights = [0.0] * count
    for i in range(1, count):
        share = (positions[i] - positions[i - 1]) / (2 * total)
        weights[i - 1] += share
        weights[i] += share
    return weights


def _as_cmyk(svg: _Svg, colour) -> tuple[float, float, float, float]:
    if colour.space == "device-cmyk":
        return tuple(colour.coordinates)
    red, green, blue = (min(max(v, 0.0), 1.0) for v in colour.to("srgb").coordinates)
    return svg.lib.converter.cmyk(tuple(round(v * 255) for v in (red, green, blue)))


def placed_texts(art: Artwork, width_px: float, height_px: float) -> list[tuple[float, str]]:
    """``(size in pt, where)`` of each text of ``art`` drawn in a box of that size (CSS px)."""
    if not art.texts or not art.user_size or width_px <= 0 or height_px <= 0:
        return []
    factor = min(width_px / art.user_size[0], height_px / art.user_size[1])
    return [(round(text.size * factor * 0.75, 2), f"{art.name}:{text.line} {text.element}")
            for text in art.texts]
