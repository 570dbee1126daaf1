"""One document rendered for the preview, in a render process of its own.

The process keeps the catalog it last loaded (by the preview's load number) and renders with
the build's own functions: content, cleaning and checks (``prepare``), the PDF with its gate
and preflight (``render_all``), the fit findings, then where the texts that do not fit are
printed. A process of its own, because WeasyPrint and PDFium are not made for threads, and
so that a crash on a strange file fails that document instead of the server.
"""

from __future__ import annotations

import dataclasses
import time
import traceback
from pathlib import Path

from generator.build import (
    BuildOptions,
    complete,
    document_key,
    failed_copy_path,
    plan,
    planned_record,
    prepare,
    render_all,
    stored_result,
)
from generator.cache import BuildCache, FileHashes, file_sha256
from generator.catalog import load_catalog
from generator.findings import Finding, InsertgenError
from generator.incremental import stored_data
from generator.render.fit import fit_findings
from generator.serve.pictures import Outline, find_texts


@dataclasses.dataclass
class Rendered:
    """What a render process sends back about one document."""

    path: str
    #: The build's status: ``ok`` or ``failed``.
    status: str
    findings: list[Finding]
    pages: int = 0
    #: The PDF to show (the built file, or the marked copy of a failed one).
    pdf: str | None = None
    outlines: list[Outline] = dataclasses.field(default_factory=list)
    seconds: float = 0.0
    #: A bug's traceback, for the server's log.
    traceback: str | None = None
    #: Whether the build cache had it (its inputs unchanged since it was last rendered).
    cached: bool = False


def warm() -> None:
    """Nothing to do: a new render process has imported the pipeline to get here."""


#: The catalog this process last loaded: ``generation``, ``catalog``, ``plans``.
_LOADED: dict = {}


def render(root: str, scratch: str, generation: int, path: str) -> Rendered | None:
    """Render the document ``path`` of the catalog at ``root`` as loaded the ``generation``-th
    time; ``None`` when the catalog no longer plans it."""
    started = time.monotonic()
    try:
        return _render(Path(root), Path(scratch), generation, path, started)
    except InsertgenError as error:  # a user error no check caught earlier
        findings = error.findings or [Finding(code="render.preview", category="render",
                                              source=path, message=str(error))]
        return Rendered(path, "failed", findings, seconds=time.monotonic() - started)
    except Exception as error:  # noqa: BLE001 - a bug: shown on the page, the preview lives on
        return Rendered(path, "failed", [Finding(
            code="render.bug", category="render", source=path,
            message=f"rendering stopped with {type(error).__name__}: {error} (a bug in "
                    "insertgen; the traceback is in the server's log)")],
            seconds=time.monotonic() - started, traceback=traceback.format_exc())


def _render(root: Path, scratch: Path, generation: int, path: str,
            started: float) -> Rendered | None:
    if _LOADED.get("generation") != generation:
        _LOADED.clear()
        catalog = load_catalog(root, partial=True)
        plans = plan(catalog, BuildOptions(catalog=root, out=scratch))
        _LOADED.update(generation=generation, catalog=catalog, plans={p.path: p for p in plans})
    catalog, planned = _LOADED["catalog"], _LOADED["plans"].get(path)
    if planned is None:
        return None
    planned = dataclasses.replace(planned, findings=[], texts={})
    job = prepare(catalog, planned, scratch)
    record = planned_record(planned)
    pdf = None
    cached = False
    if job is not None:
        # The build's cache of the folder: a document whose inputs did not change since it
        # was rendered there (in this session or an earlier one) is not rendered again.
        cache = BuildCache(scratch)  # read afresh: the other render process writes it too
        key = document_key(job, planned, FileHashes())
        entry = cache.lookup(planned.path, key)
        cached = entry is not None
        result = stored_result(planned.path, entry) if cached else \
            next(iter(render_all([job], 1, 1)))
        complete(record, result, fit_findings(planned.texts, result, planned.loaded.product.sku,
                                              planned.path), planned.marketplace)
        if not cached:
            _remember(cache, scratch, record, key, result)
        if record.status == "ok":
            pdf = scratch / planned.path
        elif record.failed_copy:
            pdf = scratch / failed_copy_path(planned.path)
    outlines = []
    if pdf is not None:
        wanted = [(f"{f.field} ({f.locale})", planned.texts[(f.locale, f.field)].value)
                  for f in record.findings if f.category == "fit"
                  and (f.locale, f.field) in planned.texts]
        outlines = find_texts(pdf, dict.fromkeys(wanted))
    return Rendered(path, record.status, list(record.findings),
                    record.pages if pdf is not None else 0, str(pdf) if pdf else None, outlines,
                    time.monotonic() - started, cached=cached)


def _remember(cache: BuildCache, scratch: Path, record, key: str, result) -> None:
    """Keep a rendered document in the cache as the build does: by its file, or a failed one
    by its marked copy (the same inputs fail the same way)."""
    cache.forget(record.path)
    if record.status == "ok" and record.sha256:
        cache.store(record.path, key, record.sha256, stored_data(result))
    elif record.failed_copy and (sha := file_sha256(scratch / record.failed_copy)):
        cache.store(record.path, key, sha, stored_data(result) | {"failed_copy": record.failed_copy})
    cache.save()
