"""The other commands: init, doctor, schema, usage errors."""

from __future__ import annotations

import json

from conftest import run_cli


def test_init_scaffolds_a_valid_catalog(tmp_path):
    target = tmp_path / "mybrand"
    result = run_cli("init", target)
    assert result.returncode == 0, result.stderr
    assert (target / "brand.yaml").is_file()
    check = run_cli("validate", target)
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == f"{target}: 1 product(s), catalog is valid"
    again = run_cli("init", target)
    assert again.returncode == 2
    assert "expected an empty or new folder" in again.stderr


def test_init_then_build_one_card_with_a_json_summary(tmp_path):
    target = tmp_path / "brand"
    assert run_cli("init", target).returncode == 0
    out = tmp_path / "out"
    result = run_cli("build", target, "--out", out, "--locale", "de", "--quiet", "--format", "json")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert [d["path"] for d in manifest["documents"]] == ["EX-001/EX-001_card-a6_de.pdf"]
    assert (out / "EX-001/EX-001_card-a6_de.pdf").stat().st_size > 10_000
    summary = json.loads(result.stdout)
    assert {k: summary[k] for k in ("documents", "ok", "failed", "exit_code")} == {
        "documents": 1, "ok": 1, "failed": 0, "exit_code": 0}
    assert summary["manifest"] == str(out / "manifest.json")
    [entry] = summary["files"]
    assert entry["path"] == "EX-001/EX-001_card-a6_de.pdf" and entry["status"] == "ok"
    assert entry["pages"] == 2 and entry["locales"] == ["de"]
    assert entry["bytes"] == (out / entry["path"]).stat().st_size
    assert entry["findings"] == {"error": 0, "warning": 0, "info": 0}, "the German PO file is complete"


def test_doctor_reports_each_locale():
    result = run_cli("doctor")
    lines = result.stdout.splitlines()
    assert any(line.startswith("ok    HarfBuzz subsetting") for line in lines)
    assert "ok    ja (Jpan): Noto Sans CJK JP / Noto Sans" in lines
    assert "ok    ar (Arab): Noto Sans Arabic / Noto Sans" in lines
    assert result.returncode == 0


def test_unknown_product_filter_is_a_usage_error(sample, tmp_path):
    result = run_cli("build", sample, "--out", tmp_path / "o", "--product", "NOPE")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        'error: --product NOPE: expected one of TS-CLK, TS-FAN, got "NOPE"')


def test_missing_catalog_is_a_clear_error(tmp_path):
    result = run_cli("build", tmp_path / "nothing", "--out", tmp_path / "o")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "expected a catalog folder with brand.yaml" in result.stderr
