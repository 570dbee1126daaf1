"""A deliberately broken catalog: every problem reported at once, with its exact place."""

from __future__ import annotations

import json
import shutil

from conftest import FIXTURES, run_cli


def test_broken_brand_reports_every_problem(tmp_path):
    catalog = tmp_path / "broken"
    shutil.copytree(FIXTURES / "broken", catalog)
    result = run_cli("validate", catalog)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "brand.yaml:1:1: colors: expected a value (this field is required), got nothing",
        "brand.yaml:2:1: colours: expected one of the keys name, logo, colors, source_locale, "
        "locales, marketplaces, manufacturer, profile, output_intent, colour_conversion, "
        "compliance_profile, domains, allow, "
        "responsible_persons, fallbacks, stale_translations, "
        "got unknown key 'colours' (did you mean 'colors'?)",
        'brand.yaml:11:12: marketplaces.amazon-de.support.url: expected an https:// URL, got '
        '"http://support.example/{sku}"',
        'brand.yaml:12:14: marketplaces.amazon-de.support.phone: expected a phone number in E.164 '
        'form such as +4930123456, got "call us"',
        'brand.yaml:14:18: marketplaces.amazon-de.support.hours[0].days: expected a day or a range '
        'of days such as mon-fri or sat, got "mon-fry"',
        'brand.yaml:14:33: marketplaces.amazon-de.support.hours[0].open: expected a time of day as '
        'HH:MM such as 09:00, got "9:00"',
        "error: the brand file is invalid",
    ]


def test_broken_product_reports_every_problem(tmp_path):
    catalog = tmp_path / "broken"
    shutil.copytree(FIXTURES / "sample", catalog)
    shutil.copy(FIXTURES / "broken" / "products" / "lamp.yaml", catalog / "products" / "lamp.yaml")
    result = run_cli("validate", catalog)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "products/lamp.yaml:1:1: model: expected a value (this field is required), got nothing",
        "products/lamp.yaml:8:3: card.tipps: expected one of the keys headline, message, tips, "
        "got unknown key 'tipps' (did you mean 'tips'?)",
        "error: 2 errors in the catalog",
    ]


def test_cross_file_references(tmp_path):
    catalog = tmp_path / "refs"
    shutil.copytree(FIXTURES / "sample", catalog)
    lamp = (FIXTURES / "broken" / "products" / "lamp.yaml").read_text()
    lamp = lamp.replace("name: Lamp", "name: Lamp\nmodel: L-1").replace("tipps", "tips")
    lamp = lamp.replace("amazon-de", "amazon-dee")
    (catalog / "products" / "lamp.yaml").write_text(lamp)
    result = run_cli("validate", catalog, "--format", "json")
    assert result.returncode == 2
    found = [(f["line"], f["column"], f["field"], f["message"]) for f in json.loads(result.stdout)]
    assert found == [
        (5, 13, "documents[0].layout", 'expected one of the layouts card-4x6, card-85x55, card-a6, '
         'card-eu-multi, manual-a5, manual-a6, manual-half-letter, got "card-a7" (did you mean '
         '\'card-a6\'?)'),
        (7, 18, "documents[0].marketplace", 'expected a marketplace of brand.yaml (amazon-de), got '
         '"amazon-dee" (did you mean \'amazon-de\'?)'),
    ]


def test_yaml_syntax_error_names_line(tmp_path):
    catalog = tmp_path / "syntax"
    shutil.copytree(FIXTURES / "sample", catalog)
    (catalog / "products" / "bad.yaml").write_text("sku: X\nname: [unclosed\n")
    result = run_cli("validate", catalog)
    assert result.returncode == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith("products/bad.yaml:3:1: expected valid YAML, got a syntax error")


def test_schema_is_json_schema():
    result = run_cli("schema", "product")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "Product"
    assert schema["additionalProperties"] is False
    assert {"sku", "name", "model", "documents", "card"} <= set(schema["properties"])
