"""Commands for the print shop: ``preflight``, ``proof`` and ``impose``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from generator.cli.common import PROFILE_NAMES, counted, examples, exit_with, fail, print_findings
from generator.findings import Finding, InsertgenError, Severity


@click.command(epilog=examples(
    "insertgen preflight --catalog mybrand/          # every PDF of its build in output/",
    "insertgen preflight supplier.pdf --safe-mm 4 --pages 2",
    "insertgen preflight manual.pdf --page-multiple 4 --format json"))
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
    from generator.catalog.layouts import PROFILES
    from generator.press.preflight import Expectations, check_files, format_counts, output_targets

    if out is None and catalog is not None:
        out = Path("output")  # the build's default output folder
    if not pdfs and out is None:
        raise click.UsageError("expected PDF files, --out OUTPUT_FOLDER or --catalog DIR, got none")
    chosen = PROFILES[profile]
    expect = Expectations(min_bleed_mm=chosen.min_bleed_mm if bleed_mm is None else bleed_mm,
                          cmyk=chosen.cmyk, safe_mm=safe_mm, pages=pages,
                          page_multiple=page_multiple, detect_qr=True,
                          pdf_variant=chosen.pdf_variant)
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
    code = 1 if errors or (strict and warnings) else 0
    if fmt == "json":  # the text summary above says why; JSON on stdout needs the line
        exit_with(code, f"preflight: {counted(everything, strict)}")
    sys.exit(code)


@click.group(epilog=examples(
    "insertgen impose cards output/LH-KT17/LH-KT17_card-a6_de.pdf --sheet SRA3",
    "insertgen impose booklet output/LH-KT17/LH-KT17_manual_de.pdf"))
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
    from generator.press.impose import SHEETS, impose_cards

    failed = 0
    for source in pdfs:
        target = _imposed_path(source, to, f"sheet-{sheet.lower()}")
        try:
            result = impose_cards(source, target, sheet=sheet, gutter_mm=gutter_mm,
                                  margin_mm=margin_mm, duplex=not simplex)
        except InsertgenError as error:
            click.echo(f"error: {error}", err=True)
            failed += 1
            continue
        cards = len(result.placements[0])
        name = next((n for n in SHEETS if n.lower() == sheet.lower()), sheet)
        _report_imposition(source, target, result, f"{cards} card(s) up on {name}"
                           + (", backs turned" if not simplex else ""))
    exit_with(1 if failed else 0, f"{failed} of {len(pdfs)} file(s) could not be imposed")


@impose.command("booklet")
@click.argument("pdfs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rtl/--ltr", "rtl", default=None,
              help="Binding side (default: read from the PDF: its direction or language).")
@click.option("--to", "to", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the imposed files (default: beside each manual).")
def impose_booklet_command(pdfs: tuple[Path, ...], rtl: bool | None, to: Path | None) -> None:
    """Impose each manual PDF as saddle-stitched printer spreads, with crop and fold marks."""
    from generator.press.impose import impose_booklet

    failed = 0
    for source in pdfs:
        target = _imposed_path(source, to, "spreads")
        try:
            result = impose_booklet(source, target, rtl=rtl)
        except InsertgenError as error:
            click.echo(f"error: {error}", err=True)
            failed += 1
            continue
        first = result.placements[0]
        order = "|".join(str(p.page) for p in first)
        _report_imposition(source, target, result, f"printer spreads, first {order}")
    exit_with(1 if failed else 0, f"{failed} of {len(pdfs)} file(s) could not be imposed")


@click.command(epilog=examples("insertgen proof output/ --catalog mybrand/ --dpi 100",
                               "insertgen proof output/ --to proofs/"))
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
    from generator.press.proof import proof_build

    try:
        result = proof_build(out, proofs or out / "proofs", dpi=dpi, catalog=catalog)
    except InsertgenError as error:
        fail(error)
    print_findings(result.findings)
    pages = sum(len(p) for p in result.pages.values())
    click.echo(f"wrote {result.index}: {len(result.pages)} document(s), {pages} page(s), "
               f"{len(result.sheets)} contact sheet(s)"
               + (f"; {len(result.skipped)} failed document(s) not proofed" if result.skipped else ""))
    exit_with(1 if any(f.severity is Severity.ERROR for f in result.findings) else 0,
              f"proof: {counted(result.findings)}")
