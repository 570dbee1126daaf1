"""The package as a maintainer would publish it: a licence file and an SPDX expression,
classifiers and project URLs, no exact pins, and every data folder packaged without a
setuptools warning (a folder with a Python-name of its own must be listed in `packages`)."""

from __future__ import annotations

import tomllib

from conftest import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_licence_is_an_spdx_expression_with_its_file():
    project = PROJECT["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    assert not [c for c in project["classifiers"] if c.startswith("License ::")], \
        "PEP 639: the expression replaces licence classifiers"
    assert any(r.startswith("setuptools>=77") for r in PROJECT["build-system"]["requires"])


def test_metadata_a_package_index_shows():
    project = PROJECT["project"]
    assert {"Homepage", "Source", "Issues", "Documentation"} <= set(project["urls"])
    assert all(url.startswith("https://") for url in project["urls"].values())
    python = {c.rsplit(" ", 1)[-1] for c in project["classifiers"]
              if c.startswith("Programming Language :: Python :: 3.")}
    assert "3.11" in python and project["requires-python"] == ">=3.11"


def test_dependencies_are_ranges():
    for requirement in PROJECT["project"]["dependencies"]:
        assert "==" not in requirement, requirement
        assert ">=" in requirement, requirement
    weasyprint = next(r for r in PROJECT["project"]["dependencies"] if r.startswith("weasyprint"))
    assert weasyprint == "weasyprint>=70.0,<71"


def test_every_data_folder_with_a_python_name_is_a_listed_package():
    setuptools = PROJECT["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    folders = {package: ROOT / folder for package, folder in setuptools["package-dir"].items()}
    missing = []
    for package in ("generator.layouts", "generator.locales"):
        base = folders[package]
        for folder in sorted(p for p in base.rglob("*") if p.is_dir()):
            parts = folder.relative_to(base).parts
            has_files = any(child.is_file() for child in folder.iterdir())
            if has_files and all(part.isidentifier() for part in parts):
                name = ".".join((package, *parts))
                if name not in listed:
                    missing.append(name)
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"
