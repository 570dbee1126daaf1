"""The thin command line: parse arguments, call the library, print findings, pick the exit code.

Exit codes: 0 all well; 1 a document failed (or, with ``--strict``, warned) or a check found
errors; 2 usage or catalog errors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from generator import __version__
from generator.findings import Finding, InsertgenError, Severity, format_text, sort_key

#: The print profiles' names (``layouts.PROFILES``, kept here so ``--help`` loads no models).
PROFILE_NAMES = ("print-x1a", "print-x4", "screen")

CATALOG_ARG = click.argument(
    "catalog", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)


def print_findings(findings: list[Finding], *, quiet: bool = False, err: bool = True) -> None:
    """Print findings one per line; ``quiet`` keeps only errors."""
    shown = [f for f in findings if not quiet or f.severity is Severity.ERROR]
    if shown:
        click.echo(format_text(shown), err=err)


def fail(error: InsertgenError) -> None:
    print_findings(error.findings)
    click.echo(f"error: {error}", err=True)
    sys.exit(error.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="insertgen")
def main() -> None:
    """insertgen: print-ready, multilingual after-sales cards from a YAML catalog."""


@main.command()
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
def init(target: Path, force: bool) -> None:
    """Scaffold a catalog project in TARGET."""
    from generator.scaffold import scaffold

    try:
        written = scaffold(target, force=force)
    except InsertgenError as error:
        fail(error)
    for path in written:
        click.echo(f"created {path}")
    click.echo(f"next: insertgen build {target} --out output/")


@main.command()
@CATALOG_ARG
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default="output",
              show_default=True, help="Output folder.")
@click.option("--product", "products", multiple=True, metavar="SKU", help="Only this product (repeatable).")
@click.option("--locale", "locales", multiple=True, metavar="LL", help="Only this locale (repeatable).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: number of cores).")
@click.option("--strict", is_flag=True, help="Treat warnings as failures (exit 1).")
@click.option("--quiet", "-q", is_flag=True, help="Print errors and the summary only.")
def build(catalog: Path, out: Path, products: tuple[str, ...], locales: tuple[str, ...],
          jobs: int | None, strict: bool, quiet: bool) -> None:
    """Build every product x document x locale of CATALOG into PDFs."""
    from generator.build import BuildOptions, run_build

    options = BuildOptions(catalog=catalog, out=out, products=products, locales=locales,
                           jobs=jobs, strict=strict, quiet=quiet)
    try:
        result = run_build(options)
    except InsertgenError as error:
        fail(error)
    sys.exit(result.exit_code)


@main.command()
@CATALOG_ARG
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate(catalog: Path, fmt: str) -> None:
    """Check the catalog files against the schema without rendering."""
    from generator.catalog import load_catalog

    try:
        loaded = load_catalog(catalog)
    except InsertgenError as error:
        if fmt == "json":
            click.echo(json.dumps([f.to_dict() for f in error.findings], indent=2, ensure_ascii=False))
            sys.exit(error.exit_code)
        fail(error)
    if fmt == "json":
        click.echo(json.dumps([f.to_dict() for f in loaded.findings], indent=2, ensure_ascii=False))
    else:
        print_findings(loaded.findings)
        click.echo(f"{catalog}: {len(loaded.products)} product(s), catalog is valid")


@main.command()
@click.argument("which", type=click.Choice(["brand", "product", "translation", "all"]), default="all")
def schema(which: str) -> None:
    """Print the JSON Schema of the catalog files (for editor completion)."""
    from generator.catalog import json_schemas

    schemas = json_schemas()
    data = schemas if which == "all" else schemas[which]
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@main.command()
@click.argument("catalog", type=click.Path(file_okay=False, path_type=Path), required=False)
def doctor(catalog: Path | None) -> None:
    """Check Pango, HarfBuzz subsetting and fonts for every configured locale."""
    from generator.doctor import run_doctor

    report = run_doctor(catalog)
    for line in report.lines:
        click.echo(line)
    sys.exit(0 if report.ok else 1)



@main.command()
@CATALOG_ARG
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True)
@click.option("--product", "products", multiple=True, metavar="SKU", help="Only this product (repeatable).")
@click.option("--locale", "locales", multiple=True, metavar="LL", help="Only this locale (repeatable).")
@click.option("--strict", is_flag=True, help="Treat warnings as failures (exit 1).")
def check(catalog: Path, fmt: str, products: tuple[str, ...], locales: tuple[str, ...],
          strict: bool) -> None:
    """Validate CATALOG and check every text for compliance, without rendering."""
    from generator.build import BuildOptions, run_check
    from generator.findings import to_sarif

    options = BuildOptions(catalog=catalog, out=Path("output"), products=products,
                           locales=locales, strict=strict)
    try:
        result = run_check(options)
    except InsertgenError as error:
        fail(error)
    if fmt == "json":
        click.echo(json.dumps({"documents": result.documents, "exit_code": result.exit_code,
                               "findings": [f.to_dict() for f in sorted(result.findings, key=sort_key)],
                               "translations": result.translations},
                              indent=2, ensure_ascii=False))
    elif fmt == "sarif":
        click.echo(json.dumps(to_sarif(result.findings, root=catalog, version=__version__),
                              indent=2, ensure_ascii=False))
    else:
        print_findings(result.findings, err=False)
        errors = sum(f.severity is Severity.ERROR for f in result.findings)
        warnings = sum(f.severity is Severity.WARNING for f in result.findings)
        removed = sum(f.action == "removed" for f in result.findings)
        click.echo(f"{catalog}: {result.documents} document(s) checked, {errors} error(s), "
                   f"{warnings} warning(s), {removed} sentence(s) the build removes", err=True)
        if result.translations:
            totals = result.translations["totals"]
            done = sum(c["translated"] for c in totals.values())
            total = sum(c["total"] for c in totals.values())
            left = {n: sum(c[n] for c in totals.values()) for n in ("fuzzy", "missing", "failing")}
            click.echo(f"translations: {done}/{total} current"
                       + "".join(f", {v} {n}" for n, v in left.items() if v)
                       + " (`insertgen i18n status` for the matrix and the fit)", err=True)
    sys.exit(result.exit_code)


@main.command()
@click.argument("pdfs", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Check every PDF of this build output folder, as its layouts and profiles ask.")
@click.option("--catalog", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Catalog whose own layouts the build used (its output: --out, default output/).")
@click.option("--profile", type=click.Choice(sorted(PROFILE_NAMES)), default="print-x4",
              show_default=True, help="Print profile the PDF files are checked against.")
@click.option("--bleed-mm", type=click.FloatRange(min=0), default=None,
              help="Bleed every page needs (default: the profile's).")
@click.option("--safe-mm", type=click.FloatRange(min=0), default=None,
              help="Distance from the trim text keeps (default: not checked).")
@click.option("--pages", type=click.IntRange(min=1), default=None, help="Exact page count.")
@click.option("--page-multiple", type=click.IntRange(min=1), default=1, show_default=True,
              help="The page count must be a multiple of this (4 for a saddle-stitched booklet).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: number of cores).")
@click.option("--strict", is_flag=True, help="Treat warnings as failures (exit 1).")
def preflight(pdfs: tuple[Path, ...], out: Path | None, catalog: Path | None, profile: str,
              bleed_mm: float | None, safe_mm: float | None, pages: int | None, page_multiple: int,
              fmt: str, jobs: int | None, strict: bool) -> None:
    """Check PDF files as a print shop would: boxes and bleed, fonts, glyphs, colours, image
    resolution, text size and safe zone, page count, QR codes."""
    from generator.layouts import PROFILES
    from generator.preflight import Expectations, check_files, format_counts, output_targets

    if out is None and catalog is not None:
        out = Path("output")  # the build's default output folder
    if not pdfs and out is None:
        raise click.UsageError("expected PDF files, --out OUTPUT_FOLDER or --catalog DIR, got none")
    chosen = PROFILES[profile]
    expect = Expectations(min_bleed_mm=chosen.min_bleed_mm if bleed_mm is None else bleed_mm,
                          cmyk=chosen.cmyk, safe_mm=safe_mm, pages=pages,
                          page_multiple=page_multiple, detect_qr=True)
    targets = [(path, expect) for path in pdfs]
    findings: list[Finding] = []
    if out is not None:
        more, findings = output_targets(out, catalog)
        targets += more
    checked = check_files(targets, jobs)
    everything = findings + [f for c in checked for f in c.findings]
    if fmt == "json":
        click.echo(json.dumps({
            "files": [{"path": c.path, "pages": c.pages,
                       "findings": [f.to_dict() for f in c.findings]} for c in checked],
            "findings": [f.to_dict() for f in findings]}, indent=2, ensure_ascii=False))
    else:
        print_findings(everything, err=False)
        clean = sum(not c.findings for c in checked)
        click.echo(f"preflight: {len(checked)} file(s), {sum(c.pages for c in checked)} page(s), "
                   f"{clean} without findings; {format_counts(everything)}", err=True)
    errors = any(f.severity is Severity.ERROR for f in everything)
    warnings = any(f.severity is Severity.WARNING for f in everything)
    sys.exit(1 if errors or (strict and warnings) else 0)


@main.group()
def impose() -> None:
    """Place built PDFs on press sheets: cards step and repeat, manuals as printer spreads."""


def _imposed_path(source: Path, to: Path | None, suffix: str) -> Path:
    return (to or source.parent) / f"{source.stem}_{suffix}.pdf"


def _report_imposition(source: Path, target: Path, result, what: str) -> None:
    marks = sum(len(m) for m in result.marks) + sum(len(f) for f in result.folds)
    width, height = (round(v * 25.4 / 72) for v in result.page_size)
    click.echo(f"wrote {target}: {what}, {len(result.placements)} page(s) of {width} x {height} mm "
               f"for {result.sheets} press sheet(s), {marks} mark(s)")


@impose.command("cards")
@click.argument("pdfs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sheet", default="SRA3", show_default=True,
              help="Press sheet: A4, A3, SRA3, Letter or Tabloid.")
@click.option("--gutter-mm", type=float, default=6.0, show_default=True,
              help="Space between neighbouring cards' bleed edges.")
@click.option("--margin-mm", type=float, default=10.0, show_default=True,
              help="Unprinted margin on every side of the sheet (the press's grip).")
@click.option("--simplex", is_flag=True, help="Fronts only (default: a back sheet for work and turn).")
@click.option("--to", "to", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the imposed files (default: beside each card).")
def impose_cards_command(pdfs: tuple[Path, ...], sheet: str, gutter_mm: float, margin_mm: float,
                         simplex: bool, to: Path | None) -> None:
    """Step and repeat each two-sided card PDF on a press sheet, with cut marks."""
    from generator.impose import SHEETS, impose_cards

    failed = False
    for source in pdfs:
        target = _imposed_path(source, to, f"sheet-{sheet.lower()}")
        try:
            result = impose_cards(source, target, sheet=sheet, gutter_mm=gutter_mm,
                                  margin_mm=margin_mm, duplex=not simplex)
        except InsertgenError as error:
            click.echo(f"error: {error}", err=True)
            failed = True
            continue
        cards = len(result.placements[0])
        name = next((n for n in SHEETS if n.lower() == sheet.lower()), sheet)
        _report_imposition(source, target, result, f"{cards} card(s) up on {name}"
                           + (", backs turned" if not simplex else ""))
    sys.exit(1 if failed else 0)


@impose.command("booklet")
@click.argument("pdfs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rtl/--ltr", "rtl", default=None,
              help="Binding side (default: read from the PDF: its direction or language).")
@click.option("--to", "to", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the imposed files (default: beside each manual).")
def impose_booklet_command(pdfs: tuple[Path, ...], rtl: bool | None, to: Path | None) -> None:
    """Impose each manual PDF as saddle-stitched printer spreads, with crop and fold marks."""
    from generator.impose import impose_booklet

    failed = False
    for source in pdfs:
        target = _imposed_path(source, to, "spreads")
        try:
            result = impose_booklet(source, target, rtl=rtl)
        except InsertgenError as error:
            click.echo(f"error: {error}", err=True)
            failed = True
            continue
        first = result.placements[0]
        order = "|".join(str(p.page) for p in first)
        _report_imposition(source, target, result, f"printer spreads, first {order}")
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path), default="output",
               required=False)
@click.option("--to", "proofs", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the proofs (default: OUT/proofs).")
@click.option("--dpi", type=click.IntRange(min=36, max=600), default=100, show_default=True,
              help="Resolution of the page pictures.")
@click.option("--catalog", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Catalog whose own layouts the build used (for their safe zones).")
def proof(out: Path, proofs: Path | None, dpi: int, catalog: Path | None) -> None:
    """Page pictures with trim, bleed and safe-zone guides, contact sheets and an index.html
    for every document of the build in OUT."""
    from generator.proof import proof_build

    try:
        result = proof_build(out, proofs or out / "proofs", dpi=dpi, catalog=catalog)
    except InsertgenError as error:
        fail(error)
    print_findings(result.findings)
    pages = sum(len(p) for p in result.pages.values())
    click.echo(f"wrote {result.index}: {len(result.pages)} document(s), {pages} page(s), "
               f"{len(result.sheets)} contact sheet(s)"
               + (f"; {len(result.skipped)} failed document(s) not proofed" if result.skipped else ""))
    sys.exit(1 if any(f.severity is Severity.ERROR for f in result.findings) else 0)


@main.group()
def compliance() -> None:
    """Review-solicitation compliance: vet any text with the rules the build uses."""


@compliance.command("scan")
@click.option("--lang", "language", required=True, metavar="LL",
              help="Language of the text: ar, de, en, es, fr, it, ja, ko, nl, pl, pt-BR, sv, tr, zh-Hans.")
@click.option("--profile", type=click.Choice(["strict", "neutral-allowed"]), default="strict",
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
def compliance_scan(language: str, profile: str, fmt: str, files: tuple[Path, ...]) -> None:
    """Check free text, one text per line, from FILES or standard input.

    Exit 0 when every line is clean, 1 when anything was found."""
    from generator.compliance import checker, languages, pack_for_locale

    if pack_for_locale(language) is None:
        raise click.BadParameter(f"expected one of {', '.join(languages())}, got \"{language}\"",
                                 param_hint="--lang")
    engine = checker(language)
    found = flagged = total = 0
    for name, lines in _text_lines(files):
        for number, line in enumerate(lines, 1):
            total += 1
            scan = engine.scan(line, profile=profile)
            if scan.removals:
                flagged += 1
                found += len(scan.removals)
            if fmt == "jsonl":
                click.echo(json.dumps(scan.to_dict(), ensure_ascii=False))
                continue
            for removal in scan.removals:
                match = removal.primary
                click.echo(f"{name}:{number}:{match.start + 1}: {match.category}: removed "
                           f"\"{removal.sentence}\": {match.message} (rule {match.rule})")
    if fmt == "text":
        click.echo(f"{flagged} of {total} line(s) ask for reviews; {found} sentence(s) removed",
                   err=True)
    sys.exit(1 if flagged else 0)


def _text_lines(files: tuple[Path, ...]):
    """``(name, lines)`` per input; standard input when no file (or ``-``) is given."""
    for path in files or (Path("-"),):
        if str(path) == "-":
            yield "<stdin>", (line.rstrip("\r\n") for line in sys.stdin)
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise click.FileError(str(path), hint=f"expected a readable UTF-8 text file ({error})") \
                from None
        yield str(path), text.splitlines()


# --- translators ----------------------------------------------------------------------------


@main.group()
def i18n() -> None:
    """Translators' files: extract, update, compile, status, XLIFF export and import."""


def _load_for_i18n(catalog: Path):
    """The catalog for translation commands, or ``None`` for a folder of layouts only
    (insertgen's own repository)."""
    from generator.catalog import BRAND_FILE, load_catalog

    if not (catalog / BRAND_FILE).is_file():
        if (catalog / "layouts").is_dir():
            return None
    try:
        return load_catalog(catalog, partial=True)
    except InsertgenError as error:
        fail(error)


def _report_written(written) -> None:
    for item in written:
        state = "wrote  " if item.changed else "checked"
        click.echo(f"{state} {item.path}: {item.detail}")


@i18n.command("extract")
@CATALOG_ARG
def i18n_extract(catalog: Path) -> None:
    """Write the templates: locales/<SKU>.pot per product, locales/insertgen.pot for layouts."""
    from generator.extraction import extract_layouts, extract_products

    loaded = _load_for_i18n(catalog)
    written = extract_layouts(catalog, loaded.brand.name if loaded else "insertgen")
    if loaded is not None:
        written += extract_products(loaded)
    _report_written(written)
    if not written:
        click.echo(f"{catalog}: nothing to translate (no products, no layout wording)", err=True)


@i18n.command("update")
@CATALOG_ARG
@click.option("--locale", "locales", multiple=True, metavar="LL", help="Only this locale (repeatable).")
def i18n_update(catalog: Path, locales: tuple[str, ...]) -> None:
    """Create or merge every locale's PO files from the current sources.

    A changed source text keeps its translation, marked fuzzy; a removed one is kept as
    obsolete. Files are written only when something changed."""
    from generator.extraction import layout_locales, update_layouts, update_products

    loaded = _load_for_i18n(catalog)
    if loaded is None:
        wanted = [loc for loc in layout_locales(catalog) if not locales or loc in locales]
        written = update_layouts(catalog, "insertgen", wanted)
    else:
        written = update_products(loaded, locales)
        if (catalog / "layouts").is_dir():
            wanted = [loc for loc in loaded.brand.locales if loc != loaded.brand.source_locale
                      and (not locales or loc in locales)]
            written += update_layouts(catalog, loaded.brand.name, wanted)
    _report_written(written)


@i18n.command("compile")
@CATALOG_ARG
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write the .mo files here instead of beside each PO file.")
def i18n_compile(catalog: Path, out: Path | None) -> None:
    """Check every PO file and compile it to .mo (the build compiles in memory; .mo files
    are not committed). Exit 1 when a translation fails a check."""
    from generator.extraction import compile_all
    from generator.translation_checks import protected_terms

    loaded = _load_for_i18n(catalog)
    terms: tuple[str, ...] = ()
    if loaded is not None:
        terms = tuple(dict.fromkeys(t for p in loaded.products
                                    for t in protected_terms(loaded.brand, p.product)))
    written, findings = compile_all(catalog, out, terms)
    _report_written(written)
    print_findings(findings)
    sys.exit(1 if findings else 0)


@i18n.command("export")
@CATALOG_ARG
@click.option("--format", "fmt", type=click.Choice(["xliff", "xliff2"]), default="xliff",
              show_default=True, help="xliff: XLIFF 1.2; xliff2: XLIFF 2.0.")
@click.option("--locale", required=True, metavar="LL", help="The target locale.")
@click.option("--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The XLIFF file to write.")
def i18n_export(catalog: Path, fmt: str, locale: str, output: Path) -> None:
    """Export one locale's product texts as XLIFF for a CAT tool."""
    from generator.pdf import write_atomically
    from generator.xliff import export

    loaded = _load_for_i18n(catalog)
    if loaded is None:
        fail(InsertgenError(f"{catalog}: expected a catalog folder with brand.yaml"))
    try:
        data = export(loaded, locale, "2.0" if fmt == "xliff2" else "1.2")
    except InsertgenError as error:
        fail(error)
    write_atomically(output, data)
    click.echo(f"wrote {output}: {data.count(b'<source')} texts for {locale}")


@i18n.command("import")
@CATALOG_ARG
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def i18n_import(catalog: Path, file: Path) -> None:
    """Apply an XLIFF file's translations to the catalog's PO files."""
    from generator.xliff import import_file

    loaded = _load_for_i18n(catalog)
    if loaded is None:
        fail(InsertgenError(f"{catalog}: expected a catalog folder with brand.yaml"))
    try:
        result = import_file(loaded, file)
    except InsertgenError as error:
        fail(error)
    print_findings(result.findings)
    for path in result.written:
        click.echo(f"wrote   {path}")
    for path in result.unchanged:
        click.echo(f"checked {path}: unchanged")


@i18n.command("status")
@CATALOG_ARG
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
              show_default=True)
@click.option("--no-fit", is_flag=True, help="Do not lay the cards out to measure the fit (faster).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for the fit (default: number of cores).")
def i18n_status(catalog: Path, fmt: str, no_fit: bool, jobs: int | None) -> None:
    """Product x locale matrix: translated, fuzzy, missing, failing checks, overflowing."""
    from generator.status import format_html, format_json, format_text, translation_status

    loaded = _load_for_i18n(catalog)
    if loaded is None:
        fail(InsertgenError(f"{catalog}: expected a catalog folder with brand.yaml"))
    status = translation_status(loaded, fit=not no_fit, jobs=jobs)
    if fmt == "json":
        click.echo(format_json(status))
    elif fmt == "html":
        click.echo(format_html(status, f"{loaded.brand.name}: translation status"))
    else:
        click.echo(format_text(status))
