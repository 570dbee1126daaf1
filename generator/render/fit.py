"""The fit check: does each locale's text fit its card? Measured on the rendered layout.

The PDF stage measures every side (``data-fit``) and every printed text field
(``data-field``: its height and its lines) of the laid-out pages. Here those measures become
findings at the place a translator can act on: the text of the overflowing side that takes the
most room, with the overflow in millimetres, and every field that has more lines than the
layout allows (``max_lines`` in ``layout.yaml``).
"""

from __future__ import annotations

from generator.findings import Finding
from generator.i18n.translations import Text
from generator.render.pdf import FieldFit, RenderResult


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
