"""The fit check: does each locale's text fit its card? Measured on the rendered layout.

The PDF stage measures every side (``data-fit``) and every printed text field
(``data-field``: its height and its lines) of the laid-out pages. Here those measures become
findings at the place a translator can act on: the text of the overflowing side that takes the
most room, with the overflow in millimetres, and every field that has more lines than the
layout allows (``max_lines`` in ``layout.yaml``).

Copy-fit comes first (:func:`render_fitted`): when a side does not fit and its layout declares
``copyfit: {min_scale: ...}`` (the template writes it as ``data-copyfit`` on the side's box),
the side's type is shrunk in steps, by setting the ``--fit`` scale its stylesheet multiplies
every type size with, until the text fits or the scale reaches the bound. The scale used is
reported as an info finding; a side that does not fit even then fails as before.

Balanced headlines come with it: WeasyPrint 70 has no ``text-wrap: balance``, so an element the
layout marks ``data-balance`` is set at the narrowest width that still takes as many lines as
at full width: its lines come out of similar length and its last line is no stray word. The
widths are decided before the document is laid out, so the document itself is laid out once:
the element's lines are counted at each width with WeasyPrint's own line breaking, in the
style and box its text gets in the document's skeleton (:func:`skeleton_document`: the head,
the elements it sits in, the element holding a word; laid out once per layout and locale in a
worker). An element holding markup is measured instead as copies at narrower widths in a small
document (:func:`measuring_document`). The render checks that the element sat in a box as wide
as counted and took the lines counted (else the copies are measured in the document itself,
:func:`balance_probes`), and a worker keeps its decisions (:func:`balance_decision`).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections import OrderedDict
from html import unescape
from html.parser import HTMLParser

from weasyprint.text.line_break import split_first_line

from generator.findings import Finding
from generator.i18n.translations import Text
from generator.render.pdf import FieldFit, Renderer, RenderJob, RenderResult, TextSetting

#: Type scales are tried in steps of this much (1.0, 0.95, 0.9, ...).
COPYFIT_STEP = 0.05
#: Widths (per cent of the column) a balanced element is tried at.
BALANCE_WIDTHS = tuple(range(100, 39, -6))
#: An element to balance: its tag, its attributes and its content (a headline holds no element
#: of its own tag).
_BALANCED = re.compile(r"<(h[1-6]|p|div)\b([^>]*\bdata-balance\b[^>]*)>(.*?)</\1>", re.S)
_FIELD = re.compile(r'\sdata-field="[^"]*"')
#: The fields of the copies: ``balance:<element>:<width>``.
_PROBE = re.compile(r"balance:(\d+):(\d+)$")
#: A ``data-fit`` box with the smallest type scale its layout allows.
_COPYFIT_BOX = re.compile(r'data-fit="([^"]+)"\s+data-copyfit="([0-9.]+)"')


def copyfit_bounds(html: str) -> dict[str, float]:
    """``side -> smallest type scale`` for every side whose layout allows copy-fit."""
    return {side: float(scale) for side, scale in _COPYFIT_BOX.findall(html)}


def copyfit_css(scales: dict[str, float]) -> str:
    """The rules that set each side's type scale (appended to the document's stylesheet)."""
    return "".join(f'\n[data-fit="{side}"] {{ --fit: {scale:g}; }}'
                   for side, scale in sorted(scales.items()) if scale < 1)


def unfit_sides(result: RenderResult) -> set[str]:
    """Sides that overflow their box or hold a text with too many lines."""
    return {side for side, _ in result.overflow} | {f.side for f, _ in result.too_many_lines}


def render_fitted(renderer: Renderer, job: RenderJob) -> RenderResult:
    """Render ``job``; when a side does not fit, shrink its type within its layout's bounds
    (laid out without writing at each step) and render it once more at the scale that fits.
    The result says which scale was used (an ``info`` problem, ``fit.copyfit``).

    Elements to balance are measured before, apart (:func:`balance_decision`): the document is
    laid out once, already at its balanced widths (a measuring-only job is laid out as it is:
    a balanced element takes as many lines as at full width)."""
    balancing = job.write and _BALANCED.search(job.html) is not None
    result = _balanced_render(renderer, job, job.css) if balancing else renderer.render(job)
    bounds = copyfit_bounds(job.html)
    unfit = unfit_sides(result) & bounds.keys()
    if result.failed or not unfit:
        return result
    scales: dict[str, float] = {}
    scale = 1.0
    while unfit:
        scale = round(scale - COPYFIT_STEP, 4)
        trying = {side: max(scale, bounds[side]) for side in unfit}
        if all(trying[side] == scales.get(side) for side in unfit):
            break  # every side left is at its bound
        scales.update(trying)
        measured = renderer.render(dataclasses.replace(
            job, css=job.css + copyfit_css(scales), write=False))
        if measured.failed:
            return result
        unfit = unfit_sides(measured) & bounds.keys()
    if unfit:
        result.problems.append(("fit.copyfit", "info", (
            f"copy-fit set the type of the {', '.join(sorted(unfit))} side at "
            f"{min(scales[s] for s in unfit):.0%} (the smallest its layout allows) and it "
            "still does not fit")))
        return result
    css = job.css + copyfit_css(scales)
    fitted = (_balanced_render(renderer, job, css) if balancing
              else renderer.render(dataclasses.replace(job, css=css)))
    for side, used in sorted(scales.items()):
        fitted.problems.append(("fit.copyfit", "info", (
            f"copy-fit set the type of the {side} side at {used:.0%} to fit its text (its "
            f"layout allows down to {bounds[side]:.0%})")))
    return fitted


# --- balanced headlines ---------------------------------------------------------------------

#: Balance decisions kept per worker (a few hundred bytes each).
DECISIONS_KEPT = 1024


@dataclasses.dataclass(frozen=True)
class BalanceDecision:
    """The widths the elements of one document are balanced at, and what they were measured
    in: the width of the box each element sits in (CSS px; ``None``: not laid out) and, when
    its lines were counted apart, how many it takes at its width (``None``: not counted)."""

    widths: dict[int, int]
    columns: tuple[float | None, ...]
    lines: tuple[int | None, ...] = ()

    def holds_for(self, result: RenderResult) -> bool:
        """Whether ``result``, the document rendered at these widths, put every element in a
        box of the width it was measured in, with the lines counted (else the decision was
        made in the wrong box)."""
        expected = [(column, self.lines[n] if self.lines else None)
                    for n, column in enumerate(self.columns) if column is not None]
        return len(expected) == len(result.balanced) and all(
            column == laid and lines in (None, counted)
            for (column, lines), (laid, counted) in zip(expected, result.balanced, strict=True))


class BalanceStats:
    """How a worker's balance decisions were made (the benchmarks print it)."""

    measured = counted = reused = fallbacks = 0


_DECISIONS: OrderedDict[bytes, BalanceDecision] = OrderedDict()
#: Balanced elements by the document they sit in (its skeleton): the box each sits in and how
#: it sets its text, kept per worker.
_SETTINGS: OrderedDict[bytes, tuple[tuple[float, TextSetting] | None, ...]] = OrderedDict()
SETTINGS_KEPT = 64  # about 40 kB each (the style holds its small document)


def _balanced_render(renderer: Renderer, job: RenderJob, css: str) -> RenderResult:
    """``job`` rendered with stylesheet ``css`` and its elements at their balanced widths.

    The widths come from the elements' lines counted apart (:func:`balance_decision`). If the
    document put an element in a box of another width than the count did, or it took another
    number of lines, the copies are measured in the document itself, as a layout of its own,
    and the document is rendered again."""
    decision = balance_decision(renderer, dataclasses.replace(job, css=css))
    result = renderer.render(dataclasses.replace(
        job, css=css, html=balanced(job.html, decision.widths if decision else {})))
    if decision is not None and decision.holds_for(result):
        return result
    BalanceStats.fallbacks += 1
    probing = balance_probes(job.html)
    measured = renderer.render(dataclasses.replace(job, css=css, html=probing, write=False))
    widths = balanced_widths(measured.fields)
    if decision is not None and widths == decision.widths:
        return result
    return renderer.render(dataclasses.replace(job, css=css, html=balanced(job.html, widths)))


def balance_decision(renderer: Renderer, job: RenderJob) -> BalanceDecision | None:
    """The balanced widths of ``job``'s elements (``None``: they cannot be measured apart).

    When every element holds one run of text, its lines are counted at each width with the
    style and box its text gets in the document's skeleton (:func:`skeleton_document`, laid
    out once per worker and kept): a line break as WeasyPrint's own, without a layout. Else
    the copies are measured in a small document (:func:`measuring_document`). A worker keeps
    its decisions: the same headline in the same box is decided once."""
    skeleton = skeleton_document(job.html)
    if skeleton is None:
        return None
    where = "\0".join((job.css, job.base_dir, job.css_dir, str(job.pdf_variant)))
    contents = [match.group(3) for match in _BALANCED.finditer(job.html)]
    key = hashlib.blake2b("\0".join((skeleton, where, *contents)).encode(),
                          digest_size=20).digest()
    decision = _DECISIONS.get(key)
    if decision is not None:
        _DECISIONS.move_to_end(key)
        BalanceStats.reused += 1
        return decision
    settings = _settings(renderer, job, skeleton, where, len(contents))
    texts = [None] if settings is None else [
        text_to_count(content, setting[1].style) if setting else None
        for content, setting in zip(contents, settings, strict=True)]
    if all(text is not None for text in texts):
        decision = _counted_decision(settings, texts)
        BalanceStats.counted += 1
    else:
        decision = _measured_decision(renderer, job)
        if decision is None:
            return None
        BalanceStats.measured += 1
    _DECISIONS[key] = decision
    while len(_DECISIONS) > DECISIONS_KEPT:
        _DECISIONS.popitem(last=False)
    return decision


def _settings(renderer: Renderer, job: RenderJob, skeleton: str, where: str, count: int):
    """The box width and text setting of each of the ``count`` balanced elements of ``job``,
    from its skeleton laid out (kept per worker); ``None`` when the skeleton could not be laid
    out."""
    key = hashlib.blake2b("\0".join((skeleton, where)).encode(), digest_size=20).digest()
    if key in _SETTINGS:
        _SETTINGS.move_to_end(key)
        return _SETTINGS[key]
    laid = renderer.render(_apart(job, skeleton))
    if laid.failed or len(laid.balanced) != count:
        return None
    settings = tuple((column, setting) if setting is not None else None
                     for (column, _), setting in zip(laid.balanced, laid.settings, strict=True))
    _SETTINGS[key] = settings
    while len(_SETTINGS) > SETTINGS_KEPT:
        _SETTINGS.popitem(last=False)
    return settings


def _apart(job: RenderJob, html: str) -> RenderJob:
    """``job`` as a small document of ``html`` laid out to measure, not to print."""
    return dataclasses.replace(
        job, html=html, css=job.css + _COLUMN_CSS, write=False, placed=False, expected_pages=0,
        max_lines=(), page_multiple=1, notes_html=None)


def _measured_decision(renderer: Renderer, job: RenderJob) -> BalanceDecision | None:
    small = measuring_document(job.html)
    measured = renderer.render(_apart(job, small)) if small is not None else None
    if measured is None or measured.failed:
        return None
    count = len(_BALANCED.findall(job.html))
    return BalanceDecision(balanced_widths(measured.fields), tuple(
        measured.columns.get(f"balance:{element}:{BALANCE_WIDTHS[0]}")
        for element in range(count)))


def _counted_decision(settings, texts: list[str]) -> BalanceDecision:
    """Each element at the narrowest width of :data:`BALANCE_WIDTHS` that, with every wider
    one, takes as many lines as the full width (when that is two or more)."""
    widths, lines = {}, []
    for element, ((column, setting), text) in enumerate(zip(settings, texts, strict=True)):
        full = count_lines(text, setting, column, BALANCE_WIDTHS[0])
        narrowest = _narrowest(full, functools.partial(count_lines, text, setting, column))
        if narrowest < BALANCE_WIDTHS[0]:
            widths[element] = narrowest
        lines.append(full)
    return BalanceDecision(widths, tuple(column for column, _ in settings), tuple(lines))


class _LineContext:
    """What WeasyPrint's line breaking asks of a layout context: its hyphenation
    dictionaries (loaded once per worker)."""

    dictionaries: dict = {}


def count_lines(text: str, setting: TextSetting, column: float, width: int) -> int:
    """The lines ``text`` takes, set as ``setting`` says, in an element of ``max-width:
    width%`` in a box ``column`` CSS px wide: WeasyPrint's own first-line split, repeated."""
    available = column * width / 100 - (setting.frame if setting.border_box else 0)
    available = min(available, column - setting.inset)
    lines, encoded = 0, text.encode()
    while encoded:
        lines += 1
        _, _, resume, *_ = split_first_line(encoded.decode(), setting.style, _LineContext,
                                            available, 0, True)
        if resume is None:
            break
        encoded = encoded[resume:]
    return lines


_COLLAPSING = re.compile(r"[ \t\n\r\f]+")
#: A run of the other direction, isolated by the typesetter (:mod:`generator.render.typeset`):
#: counted as the same text between isolate marks.
_ISOLATED_RUN = re.compile(r'<span dir="(ltr|rtl)">([^<]*)</span>')
_ISOLATES = {"ltr": "\u2066", "rtl": "\u2067"}
_CASES = {"none": str, "uppercase": str.upper, "lowercase": str.lower}


def text_to_count(content: str, style) -> str | None:
    """The text WeasyPrint lays out for an element whose content is ``content`` (``None``
    when it holds markup other than isolated runs, or its text is set in a way this does not
    follow)."""
    content = _ISOLATED_RUN.sub(lambda run: f"{_ISOLATES[run[1]]}{run[2]}\u2069", content)
    if "<" in content or style["white_space"] != "normal" or style["text_indent"].value \
            or style["text_transform"] not in _CASES:
        return None
    return _CASES[style["text_transform"]](_COLLAPSING.sub(" ", unescape(content)).strip(" "))


def _copies(element: int, tag: str, attrs: str, content: str) -> str:
    """The copies of balanced element number ``element`` at each width of
    :data:`BALANCE_WIDTHS`: of no height, hidden, with the field ``balance:<n>:<width>``."""
    attrs = _FIELD.sub("", attrs.replace(" data-balance", ""))
    return "".join(
        f'<{tag}{attrs} data-field="balance:{element}:{width}" style="height: 0; margin: 0; '
        f'padding: 0; overflow: hidden; visibility: hidden; max-width: {width}%">'
        f"{content}</{tag}>" for width in BALANCE_WIDTHS)


def balance_probes(html: str) -> str | None:
    """``html`` with the copies of every ``data-balance`` element (:func:`_copies`) after it,
    so that one layout measures the lines of each (``None``: nothing to balance)."""
    count = 0

    def probes(match: re.Match) -> str:
        nonlocal count
        count += 1
        return match.group(0) + _copies(count - 1, *match.groups())

    probing = _BALANCED.sub(probes, html)
    return probing if count else None


def measuring_document(html: str) -> str | None:
    """A small document that measures the copies of ``html``'s balanced elements as the
    document itself would: its head (without its title and meta tags, which name the
    document and do not change its layout) and ``<body>`` tag, then for each element
    the elements it sits in (their start tags as written, none of their other content) holding
    only its copies. ``None`` when there is nothing to balance, or the body holds stylesheets
    or markup this cannot follow."""
    return _small_document(html, lambda element, match: _copies(element, *match.groups()))


def skeleton_document(html: str) -> str | None:
    """:func:`measuring_document` with each balanced element once, as written, holding a
    word in place of its text: what decides the box each sits in and the style of its text,
    the same for every document of a layout and locale (``None`` as there)."""
    return _small_document(html, lambda element, match: (
        f"<{match.group(1)}{match.group(2)}>x</{match.group(1)}>"))


def _small_document(html: str, inner) -> str | None:
    body = _BODY.search(html)
    if body is None or _BODY_STYLES.search(html, body.end()):
        return None
    parts = [_NAMING.sub("", html[:body.end()])]
    count = 0
    for count, match in enumerate(_BALANCED.finditer(html, body.end()), 1):
        opened = _open_elements(html[body.end():match.start()])
        if opened is None:
            return None
        parts += [text[:-1] + f" {_COLUMN}>" for _, text in opened]
        parts.append(inner(count - 1, match))
        parts += [f"</{tag}>" for tag, _ in reversed(opened)]
    if not count or count != len(_BALANCED.findall(html)):
        return None
    return "".join(parts) + "</body></html>"


#: The attribute of the elements a small measuring document keeps around the copies, and the
#: rule its stylesheet gets: they are laid out as blocks (a flex or grid box would lay its
#: items out several times, for sizes that do not change the width the copies get).
_COLUMN = "data-insertgen-column"
_COLUMN_CSS = f"\n[{_COLUMN}] {{ display: block !important; }}"
#: Elements with no end tag.
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_BODY = re.compile(r"<body\b[^>]*>", re.I)
#: What names a document without laying anything out: its title and meta tags.
_NAMING = re.compile(r"<title\b[^>]*>.*?</title>\s*|<meta\b[^>]*>\s*", re.I | re.S)
#: Style sheets and scripts in the body: they reach past the elements the small document keeps.
_BODY_STYLES = re.compile(r"<(style|link|script)\b", re.I)


class _Opened(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.stack: list[tuple[str, str]] = []
        self.lost = False

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID:
            self.stack.append((tag, self.get_starttag_text()))

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return
        self.lost = True  # an end tag of nothing open: not markup this can follow


def _open_elements(html: str) -> list[tuple[str, str]] | None:
    """The elements still open at the end of ``html`` (a body's start), outermost first:
    ``(tag, start tag as written)``; ``None`` for markup whose nesting it cannot follow."""
    parser = _Opened()
    parser.feed(html)
    parser.close()
    return None if parser.lost else parser.stack


def balanced_widths(fields) -> dict[int, int]:
    """``element -> width in per cent`` from the measured copies: the narrowest width whose
    copy, and every wider one, takes as many lines as the full width (when that is two or
    more); elements already balanced at full width are left out."""
    lines: dict[int, dict[int, int]] = {}
    for measured in fields:
        if match := _PROBE.match(measured.field):
            lines.setdefault(int(match.group(1)), {})[int(match.group(2))] = measured.lines
    widths = {}
    for element, by_width in lines.items():
        narrowest = _narrowest(by_width.get(BALANCE_WIDTHS[0], 0), by_width.get)
        if narrowest < BALANCE_WIDTHS[0]:
            widths[element] = narrowest
    return widths


def _narrowest(full: int, lines_at) -> int:
    """The narrowest width of :data:`BALANCE_WIDTHS` that, with every wider one, takes
    ``full`` lines (``lines_at(width)``; asked from the widest down, and no further than the
    first width that differs); the full width when ``full`` is under two."""
    narrowest = BALANCE_WIDTHS[0]
    if full >= 2:
        for width in BALANCE_WIDTHS[1:]:
            if lines_at(width) != full:
                break
            narrowest = width
    return narrowest


def balanced(html: str, widths: dict[int, int]) -> str:
    """``html`` with each balanced element set at its width (``max-width``)."""
    count = -1

    def narrow(match: re.Match) -> str:
        nonlocal count
        count += 1
        if count not in widths:
            return match.group(0)
        tag, attrs, content = match.groups()
        return f'<{tag}{attrs} style="max-width: {widths[count]}%">{content}</{tag}>'

    return _BALANCED.sub(narrow, html)


def fit_findings(texts: dict[tuple[str, str], Text], result: RenderResult, sku: str,
                 document: str) -> list[Finding]:
    """Findings for what does not fit; ``texts`` maps ``(locale, field)`` to the printed text."""
    findings = []
    for side, overflow_mm in result.overflow:
        on_side = sorted((f for f in result.fields if f.side == side and (f.locale, f.field) in texts),
                         key=lambda f: f.height_mm, reverse=True)
        if not on_side:
            findings.append(Finding(
                code="fit.overflow", category="fit", source=document, sku=sku,
                message=f"the {side} side overflows its safe zone by {overflow_mm:.1f} mm: shorten "
                        "its texts or use a larger layout",
                extra={"side": side, "overflow_mm": round(overflow_mm, 1)}))
            continue
        culprit, others = on_side[0], on_side[1:]
        also = "; ".join(f"{f.field} ({f.locale}) {f.height_mm:.1f} mm" for f in others[:3])
        findings.append(_finding(
            texts[(culprit.locale, culprit.field)], culprit, sku, "fit.overflow",
            f"the {side} side of {document} overflows its safe zone by {overflow_mm:.1f} mm; this "
            f"{culprit.locale} text takes the most room ({culprit.height_mm:.1f} mm, "
            f"{culprit.lines} line{'s' * (culprit.lines != 1)}): shorten it or use a larger layout"
            + (f" (also on this side: {also})" if also else ""),
            {"side": side, "overflow_mm": round(overflow_mm, 1), "document": document}))
    for measured, limit in result.too_many_lines:
        text = texts.get((measured.locale, measured.field))
        if text is None:
            continue
        findings.append(_finding(
            text, measured, sku, "fit.lines",
            f"expected at most {limit} line{'s' * (limit != 1)} for {measured.field} on "
            f"{document}, got {measured.lines}: shorten this {measured.locale} text",
            {"max_lines": limit, "document": document}))
    return findings


def _finding(text: Text, measured: FieldFit, sku: str, code: str, message: str,
             extra: dict) -> Finding:
    return Finding(code=code, category="fit", source=text.source, line=text.line,
                   column=text.column, field=text.field, sku=sku, locale=measured.locale,
                   message=message, extra={**extra, "height_mm": measured.height_mm,
                                           "lines": measured.lines})
