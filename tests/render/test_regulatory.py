"""Regulatory content of manuals as data: radio declarations (EU RED, UKCA, FCC Part 15) for
products with a radio, statutory warranty notices per market, battery disposal texts that
depend on whether the battery is removable, and spec values formatted per locale, all read
back from the built PDFs."""

from __future__ import annotations

import json
import re
import shutil

import pypdfium2 as pdfium
import pytest
import yaml
from conftest import FIXTURES, ROOT, pdf_text, run_cli

RADIO = FIXTURES / "radio"
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture(scope="module")
def radio_out(tmp_path_factory):
    """One build of the radio catalog: its output folder."""
    out = tmp_path_factory.mktemp("radio")
    result = run_cli("build", RADIO, "--out", out, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def radio(radio_out):
    """The PDF text of each document of the build, by path (spaces and line ends as one space)."""
    documents = json.loads((radio_out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert all(d["status"] == "ok" for d in documents), documents
    return {d["path"]: re.sub(r"[ \r\n\t]+", " ", pdf_text(radio_out / d["path"]))
            for d in documents}


def test_callout_labels_hang_after_their_number(radio_out):
    """A label that wraps continues under its first word, not under the number."""
    pdf = pdfium.PdfDocument(str(radio_out / "TS-SPK/TS-SPK_manual_de.pdf"))
    try:
        page = next(p for p in pdf if "Lautstärketasten" in p.get_textpage().get_text_range())
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        starts = [textpage.get_charbox(text.index(word))[0]
                  for word in ("Lautstärketasten", "halten, um", "überspringen)")]
        number = textpage.get_charbox(text.index("1\r\nLautstärketasten")
                                      if "1\r\nLautstärketasten" in text
                                      else text.index("1 Lautstärketasten"))[0]
    finally:
        pdf.close()
    assert max(starts) - min(starts) < 0.5, starts  # three lines, one left edge
    assert starts[0] - number > 8, (number, starts)  # the number sits in the indent


def test_spec_values_use_the_locales_numbers(radio):
    german, french = radio["TS-SPK/TS-SPK_manual_de.pdf"], radio["TS-SPK/TS-SPK_manual_fr.pdf"]
    assert f"Spielzeit 3,5{NBSP}h (hohe Lautstärke) bis 12{NBSP}h (niedrige Lautstärke)" in german
    assert f"Li-Ionen 3,7{NBSP}V, 5.200{NBSP}mAh" in german
    assert f"Gewicht 0,35{NBSP}kg" in german
    assert f"Autonomie 3,5{NNBSP}h (volume élevé) à 12{NNBSP}h (volume faible)" in french
    assert f"Li-ion 3,7{NNBSP}V, 5{NNBSP}200{NNBSP}mAh" in french
    english = radio["TS-SPK/TS-SPK_manual-us_en.pdf"]
    assert f"Playing time 3.5{NBSP}h (high volume) to 12{NBSP}h (low volume)" in english
    assert f"Li-ion 3.7{NBSP}V, 5,200{NBSP}mAh" in english
    assert f"Light output 250{NBSP}lm" in radio["TS-TRC/TS-TRC_manual_en.pdf"]


def test_fcc_statement_for_a_us_product_with_a_radio(radio):
    us = (radio["TS-SPK/TS-SPK_manual-us_en.pdf"])
    assert "FCC statement This device complies with part 15 of the FCC Rules." in us
    assert us.index("radio/TV technician for help.") < us.index("FCC ID: 2ABCD-PS5")
    assert "Class B digital device" in us and "could void the user’s authority" in us
    assert "2014/53/EU" not in us and "Radio Equipment Regulations 2017" not in us
    # A product without a radio on the same marketplace prints no radio block.
    torch = radio["TS-TRC/TS-TRC_manual_en.pdf"]
    assert "FCC" not in torch and "Safety and legal information" not in torch


def test_red_for_the_eu_and_ukca_for_the_uk(radio):
    german = (radio["TS-SPK/TS-SPK_manual_de.pdf"])
    assert ("Funkanlagen (EU) Hiermit erklärt Testa GmbH, dass der Funkanlagentyp PS-5 der "
            "Richtlinie 2014/53/EU entspricht. Der vollständige Text der EU-Konformitätserklärung "
            "ist unter der folgenden Internetadresse verfügbar: https://testa.example/doc/TS-SPK") in german
    assert f"2.400–2.483,5{NBSP}MHz (8,5{NBSP}dBm)" in german
    french = (radio["TS-SPK/TS-SPK_manual_fr.pdf"])
    assert "conforme à la directive 2014/53/UE" in french
    assert f"2{NNBSP}400–2{NNBSP}483,5{NNBSP}MHz (8,5{NNBSP}dBm)" in french
    uk = (radio["TS-SPK/TS-SPK_manual-uk_en.pdf"])
    assert ("Radio equipment (UK) Hereby, Testa GmbH declares that the radio equipment type PS-5 "
            "is in compliance with the Radio Equipment Regulations 2017.") in uk
    assert "Responsible person in the UK: Testa UK Ltd" in uk
    assert "2014/53/EU" not in uk and "FCC" not in german + uk


def test_built_in_battery_text_depends_on_the_product(radio):
    speaker = (radio["TS-SPK/TS-SPK_manual_de.pdf"])
    assert ("Batterien Dieses Produkt enthält einen fest eingebauten Akku, der nicht vom Benutzer "
            "entnommen werden kann. Versuchen Sie nicht, das Produkt zu öffnen") in speaker
    assert "Entnehmen Sie die Batterie" not in speaker
    torch = (radio["TS-TRC/TS-TRC_manual-de_de.pdf"])
    assert "Entnehmen Sie die Batterie, bevor Sie das Produkt entsorgen" in torch
    assert "fest eingebauten Akku" not in torch
    uk = (radio["TS-SPK/TS-SPK_manual-uk_en.pdf"])
    assert "This product contains a built-in battery that cannot be removed by the user." in uk
    assert "Remove the battery" not in uk


def test_statutory_warranty_notice_per_market(radio):
    texts = radio
    assert ("One year from purchase. This warranty gives you specific legal rights, and you may "
            "also have other rights which vary from state to state.") in texts["TS-TRC/TS-TRC_manual_en.pdf"]
    german = texts["TS-SPK/TS-SPK_manual_de.pdf"]
    assert "Diese Garantie gilt zusätzlich zu Ihren gesetzlichen Rechten" in german
    assert "Consumer Rights Act 2015" in texts["TS-SPK/TS-SPK_manual-uk_en.pdf"]
    assert "state to state" not in texts["TS-SPK/TS-SPK_manual-uk_en.pdf"]
    # The product's terms for the US replace its general ones there, and only there.
    us = texts["TS-SPK/TS-SPK_manual-us_en.pdf"]
    assert ("Warranty One-year limited warranty from the date of purchase. If anything is wrong, "
            "contact us first.") in us
    assert us.index("contact us first.") < us.index("This warranty gives you specific legal rights")
    assert "Two years from purchase" not in us
    assert "Two years from purchase" in texts["TS-SPK/TS-SPK_manual-uk_en.pdf"]
    assert "Zwei Jahre ab Kaufdatum" in german and "Eingeschränkte Garantie" not in german


def test_every_block_has_its_text_in_every_manual_locale_of_the_example():
    """The example catalog's manuals are in these locales; each block's heading and every
    paragraph have a text of their own in each (none falls back to English)."""
    manual_locales = set()
    for path in (ROOT / "examples/catalog/products").glob("*.yaml"):
        for doc in yaml.safe_load(path.read_text(encoding="utf-8"))["documents"]:
            if doc["layout"].startswith("manual"):
                manual_locales |= set(doc["locales"])
    assert {"en", "de", "fr", "it", "es", "ar", "ja"} <= manual_locales
    table = yaml.safe_load((ROOT / "generator/data/regulations.yaml").read_text(encoding="utf-8"))
    for name, rule in table.items():
        for texts in [rule.get("heading", {}), *(p["text"] for p in rule.get("paragraphs", []))]:
            if texts:
                assert manual_locales <= set(texts), (name, manual_locales - set(texts))


def _validate_edited(tmp_path, *edits: tuple[str, str]) -> list[str]:
    """``insertgen validate`` on a copy of the radio catalog with ``edits`` (old, new) made to
    its speaker: it must fail; the lines it printed."""
    catalog = tmp_path / "radio"
    shutil.copytree(RADIO, catalog)
    product = catalog / "products/speaker.yaml"
    text = product.read_text(encoding="utf-8")
    for old, new in edits:
        text = text.replace(old, new)
    product.write_text(text, encoding="utf-8")
    result = run_cli("validate", catalog)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    return result.stderr.splitlines()


def test_bad_new_fields_name_their_file_and_line(tmp_path):
    lines = _validate_edited(
        tmp_path,
        ("battery: {removable: false, chemistry: li-ion}", "battery: {removeable: false}"),
        ("fcc_id: 2ABCD-PS5", 'fcc_id: "fcc id"'),
        ('"{high} (high volume) to {low} (low volume)"', '"{high} to {lowest}"'),
        ("capacity: {value: 5200, symbol: mAh}",
         "capacity: {value: 5200, symbol: mAh, unit: electric-volt}"))
    assert ("products/speaker.yaml:5:11: battery.removeable: expected one of the keys removable, "
            "chemistry, got unknown key 'removeable' (did you mean 'removable'?)") in lines
    assert ("products/speaker.yaml:10:11: radio.fcc_id: expected an FCC ID: a grantee code of 3 or "
            "5 characters and a product code, such as 2ABCD-PS5, got \"fcc id\"") in lines
    assert ("products/speaker.yaml:37:14: manual.specs[0].value: expected a quantity for every "
            "{name} in the text, none for {lowest}, got \"{high} to {lowest}\"") in lines
    assert ("products/speaker.yaml:45:41: manual.specs[1].quantities.capacity.symbol: expected "
            "either unit (electric-volt) or symbol, not both, got \"mAh\"") in lines


def test_warranty_terms_name_known_marketplaces(tmp_path):
    lines = _validate_edited(tmp_path, ("- marketplaces: [amazon-us]", "- marketplaces: [amazon-com]"))
    assert ("products/speaker.yaml:50:22: manual.warranties[0].marketplaces[0]: expected a "
            "marketplace of brand.yaml (amazon-de, amazon-uk, amazon-us), got \"amazon-com\"") in lines


def test_a_radio_block_requires_its_product_fields(tmp_path):
    lines = _validate_edited(tmp_path, ('  declaration_url: "https://testa.example/doc/{sku}"\n', ""))
    # The place is the document that needs the block (its marketplace), the field the one missing.
    assert ("products/speaker.yaml:14:18: radio.declaration_url: eu-red (Radio equipment (EU)) "
            "on amazon-de requires radio.declaration_url in the product file, got nothing") in lines
    assert ("products/speaker.yaml:18:18: radio.declaration_url: ukca (Radio equipment (UK)) "
            "on amazon-uk requires radio.declaration_url in the product file, got nothing") in lines
