"""Translation status: a product x locale matrix of what is translated, fuzzy, missing,
failing a check or overflowing the card, so a project manager sees what is left.

Counts come from the same resolution the build uses (:func:`generator.i18n.translations.resolve`);
"overflowing" comes from laying out every document of the locale (no PDF is written) and
counting the texts the fit check blames. ``insertgen i18n status`` prints it as text, JSON or a
standalone HTML page.
"""

from __future__ import annotations

import dataclasses
import html
import json

from generator.catalog import LoadedCatalog
from generator.i18n.extraction import target_locales
from generator.i18n.translations import FAILING, FUZZY, MISSING, STALE, TRANSLATED, resolve

COUNTS = ("translated", "fuzzy", "missing", "failing", "overflowing")


@dataclasses.dataclass
class Cell:
    """One product in one locale."""

    total: int = 0
    translated: int = 0
    fuzzy: int = 0
    missing: int = 0
    failing: int = 0
    overflowing: int = 0

    @property
    def percent(self) -> float:
        return round(100 * self.translated / self.total, 1) if self.total else 100.0

    def add(self, other: Cell) -> None:
        for name in ("total", *COUNTS):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def to_dict(self) -> dict:
        return {"total": self.total, **{n: getattr(self, n) for n in COUNTS},
                "percent": self.percent}


@dataclasses.dataclass
class Status:
    source_locale: str
    locales: list[str]
    #: ``{sku: {locale: Cell}}``
    cells: dict[str, dict[str, Cell]]
    #: Every fallback the build would use: sku, locale, field, printed locale, why.
    fallbacks: list[dict]
    #: Whether the fit was measured.
    fit: bool

    def totals(self) -> dict[str, Cell]:
        out = {loc: Cell() for loc in self.locales}
        for row in self.cells.values():
            for locale, cell in row.items():
                out[locale].add(cell)
        return out

    def to_dict(self) -> dict:
        return {
            "source_locale": self.source_locale,
            "locales": self.locales,
            "fit_measured": self.fit,
            "products": [{"sku": sku, "locales": {loc: c.to_dict() for loc, c in row.items()}}
                         for sku, row in self.cells.items()],
            "totals": {loc: c.to_dict() for loc, c in self.totals().items()},
            "fallbacks": self.fallbacks,
        }


_STATE_COUNT = {TRANSLATED: "translated", FUZZY: "fuzzy", STALE: "fuzzy", MISSING: "missing",
                FAILING: "failing"}


def translation_status(catalog: LoadedCatalog, *,
                       overflowing: dict[tuple[str, str], int] | None = None) -> Status:
    """The matrix for every product and every locale it needs. ``overflowing`` gives the
    texts that do not fit, by ``(sku, locale)``, as the orchestrator measured them by laying
    the documents out (:func:`generator.build.measure_overflow`); ``None`` leaves the fit out."""
    fit = overflowing is not None
    cells: dict[str, dict[str, Cell]] = {}
    fallbacks: list[dict] = []
    locales: list[str] = []
    for loaded in catalog.products:
        row = cells.setdefault(loaded.product.sku, {})
        for locale in target_locales(catalog, loaded):
            if locale not in locales:
                locales.append(locale)
            cell = row[locale] = Cell()
            resolved, findings = resolve(catalog, loaded, locale)
            for item in resolved.values():
                cell.total += 1
                setattr(cell, _STATE_COUNT[item.state], getattr(cell, _STATE_COUNT[item.state]) + 1)
            for finding in findings:
                if finding.code == "i18n.fallback":
                    fallbacks.append({"sku": finding.sku, "locale": finding.locale,
                                      "field": finding.field, "source": finding.source,
                                      "printed_locale": finding.extra.get(
                                          "printed_locale", catalog.brand.source_locale),
                                      "reason": finding.message})
    if fit:
        for (sku, locale), count in overflowing.items():
            if locale in cells.get(sku, {}):
                cells[sku][locale].overflowing += count
    order = [loc for loc in catalog.brand.locales if loc in locales]
    return Status(catalog.brand.source_locale, order, cells, fallbacks, fit)


# --- formats --------------------------------------------------------------------------------


def format_text(status: Status) -> str:
    width = max([len(sku) for sku in status.cells] + [7])
    lines = [f"{'product':<{width}}  " + "  ".join(f"{loc:>7}" for loc in status.locales)]
    for sku, row in status.cells.items():
        lines.append(f"{sku:<{width}}  " + "  ".join(
            f"{_mark(row[loc]):>7}" if loc in row else f"{'-':>7}" for loc in status.locales))
    totals = status.totals()
    lines.append(f"{'all':<{width}}  " + "  ".join(f"{_mark(totals[loc]):>7}"
                                                   for loc in status.locales))
    details = []
    for sku, row in status.cells.items():
        for locale, cell in row.items():
            parts = [f"{getattr(cell, n)} {n}" for n in COUNTS[1:] if getattr(cell, n)]
            if parts:
                details.append(f"  {sku} {locale}: {cell.translated}/{cell.total} translated, "
                               + ", ".join(parts))
    if details:
        lines += ["", "left to do:"] + details
    lines.append("")
    lines.append("% = translated and current; ! = failing checks or not fitting the card"
                 + ("" if status.fit else " (fit not measured)"))
    return "\n".join(lines)


def _mark(cell: Cell) -> str:
    flag = "!" if cell.failing or cell.overflowing else ""
    return f"{cell.percent:g}%{flag}"


def format_json(status: Status) -> str:
    return json.dumps(status.to_dict(), indent=2, ensure_ascii=False)


def format_html(status: Status, title: str) -> str:
    """A standalone page (no external resources): the matrix, coloured, and the fallbacks."""
    esc = html.escape
    head = "".join(f"<th>{esc(loc)}</th>" for loc in status.locales)
    rows = []
    for sku, row in [*status.cells.items(), ("all", status.totals())]:
        cells = []
        for locale in status.locales:
            cell = row.get(locale)
            if cell is None:
                cells.append('<td class="none">–</td>')
                continue
            level = ("bad" if cell.failing or cell.overflowing or cell.percent < 50 else
                     "done" if cell.percent == 100 else "part")
            counts = " · ".join(f"{getattr(cell, n)} {n}" for n in COUNTS[1:] if getattr(cell, n))
            cells.append(f'<td class="{level}"><b>{cell.percent:g}%</b><br>'
                         f'<small>{cell.translated}/{cell.total}{" · " + esc(counts) if counts else ""}'
                         "</small></td>")
        rows.append(f"<tr><th>{esc(sku)}</th>{''.join(cells)}</tr>")
    fallback_rows = "".join(
        f"<tr><td>{esc(f['sku'])}</td><td>{esc(f['locale'])}</td><td>{esc(f['field'] or '')}</td>"
        f"<td>{esc(f['printed_locale'])}</td><td>{esc(f['reason'])}</td></tr>"
        for f in status.fallbacks)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>
body {{ font: 14px/1.4 sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin-bottom: 2em; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: center; }}
td.done {{ background: #d9f2d9; }} td.part {{ background: #fff2c6; }}
td.bad {{ background: #f8d0d0; }} td.none {{ color: #999; }}
.fallbacks td {{ text-align: left; }}
</style></head><body>
<h1>{esc(title)}</h1>
<p>Source locale: {esc(status.source_locale)}. A cell shows the share of texts translated and
current, then what is fuzzy, missing, failing a check or overflowing the card
{"" if status.fit else "(fit not measured)"}.</p>
<table><tr><th>product</th>{head}</tr>
{"".join(rows)}
</table>
<h2>Fallbacks the build uses ({len(status.fallbacks)})</h2>
<table class="fallbacks"><tr><th>product</th><th>locale</th><th>field</th><th>prints</th><th>why</th></tr>
{fallback_rows}
</table>
</body></html>
"""
