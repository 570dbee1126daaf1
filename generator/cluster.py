"""The distributed build: documents rendered by the workers of a Dask scheduler.

``insertgen build --executor dask --scheduler tcp://HOST:8786`` prepares every document here,
as a local build does, and sends each prepared :class:`~generator.worker.Job` to a worker of
that scheduler; the PDF bytes come back and the orchestrator writes them
(:mod:`generator.build`). The workers need no shared file system:

- **Warm workers.** A worker plugin, registered by the build, keeps one ``Renderer`` (one
  font configuration and its parsed stylesheets) per worker process for the build, and
  refuses a worker whose insertgen, WeasyPrint or rendering code differs from the build's:
  its PDFs would not be the ones a local build writes.
- **Files travel with the jobs.** Every file a document's HTML, CSS and pictures name inside
  the folders it may read (catalog pictures and fonts, layout files, the ICC profile) is sent
  to a worker once, by content, and kept in a folder of the worker's own that mirrors this
  machine's paths; the job is rendered from there and the mirror's prefix is taken out of what
  comes back. The CSS names the ICC profile relative to the layout, so a PDF's document ID
  does not depend on where the files are kept.
- **Lost workers.** The scheduler gives the documents of a worker that died to another one
  (up to its ``distributed.scheduler.allowed-failures``); a task that raised is retried
  ``RETRIES`` times. A document that still cannot be rendered fails alone.

The only module that imports dask. Sits between the orchestrator and the worker side
(:mod:`generator.worker`).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import enum
import hashlib
import itertools
import re
import shutil
import socket
import tempfile
import threading
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from distributed import Client, WorkerPlugin, as_completed, get_worker
from weasyprint.logger import LOGGER as WEASYPRINT_LOGGER

from generator.cache import FileHashes
from generator.files import write_atomically
from generator.findings import InsertgenError
from generator.incremental import _tools as rendering_tools
from generator.incremental import files_read
from generator.render.pdf import Renderer, RenderResult
from generator.worker import Job, Rendered, render_document

#: Seconds to wait for the scheduler to answer, and for a first worker to join it.
CONNECT_SECONDS = 10.0
#: How often a task that raised (not one whose worker died) is tried again.
RETRIES = 2
#: Jobs sent ahead per worker thread: enough to keep every worker busy while this process
#: prepares the next documents, few enough that a large catalog is not held in memory.
AHEAD = 2

#: One render at a time in a worker process (WeasyPrint is not made for threads), whatever
#: ``--nthreads`` the worker was started with.
_RENDERING = threading.Lock()


class WorkerMismatch(RuntimeError):
    """A worker whose insertgen, WeasyPrint or rendering code is not the build's."""


class WarmWorker(WorkerPlugin):
    """On each worker: the build's renderer and the folder its files are kept in."""

    def __init__(self, tools: dict[str, str]):
        #: The versions of the build's side (``generator.incremental``'s rendering tools).
        self.tools = tools
        self.renderer: Renderer | None = None
        #: The folder that mirrors the build machine's paths.
        self.mirror: str | None = None
        #: Why this worker cannot render for the build (``None``: it can).
        self.problem: str | None = None
        self._written: dict[str, str] = {}

    def setup(self, worker) -> None:
        mine = rendering_tools()
        differ = sorted(n for n in self.tools.keys() | mine.keys() if self.tools.get(n) != mine.get(n))
        if differ:
            self.problem = (f"the Dask worker {worker.address} has "
                            f"{_versions(mine, differ)}, this build {_versions(self.tools, differ)}: "
                            "install the same insertgen and WeasyPrint on every worker")
            raise WorkerMismatch(self.problem)
        self.mirror = tempfile.mkdtemp(prefix="insertgen-worker-")
        self.renderer = Renderer()

    def teardown(self, worker) -> None:
        if self.renderer is not None:
            # A worker outlives the build: its renderer must stop collecting WeasyPrint's log.
            WEASYPRINT_LOGGER.removeHandler(self.renderer._log)
            self.renderer = None
        if self.mirror is not None:
            shutil.rmtree(self.mirror, ignore_errors=True)

    def keep(self, files: dict[str, bytes]) -> None:
        """Write the files a job reads into the mirror (those not already there as they are)."""
        for name, data in files.items():
            digest = hashlib.sha256(data).hexdigest()
            if self._written.get(name) != digest:
                write_atomically(_mirrored_path(self.mirror, name), data)
                self._written[name] = digest


def _versions(tools: dict[str, str], names: list[str]) -> str:
    return ", ".join(f"{name} {tools.get(name, '-')[:12]}" for name in names)


def _mirrored_path(mirror: str, path: str) -> Path:
    return Path(mirror) / path.lstrip("/")


def _render_on_worker(plugin: str, job: Job, files: dict[str, bytes]) -> Rendered:
    """The Dask task: the job rendered from the worker's mirror of the build's files."""
    worker = get_worker()
    warm = worker.plugins.get(plugin)
    if not isinstance(warm, WarmWorker) or warm.renderer is None:
        raise WorkerMismatch(getattr(warm, "problem", None)
                             or f"the Dask worker {worker.address} has no insertgen renderer")
    with _RENDERING:
        warm.keep(files)
        mirrored = _mirrored(job, warm.mirror)
        # A profile named by its absolute path (a catalog's own layout with a profile shipped
        # with insertgen) is read where this worker's insertgen has the same file.
        same = tuple(name for name in job.render.allowed if name in files
                     and _same_file(name, files[name]))
        mirrored = dataclasses.replace(mirrored, render=dataclasses.replace(
            mirrored.render, allowed=mirrored.render.allowed + same))
        rendered = render_document(warm.renderer, mirrored)
    rendered.result = _unmirrored(rendered.result, warm.mirror)
    return rendered


def _same_file(path: str, data: bytes) -> bool:
    try:
        return Path(path).read_bytes() == data
    except OSError:
        return False


def _mirrored(job: Job, mirror: str) -> Job:
    """``job`` reading its files from ``mirror`` rather than from the build machine's paths."""
    def moved(path: str) -> str:
        return str(_mirrored_path(mirror, path))

    render = job.render
    artwork = render.artwork
    if artwork is not None:
        artwork = dataclasses.replace(artwork, root=moved(artwork.root),
                                      icc=moved(artwork.icc) if artwork.icc else None)
    render = dataclasses.replace(render, base_dir=moved(render.base_dir),
                                 css_dir=moved(render.css_dir),
                                 allowed=tuple(moved(p) for p in render.allowed), artwork=artwork)
    return dataclasses.replace(job, render=render)


def _unmirrored(value, mirror: str):
    """``value`` with the mirror's folder taken out of every text: the paths of the build
    machine again, so the findings read as a local build's."""
    if isinstance(value, enum.Enum | bytes | None):
        return value
    if isinstance(value, str):
        return value.replace(mirror, "")
    if isinstance(value, list | tuple):
        return type(value)(_unmirrored(v, mirror) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: _unmirrored(getattr(value, f.name), mirror)
                                             for f in dataclasses.fields(value) if f.init})
    return value


class DaskExecutor:
    """Renders jobs on the workers of the Dask scheduler at ``address`` (a context manager:
    entering connects and warms the workers)."""

    def __init__(self, address: str, timeout: float = CONNECT_SECONDS):
        self.address = address
        self.timeout = timeout
        self.client: Client | None = None
        #: The plugin's name: one per build, so builds sharing workers keep their own.
        self.plugin = f"insertgen-{uuid.uuid4().hex[:12]}"
        self._hashes = FileHashes()
        #: Files sent to the cluster, by path (a future per file, kept for the build).
        self._sent: dict[str, object] = {}

    def __enter__(self) -> DaskExecutor:
        where = f"the Dask scheduler at {self.address}"
        unreachable = _probe(self.address, self.timeout)
        if unreachable:
            raise InsertgenError(f"cannot reach {where}: {unreachable}")
        try:
            self.client = Client(self.address, timeout=self.timeout, set_as_default=False)
        except Exception as error:  # noqa: BLE001 - whatever answers there is not a scheduler
            raise InsertgenError(f"cannot reach {where}: {_reason(error, self.timeout)}") from None
        try:
            self.client.wait_for_workers(1, timeout=self.timeout)
        except (OSError, concurrent.futures.TimeoutError):
            self.close()
            raise InsertgenError(f"{where} has no workers after {self.timeout:g} s: start "
                                 f"them with `dask worker {self.address} --nthreads 1`") from None
        try:
            self.client.register_plugin(WarmWorker(rendering_tools()), name=self.plugin)
        except WorkerMismatch as error:
            self.close()
            raise InsertgenError(str(error)) from None
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.client is None:
            return
        self._sent.clear()
        try:
            self.client.unregister_worker_plugin(self.plugin)
        except Exception:  # noqa: BLE001 - a scheduler gone already has no plugin to remove
            pass
        self.client.close()
        self.client = None

    def render(self, jobs: Iterable[Job], count: int) -> Iterator[Rendered]:
        """Send ``jobs`` to the workers, a few ahead of them, yielding each as it finishes
        (in any order)."""
        threads = sum(self.client.nthreads().values()) or 1
        jobs = iter(jobs)
        running = as_completed(loop=self.client.loop)
        keys: dict[str, str] = {}
        numbers = itertools.count()

        def send(job: Job) -> None:
            future = self.client.submit(_render_on_worker, self.plugin, job, self._files(job),
                                        key=f"insertgen-render-{self.plugin}-{next(numbers)}",
                                        retries=RETRIES, pure=False)
            keys[future.key] = job.key
            running.add(future)

        for job in itertools.islice(jobs, AHEAD * threads):
            send(job)
        for future in running:
            key = keys.pop(future.key)
            try:
                rendered = future.result()
            except concurrent.futures.CancelledError:
                raise InsertgenError(f"lost the Dask scheduler at {self.address} during the "
                                     "build: the documents written so far are kept") from None
            except Exception as error:  # noqa: BLE001 - this document fails; the others go on
                rendered = Rendered(RenderResult(key, ok=False, problems=[(
                    "render.worker", "error", "the Dask workers could not render it: "
                    f"{type(error).__name__}: {error}")]))
            following = next(jobs, None)
            if following is not None:
                send(following)
            yield rendered

    def _files(self, job: Job) -> dict[str, object]:
        """The files ``job`` reads inside the folders it may read, as futures of their bytes
        (each file is sent to the cluster once)."""
        roots = [Path(p) for p in job.render.allowed]
        files = {}
        for name, digest in files_read(job.render, self._hashes).items():
            path = Path(name)
            if digest is None or not any(path == r or path.is_relative_to(r) for r in roots):
                continue  # missing or refused: the worker says so as a local one would
            if name not in self._sent:
                self._sent[name] = self.client.scatter(path.read_bytes(), hash=True)
            files[name] = self._sent[name]
        return files


_ADDRESS = re.compile(r"^(?:(?:tcp|tls)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):(?P<port>\d{1,5})$")


def _probe(address: str, timeout: float) -> str | None:
    """Why nothing answers at ``address`` (a host that does not resolve, a port nobody
    listens on), found in a moment rather than after Dask's own time-out; ``None`` when a
    connection opens."""
    match = _ADDRESS.match(address)
    if match is None:
        raise InsertgenError(f"--scheduler {address}: expected an address like "
                             f"tcp://HOST:8786, got \"{address}\"")
    host, port = match["host"].strip("[]"), int(match["port"])
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except socket.gaierror:
        return f"no such host {host}"
    except ConnectionRefusedError:
        return f"connection refused (nothing listens on port {port})"
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except OSError as error:
        return error.strerror or str(error)


def _reason(error: Exception, timeout: float) -> str:
    """Why the scheduler could not be reached, in a few words."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if isinstance(error, OSError) and "Timed out" in text:
        return f"no Dask scheduler answered within {timeout:g} s"
    return f"what answers there is not a Dask scheduler ({type(error).__name__}: {text})"
