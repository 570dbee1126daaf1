"""What every command shares: the catalog argument, printing findings, failing with a reason."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.findings import Finding, InsertgenError, Severity, format_text

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

