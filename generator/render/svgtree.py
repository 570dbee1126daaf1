"""An SVG file as artwork reads it: its elements in document order with their line, tag and
byte span (so colours can be edited in place, lines unchanged), and the text it draws with its
size in the SVG's own units (for the text-size check once the picture is placed).

Read with expat (no external entities, no network) into plain records and an ElementTree for
matching the SVG's own style sheets with cssselect2, as WeasyPrint does.
"""

from __future__ import annotations

import dataclasses
import math
import re
from xml.etree import ElementTree
from xml.parsers import expat

import cssselect2
import tinycss2

TEXT_TAGS = ("text", "tspan", "textPath")


@dataclasses.dataclass(frozen=True)
class SvgText:
    """Text an SVG draws: where, and its size in the SVG's own units (transforms applied)."""

    line: int
    element: str
    size: float


@dataclasses.dataclass
class SvgElement:
    """One element: its tag (without a prefix), attributes, where its start tag begins (byte
    offset and line), its parent and its ElementTree node."""

    tag: str
    attrs: dict[str, str]
    start: int
    line: int
    parent: SvgElement | None
    node: ElementTree.Element
    #: Where the start tag ends and where the content ends (byte offsets).
    tag_end: int = 0
    content_end: int = 0

    def label(self) -> str:
        for key in ("id", "class"):
            if self.attrs.get(key):
                return f'<{self.tag} {key}="{self.attrs[key][:40]}">'
        return f"<{self.tag}>"


def parse(data: bytes) -> list[SvgElement]:
    """Every element of the SVG ``data``, in document order (raises ``expat.ExpatError``)."""
    parser = expat.ParserCreate()
    elements: list[SvgElement] = []
    stack: list[SvgElement] = []

    def start(tag, attrs):
        local = tag.rsplit(":", 1)[-1]
        parent = stack[-1] if stack else None
        node = (ElementTree.SubElement(parent.node, local, attrs) if parent
                else ElementTree.Element(local, attrs))
        element = SvgElement(local, attrs, parser.CurrentByteIndex, parser.CurrentLineNumber,
                           parent, node)
        element.tag_end = tag_end(data, element.start)
        elements.append(element)
        stack.append(element)

    def end(tag):
        element = stack.pop()
        element.content_end = max(parser.CurrentByteIndex, element.tag_end)

    def text(value):
        if stack:
            node = stack[-1].node
            if len(node):
                node[-1].tail = (node[-1].tail or "") + value
            else:
                node.text = (node.text or "") + value

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = text
    parser.Parse(data, True)
    return elements


def tag_end(data: bytes, start: int) -> int:
    """The offset just past the ``>`` of the tag starting at ``start`` (quotes respected)."""
    quote = None
    for index in range(start, len(data)):
        char = data[index]
        if quote:
            if char == quote:
                quote = None
        elif char in (0x22, 0x27):
            quote = char
        elif char == 0x3E:
            return index + 1
    return len(data)


def name_end(data: bytes, start: int) -> int:
    """The offset just past the tag name of the tag starting at ``start``."""
    match = re.compile(rb"<[^\s/>]+").match(data, start)
    return match.end() if match else start + 1


def style_property(style: str, prop: str) -> str | None:
    """The value of ``prop`` in a ``style`` attribute."""
    for name, _, value in (d.partition(":") for d in style.split(";")):
        if name.strip().lower() == prop:
            return value.replace("!important", "").strip()
    return None


def own_property(element: SvgElement, prop: str) -> str | None:
    """A property set on the element itself (style attribute first, then the attribute)."""
    return style_property(element.attrs.get("style") or "", prop) or element.attrs.get(prop)


def inherits(element: SvgElement | None, prop: str) -> bool:
    while element is not None:
        if own_property(element, prop) is not None:
            return True
        element = element.parent
    return False


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def user_size(attrs: dict[str, str]) -> tuple[float, float] | None:
    """The root's width and height in its own units (viewBox first)."""
    box = re.split(r"[\s,]+", (attrs.get("viewBox") or "").strip())
    if len(box) == 4 and all(is_number(v) for v in box) and float(box[2]) > 0 and float(box[3]) > 0:
        return float(box[2]), float(box[3])
    sizes = [_length(attrs.get(key), 16.0) for key in ("width", "height")]
    if all(sizes):
        return sizes[0], sizes[1]
    return None


# --- text sizes -----------------------------------------------------------------------------

_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54,
          "in": 96.0, "q": 96 / 101.6}
_KEYWORD_SIZES = {"xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0,
                  "large": 18.0, "x-large": 24.0, "xx-large": 32.0}
_LENGTH = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*([a-z%]*)\s*$", re.I)
_TRANSFORM = re.compile(r"(matrix|scale)\s*\(([^)]*)\)", re.I)
#: Font size an SVG starts from when it sets none (WeasyPrint's initial value, in px).
DEFAULT_FONT_PX = 16.0


def _length(value: str | None, inherited: float) -> float | None:
    if not value:
        return None
    value = value.strip().lower()
    if value in _KEYWORD_SIZES:
        return _KEYWORD_SIZES[value]
    match = _LENGTH.match(value)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    if unit in ("em", "%"):
        return number * inherited / (100 if unit == "%" else 1)
    if unit == "rem":
        return number * DEFAULT_FONT_PX
    if unit == "ex":
        return number * inherited / 2
    return number * _UNITS[unit] if unit in _UNITS else None


def _scale(transform: str | None) -> float:
    """How much a ``transform`` attribute scales lengths (the root of its determinant)."""
    factor = 1.0
    for kind, args in _TRANSFORM.findall(transform or ""):
        numbers = [float(v) for v in re.split(r"[\s,]+", args.strip()) if is_number(v)]
        if kind.lower() == "matrix" and len(numbers) == 6:
            factor *= math.sqrt(abs(numbers[0] * numbers[3] - numbers[1] * numbers[2]))
        elif kind.lower() == "scale" and numbers:
            factor *= math.sqrt(abs(numbers[0] * (numbers[1] if len(numbers) > 1 else numbers[0])))
    return factor


def _sheet_sizes(elements: list[SvgElement], sheets: list[SvgElement], data: bytes) -> dict[int, str]:
    """``font-size`` (or ``font``) from the SVG's style sheets, by element node."""
    matcher = cssselect2.Matcher()
    for sheet in sheets:
        css = data[sheet.tag_end:sheet.content_end].decode("utf-8", "replace")
        css = css.replace("<![CDATA[", "").replace("]]>", "")
        for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
            if rule.type != "qualified-rule":
                continue
            size = None
            for declaration in tinycss2.parse_blocks_contents(rule.content):
                if declaration.type == "declaration" and declaration.lower_name in ("font-size", "font"):
                    value = tinycss2.serialize(declaration.value).strip()
                    size = value if declaration.lower_name == "font-size" else value.split()[0]
            if size is None:
                continue
            try:
                for selector in cssselect2.compile_selector_list(rule.prelude):
                    matcher.add_selector(selector, size)
            except cssselect2.SelectorError:
                continue
    sizes: dict[int, str] = {}
    if not sheets:
        return sizes
    for wrapper in cssselect2.ElementWrapper.from_xml_root(elements[0].node).iter_subtree():
        matches = matcher.match(wrapper)
        if matches:
            sizes[id(wrapper.etree_element)] = matches[-1][-1]
    return sizes


def texts(elements: list[SvgElement], sheets: list[SvgElement], data: bytes) -> list[SvgText]:
    """Every text element that draws characters, with its font size in the root's units."""
    if not any(e.tag in TEXT_TAGS for e in elements):
        return []
    from_sheets = _sheet_sizes(elements, sheets, data)
    sizes: dict[int, tuple[float, float]] = {}  # node -> (font px, scale)
    out = []
    for element in elements:
        inherited, scale = (sizes[id(element.parent.node)] if element.parent is not None
                            else (DEFAULT_FONT_PX, 1.0))
        # WeasyPrint's order: the attribute, then the sheets, then the style attribute.
        font = (style_property(element.attrs.get("style") or "", "font-size")
                or from_sheets.get(id(element.node)) or element.attrs.get("font-size"))
        size = _length(font, inherited) or inherited
        scale *= _scale(element.attrs.get("transform"))
        sizes[id(element.node)] = (size, scale)
        node = element.node
        words = (node.text or "") + "".join(child.tail or "" for child in node)
        if element.tag in TEXT_TAGS and words.strip():
            label = f'{element.label()} "{" ".join(words.split())[:30]}"'
            out.append(SvgText(element.line, label, round(size * scale, 3)))
    return out
