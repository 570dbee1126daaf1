"""The orchestrator: catalog -> localized content -> compliance-cleaned content -> checked ->
HTML -> PDF -> compliance gate and preflight -> written file and manifest.

Reads like the pipeline: each stage is handed the typed result of the one before, and no stage
calls another. Everything up to the HTML runs in this process (cheap, and it is where
every problem can still be named by file and field); PDFs are rendered by warm worker processes.
One failing document never stops the others; each PDF and the manifest are written atomically.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import itertools
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote

import click

from generator.cache import BuildCache, FileHashes, Memo
from generator.catalog import LoadedCatalog, LoadedProduct, load_catalog
from generator.catalog.layouts import PROFILES, PrintProfile, ResolvedLayout, template_finding
from generator.compliance.cleaning import (
    check_printed,
    check_unprinted,
    clean_document,
    document_gate,
)
from generator.compliance.engine import checker
from generator.content.localize import Section, localize, support_url
from generator.files import move_aside, remove_leftovers, write_atomically
from generator.findings import (
    CatalogError,
    Finding,
    InsertgenError,
    Severity,
    has_errors,
    has_warnings,
)
from generator.i18n.status import translation_status
from generator.i18n.translations import Text
from generator.incremental import document_key, front_keys, load, remember, stored_result
from generator.manifest import DocumentRecord, ManifestWriter, previous_entries
from generator.paths import BUILTIN_LAYOUTS, DATA
from generator.press.preflight import expectations
from generator.render.artwork import ArtworkSettings, library
from generator.render.fit import fit_findings
from generator.render.glyphs import check_glyphs
from generator.render.html import build_context, environment, render_css, render_html
from generator.render.pdf import Renderer, RenderJob, RenderResult
from generator.render.resources import OutputIntent, output_intent
from generator.worker import Job, Rendered, render_document


@dataclasses.dataclass
class BuildOptions:
    """What ``insertgen build`` was asked to do."""

    catalog: Path
    out: Path
    products: tuple[str, ...] = ()
    locales: tuple[str, ...] = ()
    #: Worker processes; ``None`` means one per core.
    jobs: int | None = None
    strict: bool = False
    quiet: bool = False
    #: Render every document, even those the cache says are unchanged.
    force: bool = False
    #: Who renders: ``local`` (worker processes on this machine) or ``dask`` (the workers of
    #: the Dask scheduler at ``scheduler``, see :mod:`generator.cluster`).
    executor: str = "local"
    #: The Dask scheduler's address (``tcp://HOST:8786``), with ``executor="dask"``.
    scheduler: str | None = None


@dataclasses.dataclass
class BuildResult:
    documents: list[DocumentRecord]
    #: Findings that belong to no single document (catalog, fallbacks of skipped products).
    findings: list[Finding]
    exit_code: int
    #: Paths of the documents rendered by this build (ok or failed).
    rendered: set[str] = dataclasses.field(default_factory=set)
    #: Paths of the documents whose file of an earlier build was kept: their inputs are
    #: unchanged (see :func:`document_key`).
    reused: set[str] = dataclasses.field(default_factory=set)


@dataclasses.dataclass
class Planned:
    """One document to produce: a product, a layout, its locales and where it goes."""

    loaded: LoadedProduct
    document: str
    layout: ResolvedLayout
    locales: list[str]
    marketplace: str
    profile: PrintProfile
    path: str
    findings: list[Finding] = dataclasses.field(default_factory=list)
    #: Every printed text by ``(locale, field)``, for the fit check to name its place.
    texts: dict[tuple[str, str], Text] = dataclasses.field(default_factory=dict)


def run_build(options: BuildOptions) -> BuildResult:
    """Build the documents ``options`` asks for into ``options.out``. A Dask scheduler is
    reached first, so an unreachable one stops the build before anything is written."""
    with _executor(options) as executor:
        return _build(options, executor)


def _build(options: BuildOptions, executor) -> BuildResult:
    started = time.monotonic()
    memo = Memo(options.out, enabled=not options.force)
    catalog, files = load(options.catalog, options.out, memo)
    front_key = front_keys(catalog, files, options.out)
    catalog_findings = list(catalog.findings)
    report = _Reporter(0, options.quiet)
    for finding in catalog_findings:  # first, so a --product left out says why
        report.finding(finding)
    plans = plan(catalog, options)
    by_path = {p.path: p for p in plans}
    # Manifest order is plan order, whatever order the documents finish in.
    records: dict[str, DocumentRecord | None] = dict.fromkeys(p.path for p in plans)
    #: Documents done without rendering (failed a check, or unchanged): ``(record, the
    #: stored render result or None)``, finished by this thread as results come in.
    settled: list[tuple[DocumentRecord, RenderResult | None]] = []
    keys: dict[str, str] = {}
    rendered: set[str] = set()
    reused: set[str] = set()
    out = options.out
    problems: list[str] = []
    try:
        remove_leftovers(out)  # temporary files of a build that was killed
        writer = ManifestWriter(out, _quarantine(out, previous_entries(out), catalog, report))
        cache = BuildCache(out, enabled=not options.force)
    except OSError as error:
        raise InsertgenError(f"cannot prepare the output folder {out}: "
                             f"{error.strerror or error}") from None
    hashes = FileHashes()

    def finished(record: DocumentRecord, write: bool = True) -> None:
        if record.status == "failed" and record.path not in reused:
            _move_stale(out, record)
        _keep_failed(out, record)
        report.done(record)
        try:
            writer.update(record, write=write)
        except OSError as error:
            if not problems:
                problems.append(f"cannot write the manifest {writer.path}: "
                                f"{error.strerror or error}")

    def settle() -> None:
        while settled:
            record, stored = settled.pop(0)
            if stored is not None:
                planned = by_path[record.path]
                complete(record, stored, fit_findings(planned.texts, stored,
                                                      planned.loaded.product.sku, planned.path),
                         planned.marketplace)
            # An unchanged document's entry says what the manifest on disk already says.
            finished(record, write=stored is None)

    def jobs():
        """Documents are prepared while the workers render the ones before them; those
        whose key matches the cache are not rendered again."""
        for planned in plans:
            # The inputs of its HTML unchanged: the HTML, findings and texts of last time.
            front = front_key(planned)
            kept = memo.get("prepared", planned.path, front)
            if kept is not None:
                job, planned.findings, planned.texts = kept
            else:
                job = prepare(catalog, planned, out)
                memo.put("prepared", planned.path, front, (job, planned.findings, planned.texts))
            record = planned_record(planned)
            records[planned.path] = record
            if job is None:
                settled.append((record, None))
                continue
            key = keys[planned.path] = document_key(job, planned, hashes)
            entry = cache.lookup(planned.path, key)
            if entry is not None:
                reused.add(planned.path)
                settled.append((record, stored_result(planned.path, entry)))
            else:
                yield job

    report.start(len(plans))
    pending = jobs()
    first = next(pending, None)  # nothing to render: no rule packs, no artwork, no workers
    if first is not None:
        # The workers fork with the rule packs of every planned locale already compiled, and
        # the catalog's pictures already converted to the output intent's CMYK.
        for locale in sorted({locale for p in plans for locale in p.locales}):
            checker(locale)
        converted = _convert_artwork(catalog, plans)
        if converted and not options.quiet:
            count, seconds = converted
            report.note(f"artwork: {count} picture{'s' * (count != 1)} converted to the "
                        f"output intent's CMYK in {seconds:.2f} s")
        for result in render_all(itertools.chain([first], pending), options.jobs,
                                 len(plans) - len(reused), executor):
            settle()
            record, planned = records[result.key], by_path[result.key]
            complete(record, result, fit_findings(planned.texts, result,
                                                  planned.loaded.product.sku, planned.path),
                     planned.marketplace)
            rendered.add(record.path)
            finished(record)
            remember(cache, out, record, keys[record.path], result)
    settle()
    report.close()
    documents = list(records.values())
    for save in (writer.write, cache.save):
        try:
            save()
        except OSError as error:
            if not problems:
                problems.append(f"cannot write {getattr(save.__self__, 'path', out)}: "
                                f"{error.strerror or error}")
    code = exit_code(documents, catalog_findings, options.strict)
    report.summary(documents, catalog_findings, options.out, time.monotonic() - started,
                   len(reused))
    if code == 1 and options.strict and not any(d.status == "failed" for d in documents):
        click.echo("exit 1: --strict fails on warnings (run without -q to see them)"
                   if options.quiet else "exit 1: --strict fails on warnings", err=True)
    if problems:
        raise InsertgenError(problems[0])
    return BuildResult(documents, catalog_findings, code, rendered, reused)


@dataclasses.dataclass
class CheckResult:
    """What ``insertgen check`` found: every finding of the catalog and of each document."""

    findings: list[Finding]
    documents: int
    exit_code: int
    #: Translation status without the fit (``insertgen i18n status`` lays the cards out).
    translations: dict | None = None


def run_check(options: BuildOptions) -> CheckResult:
    """The build's run up to the HTML, without rendering or writing anything: validation,
    localized content, compliance cleaning, the glyph check and the templates."""
    try:
        catalog = load_catalog(options.catalog, partial=True)
    except CatalogError as error:
        return CheckResult(error.findings or [Finding(code="catalog.missing", message=str(error),
                                                      category="validation")], 0, 2)
    plans = plan(catalog, options)
    findings = list(catalog.findings)
    # A source text shared by several documents is reported once, naming them all.
    places: dict[str, list[tuple[str, str | None]]] = {}
    first: dict[str, Finding] = {}
    for finding in findings:
        first.setdefault(finding.format(), finding)
    for planned in plans:
        prepare(catalog, planned, options.out)
        for finding in planned.findings:
            line = dataclasses.replace(finding, document=None, marketplace=None).format()
            first.setdefault(line, finding)
            if finding.document and (finding.document, finding.marketplace) not in places.get(line, []):
                places.setdefault(line, []).append((finding.document, finding.marketplace))
    findings = []
    for line, finding in first.items():
        where = places.get(line)
        if len(where or ()) == 1:
            finding = dataclasses.replace(finding, document=where[0][0], marketplace=where[0][1])
        elif where:
            finding = dataclasses.replace(finding, marketplace=None, document=", ".join(
                f"{d} for {m}" if m else d for d, m in where))
        findings.append(finding)
    for loaded in catalog.products:
        if not options.products or loaded.product.sku in options.products:
            findings += check_unprinted(catalog, loaded)
    code = 2 if has_errors(catalog.findings) else 1 if has_errors(findings) else 0
    if code == 0 and options.strict and has_warnings(findings):
        code = 1
    status = translation_status(catalog).to_dict()
    return CheckResult(findings, len(plans), code, status)


def exit_code(documents: list[DocumentRecord], catalog_findings: list[Finding], strict: bool) -> int:
    if has_errors(catalog_findings):
        return 2
    if any(d.status == "failed" for d in documents):
        return 1
    if strict and (has_warnings(catalog_findings) or any(has_warnings(d.findings) for d in documents)):
        return 1
    return 0


#: Documents one build may plan: beyond it a catalog is built in parts (``--product``).
MAX_DOCUMENTS = 100_000


def _choices(names: list[str], given: str, listed: int = 12) -> str:
    """``one of A, B, C`` for a short list; for a long one, the closest names and a count
    (a catalog of 400 SKUs is no error message)."""
    if len(names) <= listed:
        return f"one of {', '.join(names)}"

    def distance(name: str) -> int:  # edits from ``given`` to ``name`` (Levenshtein)
        row = list(range(len(name) + 1))
        for i, a in enumerate(given.upper(), 1):
            previous, row[0] = row[0], i
            for j, b in enumerate(name.upper(), 1):
                previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (a != b))
        return row[-1]

    ranked = sorted((distance(name), name) for name in names)[:5]
    close = [name for edits, name in ranked if edits <= max(2, len(given) // 3)]
    like = f" (closest: {', '.join(close)})" if close else ""
    return f"one of the catalog's {len(names)} SKUs{like}"


def plan(catalog: LoadedCatalog, options: BuildOptions) -> list[Planned]:
    """Every product x document x locale that passes the filters."""
    skus = [p.product.sku for p in catalog.products]
    unknown = [s for s in options.products if s not in skus]
    if unknown:
        raise InsertgenError(f"--product {unknown[0]}: expected {_choices(skus, unknown[0])}, "
                             f"got \"{unknown[0]}\"")
    bad_locales = [loc for loc in options.locales if loc not in catalog.brand.locales]
    if bad_locales:
        raise InsertgenError(f"--locale {bad_locales[0]}: expected one of "
                             f"{', '.join(catalog.brand.locales)}, got \"{bad_locales[0]}\"")
    out: list[Planned] = []
    for loaded in catalog.products:
        product = loaded.product
        if options.products and product.sku not in options.products:
            continue
        for doc in product.documents:
            layout = catalog.layouts[doc.layout]
            profile = PROFILES[doc.profile or catalog.brand.profile]
            doc_id = doc.id or doc.layout
            wanted = [loc for loc in doc.locales if not options.locales or loc in options.locales]
            if not wanted:
                continue
            # A multi-language document is built whole when any of its locales is asked for.
            whole = layout.spec.multi_language or doc.edition == "combined"
            groups = [doc.locales] if whole else [[loc] for loc in wanted]
            for group in groups:
                name = f"{product.sku}_{doc_id}_{'-'.join(group)}.pdf"
                out.append(Planned(loaded, doc_id, layout, group, doc.marketplace, profile,
                                   f"{product.sku}/{name}"))
                if len(out) > MAX_DOCUMENTS:
                    raise InsertgenError(
                        f"expected at most {MAX_DOCUMENTS:,} documents in one build, got more "
                        "(build part of the catalog with --product or --locale)")
    return out


def prepare(catalog: LoadedCatalog, planned: Planned, out: Path) -> Job | None:
    """Content, cleaning, checks and HTML for one document; ``None`` when a check failed it."""
    root = catalog.root.resolve()
    marketplace = catalog.brand.marketplaces[planned.marketplace]
    # Localized content.
    sections: list[Section] = []
    for locale in planned.locales:
        section, findings = localize(catalog, planned.loaded, locale, marketplace,
                                     planned.layout.spec.kind)
        sections.append(section)
        planned.findings += findings
    url = support_url(planned.marketplace, marketplace, planned.loaded.product.sku, planned.locales[0])
    # Compliance-cleaned content (the sections are cleaned in place).
    env = _environment(catalog)
    planned.findings += _for_planned(planned, clean_document(
        catalog, planned.loaded, planned.marketplace, sections, url))
    # Checked: every character has a glyph.
    planned.findings += check_glyphs(catalog, planned.loaded, sections)
    planned.texts = {(t.locale, t.field): t for section in sections for t in section.texts()}
    # HTML (written for a document that failed a check too: what its layout prints is checked
    # from it, so every problem is reported at once).
    failed = has_errors(planned.findings)
    try:
        context = build_context(catalog, planned.loaded, planned.layout, planned.profile,
                                planned.marketplace, sections)
    except Exception:
        if failed:  # a document whose texts failed may not make a context: nothing to check
            return None
        raise
    try:
        html = render_html(env, planned.layout, context)
        css = render_css(env, planned.layout, context)
        spec = planned.layout.spec
        notes = (env.get_template(f"{planned.layout.name}/{spec.notes_template}").render(context)
                 if spec.notes_template and spec.page_multiple > 1 else None)
    except Exception as error:  # noqa: BLE001 - a template error fails this document only
        if not failed:
            planned.findings.append(template_finding(planned.layout, error, root,
                                                     sku=planned.loaded.product.sku))
        return None
    # Compliance of what the layout printed: its literal text and translated strings.
    planned.findings += _for_planned(planned, check_printed(
        catalog, planned.loaded, planned.marketplace, sections, planned.layout, env,
        html + (notes or "")))
    if failed or has_errors(planned.findings):
        return None
    intent = output_intent(catalog, planned.profile, planned.marketplace)
    intent_css, intent_file = ((_intent_css(intent, planned.layout.folder.resolve(), root),
                                intent.icc) if intent else ("", None))
    artwork = ArtworkSettings(str(root), intent_file, catalog.brand.colour_conversion)
    allowed = [str(root), str(BUILTIN_LAYOUTS)]
    if intent_file:
        allowed.append(intent_file)
    render = RenderJob(
        key=planned.path,
        html=html,
        css=intent_css + css,
        base_dir=str(root),
        css_dir=str(planned.layout.folder.resolve()),
        allowed=tuple(allowed),
        expected_pages=planned.layout.spec.pages,
        pdf_variant=planned.profile.pdf_variant,
        marks=planned.profile.marks,
        bleed_mm=planned.layout.spec.bleed_mm if planned.profile.bleed else 0.0,
        max_lines=tuple(planned.layout.spec.max_lines.items()),
        page_multiple=planned.layout.spec.page_multiple,
        notes_html=notes,
        artwork=artwork,
        intent=intent,
    )
    gate = document_gate(catalog, planned.loaded, planned.marketplace, sections, url)
    return Job(render, out_path=str((out / planned.path).resolve()), gate=gate,
               preflight=expectations(planned.layout, planned.profile, check_syntax=False),
               failed_path=str((out / failed_copy_path(planned.path)).resolve()))


def _for_planned(planned: Planned, findings: list[Finding]) -> list[Finding]:
    return [dataclasses.replace(f, document=planned.path, marketplace=planned.marketplace)
            for f in findings]


#: Where insertgen's own layouts and data are installed.
_INSTALL = Path(os.path.commonpath([BUILTIN_LAYOUTS.resolve(), DATA.resolve()]))


def _intent_css(intent: OutputIntent, css_dir: Path, root: Path) -> str:
    """The output intent's ``@color-profile`` rule, naming the profile relative to the
    stylesheet's folder when both are in one tree (the catalog, or insertgen's installed
    files): the CSS, and so the document ID each PDF draws from it, is then the same wherever
    that tree is kept, by a copied catalog or a Dask worker (:mod:`generator.cluster`). A
    catalog's own layout with a shipped profile names it by its absolute path."""
    home = root if css_dir.is_relative_to(root) else _INSTALL
    if not Path(intent.icc).is_relative_to(home):
        return intent.css
    relative = Path(os.path.relpath(intent.icc, css_dir)).as_posix()
    return intent.css.replace(Path(intent.icc).as_uri(), quote(relative))


_ENVIRONMENT: tuple[LoadedCatalog, object] | None = None


def _environment(catalog: LoadedCatalog):
    """One Jinja environment per loaded catalog: its compiled templates are reused by every
    document (compiling them per document cost more than the rest of preparing one)."""
    global _ENVIRONMENT
    if _ENVIRONMENT is None or _ENVIRONMENT[0] is not catalog:
        _ENVIRONMENT = (catalog, environment(catalog.root.resolve()))
    return _ENVIRONMENT[1]


# --- executors ---------------------------------------------------------------------------
# Workers render and check (:mod:`generator.worker`); this process writes what they send back,
# so a local build and a build on Dask workers write the same files the same way.

_RENDERER: Renderer | None = None


def _init_worker() -> None:
    global _RENDERER
    _RENDERER = Renderer()


def _render_in_worker(job: Job) -> Rendered:
    return render_document(_RENDERER, job)


def _render(job: Job) -> RenderResult:
    """Render ``job`` in this process and write its file (a warm worker, see ``_init_worker``)."""
    return _store(job, _render_in_worker(job))


#: Documents a worker process renders before a fresh one takes its place. Its private memory
#: grows with the documents it renders (10,000 A6 cards, 2 workers: 71 MB after 500, 83-91 MB
#: after 4,500-5,000), and not in Python's objects (89 kB more over 700 cards, tracemalloc):
#: in the native libraries' caches and the allocator's fragmentation, which only a new
#: process gives back. A new worker is forked from the warm build process; replaced after
#: 1,000, each worker stayed within +1.8-4.2 % of its warm figure (71-79 MB) over 4,000 cards,
#: at 74.7 ms a card (84.4 ms over the 10,000 without, on a busier machine).
RECYCLE_AFTER = 1000


class LocalPool:
    """Worker processes on this machine, forked once this process is warm (rule packs
    compiled, artwork converted), one per core unless told otherwise, each replaced after
    :data:`RECYCLE_AFTER` documents."""

    def __init__(self, workers: int | None = None):
        self.workers = workers

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def render(self, jobs: Iterable[Job], count: int) -> Iterator[Rendered]:
        """Render ``jobs`` (``count`` of them at most), yielding each as it finishes."""
        workers = min(self.workers or os.cpu_count() or 1, count)
        if workers == 1:
            _init_worker()
            for job in jobs:
                yield _render_in_worker(job)
            return
        context = multiprocessing.get_context("fork")
        # The parent's objects (rule packs, catalog, fonts) out of the collector's reach: a
        # collection in a worker would touch them and copy their pages into its private
        # memory (600 A6 cards, 2 workers: peak private 145 -> 115 MB per worker).
        gc.collect()
        gc.freeze()
        try:
            with context.Pool(workers, initializer=_init_worker,
                              maxtasksperchild=RECYCLE_AFTER) as pool:
                yield from pool.imap_unordered(_render_in_worker, jobs, chunksize=1)
        finally:
            gc.unfreeze()


def _executor(options: BuildOptions):
    """The executor ``options`` names: the local pool, or a Dask scheduler's workers."""
    if options.executor == "dask":
        from generator.cluster import DaskExecutor

        if not options.scheduler:
            raise InsertgenError("--executor dask: expected --scheduler tcp://HOST:PORT, got none")
        return DaskExecutor(options.scheduler)
    if options.executor != "local":
        raise InsertgenError(f"--executor: expected local or dask, got \"{options.executor}\"")
    return LocalPool(options.jobs)


def render_all(jobs: Iterable[Job], workers: int | None, count: int,
               executor=None) -> Iterator[RenderResult]:
    """Render every job (at most ``count``) with ``executor`` (by default a local pool of
    ``workers`` processes) and write what comes back, yielding results as they finish."""
    if not count:
        return
    sent: dict[str, Job] = {}

    def sending():
        for job in jobs:
            sent[job.key] = job
            yield job

    for rendered in (executor or LocalPool(workers)).render(sending(), count):
        yield _store(sent.pop(rendered.result.key), rendered)


def _store(job: Job, rendered: Rendered) -> RenderResult:
    """Write what a worker rendered: the file of a document that passed every check (it is
    ok once written), or the marked copy of a failed one."""
    result = rendered.result
    if rendered.failed_pdf is not None:
        _write_failed_copy(job, result, rendered.failed_pdf)
    if rendered.pdf is None:
        return result
    try:
        write_atomically(Path(job.out_path), rendered.pdf)
    except OSError as error:  # a full or read-only disk: this document fails, with its path
        result.problems.append(("build.write", "error", f"cannot write {job.out_path}: "
                                f"{error.strerror or error}"))
        return result
    result.ok = True
    result.sha256 = hashlib.sha256(rendered.pdf).hexdigest()
    result.size = len(rendered.pdf)
    return result


FAILED = "_failed"


def failed_copy_path(path: str) -> str:
    """Where the marked copy of the failed document ``path`` goes, relative to the output."""
    return f"{FAILED}/{path}"


def _write_failed_copy(job: Job, result: RenderResult, marked: bytes) -> None:
    """Keep the failed PDF, marked on every page by the worker, under ``OUT/_failed/``."""
    if job.failed_path is None:
        return
    target = Path(job.failed_path)
    try:
        write_atomically(target, marked)
    except OSError as error:  # the copy is a courtesy; the document failed anyway
        result.problems.append(("build.failed-copy", "warning",
                                f"cannot keep a copy of the failed document in {target}: "
                                f"{error.strerror or error}"))
        return
    result.failed_copy = failed_copy_path(job.key)


def _keep_failed(out: Path, record: DocumentRecord) -> None:
    """The findings of a failed document beside its marked copy (``OUT/_failed/….json``); a
    document built ok, or failed before it was rendered, leaves no copy from an earlier build."""
    copy = out / failed_copy_path(record.path)
    sidecar = copy.with_suffix(".json")
    if record.status == "failed" and record.failed_copy:
        try:
            text = json.dumps(record.to_dict(), indent=2, ensure_ascii=False) + "\n"
            write_atomically(sidecar, text.encode("utf-8"))
        except OSError:
            pass  # the manifest lists the same findings
        return
    for stale in (copy, sidecar):
        try:
            stale.unlink(missing_ok=True)
        except OSError:
            pass


STALE = "_stale"


def _move_stale(out: Path, record: DocumentRecord) -> None:
    """A failed document's file from an earlier build goes to ``OUT/_stale/`` (it no longer
    matches the catalog and must not look current)."""
    try:
        moved = move_aside(out, record.path, STALE)
    except OSError:
        moved = None
    if moved:
        record.findings.append(Finding(
            code="build.stale", severity=Severity.WARNING, category="render", source=record.path,
            sku=record.sku, message=f"the file of an earlier build was moved to {moved}: it no "
                                    "longer matches the catalog"))


def _quarantine(out: Path, previous: dict[str, dict], catalog: LoadedCatalog,
                report) -> dict[str, dict]:
    """Entries of products that no longer validate (or are gone) lose their files to
    ``OUT/_stale/`` and are listed as failed, never as ok."""
    valid = {p.product.sku for p in catalog.products}
    for path, entry in previous.items():
        if entry.get("sku") in valid:
            continue
        moved = move_aside(out, path, STALE)
        if moved is None:
            continue
        finding = Finding(code="build.stale", source=path, sku=entry.get("sku"),
                          category="validation",
                          message=f"expected product {entry.get('sku')} to validate, got errors "
                                  f"(or no such product): its file was moved to {moved}")
        report.finding(finding)
        entry.update(status="failed", sha256=None, bytes=0,
                     findings=[*entry.get("findings", []), finding.to_dict()])
    return previous


def _convert_artwork(catalog: LoadedCatalog, plans: list[Planned]) -> tuple[int, float] | None:
    """Convert the pictures the catalog names (logo, product and manual pictures) once, in
    this process, before the workers fork: ``(pictures converted, seconds)``, or ``None`` when
    none was."""
    try:
        intents = {output_intent(catalog, p.profile, p.marketplace).icc
                   for p in plans if p.profile.cmyk}
    except InsertgenError:
        return None  # preparing the documents reports it
    if not intents:
        return None
    root = catalog.root.resolve()
    names = [catalog.brand.logo] if catalog.brand.logo else []
    for loaded in {id(p.loaded): p.loaded for p in plans}.values():
        names += _picture_names(loaded.product.model_dump())
    paths = []
    for name in dict.fromkeys(str(n) for n in names):
        path = (root / name).resolve()
        if path.is_relative_to(root):  # a path leading out is refused when rendering
            paths.append(path)
    count, seconds = 0, 0.0
    for icc in sorted(intents):  # each market's intent separates the pictures its own way
        artwork = library(ArtworkSettings(str(root), icc, catalog.brand.colour_conversion))
        count += sum(art.data is not None for art in artwork.warm(paths))
        seconds += artwork.seconds
    return (count, seconds) if count else None


def _picture_names(value) -> list[str]:
    """Every string in a product's data that names a picture file."""
    if isinstance(value, dict):
        return [n for v in value.values() for n in _picture_names(v)]
    if isinstance(value, list | tuple):
        return [n for v in value for n in _picture_names(v)]
    if isinstance(value, str | Path) and str(value).lower().endswith(
            (".svg", ".png", ".jpg", ".jpeg")):
        return [str(value)]
    return []


def planned_record(planned: Planned) -> DocumentRecord:
    """The manifest entry of a planned document (failed already when a check failed it)."""
    spec, profile = planned.layout.spec, planned.profile
    record = DocumentRecord(planned.loaded.product.sku, planned.document, planned.layout.name,
                            list(planned.locales), planned.path, list(spec.trim_mm),
                            spec.bleed_mm if profile.bleed else 0.0, profile.pdf_variant,
                            profile.name, planned.findings)
    if has_errors(planned.findings):
        record.status = "failed"
    return record


def complete(record: DocumentRecord, result: RenderResult, fit: list[Finding] = (),
             marketplace: str | None = None) -> None:
    """Record a render in the document's manifest entry: its problems, the fit and preflight
    findings, pages, hash and size."""
    locale = record.locales[0] if len(record.locales) == 1 else None
    record.findings += fit
    for code, severity, message in result.problems:
        # ``compliance.pdf.<category>`` from the PDF gate, ``render.*`` otherwise.
        category = code.rsplit(".", 1)[-1] if code.startswith("compliance.") else "render"
        gate = code.startswith("compliance.")
        record.findings.append(Finding(code=code, severity=Severity(severity), message=message,
                                       source=record.path, sku=record.sku, category=category,
                                       locale=locale, document=record.path if gate else None,
                                       marketplace=marketplace if gate else None))
    record.findings += [dataclasses.replace(f, sku=record.sku, locale=locale) for f in result.findings]
    record.findings += [dataclasses.replace(f, sku=record.sku, locale=locale) for f in result.artwork]
    record.pages = result.pages
    record.status = "ok" if result.ok else "failed"
    record.sha256 = result.sha256
    record.bytes = result.size
    record.failed_copy = result.failed_copy


def measure_overflow(catalog: LoadedCatalog, jobs: int | None) -> dict[tuple[str, str], int]:
    """``(sku, locale) -> texts that do not fit``, from laying out every document without
    writing it (``insertgen i18n status``)."""
    counts: dict[tuple[str, str], set] = {}
    with tempfile.TemporaryDirectory() as scratch:
        plans = plan(catalog, BuildOptions(catalog=catalog.root, out=Path(scratch)))
        by_path = {p.path: p for p in plans}
        prepared = []
        for planned in plans:
            job = prepare(catalog, planned, Path(scratch))
            if job is not None:
                prepared.append(Job(dataclasses.replace(job.render, write=False), job.out_path))
        for result in render_all(prepared, jobs, len(prepared)):
            planned = by_path[result.key]
            for finding in fit_findings(planned.texts, result, planned.loaded.product.sku,
                                        planned.path):
                for locale in planned.locales:
                    if finding.locale in (locale, None) or len(planned.locales) == 1:
                        key = (planned.loaded.product.sku, locale)
                        counts.setdefault(key, set()).add(finding.field)
    return {key: len(fields) for key, fields in counts.items()}


# --- reporting --------------------------------------------------------------------------


class _Reporter:
    """A progress bar on a terminal, plain lines otherwise; findings as they come."""

    def __init__(self, total: int, quiet: bool):
        self.quiet = quiet
        self.count = 0
        self.total = total
        self.bar = None
        self.seen: set[str] = set()

    def start(self, total: int) -> None:
        """The progress bar (on a terminal) for ``total`` documents."""
        self.total = total
        if not self.quiet and sys.stderr.isatty() and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="doc", file=sys.stderr, leave=False)

    def _echo(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        else:
            click.echo(text, err=True)

    def finding(self, finding: Finding) -> None:
        line = finding.format()
        if line in self.seen:  # the same fallback shows up in several documents
            return
        self.seen.add(line)
        if finding.severity is Severity.ERROR or not self.quiet:
            self._echo(line)

    def done(self, record: DocumentRecord) -> None:
        self.count += 1
        for finding in record.findings:
            self.finding(finding)
        if self.bar is not None:
            self.bar.update(1)
        elif not self.quiet or record.status == "failed":
            extra = f" ({record.pages} pages)" if record.status == "ok" else \
                f" (marked copy: {record.failed_copy})" if record.failed_copy else ""
            self._echo(f"[{self.count}/{self.total}] {record.status:6} {record.path}{extra}")

    def note(self, text: str) -> None:
        if not self.quiet:
            self._echo(text)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def summary(self, documents, catalog_findings, out: Path, seconds: float,
                reused: int = 0) -> None:
        ok = sum(d.status == "ok" for d in documents)
        failed = len(documents) - ok
        warnings = sum(f.severity is Severity.WARNING for d in documents for f in d.findings)
        warnings += sum(f.severity is Severity.WARNING for f in catalog_findings)
        catalog_errors = sum(f.severity is Severity.ERROR for f in catalog_findings)
        parts = [f"built {ok} of {len(documents)} documents"]
        if failed:
            parts.append(f"{failed} failed")
        if reused:
            parts.append(f"{reused} unchanged (not rendered again)")
        if catalog_errors:
            parts.append(f"{catalog_errors} catalog error{'s' * (catalog_errors != 1)} "
                         "(products left out)")
        parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
        click.echo(f"{', '.join(parts)} in {seconds:.1f} s; manifest: {out / 'manifest.json'}",
                   err=True)

