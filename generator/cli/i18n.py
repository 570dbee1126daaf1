"""``i18n``: the translators' workflow (extract, update, compile, export, import, status)."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.common import CATALOG_ARG, exit_with, fail, print_findings
from generator.findings import InsertgenError


@click.group()
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
    from generator.i18n.extraction import extract_layouts, extract_products

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
    from generator.i18n.extraction import layout_locales, update_layouts, update_products

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
    from generator.i18n.checks import protected_terms
    from generator.i18n.extraction import compile_all

    loaded = _load_for_i18n(catalog)
    terms: tuple[str, ...] = ()
    if loaded is not None:
        terms = tuple(dict.fromkeys(t for p in loaded.products
                                    for t in protected_terms(loaded.brand, p.product)))
    written, findings = compile_all(catalog, out, terms)
    _report_written(written)
    print_findings(findings)
    exit_with(1 if findings else 0, f"{len(findings)} translation check(s) failed")


@i18n.command("export")
@CATALOG_ARG
@click.option("--format", "fmt", type=click.Choice(["xliff", "xliff2"]), default="xliff",
              show_default=True, help="xliff: XLIFF 1.2; xliff2: XLIFF 2.0.")
@click.option("--locale", required=True, metavar="LL", help="The target locale.")
@click.option("--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The XLIFF file to write.")
def i18n_export(catalog: Path, fmt: str, locale: str, output: Path) -> None:
    """Export one locale's product texts as XLIFF for a CAT tool."""
    from generator.files import write_atomically
    from generator.i18n.xliff import export

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
    from generator.i18n.xliff import import_file

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
    from generator.build import measure_overflow
    from generator.i18n.status import format_html, format_json, format_text, translation_status

    loaded = _load_for_i18n(catalog)
    if loaded is None:
        fail(InsertgenError(f"{catalog}: expected a catalog folder with brand.yaml"))
    overflowing = None if no_fit else measure_overflow(loaded, jobs)
    status = translation_status(loaded, overflowing=overflowing)
    if fmt == "json":
        click.echo(format_json(status))
    elif fmt == "html":
        click.echo(format_html(status, f"{loaded.brand.name}: translation status"))
    else:
        click.echo(format_text(status))
