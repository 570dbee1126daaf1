"""What each page of the preview shows, as plain data for its template (the templates escape
every value; nothing here writes HTML)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urlencode

from generator.findings import Finding, Severity, sort_key
from generator.paths import BUILTIN_LAYOUTS, BUILTIN_LOCALES
from generator.serve.pictures import GUIDE_NAMES
from generator.serve.preview import FAILED, OK, QUEUED, WARNINGS, DocumentView, Preview

#: Finding groups beside a page, in the order shown: (title, test on a finding).
GROUPS = (
    ("Compliance", lambda f: f.code.startswith("compliance.")),
    ("Fit", lambda f: f.category == "fit"),
    ("Preflight", lambda f: f.category == "preflight"),
    ("Translation fallbacks", lambda f: f.category == "fallback"),
    ("Other", lambda f: True),
)
BUILTIN = "<built-in>/"


def index_context(preview: Preview) -> dict:
    """The matrix of products x documents x locales."""
    views = preview.views()
    locales = _brand_locales(preview, views)
    rows = []
    for view in views:
        key = (view.sku, view.document)
        if not rows or rows[-1]["key"] != key:
            rows.append({"key": key, "sku": view.sku, "document": view.document,
                         "layout": view.layout, "marketplace": view.marketplace, "cells": {}})
        for locale in view.locales:
            rows[-1]["cells"][locale] = view
    counts = {state: sum(v.status == state for v in views) for state in (OK, WARNINGS, FAILED)}
    counts["rendering"] = sum(v.stale for v in views)
    return {"rows": rows, "locales": locales, "counts": counts, "total": len(views),
            "doc_href": doc_href}


def _brand_locales(preview: Preview, views: list[DocumentView]) -> list[str]:
    """The locales the documents print, in the brand's order."""
    used = []
    for view in views:
        used += [loc for loc in view.locales if loc not in used]
    order = preview.catalog_state.locales
    return [loc for loc in order if loc in used] + [loc for loc in used if loc not in order]


def document_context(preview: Preview, view: DocumentView, other: DocumentView | None,
                     dpi: int) -> dict:
    """One document (and another locale of it beside it): pages, guides, findings."""
    siblings = [v for v in preview.views() if v.sku == view.sku and v.document == view.document]
    shown = [view] + ([other] if other is not None else [])
    return {
        "view": view, "other": other, "siblings": siblings, "guides": GUIDE_NAMES,
        "columns": [{"view": v, "pages": [page_href(v, n, dpi) for n in range(1, v.pages + 1)],
                     "groups": finding_groups(v)} for v in shown],
        "doc_href": doc_href, "compare_href": compare_href, "queued": QUEUED,
    }


def status_context(preview: Preview) -> dict:
    status = preview.status()
    rows = []
    if status is not None:
        for sku, row in [*status.cells.items(), ("all", status.totals())]:
            cells = []
            for locale in status.locales:
                cell = row.get(locale)
                if cell is None:
                    cells.append(None)
                    continue
                level = ("bad" if cell.failing or cell.overflowing or cell.percent < 50 else
                         "done" if cell.percent == 100 else "part")
                counts = [f"{getattr(cell, n)} {n}" for n in
                          ("fuzzy", "missing", "failing", "overflowing") if getattr(cell, n)]
                cells.append({"level": level, "percent": f"{cell.percent:g}",
                              "translated": cell.translated, "total": cell.total, "counts": counts})
            rows.append({"sku": sku, "cells": cells})
    return {"status": status, "rows": rows}


def source_context(root: Path, file: str, line: str | None) -> dict:
    """A catalog file (or one of insertgen's own layout and wording files) with line numbers;
    ``lines`` is ``None`` when the file is not one the preview may show."""
    number = int(line) if line and line.isdigit() else None
    lines = None
    path = _source_path(root, file)
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = None
    return {"file": file, "line": number, "lines": lines}


def _source_path(root: Path, file: str) -> Path | None:
    if not file:
        return None
    if file.startswith(BUILTIN):
        relative = file.removeprefix(BUILTIN)
        for base in (BUILTIN_LAYOUTS, BUILTIN_LOCALES):
            path = (base.parent / relative).resolve()
            if path.is_relative_to(base.resolve()) and path.is_file():
                return path
        return None
    base = root.resolve()
    path = (base / file).resolve()
    return path if path.is_relative_to(base) and path.is_file() else None


# --- links and findings -------------------------------------------------------------------------


def doc_href(path: str, **query: str) -> str:
    return f"/doc/{quote(path)}" + (f"?{urlencode(query)}" if query else "")


def compare_href(view: DocumentView, other: DocumentView) -> str:
    return doc_href(view.path, compare=other.path)


def page_href(view: DocumentView, number: int, dpi: int) -> str:
    return f"/page/{number}/{quote(view.path)}?v={view.version}&dpi={dpi}"


def finding_groups(view: DocumentView) -> list[dict]:
    """The document's findings by group, errors first, each ready to show."""
    outlined = {o.label: o.page for o in view.outlines}
    groups = [{"title": title, "items": []} for title, _ in GROUPS]
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    for finding in sorted(view.findings, key=lambda f: (order[f.severity], sort_key(f))):
        for group, (_, test) in zip(groups, GROUPS, strict=True):
            if test(finding):
                group["items"].append(_item(finding, outlined))
                break
    return [g for g in groups if g["items"]]


def _item(finding: Finding, outlined: dict[str, int]) -> dict:
    extra = finding.extra
    page = None
    match = re.fullmatch(r"page (\d+)", finding.field or "")
    if finding.category == "preflight" and match:
        page = int(match.group(1))
    outline = outlined.get(f"{finding.field} ({finding.locale})") \
        if finding.category == "fit" else None
    return {
        "severity": finding.severity.value, "code": finding.code, "message": finding.message,
        "field": finding.field, "locale": finding.locale, "place": finding.place,
        "href": _source_href(finding), "action": finding.action,
        "before": extra.get("before") if finding.action == "removed" else None,
        "after": extra.get("after") if finding.action == "removed" else None,
        "match": extra.get("match"), "page": page, "outline": outline,
    }


def _source_href(finding: Finding) -> str | None:
    if not finding.source or finding.source.endswith(".pdf"):
        return None
    query = {"file": finding.source}
    if finding.line:
        query["line"] = str(finding.line)
    anchor = f"#L{finding.line}" if finding.line else ""
    return f"/source?{urlencode(query)}{anchor}"
