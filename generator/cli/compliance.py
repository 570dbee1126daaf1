"""``compliance scan``: vet any text with the rule packs, one text per line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from generator.cli.common import examples, exit_with


@click.group()
def compliance() -> None:
    """Review-solicitation compliance: vet any text with the rules the build uses."""


@compliance.command("scan", epilog=examples(
    "insertgen compliance scan --lang de draft.txt",
    "echo 'Rate us 5 stars!' | insertgen compliance scan --lang en",
    "insertgen compliance scan --lang ja --format jsonl drafts.txt"))
@click.option("--lang", "language", required=True, metavar="LL",
              help="Language of the text: ar, de, en, es, fr, it, ja, ko, nl, pl, pt-BR, sv, tr, zh-Hans.")
@click.option("--profile", type=click.Choice(["strict", "neutral-allowed"]), default="strict",
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Suspects (printed but reported) fail too (exit 1).")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
def compliance_scan(language: str, profile: str, fmt: str, strict: bool,
                    files: tuple[Path, ...]) -> None:
    """Check free text, one text per line, from FILES or standard input.

    Exit 0 when every line is clean, 1 when anything was removed (or, with --strict, a suspect
    was found)."""
    from generator.cli.common import fail
    from generator.compliance.engine import RulePackError, checker, languages, pack_for_locale

    if pack_for_locale(language) is None:
        raise click.BadParameter(f"expected one of {', '.join(languages())}, got \"{language}\"",
                                 param_hint="--lang")
    try:
        engine = checker(language)
        engine.scan("")  # loads every pack now: a broken one is reported before any line
    except RulePackError as error:
        fail(error)
    found = flagged = total = suspected = 0
    for name, lines in _text_lines(files):
        for number, line in enumerate(lines, 1):
            total += 1
            scan = engine.scan(line, profile=profile)
            if scan.removals:
                flagged += 1
                found += len(scan.removals)
            suspected += len(scan.suspects)
            if fmt == "jsonl":
                click.echo(json.dumps(scan.to_dict(), ensure_ascii=False))
                continue
            for removal in scan.removals:
                match = removal.primary
                click.echo(f"{name}:{number}:{match.start + 1}: {match.category}: removed "
                           f"\"{removal.sentence}\": {match.message} (rule {match.rule})")
            for suspect in scan.suspects:
                match = suspect.matches[0]
                click.echo(f"{name}:{number}:{suspect.start + 1}: suspect: kept "
                           f"\"{suspect.sentence}\": {match.message} (rule {match.rule})")
    if fmt == "text":
        click.echo(f"{flagged} of {total} line(s) ask for reviews; {found} sentence(s) removed; "
                   f"{suspected} suspect(s) kept for a person to look at", err=True)
    code = 1 if flagged or (strict and suspected) else 0
    if fmt == "jsonl":  # the text summary above says why; JSON lines on stdout need the line
        exit_with(code, f"{flagged} of {total} line(s) ask for reviews" if flagged
                  else f"--strict fails on {suspected} suspect(s)")
    sys.exit(code)


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
