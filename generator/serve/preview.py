"""The preview's documents: the build's plan of one catalog, each document rendered by the
orchestrator's own functions and kept with its findings, pages and outlines.

A worker thread loads the catalog, works out which documents a saved file affects and hands
the documents to two render processes (:mod:`generator.serve.renderer`): one for the
documents a page is showing or waiting for, one for the rest, so a card being looked at never
waits behind a long manual, and the web server's event loop stays free. Saved files come in
with :meth:`Preview.changed`. Whatever a catalog contains, the preview keeps running: a
catalog that does not load is reported on every page, a document that fails shows why, and a
render process that crashes is replaced.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import logging
import multiprocessing
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from generator.build import BuildOptions, Planned, plan
from generator.catalog import LoadedCatalog, load_catalog
from generator.findings import Finding, InsertgenError, Severity
from generator.i18n.status import Status, translation_status
from generator.serve import renderer
from generator.serve.changes import affected
from generator.serve.pictures import Outline

log = logging.getLogger("insertgen.serve")

#: Document states, as the index shows them.
QUEUED, OK, WARNINGS, FAILED = "queued", "ok", "warnings", "failed"


@dataclasses.dataclass
class DocumentView:
    """One document as the preview last rendered it."""

    #: The build's path of the document, ``SKU/SKU_<document>_<locales>.pdf``: its identity.
    path: str
    sku: str
    document: str
    layout: str
    locales: list[str]
    marketplace: str
    #: The layout's safe zone in mm (for the guide).
    safe_mm: float | None
    trim_mm: tuple[float, float] = (0.0, 0.0)
    #: The layout's kind (``card``, ``manual``): cards, quick to render, come first.
    kind: str = "card"
    status: str = QUEUED
    #: Every finding of the last render (validation, fallbacks, compliance, fit, preflight).
    findings: list[Finding] = dataclasses.field(default_factory=list)
    pages: int = 0
    #: The PDF whose pages are shown: the built file, or the marked copy of a failed one.
    pdf: Path | None = None
    #: Counts renders; page picture URLs carry it, so a browser never shows an old picture.
    version: int = 0
    #: Seconds the last render took (preparing and rendering).
    seconds: float | None = None
    #: Where the texts that do not fit are printed.
    outlines: list[Outline] = dataclasses.field(default_factory=list)
    #: Whether the document waits for a render the catalog's latest change asked for.
    stale: bool = True
    #: Changed again while it was rendering: rendered once more when that render is back.
    again: bool = False
    #: Whether the last render came from the build cache (its inputs were unchanged).
    cached: bool = False


@dataclasses.dataclass
class CatalogState:
    """The catalog as last loaded: its findings, or why it does not load."""

    #: Increases with every load, so pages can tell that something changed.
    generation: int = 0
    findings: list[Finding] = dataclasses.field(default_factory=list)
    #: Why the catalog does not load at all (its brand file is broken, ...), else ``None``.
    error: str | None = None
    source_locale: str = "en"
    #: The brand's locales, in its order.
    locales: list[str] = dataclasses.field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]


class Preview:
    """The documents of the catalog at ``root``, rendered into ``scratch`` on demand."""

    def __init__(self, root: Path, scratch: Path,
                 notify: Callable[[dict], None] | None = None):
        self.root = Path(root)
        self.scratch = Path(scratch)
        self.notify = notify or (lambda event: None)
        self.catalog_state = CatalogState()
        self.documents: dict[str, DocumentView] = {}
        self._catalog: LoadedCatalog | None = None
        self._plans: dict[str, Planned] = {}
        self._status: Status | None = None
        self._status_dirty = True
        self._status_lock = threading.Lock()
        self._lock = threading.Condition()
        self._changes: set[str] = set()
        self._reload = True
        self._loading = False
        self._first: list[str] = []  # documents a page is waiting for, most recent first
        self._rendering: dict[str, _Lane] = {}  # documents in a render process now
        self._done: list[tuple[str, concurrent.futures.Future]] = []
        self._watched: dict[str, int] = {}
        self._stop = threading.Event()
        self._released = False
        self._thread: threading.Thread | None = None

    # --- asked from the web server (any thread) -------------------------------------------

    def start(self) -> None:
        """Start the worker thread; it loads the catalog and renders every document."""
        self._thread = threading.Thread(target=self._work, name="insertgen-preview", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            self._lock.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)  # a manual half rendered is not waited for long

    def release(self) -> None:
        """The server is stopping: pages waiting for a render are answered at once."""
        with self._lock:
            self._released = True
            self._lock.notify_all()

    def changed(self, paths: Iterable[str]) -> None:
        """Files changed (catalog-relative, ``/`` separated): reload and re-render."""
        with self._lock:
            self._changes |= set(paths)
            self._reload = True
            self._lock.notify_all()

    def watch(self, path: str, on: bool) -> None:
        """A page showing ``path`` opened (``on``) or closed: its renders come first."""
        with self._lock:
            self._watched[path] = self._watched.get(path, 0) + (1 if on else -1)
            if self._watched[path] <= 0:
                del self._watched[path]

    def wait(self, path: str, timeout: float) -> DocumentView | None:
        """The document ``path`` once rendered (at most ``timeout`` seconds later; then as it
        is), rendered before any other; ``None`` when the catalog has no such document."""
        deadline = time.monotonic() + timeout
        with self._lock:
            if path in self.documents and self.documents[path].stale:
                self._first.insert(0, path)
                self._lock.notify_all()
            while not self._stop.is_set() and not self._released:
                view = self.documents.get(path)
                loaded = self.catalog_state.generation > 0 and not self._reload \
                    and not self._loading
                if loaded and (view is None or not view.stale or self.catalog_state.error):
                    return view
                left = deadline - time.monotonic()
                if left <= 0:
                    return view
                self._lock.wait(left)
            return self.documents.get(path)

    def wait_loaded(self, timeout: float) -> None:
        """Return once the catalog has been loaded (or ``timeout`` seconds have passed)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self.catalog_state.generation == 0 and time.monotonic() < deadline \
                    and not self._released:
                self._lock.wait(deadline - time.monotonic())

    def idle(self) -> bool:
        """Whether every document is rendered and no change waits."""
        with self._lock:
            return (self.catalog_state.generation > 0 and not self._reload and not self._loading
                    and not any(v.stale for v in self.documents.values()))

    def status(self) -> Status | None:
        """The translators' matrix, with the texts that do not fit as the rendered documents
        measured them (``None`` before the catalog loads)."""
        with self._status_lock:
            with self._lock:
                catalog, views, dirty = self._catalog, list(self.documents.values()), self._status_dirty
                self._status_dirty = False
            if catalog is None or not dirty:
                return self._status
            overflowing: dict[tuple[str, str], set] = {}
            for view in views:
                for finding in view.findings:
                    if finding.category != "fit":
                        continue
                    for locale in view.locales:
                        if finding.locale in (locale, None) or len(view.locales) == 1:
                            overflowing.setdefault((view.sku, locale), set()).add(finding.field)
            self._status = translation_status(
                catalog, overflowing={k: len(v) for k, v in overflowing.items()})
            return self._status

    def views(self) -> list[DocumentView]:
        with self._lock:
            return list(self.documents.values())

    # --- the worker ---------------------------------------------------------------------------

    def _work(self) -> None:
        lanes = [_Lane("pages"), _Lane("the rest")]
        lanes[0].warm()
        try:
            self._run(lanes)
        finally:
            for lane in lanes:
                lane.close()

    def _run(self, lanes: list[_Lane]) -> None:
        while not self._stop.is_set():
            with self._lock:
                while not self._stop.is_set() and not self._reload and not self._done \
                        and not self._assign(lanes, dry=True):
                    self._lock.wait()
                if self._stop.is_set():
                    return
                done, self._done = self._done, []
                reload, changes = self._reload and not done, self._changes
                if reload:
                    self._reload, self._changes = False, set()
                    self._loading = True
            for path, future in done:
                self._finish(path, future)
            if reload:
                try:
                    self._load(changes)
                except Exception as error:  # noqa: BLE001 - a bug: logged, shown, the server lives on
                    log.exception("the preview hit a bug loading the catalog")
                    with self._lock:
                        self.catalog_state = CatalogState(
                            generation=self.catalog_state.generation + 1,
                            error=f"loading stopped with {type(error).__name__}: {error} (a bug "
                                  "in insertgen; the traceback is in the server's log)")
                finally:
                    with self._lock:
                        self._loading = False
                        self._lock.notify_all()
                continue
            with self._lock:
                jobs = self._assign(lanes)
                generation = self.catalog_state.generation
            for lane, path in jobs:
                future = lane.submit(str(self.root), str(self.scratch), generation, path)
                future.add_done_callback(lambda f, path=path: self._arrived(path, f))

    def _arrived(self, path: str, future: concurrent.futures.Future) -> None:
        with self._lock:
            self._done.append((path, future))
            self._lock.notify_all()

    def _assign(self, lanes: list[_Lane], dry: bool = False) -> list[tuple[_Lane, str]]:
        """Documents for the free lanes: the first lane takes only documents a page shows or
        waits for, the second any. Called with the lock held; ``dry`` only looks."""
        if self._loading or self.catalog_state.generation == 0 or self.catalog_state.error:
            return []  # a catalog that does not load renders nothing: the last renders stay
        jobs = []
        busy = set(self._rendering)
        for lane in lanes:
            if lane.busy:
                continue
            wanted = [*self._first, *self._watched] if lane is lanes[0] else None
            path = self._next(wanted, busy)
            if path is None:
                continue
            jobs.append((lane, path))
            busy.add(path)
            if not dry:
                lane.busy = True
                self._rendering[path] = lane
        return jobs

    def _finish(self, path: str, future: concurrent.futures.Future) -> None:
        """A render came back: show it (or why it failed)."""
        with self._lock:
            lane = self._rendering.pop(path, None)
            if lane is not None:
                lane.busy = False
        try:
            rendered = future.result()
        except Exception as error:  # noqa: BLE001 - the render process died (a crash)
            log.error("the render process stopped while rendering %s: %s", path, error)
            if lane is not None:
                lane.restart()
            rendered = renderer.Rendered(path, "failed", [Finding(
                code="render.bug", category="render", source=path,
                message=f"the render process stopped while rendering this document ({error}); "
                        "the next change renders it again")])
        if rendered is None:  # not planned by the files as they are now: a load is coming
            with self._lock:
                view = self.documents.get(path)
                if view is not None:
                    view.stale, view.again = view.again, False
                self._lock.notify_all()
            return
        if rendered.traceback:
            log.error("the preview hit a bug rendering %s:\n%s", path, rendered.traceback)
        warned = any(f.severity is Severity.WARNING for f in rendered.findings)
        with self._lock:
            view = self.documents.get(path)
            if view is None:
                self._lock.notify_all()
                return
            view.findings = list(rendered.findings)
            view.status = FAILED if rendered.status == "failed" else WARNINGS if warned else OK
            view.pdf = Path(rendered.pdf) if rendered.pdf else None
            view.pages = rendered.pages
            view.outlines = list(rendered.outlines)
            view.version += 1
            view.seconds = rendered.seconds
            view.cached = rendered.cached
            view.stale, view.again = view.again, False  # changed again while it rendered
            if not view.stale:
                self._first = [p for p in self._first if p != path]
            self._update_status()
            self._lock.notify_all()
        log.info("rendered %s: %s in %.2f s%s", path, view.status, view.seconds,
                 " (unchanged, from the build cache)" if view.cached else "")
        self.notify({"type": "document", "path": path, "version": view.version,
                     "status": view.status})

    def _next(self, among: list[str] | None = None, busy: Iterable[str] = ()) -> str | None:
        """The next document to render (``among`` these only, none of ``busy``): one a page
        waits for, one being looked at, then the cards and then the rest, in the build's
        order. Called with the lock held."""
        if among is None:
            cards = [p for p, v in self.documents.items() if v.kind == "card"]
            among = [*self._first, *self._watched, *cards, *self.documents]
        busy = set(busy)
        for path in among:
            view = self.documents.get(path)
            if view is not None and view.stale and path not in busy:
                return path
        return None

    def _load(self, changes: set[str]) -> None:
        """Load the catalog again and mark the documents the changed files affect."""
        state = CatalogState(generation=self.catalog_state.generation + 1,
                             source_locale=self.catalog_state.source_locale,
                             locales=self.catalog_state.locales)
        try:
            catalog = load_catalog(self.root, partial=True)
            plans = plan(catalog, BuildOptions(catalog=self.root, out=self.scratch))
        except InsertgenError as error:
            state.error = str(error)
            state.findings = list(error.findings)
            log.warning("the catalog does not load: %s", "; ".join(
                [f.format() for f in state.errors] or [state.error]))
            with self._lock:
                self.catalog_state = state
                self._lock.notify_all()
            self.notify({"type": "catalog", "generation": state.generation, "error": state.error,
                         "errors": len(state.errors) or 1})
            return
        state.findings = list(catalog.findings)
        state.source_locale = catalog.brand.source_locale
        state.locales = list(catalog.brand.locales)
        first_load = self._catalog is None
        touched = affected(catalog, plans, changes)
        views: dict[str, DocumentView] = {}
        for planned in plans:
            old = self.documents.get(planned.path)
            view = _view(planned)
            if old is not None:  # the last render stays shown until the next one is done
                for name in ("status", "findings", "pages", "pdf", "version", "seconds", "outlines",
                             "stale", "again", "cached"):
                    setattr(view, name, getattr(old, name))
            if first_load or old is None or planned.path in touched or self._catalog_was_broken() \
                    or (old.status == FAILED and old.pdf is None):
                if planned.path in self._rendering:
                    view.again = True
                view.stale = True
            views[planned.path] = view
        # A product left out because it no longer validates: its documents stay listed, failed.
        valid = {p.loaded.product.sku for p in plans}
        for path, old in self.documents.items():
            if path not in views and old.sku not in valid and any(
                    f.severity is Severity.ERROR for f in catalog.findings):
                old.status, old.stale, old.pdf, old.pages = FAILED, False, None, 0
                old.findings = [f for f in catalog.findings if f.severity is Severity.ERROR
                                and (f.sku in (None, old.sku))]
                old.version += 1
                views[path] = old
        with self._lock:
            self._catalog = catalog
            self._plans = {p.path: p for p in plans}
            self.documents = views
            self.catalog_state = state
            self._update_status()
            self._lock.notify_all()
        log.info("catalog loaded: %d document(s), %d to render", len(views),
                 sum(v.stale for v in views.values()))
        self.notify({"type": "catalog", "generation": state.generation,
                     "errors": len(state.errors), "documents": sorted(touched)})

    def _catalog_was_broken(self) -> bool:
        return self.catalog_state.error is not None

    def _update_status(self) -> None:
        """The matrix is computed again when next asked for. Called with the lock held."""
        self._status_dirty = True

def _view(planned: Planned) -> DocumentView:
    spec = planned.layout.spec
    return DocumentView(planned.path, planned.loaded.product.sku, planned.document,
                        planned.layout.name, list(planned.locales), planned.marketplace,
                        spec.safe_mm, tuple(spec.trim_mm), spec.kind)


class _Lane:
    """A render process (spawned, so nothing of the server's threads is copied into it)."""

    def __init__(self, name: str):
        self.name = name
        self.busy = False
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    def submit(self, *args) -> concurrent.futures.Future:
        if self._pool is None:
            self._pool = concurrent.futures.ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"))
        try:
            return self._pool.submit(renderer.render, *args)
        except (concurrent.futures.BrokenExecutor, RuntimeError):
            self.restart()
            return self.submit(*args)

    def warm(self) -> None:
        """Start the process now, so the first document it gets does not wait for it."""
        if self._pool is None:
            self._pool = concurrent.futures.ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"))
            self._pool.submit(renderer.warm)

    def restart(self) -> None:
        self.close()

    def close(self) -> None:
        """Stop the process, even in the middle of a render (a manual is not waited for)."""
        if self._pool is None:
            return
        # The executor has no public way to stop a task under way before Python 3.14.
        for process in list((getattr(self._pool, "_processes", None) or {}).values()):
            if hasattr(process, "kill"):
                process.kill()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None
