"""The worker's side of a build: one prepared document turned into checked PDF bytes.

In: a :class:`Job` (the HTML and CSS of one document, what may be read to render it, and what
to check the PDF with). Out: a :class:`Rendered`, the render result and the bytes to write:
the file when every check passed, or a copy marked as failed. Nothing is written here, so a
worker needs no access to the output folder: the orchestrator (:mod:`generator.build`) writes
what comes back, whether the worker is a local process or a Dask worker on another host
(:mod:`generator.cluster`).

Runs render, then the compliance gate and preflight on the bytes; may import those stages
and nothing above them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from generator.compliance.gate import Gate, gate_problems
from generator.press.failed import mark_failed
from generator.press.preflight import Expectations, preflight
from generator.press.readback import ReadBack, pdf_text
from generator.render.fit import render_fitted
from generator.render.pdf import Renderer, RenderJob, RenderResult


@dataclasses.dataclass(frozen=True)
class Job:
    """One document for a worker: what to render, and what to check the PDF with before it
    is written to ``out_path``."""

    render: RenderJob
    out_path: str
    #: ``None`` skips the compliance gate (benchmarks measure its cost that way).
    gate: Gate | None = None
    #: What the print shop expects of the file (``None`` skips preflight).
    preflight: Expectations | None = None
    #: Where a failed document's marked copy goes (``None``: no copy is kept).
    failed_path: str | None = None

    @property
    def key(self) -> str:
        return self.render.key


@dataclasses.dataclass
class Rendered:
    """What a worker hands back for one job."""

    result: RenderResult
    #: The file to write at the job's ``out_path`` (``None``: the document failed, or it was
    #: only laid out and measured).
    pdf: bytes | None = None
    #: The failed document marked on every page, for the job's ``failed_path``.
    failed_pdf: bytes | None = None


def render_document(renderer: Renderer, job: Job) -> Rendered:
    """Render the PDF (with copy-fit), gate and preflight it; the bytes of a document that
    passed, or its marked copy when a check failed it."""
    # Copy-fit: a side that overflows is set smaller, within its layout's copyfit bounds.
    result = render_fitted(renderer, dataclasses.replace(job.render,
                                                         placed=job.preflight is not None))
    pdf, result.pdf = result.pdf, None  # the bytes travel beside the result, not in it
    if pdf is None:
        return Rendered(result)
    with ReadBack(pdf) as read:
        if job.gate is not None and not result.failed:
            result.problems += gate_problems(pdf_text(read), job.gate)
        if job.preflight is not None and not result.failed:
            expect = dataclasses.replace(job.preflight, qr_module_mm=result.qr_module_mm,
                                         image_names=result.images,
                                         artwork_text=result.artwork_text)
            result.findings = preflight(pdf, expect, source=job.key, read=read)
    if result.overflow or result.too_many_lines or result.failed or \
            any(f.severity == "error" for f in result.findings):
        return Rendered(result, failed_pdf=_marked(job, result, pdf))
    return Rendered(result, pdf=pdf)


def _marked(job: Job, result: RenderResult, pdf: bytes) -> bytes | None:
    """The failed PDF marked on every page, naming the file of its findings beside it."""
    if job.failed_path is None:
        return None
    sidecar = Path(job.failed_path).with_suffix(".json").name
    try:
        return mark_failed(pdf, f"findings in {sidecar}")
    except Exception as error:  # noqa: BLE001 - the copy is a courtesy; the document failed anyway
        result.problems.append(("build.failed-copy", "warning",
                                f"cannot keep a copy of the failed document in "
                                f"{job.failed_path}: {error}"))
        return None
