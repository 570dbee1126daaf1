"""The thin command line: parse arguments, call the library, print findings, pick the exit code.
One module per command group; each imports the library lazily, so ``--help`` stays fast.

Exit codes: 0 all well; 1 a document failed (or, with ``--strict``, warned) or a check found
errors; 2 usage or catalog errors. A non-zero exit always says why on standard error, with
``-q`` too.
"""

from __future__ import annotations

import click

from generator import __version__
from generator.cli import build, catalog, compliance, i18n, press, serve
from generator.cli.common import PROFILE_NAMES, add_verbosity_options, examples

__all__ = ["PROFILE_NAMES", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]},
             epilog=examples("insertgen init mybrand/", "cd mybrand/products && insertgen validate",
                             "insertgen build mybrand/ --out output/ --format json",
                             "insertgen -q check --strict mybrand/",
                             'eval "$(_INSERTGEN_COMPLETE=bash_source insertgen)"   # completion'))
@click.version_option(__version__, "-V", "--version", prog_name="insertgen")
def main() -> None:
    """insertgen: print-ready, multilingual after-sales cards from a YAML catalog.

    A command that takes CATALOG finds it when it is left out: the nearest folder at or
    above the working directory with a brand.yaml."""


for command in (catalog.init, build.build, catalog.validate, catalog.schema, catalog.doctor,
                build.check, press.preflight, press.impose, press.proof, compliance.compliance,
                i18n.i18n, serve.serve):
    main.add_command(command)

#: Examples for the translators' commands, unless their own --help has some.
I18N_EXAMPLES = {
    "extract": ["insertgen i18n extract mybrand/", "insertgen i18n extract .   # insertgen's layouts"],
    "update": ["insertgen i18n update mybrand/", "insertgen i18n update --locale de   # inside the catalog"],
    "status": ["insertgen i18n status mybrand/",
               "insertgen i18n status mybrand/ --format html > status.html"],
    "export": ["insertgen i18n export mybrand/ --format xliff2 --locale de --output de.xlf"],
    "import": ["insertgen i18n import mybrand/ de.xlf"],
    "compile": ["insertgen i18n compile mybrand/ --out build/mo"],
}
for name, lines in I18N_EXAMPLES.items():
    if name in i18n.i18n.commands and not i18n.i18n.commands[name].epilog:
        i18n.i18n.commands[name].epilog = examples(*lines)
add_verbosity_options(main)
