"""`check --format sarif`: valid against the OASIS SARIF 2.1.0 schema (checked by
check-jsonschema) and complete as GitHub code scanning asks (rule metadata with help, a region
on every result, fingerprints, automation details, repository-relative uris)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli

SARIF_SCHEMA = FIXTURES / "schemas" / "sarif-schema-2.1.0.json"
CHECK_JSONSCHEMA = [sys.executable, "-m", "check_jsonschema"]


def check_jsonschema(schema: Path, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*CHECK_JSONSCHEMA, "--schemafile", str(schema), *map(str, files)],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> dict[str, tuple[Path, dict]]:
    """SARIF of a catalog with review wording (errors and warnings) and of the sample catalog
    (fallback warnings, which have a file and no line)."""
    folder = tmp_path_factory.mktemp("sarif")
    out = {}
    for name in ("solicit", "sample"):
        result = run_cli("check", FIXTURES / name, "--format", "sarif")
        assert result.returncode in (0, 1), result.stderr
        path = folder / f"{name}.sarif"
        path.write_text(result.stdout, encoding="utf-8")
        out[name] = path, json.loads(result.stdout)
    return out


def test_sarif_is_valid_against_the_oasis_schema(logs):
    result = check_jsonschema(SARIF_SCHEMA, *(path for path, _ in logs.values()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_the_schema_check_catches_a_broken_log(logs, tmp_path):
    """The check above is not vacuous: a result without a message fails it."""
    _, log = logs["solicit"]
    broken = json.loads(json.dumps(log))
    del broken["runs"][0]["results"][0]["message"]
    (tmp_path / "broken.sarif").write_text(json.dumps(broken), encoding="utf-8")
    result = check_jsonschema(SARIF_SCHEMA, tmp_path / "broken.sarif")
    assert result.returncode == 1
    assert "'message' is a required property" in result.stdout


@pytest.mark.parametrize("name", ["solicit", "sample"])
def test_every_rule_has_what_github_requires(logs, name):
    run = logs[name][1]["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert rules and len({r["id"] for r in rules}) == len(rules)
    for rule in rules:
        for key in ("shortDescription", "fullDescription", "help"):
            assert rule[key]["text"].strip(), (rule["id"], key)
        assert rule["helpUri"].startswith("https://")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    used = {r["ruleId"] for r in run["results"]}
    assert used == {r["id"] for r in rules}, "a rule for every rule id used, and no other"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


@pytest.mark.parametrize("name", ["solicit", "sample"])
def test_every_result_has_what_github_requires(logs, name):
    run = logs[name][1]["runs"][0]
    assert run["results"]
    for result in run["results"]:
        assert result["ruleId"] and result["message"]["text"].strip()
        [location] = result["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:")) and ":" not in uri.split("/")[0], uri
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert (ROOT / uri).is_file(), f"{uri} is a file of the repository"
        assert physical["region"]["startLine"] >= 1
        [fingerprint] = result["partialFingerprints"].values()
        assert len(fingerprint) > 20
    assert len({tuple(r["partialFingerprints"].items()) for r in run["results"]}) == len(run["results"])


def test_uris_are_relative_to_the_repository_root(logs):
    run = logs["solicit"][1]["runs"][0]
    result = next(r for r in run["results"] if r["ruleId"] == "en.review-for-benefit")
    assert result["level"] == "warning"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "tests/fixtures/solicit/products/kettle.yaml",
                                            "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 14, "startColumn": 12}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.resolve().as_uri() + "/"
    assert run["automationDetails"] == {"id": "insertgen/check/tests/fixtures/solicit/"}
    rule = run["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert rule["shortDescription"]["text"] == "A benefit offered for a review"
    assert rule["helpUri"].endswith("#compliance-no-review-solicitation-in-any-language")


def test_a_finding_without_a_line_or_a_file_points_at_line_1(logs):
    """Fallbacks name the translator's file, with no line; one that is not written yet is a
    related location, and the alert sits on the brand file that declares the locale."""
    run = logs["sample"][1]["runs"][0]
    fallbacks = [r for r in run["results"] if r["ruleId"] == "i18n.fallback"]
    assert fallbacks
    for result in fallbacks:
        physical = result["locations"][0]["physicalLocation"]
        assert physical["region"] == {"startLine": 1}
        if "relatedLocations" in result:
            [related] = result["relatedLocations"]
            missing = related["physicalLocation"]["artifactLocation"]["uri"]
            assert not (ROOT / missing).exists()
            assert physical["artifactLocation"]["uri"] == "tests/fixtures/sample/brand.yaml"
    assert any("relatedLocations" in r for r in fallbacks)


def test_fingerprints_do_not_depend_on_lines_or_the_working_directory(tmp_path):
    """Two blank lines at the top of a product move its findings down; the alerts keep their
    fingerprints. Run from inside the catalog, the uris are the same."""
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "solicit", repo / "shop")
    (repo / ".git").mkdir()
    before = json.loads(run_cli("check", "shop", "--format", "sarif", cwd=repo).stdout)
    kettle = repo / "shop" / "products" / "kettle.yaml"
    kettle.write_text("\n\n" + kettle.read_text(encoding="utf-8"), encoding="utf-8")
    after = json.loads(run_cli("check", "..", "--format", "sarif", cwd=repo / "shop" / "products").stdout)

    def prints(log):
        return {r["partialFingerprints"]["insertgenFinding/v1"]:
                (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                 r["locations"][0]["physicalLocation"]["region"]["startLine"])
                for r in log["runs"][0]["results"]}

    old, new = prints(before), prints(after)
    assert set(old) == set(new)
    moved = [fp for fp, (uri, _) in old.items() if uri == "shop/products/kettle.yaml"]
    assert moved
    for fp in old:
        assert new[fp][0] == old[fp][0]
        assert new[fp][1] == old[fp][1] + (2 if fp in moved else 0)
    assert after["runs"][0]["automationDetails"]["id"] == "insertgen/check/shop/"


def test_every_finding_code_has_a_description():
    """Each code the package can emit is described by its own entry or its family's."""
    import re

    from generator.findings import _code_texts, describe

    codes = set()
    for path in (ROOT / "generator").rglob("*.py"):
        codes |= set(re.findall(r'code="([a-z0-9]+\.[a-z0-9_.-]+)"', path.read_text("utf-8")))
    assert len(codes) > 30
    families = set(_code_texts()["families"])
    assert {c.split(".", 1)[0] for c in codes} <= families
    for code in codes:
        text = describe(code)
        assert text["short"] and text["full"] and text["help"] and text["anchor"]
