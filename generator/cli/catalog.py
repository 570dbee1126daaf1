"""Commands on the catalog itself: ``init``, ``validate``, ``schema`` and ``doctor``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from generator.cli.common import CATALOG_ARG, fail, print_findings
from generator.findings import InsertgenError


@click.command()
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
def init(target: Path, force: bool) -> None:
    """Scaffold a catalog project in TARGET."""
    from generator.catalog.scaffold import scaffold

    try:
        written = scaffold(target, force=force)
    except InsertgenError as error:
        fail(error)
    for path in written:
        click.echo(f"created {path}")
    click.echo(f"next: insertgen build {target} --out output/")



@click.command()
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


@click.command()
@click.argument("which", type=click.Choice(["brand", "product", "translation", "all"]), default="all")
def schema(which: str) -> None:
    """Print the JSON Schema of the catalog files (for editor completion)."""
    from generator.catalog import json_schemas

    schemas = json_schemas()
    data = schemas if which == "all" else schemas[which]
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.command()
@click.argument("catalog", type=click.Path(file_okay=False, path_type=Path), required=False)
def doctor(catalog: Path | None) -> None:
    """Check Pango, HarfBuzz subsetting and fonts for every configured locale."""
    from generator.render.doctor import run_doctor

    report = run_doctor(catalog)
    for line in report.lines:
        click.echo(line)
    sys.exit(0 if report.ok else 1)
