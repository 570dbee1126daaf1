"""``build`` and ``check``: the orchestrator's run, whole or stopped before rendering."""

from __future__ import annotations

import json
from pathlib import Path

import click

from generator import __version__
from generator.cli.common import (
    CATALOG_ARG,
    counted,
    examples,
    exit_with,
    fail,
    print_findings,
    quiet,
    say,
)
from generator.findings import InsertgenError, Severity, sort_key


@click.command(epilog=examples(
    "insertgen build mybrand/ --out output/",
    "insertgen build --product LH-KT17 --locale de       # from inside the catalog",
    "insertgen build mybrand/ --strict -q                # CI: warnings fail, errors shown",
    "insertgen build mybrand/ --format json > build.json",
    "insertgen build mybrand/ --force                    # render even unchanged documents",
    "insertgen build mybrand/ --executor dask --scheduler tcp://10.0.0.5:8786"))
@CATALOG_ARG
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default="output",
              show_default=True, help="Output folder.")
@click.option("--product", "products", multiple=True, metavar="SKU", help="Only this product (repeatable).")
@click.option("--locale", "locales", multiple=True, metavar="LL", help="Only this locale (repeatable).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: number of cores).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Who renders: worker processes here, or the workers of a Dask scheduler.")
@click.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
              help="The Dask scheduler's address (with --executor dask).")
@click.option("--strict", is_flag=True, help="Treat warnings as failures (exit 1).")
@click.option("--force", is_flag=True,
              help="Render every document again, even those whose inputs are unchanged.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: a summary of the build on standard output.")
def build(catalog: Path, out: Path, products: tuple[str, ...], locales: tuple[str, ...],
          jobs: int | None, executor: str, scheduler: str | None, strict: bool, force: bool,
          fmt: str) -> None:
    """Build every product x document x locale of CATALOG into PDFs.

    A document whose inputs (HTML, CSS, the files it reads, profile, tool versions) are those
    of its file in OUT is not rendered again: OUT/.insertgen-cache.json records them."""
    from generator.build import BuildOptions, run_build

    if scheduler and executor != "dask":
        fail(InsertgenError(f"--scheduler {scheduler}: expected --executor dask with it"))
    if jobs and executor == "dask":
        fail(InsertgenError("--jobs: expected no --jobs with --executor dask (each Dask worker "
                            "renders one document at a time; start more workers instead)"))
    say(f"building {catalog} into {out}")
    options = BuildOptions(catalog=catalog, out=out, products=products, locales=locales,
                           jobs=jobs, strict=strict, quiet=quiet(), force=force,
                           executor=executor, scheduler=scheduler)
    try:
        result = run_build(options)
    except InsertgenError as error:
        fail(error)
    if fmt == "json":
        click.echo(json.dumps(build_summary(result, catalog, out), indent=2, ensure_ascii=False))
    failed = [d for d in result.documents if d.status == "failed"]
    if result.exit_code == 2:
        reason = "the catalog has errors; the products with them were left out"
    elif failed:
        reason = f"{len(failed)} of {len(result.documents)} document(s) failed"
    else:
        reason = ""  # --strict and warnings only: the build has said so
    if reason:
        click.echo(f"exit {result.exit_code}: {reason}", err=True)
    raise SystemExit(result.exit_code)


def build_summary(result, catalog: Path, out: Path) -> dict:
    """``build --format json``: what was built, where, and what was found."""
    def counts(findings) -> dict[str, int]:
        return {level.value: sum(f.severity is level for f in findings) for level in Severity}

    everything = [f for d in result.documents for f in d.findings] + result.findings
    return {
        "catalog": str(catalog),
        "out": str(out),
        "manifest": str(out / "manifest.json"),
        "exit_code": result.exit_code,
        "documents": len(result.documents),
        "ok": sum(d.status == "ok" for d in result.documents),
        "failed": sum(d.status == "failed" for d in result.documents),
        "rendered": len(result.rendered),
        "reused": len(result.reused),
        "findings": counts(everything),
        "files": [{"path": d.path, "status": d.status, "sku": d.sku, "document": d.document,
                   "locales": d.locales, "pages": d.pages, "bytes": d.bytes,
                   "rendered": d.path in result.rendered, "reused": d.path in result.reused,
                   "findings": counts(d.findings)} for d in result.documents],
        "catalog_findings": [f.to_dict() for f in sorted(result.findings, key=sort_key)],
    }


@click.command(epilog=examples(
    "insertgen check mybrand/",
    "insertgen check mybrand/ --format sarif > insertgen.sarif   # GitHub code scanning",
    "insertgen check --strict --locale de                        # from inside the catalog"))
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
        if result.translations and not quiet():
            totals = result.translations["totals"]
            done = sum(c["translated"] for c in totals.values())
            total = sum(c["total"] for c in totals.values())
            left = {n: sum(c[n] for c in totals.values()) for n in ("fuzzy", "missing", "failing")}
            click.echo(f"translations: {done}/{total} current"
                       + "".join(f", {v} {n}" for n, v in left.items() if v)
                       + " (`insertgen i18n status` for the matrix and the fit)", err=True)
    reason = counted(result.findings, strict)
    exit_with(result.exit_code, f"the catalog cannot be loaded: {reason}" if result.exit_code == 2
              else reason)
