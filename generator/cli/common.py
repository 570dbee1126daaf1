"""What every command shares: the catalog argument (found from any subfolder), how much to
print (``-v``/``-q``), printing findings, and failing with a reason."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from generator.findings import Finding, InsertgenError, Severity, format_text

PROFILE_NAMES = ("print-x1a", "print-x4", "screen")
#: The file that marks a catalog folder (as ``generator.catalog.BRAND_FILE``; not imported
#: from there so ``--help`` stays fast).
BRAND_FILE = "brand.yaml"


# --- how much to print ----------------------------------------------------------------------


def verbosity() -> int:
    """-1 with ``-q``, 0 by default, 1 with ``-v``; set before or after the command name."""
    context = click.get_current_context(silent=True)
    if context is None:
        return 0
    return (context.find_root().meta.get("insertgen.verbosity", 0))


def _set_verbosity(level: int):
    def callback(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if value:
            ctx.find_root().meta["insertgen.verbosity"] = level
    return callback


def add_verbosity_options(command: click.Command) -> None:
    """``-v/--verbose`` and ``-q/--quiet`` on ``command`` and every command under it, so
    ``insertgen -q build`` and ``insertgen build -q`` mean the same."""
    taken = {opt for param in command.params for opt in getattr(param, "opts", [])}
    if "-v" not in taken and "-q" not in taken:
        command.params += [
            click.Option(["-v", "--verbose"], is_flag=True, expose_value=False, is_eager=True,
                         callback=_set_verbosity(1),
                         help="Also say what insertgen decided (the catalog it found, ...)."),
            click.Option(["-q", "--quiet"], is_flag=True, expose_value=False, is_eager=True,
                         callback=_set_verbosity(-1),
                         help="Print errors, the summary and why it fails only."),
        ]
    for sub in getattr(command, "commands", {}).values():
        add_verbosity_options(sub)


def quiet() -> bool:
    return verbosity() < 0


def say(text: str) -> None:
    """A line shown with ``-v`` only, on standard error."""
    if verbosity() > 0:
        click.echo(f"insertgen: {text}", err=True)


# --- the catalog ----------------------------------------------------------------------------


def find_catalog(path: Path) -> Path:
    """CATALOG as given; left out (or ``.``) in a folder without a brand file, the nearest
    folder above the working directory that has one, as git finds its repository. The path
    stays relative to the working directory, so messages name files the way the user does."""
    if str(path) != "." or (Path.cwd() / BRAND_FILE).is_file():
        return path
    here = Path.cwd()
    for folder in here.parents:
        if (folder / BRAND_FILE).is_file():
            found = Path(os.path.relpath(folder, here))
            say(f"catalog {found} (the nearest folder above {here} with {BRAND_FILE})")
            return found
    return path


def _catalog_callback(_ctx: click.Context, _param: click.Parameter, value: Path) -> Path:
    return find_catalog(value)


CATALOG_ARG = click.argument(
    "catalog", type=click.Path(file_okay=False, path_type=Path), default=".", required=False,
    callback=_catalog_callback,
)


# --- findings and failures ------------------------------------------------------------------


def print_findings(findings: list[Finding], *, quiet: bool | None = None, err: bool = True) -> None:
    """Print findings one per line; ``quiet`` (by default: ``-q``) keeps only errors."""
    if quiet is None:
        quiet = verbosity() < 0
    shown = [f for f in findings if not quiet or f.severity is Severity.ERROR]
    if shown:
        click.echo(format_text(shown), err=err)


def fail(error: InsertgenError) -> None:
    print_findings(error.findings)
    click.echo(f"error: {error}", err=True)
    sys.exit(error.exit_code)


def exit_with(code: int, reason: str) -> None:
    """Exit with ``code``; a non-zero code says why on standard error, ``-q`` or not."""
    if code:
        click.echo(f"exit {code}: {reason}", err=True)
    sys.exit(code)


def counted(findings: list[Finding], strict: bool = False) -> str:
    """Why findings fail a run: ``2 error(s) found``, or with ``strict`` and only warnings,
    ``--strict fails on 3 warning(s)``."""
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    if errors:
        return f"{errors} error(s)" + (f" and {warnings} warning(s)" if warnings else "") + " found"
    if strict and warnings:
        return f"--strict fails on {warnings} warning(s)"
    return "no error found"


def examples(*lines: str) -> str:
    """A command's epilog: its examples, kept as written by ``--help``."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)
