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
layout marks ``data-balance`` is laid out once more beside itself at narrower widths (copies of
no height, measured in the same layout pass, :func:`balance_probes`), and it is set at the
narrowest width that still takes as many lines as at full width: its lines come out of similar
length and its last line is no stray word.
"""

from __future__ import annotations

import dataclasses
import re

from generator.findings import Finding
from generator.i18n.translations import Text
from generator.render.pdf import FieldFit, Renderer, RenderJob, RenderResult

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

    With elements to balance, the first layout only measures (the elements and their copies,
    :func:`balance_probes`), and the document is written once, at its balanced widths."""
    probing = balance_probes(job.html)
    measuring = job if probing is None else dataclasses.replace(job, html=probing, write=False)
    result, widths = _measured(renderer.render(measuring))
    bounds = copyfit_bounds(job.html)
    unfit = unfit_sides(result) & bounds.keys()
    if result.failed or (not unfit and not widths):
        return result if probing is None or not job.write else renderer.render(job)
    scales: dict[str, float] = {}
    scale = 1.0
    while unfit:
        scale = round(scale - COPYFIT_STEP, 4)
        trying = {side: max(scale, bounds[side]) for side in unfit}
        if all(trying[side] == scales.get(side) for side in unfit):
            break  # every side left is at its bound
        scales.update(trying)
        measured, widths = _measured(renderer.render(dataclasses.replace(
            measuring, css=job.css + copyfit_css(scales), write=False)))
        if measured.failed:
            return result if measuring.write else renderer.render(job)
        unfit = unfit_sides(measured) & bounds.keys()
    if unfit:
        if not measuring.write:
            result = renderer.render(job)
        result.problems.append(("fit.copyfit", "info", (
            f"copy-fit set the type of the {', '.join(sorted(unfit))} side at "
            f"{min(scales[s] for s in unfit):.0%} (the smallest its layout allows) and it "
            "still does not fit")))
        return result
    fitted = renderer.render(dataclasses.replace(job, html=balanced(job.html, widths),
                                                 css=job.css + copyfit_css(scales)))
    for side, used in sorted(scales.items()):
        fitted.problems.append(("fit.copyfit", "info", (
            f"copy-fit set the type of the {side} side at {used:.0%} to fit its text (its "
            f"layout allows down to {bounds[side]:.0%})")))
    return fitted


def _measured(result: RenderResult) -> tuple[RenderResult, dict[int, int]]:
    """``result`` without the balance copies' fields, and the widths they measured."""
    widths = balanced_widths(result.fields)
    result.fields = [f for f in result.fields if not _PROBE.match(f.field)]
    return result, widths


# --- balanced headlines ---------------------------------------------------------------------


def balance_probes(html: str) -> str | None:
    """``html`` with a copy of every ``data-balance`` element after it at each width of
    :data:`BALANCE_WIDTHS`: of no height, hidden, and with the field ``balance:<n>:<width>``,
    so that one layout measures the lines of each (``None``: nothing to balance)."""
    count = 0

    def probes(match: re.Match) -> str:
        nonlocal count
        tag, attrs, content = match.groups()
        attrs = _FIELD.sub("", attrs.replace(" data-balance", ""))
        copies = "".join(
            f'<{tag}{attrs} data-field="balance:{count}:{width}" style="height: 0; margin: 0; '
            f'padding: 0; overflow: hidden; visibility: hidden; max-width: {width}%">'
            f"{content}</{tag}>" for width in BALANCE_WIDTHS)
        count += 1
        return match.group(0) + copies

    probing = _BALANCED.sub(probes, html)
    return probing if count else None


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
        full = by_width.get(BALANCE_WIDTHS[0], 0)
        if full < 2:
            continue
        narrowest = BALANCE_WIDTHS[0]
        for width in BALANCE_WIDTHS[1:]:
            if by_width.get(width) != full:
                break
            narrowest = width
        if narrowest < BALANCE_WIDTHS[0]:
            widths[element] = narrowest
    return widths


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
