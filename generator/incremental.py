"""Incremental builds: the keys that say whether a document must be prepared or rendered
again, and what the cache keeps of a document so that it need not be.

Two levels, both content hashes (never modification times):

- **Before rendering**: the loaded catalog is kept while no catalog file changed, and each
  document's HTML, findings and texts while its product's own files (YAML, translators'
  files) and the catalog's shared files are unchanged (:func:`load`, :func:`front_keys`).
- **Rendering**: :func:`document_key` hashes everything that decides a document's bytes and
  findings once its HTML is written; the cache (:mod:`generator.cache`) keeps the file when
  the key is the one it was made from.

Called by the orchestrator (:mod:`generator.build`) only; it may read the typed results of
every stage below it, and calls no stage but the catalog loader.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html as html_text
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator import __version__
from generator.cache import FORMAT as CACHE_FORMAT
from generator.cache import BuildCache, FileHashes, Memo, digest, file_sha256, tree_digests
from generator.catalog import LoadedCatalog, load_catalog
from generator.compliance.gate import Gate
from generator.findings import Finding, Severity
from generator.manifest import DocumentRecord
from generator.paths import BUILTIN_LAYOUTS, BUILTIN_LOCALES, PACKAGE
from generator.render.fonts import font_stack
from generator.render.pdf import FieldFit, RenderJob, RenderResult

# --- the stages before rendering -----------------------------------------------------------


def load(root: Path, out: Path, memo: Memo) -> tuple[LoadedCatalog, dict[str, str]]:
    """The loaded catalog, from the memo when no file of the catalog (and nothing of
    insertgen's own) changed since it was kept; and the sha256 of every catalog file."""
    root = Path(root)
    files = tree_digests(root, skip=(Path(out),))
    key = digest({"code": _front_code(), "files": files, "root": str(root),
                  "resolved": str(root.resolve()), "cwd": os.getcwd()})
    catalog = memo.get("catalog", "catalog", key)
    if not isinstance(catalog, LoadedCatalog):
        catalog = load_catalog(root, partial=True)
        memo.put("catalog", "catalog", key, catalog)
    return catalog, files


def front_keys(catalog: LoadedCatalog, files: dict[str, str], out: Path):
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

    def key(planned) -> str:
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

    package = PACKAGE
    return digest({
        "insertgen": __version__, "cache": CACHE_FORMAT,
        "generator": tree_digests(package), "layouts": tree_digests(BUILTIN_LAYOUTS),
        "locales": tree_digests(BUILTIN_LOCALES),
        "packages": sorted(f"{d.metadata['Name']}=={d.version}" for d in distributions()),
        "fonts": _font_files(),
    })


# --- the render key ---------------------------------------------------------------------


def document_key(job, planned, hashes: FileHashes) -> str:
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

    package = PACKAGE
    code = hashlib.sha256()
    # What runs after the key is made: anything earlier (catalog, content, templates) only
    # reaches the PDF through the HTML and CSS, which are in the key.
    after = [package / name for name in ("build.py", "worker.py", "incremental.py", "cache.py",
                                         "findings.py", "files.py")]
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


def remember(cache: BuildCache, out: Path, record: DocumentRecord, key: str,
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
