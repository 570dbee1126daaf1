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
