"""The preview's web application: pages, page pictures, the event stream and the file watcher.

Routes (every page is rendered by a Jinja template with autoescape on)::

    /                       products x documents x locales with their status
    /doc/<path>             one document: its pages, guides, findings, locales side by side
    /page/<n>/<path>        page n of a document as PNG (``guides``, ``dpi`` in the query)
    /status                 the translators' status matrix
    /source?file=&line=     a catalog file with line numbers (where a finding points)
    /events                 server-sent events: a document rendered, the catalog reloaded
    /api/documents          the documents and their status as JSON

Blocking work runs outside the event loop: rendering in the preview's worker thread, page
pictures in a process of their own.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import functools
import itertools
import json
import logging
import multiprocessing
import shutil
import tempfile
from pathlib import Path

import anyio
import jinja2
import watchfiles
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from generator.findings import InsertgenError
from generator.serve.changes import ignored
from generator.serve.pages import document_context, index_context, source_context, status_context
from generator.serve.pictures import GUIDE_NAMES, page_png
from generator.serve.preview import Preview

log = logging.getLogger("insertgen.serve")
HERE = Path(__file__).parent
#: How long a page waits for its document's render before it is shown as it is.
RENDER_WAIT_S = 60.0


class Broker:
    """Hands events from the worker thread to every open event stream; keeps the latest ones
    so a browser that reconnects (``Last-Event-ID``) misses nothing."""

    def __init__(self, keep: int = 500):
        self.loop: asyncio.AbstractEventLoop | None = None
        self.history: collections.deque[tuple[int, dict]] = collections.deque(maxlen=keep)
        self.queues: set[asyncio.Queue] = set()
        self._ids = itertools.count(1)

    def publish(self, event: dict) -> None:
        """From any thread."""
        if self.loop is not None and not self.loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                self.loop.call_soon_threadsafe(self._publish, event)

    def _publish(self, event: dict) -> None:
        item = (next(self._ids), event)
        self.history.append(item)
        for queue in self.queues:
            queue.put_nowait(item)

    def close(self) -> None:
        """End every open event stream (from the event loop's thread)."""
        for queue in self.queues:
            queue.put_nowait(None)

    @property
    def last_id(self) -> int:
        return self.history[-1][0] if self.history else 0


def create_app(catalog: Path, *, scratch: Path | None = None, watch: bool = True,
               stream_seconds: float = 300.0, dpi: int = 100) -> Starlette:
    """The preview of the catalog at ``catalog``; documents are rendered into ``scratch`` (a
    temporary folder removed on shutdown when not given; a folder given keeps the renders and
    their build cache for the next preview). An event stream closes after
    ``stream_seconds`` and the browser opens the next one where it left off."""
    catalog = Path(catalog)
    broker = Broker()
    own_scratch = scratch is None
    preview = Preview(catalog, Path(scratch or "."), broker.publish)
    pictures = _Pictures()
    env = jinja2.Environment(loader=jinja2.PackageLoader("generator.serve", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["tojson_attr"] = lambda value: json.dumps(value, ensure_ascii=False)

    def page(name: str, context: dict, status_code: int = 200) -> HTMLResponse:
        context = {"catalog": preview.catalog_state, "root": str(catalog),
                   "last_event": broker.last_id, **context}
        return HTMLResponse(env.get_template(name).render(context), status_code=status_code)

    async def index(request: Request) -> HTMLResponse:
        await anyio.to_thread.run_sync(preview.wait_loaded, 30.0)
        return page("index.html", index_context(preview))

    async def document(request: Request) -> HTMLResponse:
        path = request.path_params["path"]
        view = await anyio.to_thread.run_sync(preview.wait, path, RENDER_WAIT_S)
        if view is None:
            return page("missing.html", {"path": path}, 404)
        compare = request.query_params.get("compare")
        other = None
        if compare and compare != path:
            other = await anyio.to_thread.run_sync(preview.wait, compare, RENDER_WAIT_S)
        return page("document.html", document_context(preview, view, other, dpi))

    async def picture(request: Request) -> Response:
        path, number = request.path_params["path"], request.path_params["number"]
        view = preview.documents.get(path)
        if view is None or view.pdf is None or not 1 <= number <= view.pages:
            return Response(f"no page {number} of {path}", status_code=404, media_type="text/plain")
        names = request.query_params.get("guides")
        guides = GUIDE_NAMES if names is None else [g for g in GUIDE_NAMES
                                                    if g.split()[0] in names.split(",")]
        try:
            scale = int(request.query_params.get("dpi", dpi))
        except ValueError:
            scale = dpi
        scale = min(max(scale, 36), 300)
        call = functools.partial(page_png, view.pdf, number, dpi=scale, safe_mm=view.safe_mm,
                                 guides=guides, outlines=list(view.outlines))
        try:
            data = await pictures.run(call)
        except InsertgenError as error:  # replaced by a newer render meanwhile
            return Response(str(error), status_code=404, media_type="text/plain")
        return Response(data, media_type="image/png", headers={"Cache-Control": "no-cache"})

    async def status(request: Request) -> HTMLResponse:
        await anyio.to_thread.run_sync(preview.wait_loaded, 30.0)
        return page("status.html", await anyio.to_thread.run_sync(status_context, preview))

    async def source(request: Request) -> HTMLResponse:
        context = source_context(catalog, request.query_params.get("file", ""),
                                 request.query_params.get("line"))
        return page("source.html", context, 200 if context["lines"] is not None else 404)

    async def documents(request: Request) -> JSONResponse:
        return JSONResponse({
            "generation": preview.catalog_state.generation,
            "catalog_error": preview.catalog_state.error,
            "catalog_errors": [f.format() for f in preview.catalog_state.errors],
            "idle": preview.idle(),
            "last_event": broker.last_id,
            "documents": [{"path": v.path, "status": v.status, "stale": v.stale,
                           "version": v.version, "pages": v.pages, "seconds": v.seconds,
                           "cached": v.cached,
                           "findings": [f.to_dict() for f in v.findings]}
                          for v in preview.views()]})

    async def events(request: Request) -> StreamingResponse:
        since = request.headers.get("last-event-id") or request.query_params.get("since")
        watched = request.query_params.getlist("doc")

        async def stream():
            queue: asyncio.Queue = asyncio.Queue()
            broker.queues.add(queue)
            for path in watched:
                preview.watch(path, True)
            try:
                yield "retry: 1000\n\n"
                if since is not None and since.isdigit():
                    for item in [i for i in broker.history if i[0] > int(since)]:
                        yield _sse(*item)
                else:
                    yield _sse(broker.last_id, {"type": "hello"})
                with anyio.move_on_after(stream_seconds):
                    while True:
                        try:
                            item = await asyncio.wait_for(queue.get(), 15)
                        except TimeoutError:
                            yield ": still here\n\n"
                            continue
                        if item is None:  # the server stops
                            break
                        yield _sse(*item)
            finally:
                broker.queues.discard(queue)
                for path in watched:
                    preview.watch(path, False)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        broker.loop = asyncio.get_running_loop()
        if own_scratch:  # made here, so an application that never starts leaves nothing behind
            preview.scratch = Path(tempfile.mkdtemp(prefix="insertgen-serve-"))
        else:
            preview.scratch.mkdir(parents=True, exist_ok=True)
        preview.start()
        stop = asyncio.Event()
        watcher = asyncio.create_task(_watch(catalog, preview, stop)) if watch else None
        try:
            yield
        finally:
            stop.set()
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await watcher
            await anyio.to_thread.run_sync(preview.stop)
            pictures.close()
            if own_scratch:
                shutil.rmtree(preview.scratch, ignore_errors=True)

    app = Starlette(routes=[
        Route("/", index),
        Route("/doc/{path:path}", document),
        Route("/page/{number:int}/{path:path}", picture),
        Route("/status", status),
        Route("/source", source),
        Route("/events", events),
        Route("/api/documents", documents),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ], lifespan=lifespan)
    app.state.preview = preview
    app.state.broker = broker

    def closing() -> None:
        """Called as the server begins to stop: waiting pages and event streams end now, so
        the server need not wait for them."""
        preview.release()
        broker.close()

    app.state.closing = closing
    return app


class _Pictures:
    """Page pictures drawn in a process of their own: PDFium is not thread-safe, and the
    worker thread reads PDFs with it while pages are asked for."""

    def __init__(self):
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    async def run(self, call):
        for attempt in (1, 2):
            if self._pool is None:
                self._pool = concurrent.futures.ProcessPoolExecutor(
                    1, mp_context=multiprocessing.get_context("spawn"))
            try:
                return await asyncio.wrap_future(self._pool.submit(call))
            except concurrent.futures.BrokenExecutor:
                log.warning("the picture process died; starting another")
                self._pool = None
                if attempt == 2:
                    raise

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _sse(number: int, event: dict) -> str:
    return f"id: {number}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"


async def _watch(catalog: Path, preview: Preview, stop: asyncio.Event) -> None:
    """Watch the catalog until the server stops, whatever happens to the folder."""
    while not stop.is_set():
        try:
            await _watch_once(catalog, preview, stop)
        except Exception as error:  # noqa: BLE001 - the folder went away, too many watches, ...
            log.warning("cannot watch %s (%s); trying again in 2 s", catalog, error)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 2)


async def _watch_once(catalog: Path, preview: Preview, stop: asyncio.Event) -> None:
    """Hand every saved catalog file to the preview (paths relative to the catalog)."""
    root = catalog.resolve()
    async for changes in watchfiles.awatch(root, stop_event=stop, debounce=400, step=50,
                                           recursive=True):
        paths = set()
        for _, name in changes:
            path = Path(name)
            if path.is_relative_to(root):
                relative = path.relative_to(root).as_posix()
                if not ignored(relative):
                    paths.add(relative)
        if paths:
            log.info("changed: %s", ", ".join(sorted(paths)))
            preview.changed(paths)
