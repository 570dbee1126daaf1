"""The thin command line: parse arguments, call the library, print findings, pick the exit code.
One module per command group; each imports the library lazily, so ``--help`` stays fast.

Exit codes: 0 all well; 1 a document failed (or, with ``--strict``, warned) or a check found
errors; 2 usage or catalog errors.
"""

from __future__ import annotations

import click

from generator import __version__
from generator.cli import build, catalog, compliance, i18n, press
from generator.cli.common import PROFILE_NAMES

__all__ = ["PROFILE_NAMES", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="insertgen")
def main() -> None:
    """insertgen: print-ready, multilingual after-sales cards from a YAML catalog."""


for command in (catalog.init, build.build, catalog.validate, catalog.schema, catalog.doctor,
                build.check, press.preflight, press.impose, press.proof, compliance.compliance,
                i18n.i18n):
    main.add_command(command)
