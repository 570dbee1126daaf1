"""The conventions of the command-line tools users know (mkdocs, ruff, pybabel): -V, -v/-q
before or after the command, the catalog found from a subfolder, examples in --help, shell
completion, a reason on every non-zero exit, and what `init` scaffolds."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, run_cli

from generator import __version__
from generator.cli import main


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(flag):
    result = run_cli(flag)
    assert result.returncode == 0
    assert result.stdout == f"insertgen, version {__version__}\n"


@pytest.mark.parametrize("command", [
    [], ["build"], ["check"], ["validate"], ["init"], ["schema"], ["preflight"], ["proof"],
    ["doctor"], ["impose"], ["compliance", "scan"], ["i18n", "update"], ["i18n", "status"],
    ["i18n", "export"], ["i18n", "import"], ["i18n", "compile"], ["i18n", "extract"]],
    ids=lambda c: " ".join(c) or "insertgen")
def test_help_has_examples(command):
    result = CliRunner().invoke(main, [*command, "--help"], prog_name="insertgen")
    assert result.exit_code == 0
    examples = result.output.split("Examples:\n", 1)[1].splitlines()
    assert sum(line.strip().startswith("insertgen ") for line in examples) >= 1, result.output
    assert "-v, --verbose" in result.output and "-q, --quiet" in result.output


def test_the_catalog_is_found_from_a_subfolder(sample):
    result = run_cli("-v", "validate", cwd=sample / "products")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "..: 2 product(s), catalog is valid\n"
    assert f"insertgen: catalog .. (the nearest folder above {sample / 'products'} with " \
           "brand.yaml)" in result.stderr
    # From the catalog itself, and with the catalog given, nothing is looked for.
    assert run_cli("validate", cwd=sample).stdout == ".: 2 product(s), catalog is valid\n"


def test_no_catalog_above_says_so(tmp_path):
    result = run_cli("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "error: .: expected a catalog folder with brand.yaml and products/, got no brand.yaml "
        "(create one with `insertgen init .`)")


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_before_or_after_the_command(sample, where):
    args = ["-q", "validate", sample] if where == "before" else ["validate", sample, "-q"]
    result = run_cli(*args)
    assert result.returncode == 0
    assert result.stdout == "" and result.stderr == ""


def test_strict_quiet_check_says_why_it_fails(sample):
    """The sample has only fallback warnings: --strict -q prints no finding, only the reason."""
    result = run_cli("check", sample, "--strict", "-q")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == "exit 1: --strict fails on 3 warning(s)"


def test_strict_quiet_build_says_why_it_fails(tmp_path):
    """French is not translated in a new catalog: the card falls back to English (warnings),
    which --strict fails, and -q still says so."""
    target = tmp_path / "shop"
    assert run_cli("init", target, "-q").returncode == 0
    result = run_cli("build", target, "--out", tmp_path / "out", "--locale", "fr", "--strict", "-q")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "exit 1: --strict fails on warnings (run without -q to see them)")


def test_machine_output_keeps_stdout_clean_and_says_why_on_stderr():
    result = run_cli("check", FIXTURES / "solicit", "--format", "sarif", "-q")
    assert result.returncode == 1
    json.loads(result.stdout)
    [line] = result.stderr.splitlines()
    assert line.startswith("exit 1: ") and line.endswith(" warning(s) found") and "error(s)" in line
    broken = run_cli("validate", FIXTURES / "broken", "--format", "json")
    assert broken.returncode == 2
    assert len(json.loads(broken.stdout)) == 6
    assert broken.stderr.splitlines()[-1] == "exit 2: the brand file is invalid"
    scan = run_cli("compliance", "scan", "--lang", "en", "--format", "jsonl",
                   FIXTURES / "solicit" / "products" / "kettle.yaml")
    assert scan.returncode == 1
    assert scan.stderr.splitlines()[-1].startswith("exit 1: ")
    assert scan.stderr.splitlines()[-1].endswith(" line(s) ask for reviews")


def test_bash_completion_is_what_the_readme_says():
    env = {**os.environ, "_INSERTGEN_COMPLETE": "bash_source"}
    script = subprocess.run([sys.executable, "-m", "generator"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert "_insertgen_completion()" in script.stdout
    assert "complete -o nosort -F _insertgen_completion insertgen" in script.stdout
    env = {**os.environ, "_INSERTGEN_COMPLETE": "bash_complete", "COMP_WORDS": "insertgen bui",
           "COMP_CWORD": "1"}
    words = subprocess.run([sys.executable, "-m", "generator"], env=env, capture_output=True,
                           text=True, timeout=60)
    assert words.stdout.split() == ["plain,build"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'eval "$(_INSERTGEN_COMPLETE=bash_source insertgen)"' in readme


# --- init -----------------------------------------------------------------------------------


def test_init_scaffolds_po_files_a_logo_schemas_and_a_gitignore(tmp_path):
    target = tmp_path / "mybrand"
    result = run_cli("init", target)
    assert result.returncode == 0, result.stderr
    created = sorted(line.removeprefix(f"created {target}/") for line in result.stdout.splitlines()
                     if line.startswith("created "))
    assert created == [".gitignore", "brand.yaml", "images/logo.svg", "locales/de/EX-001.po",
                       "locales/fr/EX-001.po", "products/ex-001.yaml", "schemas/brand.schema.json",
                       "schemas/product.schema.json"]
    assert (target / ".gitignore").read_text().splitlines()[-1] == "/output/"
    first = {name: (target / name).read_text(encoding="utf-8").splitlines()[0]
             for name in ("brand.yaml", "products/ex-001.yaml")}
    assert first == {"brand.yaml": "# yaml-language-server: $schema=schemas/brand.schema.json",
                     "products/ex-001.yaml":
                         "# yaml-language-server: $schema=../schemas/product.schema.json"}
    german = (target / "locales" / "de" / "EX-001.po").read_text(encoding="utf-8")
    assert 'msgctxt "EX-001|name"\nmsgid "Example Product"\nmsgstr "Beispielprodukt"' in german
    assert not (target / "locales" / "de" / "EX-001.yaml").exists()
    update = run_cli("i18n", "update", target)
    assert update.returncode == 0 and "delete" not in update.stdout + update.stderr
    for which, files in (("brand", ["brand.yaml"]), ("product", ["products/ex-001.yaml"])):
        check = subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile",
                                str(target / "schemas" / f"{which}.schema.json"),
                                *(str(target / f) for f in files)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout


def test_validate_notes_schemas_older_than_the_catalog(tmp_path):
    target = tmp_path / "shop"
    assert run_cli("init", target, "-q").returncode == 0
    brand = target / "brand.yaml"
    brand.write_text(brand.read_text(encoding="utf-8").replace(
        "manufacturer:", "  amazon-us:\n    name: Amazon.com\n    support:\n"
        "      url: \"https://support.example.com/us/{sku}\"\nmanufacturer:"), encoding="utf-8")
    result = run_cli("validate", target)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "note: schemas/product.schema.json no longer match the catalog's marketplaces, locales "
        f"or layouts; renew them with `insertgen schema --catalog {target} --write`"]
    renewed = run_cli("schema", "--write", cwd=target / "products")
    assert renewed.stdout.splitlines() == ["wrote ../schemas/brand.schema.json",
                                           "wrote ../schemas/product.schema.json"]
    assert run_cli("validate", target).stderr == ""
    product = json.loads((target / "schemas" / "product.schema.json").read_text(encoding="utf-8"))
    assert product["$defs"]["Document"]["properties"]["marketplace"]["enum"] == ["amazon-eu",
                                                                                 "amazon-us"]
