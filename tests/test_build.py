"""End to end: the CLI builds the sample catalog into PDFs and a manifest."""

from __future__ import annotations

import hashlib

from conftest import document

EXPECTED = [
    "TS-CLK/TS-CLK_card-4x6_en.pdf",
    "TS-CLK/TS-CLK_card-85x55_en.pdf",
    "TS-CLK/TS-CLK_email_en.pdf",
    "TS-FAN/TS-FAN_card-a6_ar.pdf",
    "TS-FAN/TS-FAN_card-a6_de.pdf",
    "TS-FAN/TS-FAN_card-a6_en.pdf",
    "TS-FAN/TS-FAN_card-a6_ja.pdf",
    "TS-FAN/TS-FAN_card-eu-multi_en-de-fr-it-es.pdf",
]


def test_every_document_is_built_and_described(built):
    out, manifest, result = built
    assert sorted(d["path"] for d in manifest["documents"]) == EXPECTED
    for entry in manifest["documents"]:
        data = (out / entry["path"]).read_bytes()
        assert entry["status"] == "ok"
        assert entry["pages"] == 2
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["pdf_variant"] == (None if entry["document"] == "email" else "pdf/x-4")
        assert data.startswith(b"%PDF-")
    assert "built 8 of 8 documents" in result.stderr


def test_manifest_fields(built):
    _, manifest, _ = built
    entry = document(manifest, "TS-FAN/TS-FAN_card-eu-multi_en-de-fr-it-es.pdf")
    assert entry["sku"] == "TS-FAN"
    assert entry["document"] == "card-eu-multi"
    assert entry["layout"] == "card-eu-multi"
    assert entry["locales"] == ["en", "de", "fr", "it", "es"]
    assert entry["trim_mm"] == [105.0, 148.0]
    assert entry["bleed_mm"] == 3.0
    clock = document(manifest, "TS-CLK/TS-CLK_card-4x6_en.pdf")
    assert clock["trim_mm"] == [101.6, 152.4]
    assert clock["bleed_mm"] == 3.175


def test_fallback_warning_names_product_locale_and_field(built):
    _, manifest, result = built
    # fr has no translation file for TS-FAN: the EU card falls back to English for it.
    entry = document(manifest, "TS-FAN/TS-FAN_card-eu-multi_en-de-fr-it-es.pdf")
    fallbacks = [f for f in entry["findings"] if f["code"] == "i18n.fallback" and f["locale"] == "fr"]
    assert fallbacks and fallbacks[0]["sku"] == "TS-FAN"
    assert fallbacks[0]["message"] == (
        "no fr translation file for TS-FAN; name, card.tips[0], card.tips[1] use the en text")
    assert ("locales/fr/TS-FAN.po: no fr translation file for TS-FAN; name, card.tips[0], "
            "card.tips[1] use the en text [warning]") in result.stderr
