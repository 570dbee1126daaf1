"""The JSON Schema is as strict as `insertgen validate` where JSON Schema can say it: the real
check-jsonschema accepts the example catalogs and rejects each planted mistake, which
`validate` rejects too."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT, run_cli

from generator.catalog import json_schemas, load_catalog
from generator.findings import CatalogError

SAMPLE = FIXTURES / "sample"
CATALOGS = {"sample": SAMPLE, "manual": FIXTURES / "manual", "example": ROOT / "examples" / "catalog"}


def check_jsonschema(schema: Path, files: list[Path]) -> dict:
    """check-jsonschema's JSON report: ``status`` (``ok`` or ``fail``) and ``errors`` (file,
    path, message)."""
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "-o", "JSON",
                             "--schemafile", str(schema), *map(str, files)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return json.loads(result.stdout)


def schema_file(tmp_path: Path, which: str, catalog: Path | None) -> Path:
    """What `insertgen schema WHICH [--catalog CATALOG]` prints, in a file."""
    path = tmp_path / f"{which}-{catalog.name if catalog else 'generic'}.schema.json"
    path.write_text(json.dumps(json_schemas(catalog)[which]), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", list(CATALOGS))
@pytest.mark.parametrize("own", [True, False], ids=["catalog-schema", "generic-schema"])
def test_the_example_catalogs_pass(tmp_path, name, own):
    catalog = CATALOGS[name]
    brand = check_jsonschema(schema_file(tmp_path, "brand", catalog if own else None),
                             [catalog / "brand.yaml"])
    products = sorted((catalog / "products").glob("*.yaml"))
    product = check_jsonschema(schema_file(tmp_path, "product", catalog if own else None), products)
    assert brand["status"] == "ok", brand["errors"]
    assert product["status"] == "ok", product["errors"]
    assert len(products) >= 1


# --- planted mistakes -----------------------------------------------------------------------

def _support(data):
    return data["marketplaces"]["amazon-de"]["support"]


BRAND_MISTAKES = {
    "profile print-x3": lambda d: d.update(profile="print-x3"),
    "phone 'call us'": lambda d: _support(d).update(phone="call us"),
    "http support URL": lambda d: _support(d).update(url="http://support.testa.example/{sku}"),
    "unknown URL placeholder": lambda d: _support(d).update(url="https://s.testa.example/{product}"),
    "locale 'english'": lambda d: d.update(locales=["en", "english"]),
    "key 'colours'": lambda d: d.update(colours=d.pop("colors")),
    "e-mail without @": lambda d: _support(d).update(email="help at testa.example"),
    "time 9am": lambda d: _support(d)["hours"][0].update(open="9am"),
    "day 'monday'": lambda d: _support(d)["hours"][0].update(days="monday"),
    "time zone 'Berlin'": lambda d: _support(d).update(timezone="Berlin"),
    "cmyk over 100": lambda d: d["colors"]["primary"].update(cmyk=[100, 50, 0, 120]),
    "rgb 'blue'": lambda d: d["colors"]["primary"].update(rgb="blue"),
    "regulation 'eu-gspr'": lambda d: d["marketplaces"]["amazon-de"].update(regulations=["eu-gspr"]),
    "country 'Germany'": lambda d: d["manufacturer"].update(country="Germany"),
    "marketplace key 'Amazon DE'": lambda d: d["marketplaces"].update(
        {"Amazon DE": d["marketplaces"].pop("amazon-de")}),
    "compliance profile 'lenient'": lambda d: d.update(compliance_profile="lenient"),
    "absolute logo path": lambda d: d.update(logo="/etc/logo.svg"),
    "no marketplaces": lambda d: d.update(marketplaces={}),
}

PRODUCT_MISTAKES = {
    "layout card-a7": lambda d: d["documents"][0].update(layout="card-a7"),
    "GTIN of 5 digits": lambda d: d.update(identifiers={"gtin": "12345"}),
    "unknown marketplace": lambda d: d["documents"][0].update(marketplace="amazon-uk"),
    "locale 'english'": lambda d: d["documents"][0].update(locales=["en", "english"]),
    "locale the brand does not sell": lambda d: d["documents"][0].update(locales=["en", "nl"]),
    "locale twice": lambda d: d["documents"][0].update(locales=["en", "en"]),
    "five tips": lambda d: d["card"].update(tips=["Tip."] * 5),
    "six locales on card-eu-multi": lambda d: d["documents"][1].update(
        locales=["en", "de", "fr", "it", "es", "ja"]),
    "combined card": lambda d: d["documents"][0].update(edition="combined"),
    "manual layout without a manual": lambda d: d["documents"][0].update(layout="manual-a6"),
    "SKU with a space": lambda d: d.update(sku="TS FAN"),
    "warranty of 40 years": lambda d: d.update(warranty_years=40),
    "ASIN 'B0'": lambda d: d.update(identifiers={"asin": "B0"}),
    "document profile 'print'": lambda d: d["documents"][0].update(profile="print"),
    "key 'tip' in card": lambda d: d["card"].update(tip="One tip."),
}


def _planted(tmp_path: Path, source: Path, mistakes: dict) -> dict[str, Path]:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    files = {}
    for index, (name, plant) in enumerate(mistakes.items()):
        changed = copy.deepcopy(data)
        plant(changed)
        path = tmp_path / f"{source.stem}-{index:02d}.yaml"
        path.write_text(yaml.safe_dump(changed, allow_unicode=True, sort_keys=False), encoding="utf-8")
        files[name] = path
    return files


@pytest.mark.parametrize("which, source, mistakes", [
    ("brand", SAMPLE / "brand.yaml", BRAND_MISTAKES),
    ("product", SAMPLE / "products" / "fan.yaml", PRODUCT_MISTAKES),
], ids=["brand", "product"])
def test_the_schema_rejects_every_planted_mistake(tmp_path, which, source, mistakes):
    files = _planted(tmp_path, source, mistakes)
    report = check_jsonschema(schema_file(tmp_path, which, SAMPLE), list(files.values()))
    failed = {Path(e["filename"]).name for e in report["errors"]}
    passed = [name for name, path in files.items() if path.name not in failed]
    assert not passed, f"the schema accepts: {passed}"
    assert len(failed) == len(mistakes) >= 15


@pytest.mark.parametrize("which, mistakes", [("brand", BRAND_MISTAKES), ("product", PRODUCT_MISTAKES)],
                         ids=["brand", "product"])
def test_validate_rejects_every_planted_mistake_too(tmp_path, which, mistakes):
    """The same mistakes, planted in a copy of the catalog: none passes `validate`."""
    target = "brand.yaml" if which == "brand" else "products/fan.yaml"
    data = yaml.safe_load((SAMPLE / target).read_text(encoding="utf-8"))
    passed = []
    for index, (name, plant) in enumerate(mistakes.items()):
        catalog = tmp_path / f"c{index}"
        shutil.copytree(SAMPLE, catalog)
        changed = copy.deepcopy(data)
        plant(changed)
        (catalog / target).write_text(yaml.safe_dump(changed, allow_unicode=True, sort_keys=False),
                                      encoding="utf-8")
        try:
            load_catalog(catalog)
        except CatalogError:
            continue
        passed.append(name)
    assert not passed, f"validate accepts: {passed}"


def test_what_stays_with_validate(tmp_path):
    """A GTIN with a wrong check digit has the right form: the schema lets it through,
    `validate` does not (JSON Schema cannot add up digits)."""
    files = _planted(tmp_path, SAMPLE / "products" / "fan.yaml",
                     {"check digit": lambda d: d.update(identifiers={"gtin": "4006381333932"})})
    report = check_jsonschema(schema_file(tmp_path, "product", SAMPLE), list(files.values()))
    assert report["status"] == "ok"
    catalog = tmp_path / "c"
    shutil.copytree(SAMPLE, catalog)
    shutil.copy(files["check digit"], catalog / "products" / "fan.yaml")
    with pytest.raises(CatalogError) as caught:
        load_catalog(catalog)
    assert [f.message for f in caught.value.findings if f.severity == "error"] == [
        'expected a GTIN/EAN with a valid check digit, got "4006381333932"']


def test_the_generic_schema_knows_the_built_in_lists():
    schema = json.loads(run_cli("schema", "product").stdout)
    document = schema["$defs"]["Document"]["properties"]
    assert document["layout"]["enum"] == ["card-4x6", "card-85x55", "card-a6", "card-eu-multi",
                                          "manual-a5", "manual-a6", "manual-half-letter"]
    assert "enum" not in document["marketplace"], "any marketplace key of brand.yaml"
    brand = json.loads(run_cli("schema", "brand").stdout)
    assert brand["properties"]["profile"]["enum"] == ["print-x4", "print-x1a", "screen"]
    assert brand["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_a_catalog_layout_joins_the_enum(catalog):
    shutil.copytree(ROOT / "layouts" / "card-a6", catalog / "layouts" / "promo-card")
    schema = json.loads(run_cli("schema", "product", "--catalog", catalog).stdout)
    assert "promo-card" in schema["$defs"]["Document"]["properties"]["layout"]["enum"]
