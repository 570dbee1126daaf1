"""The package layout keeps the pipeline's direction: import-linter's contracts hold, and a
planted import against the flow breaks them (so the check is not one that cannot fail)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command())"]


def _lint(cwd: Path, package_parent: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run([*LINT, "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def test_every_contract_is_kept():
    result = _lint(ROOT, ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken." in result.stdout


def test_an_import_against_the_flow_breaks_the_contracts(tmp_path):
    shutil.copytree(ROOT / "generator", tmp_path / "generator",
                    ignore=shutil.ignore_patterns("__pycache__", "rules", "data"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    models = tmp_path / "generator" / "catalog" / "models.py"
    models.write_text(models.read_text() + "\nfrom generator.render import pdf  # noqa\n")
    result = _lint(tmp_path, tmp_path)
    assert result.returncode == 1
    assert "The pipeline flows one way BROKEN" in result.stdout
    assert "generator.catalog.models -> generator.render.pdf" in result.stdout
    assert "No import cycles inside any package BROKEN" in result.stdout
