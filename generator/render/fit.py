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
"""

from __future__ import annotations

import dataclasses
import re

from generator.findings import Finding
from generator.i18n.translations import Text
from generator.render.pdf import FieldFit, Renderer, RenderJob, RenderResult

#: Type scales are tried in steps of this much (1.0, 0.95, 0.9, ...).
COPYFIT_STEP = 0.05
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
    The result says which scale was used (an ``info`` problem, ``fit.copyfit``)."""
    result = renderer.render(job)
    bounds = copyfit_bounds(job.html)
    unfit = unfit_sides(result) & bounds.keys()
    if not unfit or result.failed:
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
    fitted = renderer.render(dataclasses.replace(job, css=job.css + copyfit_css(scales)))
    for side, used in sorted(scales.items()):
        fitted.problems.append(("fit.copyfit", "info", (
            f"copy-fit set the type of the {side} side at {used:.0%} to fit its text (its "
            f"layout allows down to {bounds[side]:.0%})")))
    return fitted


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
