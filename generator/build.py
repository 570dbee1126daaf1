"""The orchestrator: catalog -> localized content -> compliance-cleaned content -> checked ->
HTML -> PDF -> compliance gate and preflight -> written file and manifest.

Reads like the pipeline: each stage is handed the typed result of the one before, and no stage
calls another. Everything up to the HTML runs in this process (cheap, and it is where
every problem can still be named by file and field); PDFs are rendered by warm worker processes.
One failing document never stops the others; each PDF and the manifest are written atomically.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html as html_text
import itertools
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import click

from generator import __version__
from generator.cache import FORMAT as CACHE_FORMAT
from generator.cache import BuildCache, FileHashes, Memo, digest, file_sha256, tree_digests
from generator.catalog import LoadedCatalog, LoadedProduct, load_catalog
from generator.catalog.layouts import PROFILES, PrintProfile, ResolvedLayout, template_finding
from generator.compliance.cleaning import check_unprinted, clean_document, document_gate
from generator.compliance.engine import checker
from generator.compliance.gate import Gate, gate_problems
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
from generator.manifest import DocumentRecord, ManifestWriter, previous_entries
from generator.paths import BUILTIN_LAYOUTS, BUILTIN_LOCALES
from generator.press.failed import mark_failed
from generator.press.preflight import Expectations, expectations, preflight
from generator.press.readback import ReadBack, pdf_text
from generator.render.artwork import ArtworkSettings, library
from generator.render.fit import fit_findings
from generator.render.fonts import font_stack
from generator.render.glyphs import check_glyphs
from generator.render.html import build_context, environment, render_css, render_html
from generator.render.pdf import FieldFit, Renderer, RenderJob, RenderResult
from generator.render.resources import output_intent


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
    started = time.monotonic()
    memo = Memo(options.out, enabled=not options.force)
    catalog, files = _load(options, memo)
    front_key = _front_keys(catalog, files, options.out)
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
                                 len(plans) - len(reused)):
            settle()
            record, planned = records[result.key], by_path[result.key]
            complete(record, result, fit_findings(planned.texts, result,
                                                  planned.loaded.product.sku, planned.path),
                     planned.marketplace)
            rendered.add(record.path)
            finished(record)
            _remember(cache, out, record, keys[record.path], result)
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


def plan(catalog: LoadedCatalog, options: BuildOptions) -> list[Planned]:
    """Every product x document x locale that passes the filters."""
    skus = [p.product.sku for p in catalog.products]
    unknown = [s for s in options.products if s not in skus]
    if unknown:
        raise InsertgenError(f"--product {unknown[0]}: expected one of {', '.join(skus)}, "
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
    planned.findings += [
        dataclasses.replace(f, document=planned.path, marketplace=planned.marketplace)
        for f in clean_document(catalog, planned.loaded, planned.marketplace, sections, url,
                                planned.layout, env)]
    # Checked: every character has a glyph.
    planned.findings += check_glyphs(catalog, planned.loaded, sections)
    planned.texts = {(t.locale, t.field): t for section in sections for t in section.texts()}
    if has_errors(planned.findings):
        return None
    # HTML.
    context = build_context(catalog, planned.loaded, planned.layout, planned.profile,
                            planned.marketplace, sections)
    try:
        html = render_html(env, planned.layout, context)
        css = render_css(env, planned.layout, context)
        spec = planned.layout.spec
        notes = (env.get_template(f"{planned.layout.name}/{spec.notes_template}").render(context)
                 if spec.notes_template and spec.page_multiple > 1 else None)
    except Exception as error:  # noqa: BLE001 - a template error fails this document only
        planned.findings.append(template_finding(planned.layout, error, root,
                                                 sku=planned.loaded.product.sku))
        return None
    intent = output_intent(catalog, planned.profile, planned.marketplace)
    intent_css, intent_file = (intent.css, intent.icc) if intent else ("", None)
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


_ENVIRONMENT: tuple[LoadedCatalog, object] | None = None


def _environment(catalog: LoadedCatalog):
    """One Jinja environment per loaded catalog: its compiled templates are reused by every
    document (compiling them per document cost more than the rest of preparing one)."""
    global _ENVIRONMENT
    if _ENVIRONMENT is None or _ENVIRONMENT[0] is not catalog:
        _ENVIRONMENT = (catalog, environment(catalog.root.resolve()))
    return _ENVIRONMENT[1]


# --- what is kept between builds ---------------------------------------------------------


def _load(options: BuildOptions, memo: Memo) -> tuple[LoadedCatalog, dict[str, str]]:
    """The loaded catalog, from the memo when no file of the catalog (and nothing of
    insertgen's own) changed since it was kept; and the sha256 of every catalog file."""
    root = Path(options.catalog)
    files = tree_digests(root, skip=(Path(options.out),))
    key = digest({"code": _front_code(), "files": files, "root": str(root),
                  "resolved": str(root.resolve()), "cwd": os.getcwd()})
    catalog = memo.get("catalog", "catalog", key)
    if not isinstance(catalog, LoadedCatalog):
        catalog = load_catalog(root, partial=True)
        memo.put("catalog", "catalog", key, catalog)
    return catalog, files


def _front_keys(catalog: LoadedCatalog, files: dict[str, str], out: Path):
    """A function giving each planned document the key of what its HTML is made from: the
    catalog's shared files (brand, layouts, pictures, wording), its product's own files (its
    YAML and translators' files), the plan and insertgen's own code and data."""
    skus = {loaded.product.sku for loaded in catalog.products}
    product_files = {loaded.src.display: loaded.product.sku for loaded in catalog.products}
    shared: dict[str, str] = {}
    own: dict[str, dict[str, str]] = {}
    for name, sha in files.items():
        parts = name.split("/")
        sku = product_files.get(name)
        if sku is None and len(parts) == 3 and parts[0] == "locales" \
                and Path(parts[2]).suffix in (".po", ".yaml", ".yml") and Path(parts[2]).stem in skus:
            sku = Path(parts[2]).stem
        if sku is None:
            shared[name] = sha
        else:
            own.setdefault(sku, {})[name] = sha
    common = digest({"code": _front_code(), "shared": shared, "out": str(out.resolve()),
                     "root": str(catalog.root.resolve()),
                     "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH")})
    mine = {sku: digest(names) for sku, names in own.items()}

    def key(planned: Planned) -> str:
        return digest([common, mine.get(planned.loaded.product.sku), planned.path,
                       planned.document, planned.layout.name, planned.locales,
                       planned.marketplace, planned.profile.name])
    return key


@functools.cache
def _front_code() -> str:
    """A digest of what of insertgen's own the stages before rendering read: its code and
    data, the built-in layouts and wording, the installed Python packages' versions and the
    installed fonts (the glyph check reads them)."""
    from importlib.metadata import distributions

    package = Path(__file__).resolve().parent
    return digest({
        "insertgen": __version__, "cache": CACHE_FORMAT,
        "generator": tree_digests(package), "layouts": tree_digests(BUILTIN_LAYOUTS),
        "locales": tree_digests(BUILTIN_LOCALES),
        "packages": sorted(f"{d.metadata['Name']}=={d.version}" for d in distributions()),
        "fonts": _font_files(),
    })


# --- the cache key ----------------------------------------------------------------------


def document_key(job: Job, planned: Planned, hashes: FileHashes) -> str:
    """The key of a prepared document: a sha256 of everything that decides its file's bytes
    and its findings. The HTML and CSS (everything from the catalog, the translations, the
    layout templates and the brand is in them), the render, gate and preflight settings (the
    profile, PDF variant, bleed, marks, page counts), the content of every file rendering
    reads (pictures, stylesheets and fonts a layout names, the ICC output intent, the font
    files of the document's font stacks) and the versions of the code that renders and
    checks it."""
    render = dataclasses.asdict(job.render)
    render.pop("key")
    render.pop("write")
    # Fonts by family and content, wherever they are installed.
    fonts = {family: sorted(str(hashes(path)) for path in _font_files().get(family, ()))
             for family in _families(planned.locales, job.render.css)}
    return digest(_relative({
        "tools": _tools(),
        "render": render,
        "gate": _gate(job.gate),
        "preflight": dataclasses.asdict(job.preflight) if job.preflight is not None else None,
        "files": files_read(job.render, hashes),
        "fonts": fonts,
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
    }, job.render.base_dir))


def _relative(value, root: str):
    """``value`` with the catalog folder's path written as ``<catalog>``: a catalog and its
    output folder copied elsewhere (another checkout, a CI runner) keep their keys, since no
    path reaches a PDF's bytes."""
    if isinstance(value, str):
        return value.replace(root, "<catalog>")
    if isinstance(value, dict):
        return {_relative(k, root): _relative(v, root) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_relative(v, root) for v in value]
    return value


def _gate(gate: Gate | None) -> dict | None:
    """The gate's settings in a stable order (its checked texts come from a set: texts of
    one length may be listed in any order)."""
    if gate is None:
        return None
    return dataclasses.asdict(gate) | {"checked": sorted(gate.checked)}


@functools.cache
def _tools() -> dict[str, str]:
    """Versions of insertgen (its release, and a digest of the code and data that render and
    check a document, since a change to them can change a PDF between releases), of the
    cache format and of the libraries that write and read the PDFs."""
    from importlib.metadata import PackageNotFoundError, version

    package = Path(__file__).resolve().parent
    code = hashlib.sha256()
    # What runs after the key is made: anything earlier (catalog, content, templates) only
    # reaches the PDF through the HTML and CSS, which are in the key.
    after = [package / name for name in ("build.py", "cache.py", "findings.py", "files.py")]
    for folder in ("render", "press", "compliance", "data"):
        after += (package / folder).rglob("*")
    for path in sorted(after):
        if path.suffix in (".py", ".yaml", ".txt", ".json", ".icc") and "__pycache__" not in path.parts:
            code.update(path.relative_to(package).as_posix().encode() + b"\0")
            code.update(path.read_bytes() + b"\0")
    tools = {"insertgen": __version__, "code": code.hexdigest(), "cache": str(CACHE_FORMAT)}
    for name in ("weasyprint", "pydyf", "pikepdf", "pypdfium2", "pillow"):
        try:
            tools[name] = version(name)
        except PackageNotFoundError:
            tools[name] = "-"
    try:
        from weasyprint.text.ffi import pango

        tools["pango"] = str(pango.pango_version())
    except Exception:  # noqa: BLE001 - a missing symbol only makes the key coarser
        pass
    return tools


_REFERENCE = re.compile(r"""\b(?:src|href|xlink:href|data|poster)\s*=\s*(["'])(.*?)\1""",
                        re.IGNORECASE | re.DOTALL)
_CSS_URL = re.compile(r"""url\(\s*(["']?)(.*?)\1\s*\)|@import\s+(["'])(.*?)\3""",
                      re.IGNORECASE | re.DOTALL)


def files_read(job: RenderJob, hashes: FileHashes) -> dict[str, str | None]:
    """Every local file the document's HTML, CSS and notes name (``src``, ``href``,
    ``url()``, ``@import``), and the files those SVGs and stylesheets name in turn, with the
    sha256 of their content (``None`` for a file that is not there)."""
    found: dict[str, str | None] = {}
    todo = [(text, Path(job.base_dir)) for text in (job.html, job.notes_html or "")]
    todo.append((job.css, Path(job.css_dir)))
    while todo:
        text, base = todo.pop()
        for path in _references(text, base):
            name = str(path)
            if name in found:
                continue
            found[name] = hashes(path)
            if found[name] is not None and path.suffix.lower() in (".svg", ".css"):
                try:
                    todo.append((path.read_text(encoding="utf-8", errors="replace"), path.parent))
                except OSError:
                    pass
    if job.artwork is not None and job.artwork.icc:
        found[job.artwork.icc] = hashes(job.artwork.icc)
    return found


def _references(text: str, base: Path) -> list[Path]:
    values = [m.group(2) for m in _REFERENCE.finditer(text)]
    values += [m.group(2) if m.group(2) is not None else m.group(4) for m in _CSS_URL.finditer(text)]
    paths = []
    for value in values:
        value = html_text.unescape(value.strip())
        if not value or value.startswith("#"):
            continue
        parts = urlsplit(value)
        if parts.scheme == "file":
            paths.append(Path(unquote(parts.path)))
        elif not parts.scheme and parts.path:
            paths.append((base / unquote(parts.path)).resolve())
    return paths


_FONT_FAMILY = re.compile(r"font-family\s*:\s*([^;}]+)", re.IGNORECASE)


def _families(locales: list[str], css: str) -> list[str]:
    """The font families a document may draw with: its locales' stacks and every family its
    stylesheet names."""
    names = [name for locale in locales for name in font_stack(locale)]
    for match in _FONT_FAMILY.finditer(css):
        names += [n.strip().strip("'\"") for n in match.group(1).split(",")]
    return list(dict.fromkeys(n for n in names if n))


@functools.cache
def _font_files() -> dict[str, tuple[str, ...]]:
    """Installed font files by family name, from fontconfig (``fc-list``) once per build."""
    if shutil.which("fc-list") is None:
        return {}
    listed = subprocess.run(["fc-list", "-f", "%{family}\t%{file}\n"], capture_output=True,
                            text=True, check=False).stdout
    files: dict[str, set[str]] = {}
    for line in listed.splitlines():
        families, _, path = line.partition("\t")
        for family in families.split(","):
            files.setdefault(family.strip(), set()).add(path)
    return {family: tuple(sorted(paths)) for family, paths in files.items()}


def _remember(cache: BuildCache, out: Path, record: DocumentRecord, key: str,
              result: RenderResult) -> None:
    """Record a rendered document in the cache: its file when it was written, its marked
    copy when it failed (the same inputs would fail the same way); nothing when neither is
    on disk."""
    if record.status == "ok" and record.sha256:
        cache.store(record.path, key, record.sha256, stored_data(result))
        return
    cache.forget(record.path)
    if record.failed_copy:
        sha = file_sha256(out / record.failed_copy)
        if sha is not None:
            cache.store(record.path, key, sha, stored_data(result)
                        | {"failed_copy": record.failed_copy})


def stored_data(result: RenderResult) -> dict:
    """What the cache keeps of a rendered document: what the build needs to describe it in
    the manifest again (pages, size, the render's problems, the measured fit and the
    preflight and artwork findings), without its bytes."""
    return {
        "pages": result.pages,
        "bytes": result.size,
        "problems": [list(p) for p in result.problems],
        "overflow": [list(o) for o in result.overflow],
        "fields": [dataclasses.asdict(f) for f in result.fields],
        "too_many_lines": [[dataclasses.asdict(f), limit] for f, limit in result.too_many_lines],
        "findings": [f.to_dict() for f in result.findings],
        "artwork": [f.to_dict() for f in result.artwork],
    }


def stored_result(path: str, entry: dict) -> RenderResult:
    """The render result of an unchanged document, as the cache kept it."""
    failed_copy = entry.get("failed_copy")
    return RenderResult(
        path, ok=failed_copy is None, pages=entry["pages"], failed_copy=failed_copy,
        sha256=None if failed_copy else entry["sha256"], size=entry["bytes"],
        problems=[tuple(p) for p in entry["problems"]],
        overflow=[tuple(o) for o in entry["overflow"]],
        fields=[FieldFit(**f) for f in entry["fields"]],
        too_many_lines=[(FieldFit(**f), limit) for f, limit in entry["too_many_lines"]],
        findings=[_finding(f) for f in entry["findings"]],
        artwork=[_finding(f) for f in entry["artwork"]])


_FINDING_FIELDS = {f.name for f in dataclasses.fields(Finding)} - {"extra"}


def _finding(data: dict) -> Finding:
    """A finding back from its JSON form (keys that are not fields were its ``extra``)."""
    known = {k: v for k, v in data.items() if k in _FINDING_FIELDS}
    known["severity"] = Severity(known.get("severity", "error"))
    return Finding(**known, extra={k: v for k, v in data.items() if k not in _FINDING_FIELDS})


# --- workers ----------------------------------------------------------------------------

_RENDERER: Renderer | None = None


def _init_worker() -> None:
    global _RENDERER
    _RENDERER = Renderer()


def _render(job: Job) -> RenderResult:
    """In a worker: render the PDF, gate and preflight it, and write it when nothing failed."""
    result = _RENDERER.render(dataclasses.replace(job.render, placed=job.preflight is not None))
    pdf, result.pdf = result.pdf, None  # the bytes stay in the worker
    if pdf is None:
        return result
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
        _write_failed_copy(job, result, pdf)
        return result
    try:
        write_atomically(Path(job.out_path), pdf)
    except OSError as error:  # a full or read-only disk: this document fails, with its path
        result.problems.append(("build.write", "error", f"cannot write {job.out_path}: "
                                f"{error.strerror or error}"))
        return result
    result.ok = True
    result.sha256 = hashlib.sha256(pdf).hexdigest()
    result.size = len(pdf)
    return result


FAILED = "_failed"


def failed_copy_path(path: str) -> str:
    """Where the marked copy of the failed document ``path`` goes, relative to the output."""
    return f"{FAILED}/{path}"


def _write_failed_copy(job: Job, result: RenderResult, pdf: bytes) -> None:
    """In a worker: keep the failed PDF under ``OUT/_failed/``, marked on every page."""
    if job.failed_path is None:
        return
    target = Path(job.failed_path)
    try:
        write_atomically(target, mark_failed(
            pdf, f"findings in {target.with_suffix('.json').name}"))
    except Exception as error:  # noqa: BLE001 - the copy is a courtesy; the document failed anyway
        result.problems.append(("build.failed-copy", "warning",
                                f"cannot keep a copy of the failed document in {target}: "
                                f"{getattr(error, 'strerror', None) or error}"))
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


def render_all(jobs: Iterable[Job], workers: int | None, count: int):
    """Render every job (at most ``count``), yielding results as they finish."""
    if not count:
        return
    workers = min(workers or os.cpu_count() or 1, count)
    if workers == 1:
        _init_worker()
        for job in jobs:
            yield _render(job)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_init_worker) as pool:
        yield from pool.imap_unordered(_render, jobs, chunksize=1)


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

