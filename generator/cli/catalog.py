"""Commands on the catalog itself: ``init``, ``validate``, ``schema`` and ``doctor``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from generator.cli.common import (
    CATALOG_ARG,
    examples,
    exit_with,
    fail,
    find_catalog,
    print_findings,
    quiet,
)
from generator.findings import InsertgenError


@click.command(epilog=examples("insertgen init mybrand/",
                               "insertgen init . --force      # into a folder with files"))
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
def init(target: Path, force: bool) -> None:
    """Scaffold a catalog project in TARGET: brand and product files that name their JSON
    Schema, a logo, a German PO file, a .gitignore for output/."""
    from generator.catalog import load_catalog
    from generator.catalog.scaffold import LEGACY_TRANSLATION, scaffold
    from generator.i18n.extraction import update_products

    try:
        written = scaffold(target, force=force)
        legacy = target / LEGACY_TRANSLATION
        if legacy in written:  # the starter German text becomes the translators' PO file
            translated = update_products(load_catalog(target))
            legacy.unlink()
            written = [p for p in written if p != legacy]
            written += [target / w.path for w in translated if w.changed]
    except InsertgenError as error:
        fail(error)
    if not quiet():
        for path in written:
            click.echo(f"created {path}")
        click.echo(f"next: insertgen build {target} --out output/")


@click.command(epilog=examples("insertgen validate mybrand/",
                               "cd mybrand/products && insertgen validate   # finds ../brand.yaml",
                               "insertgen validate mybrand/ --format json"))
@CATALOG_ARG
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate(catalog: Path, fmt: str) -> None:
    """Check the catalog files against the schema without rendering."""
    from generator.catalog import load_catalog
    from generator.catalog.schema import stale_schemas

    try:
        loaded = load_catalog(catalog)
    except InsertgenError as error:
        if fmt == "json":
            click.echo(json.dumps([f.to_dict() for f in error.findings], indent=2, ensure_ascii=False))
            exit_with(error.exit_code, str(error))
        fail(error)
    if fmt == "json":
        click.echo(json.dumps([f.to_dict() for f in loaded.findings], indent=2, ensure_ascii=False))
        return
    print_findings(loaded.findings)
    stale = stale_schemas(catalog)
    if stale:
        click.echo(f"note: {', '.join(stale)} no longer match the catalog's marketplaces, locales "
                   f"or layouts; renew them with `insertgen schema --catalog {catalog} --write`",
                   err=True)
    if not quiet():
        click.echo(f"{catalog}: {len(loaded.products)} product(s), catalog is valid")


@click.command(epilog=examples(
    "insertgen schema product > product.schema.json",
    "insertgen schema --catalog mybrand/ --write   # mybrand/schemas/*.schema.json",
    "check-jsonschema --schemafile mybrand/schemas/product.schema.json mybrand/products/*.yaml"))
@click.argument("which", type=click.Choice(["brand", "product", "translation", "all"]), default="all")
@click.option("--catalog", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Make the schema for this catalog: its marketplaces, locales and own layouts.")
@click.option("--write", is_flag=True,
              help="Write brand.schema.json and product.schema.json into CATALOG/schemas/ "
                   "(the files its YAML files name) instead of printing.")
def schema(which: str, catalog: Path | None, write: bool) -> None:
    """Print the JSON Schema of the catalog files (for editors and check-jsonschema)."""
    from generator.catalog import BRAND_FILE, json_schemas
    from generator.catalog.schema import write_schemas

    if write or catalog is not None:
        catalog = find_catalog(catalog or Path("."))
        if not (catalog / BRAND_FILE).is_file():
            fail(InsertgenError(f"{catalog}: expected a catalog folder with {BRAND_FILE}, got "
                                f"none (give --catalog DIR)"))
    if write:
        for path in write_schemas(catalog):
            if not quiet():
                click.echo(f"wrote {path}")
        return
    schemas = json_schemas(catalog)
    data = schemas if which == "all" else schemas[which]
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.command(epilog=examples("insertgen doctor", "insertgen doctor mybrand/   # its locales"))
@click.argument("catalog", type=click.Path(file_okay=False, path_type=Path), required=False)
def doctor(catalog: Path | None) -> None:
    """Check Pango, HarfBuzz subsetting and fonts for every configured locale."""
    from generator.render.doctor import run_doctor

    report = run_doctor(catalog)
    for line in report.lines:
        if not quiet() or not line.startswith("ok"):
            click.echo(line)
    failing = sum(line.startswith("FAIL") for line in report.lines)
    exit_with(0 if report.ok else 1, f"{failing} check(s) failed (the FAIL lines above)")
