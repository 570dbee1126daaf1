"""The build prints the cleaned text, records every removal, and fails only what cannot be
cleaned: a required text left empty, a review link in the QR code, solicitation written into a
layout, and (the last gate) anything still found in the rendered PDF's text."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import FIXTURES, document, pdf_text, run_cli


@pytest.fixture(scope="module")
def solicit_build(tmp_path_factory):
    catalog = tmp_path_factory.mktemp("solicit") / "catalog"
    shutil.copytree(FIXTURES / "solicit", catalog)
    out = tmp_path_factory.mktemp("solicit-out")
    result = run_cli("build", catalog, "--out", out, "--jobs", "2")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return out, manifest, result


def test_what_is_built_and_what_fails(solicit_build):
    out, manifest, result = solicit_build
    assert result.returncode == 1
    status = {d["path"]: d["status"] for d in manifest["documents"]}
    assert status == {
        "SO-CLK/SO-CLK_card-a6_en.pdf": "ok",
        "SO-CLK/SO-CLK_promo-card_en.pdf": "failed",
        "SO-CLK/SO-CLK_gate-card_en.pdf": "failed",
        "SO-KTL/SO-KTL_card-a6_en.pdf": "ok",
        "SO-KTL/SO-KTL_card-a6_de.pdf": "ok",
        "SO-KTL/SO-KTL_us_en.pdf": "ok",
        "SO-LMP/SO-LMP_card-a6_en.pdf": "failed",
        "SO-LMP/SO-LMP_qr_en.pdf": "failed",
    }
    for path, state in status.items():
        assert (out / path).exists() == (state == "ok"), path


def test_the_pdf_has_the_cleaned_text(solicit_build):
    out, _, _ = solicit_build
    english = pdf_text(out / "SO-KTL/SO-KTL_card-a6_en.pdf")
    assert "Thanks for choosing the Solo kettle!" in english
    assert "Contact us first and we will replace it free of charge." in english
    assert "Change the filter every 90 days." in english
    assert "5-Star Chef Edition" in english  # allowed by the catalog's allow-list
    for gone in ("review", "Happy?", "descaler", "Mention"):
        assert gone not in english
    german = pdf_text(out / "SO-KTL/SO-KTL_card-a6_de.pdf")
    assert "wir ersetzen das Gerät kostenlos" in german
    assert "Wechseln Sie den Filter alle 90 Tage." in german
    for gone in ("Gutschein", "bewerten", "Rezension"):
        assert gone not in german


def test_neutral_allowed_marketplace_keeps_a_neutral_request(solicit_build):
    out, manifest, _ = solicit_build
    text = pdf_text(out / "SO-KTL/SO-KTL_us_en.pdf")
    assert "Please leave an honest review on Amazon." in text
    assert "5-star" not in text
    entry = document(manifest, "SO-KTL/SO-KTL_us_en.pdf")
    allowed = [f for f in entry["findings"] if f["action"] == "allowed"
               and f["field"] == "card.tips[1]"]
    assert allowed and allowed[0]["severity"] == "info"


def test_every_removal_is_recorded_with_its_place(solicit_build):
    _, manifest, _ = solicit_build
    entry = document(manifest, "SO-KTL/SO-KTL_card-a6_en.pdf")
    removed = {f["field"]: f for f in entry["findings"] if f["action"] == "removed"}
    assert set(removed) == {"card.headline", "card.message", "card.tips[1]", "card.tips[3]"}
    headline = removed["card.headline"]
    assert headline == {
        "code": "compliance.positive_only", "severity": "warning",
        "message": 'removed "Happy? Leave us a 5-star review on Amazon.": asks for a positive '
                   'review or a top rating (rule en.positive-review, matched "Happy? Leave us a '
                   '5-star")',
        "source": "products/kettle.yaml", "line": 13, "column": 13, "field": "card.headline",
        "category": "positive_only", "action": "removed", "sku": "SO-KTL", "locale": "en",
        "document": "SO-KTL/SO-KTL_card-a6_en.pdf", "marketplace": "amazon-de",
        "rule": "en.positive-review", "match": "Happy? Leave us a 5-star", "start": 37, "end": 61,
        "rules": headline["rules"],
        "before": "Thanks for choosing the Solo kettle! Happy? Leave us a 5-star review on Amazon.",
        "after": "Thanks for choosing the Solo kettle!",
    }
    assert {"en.positive-review", "en.happy-then-review"} <= set(headline["rules"])
    assert removed["card.tips[3]"]["category"] == "other"


def test_what_cannot_be_cleaned_fails_its_document(solicit_build):
    _, manifest, result = solicit_build
    lamp = document(manifest, "SO-LMP/SO-LMP_card-a6_en.pdf")
    assert [f["code"] for f in lamp["findings"] if f["severity"] == "error"] == ["compliance.emptied"]
    qr = document(manifest, "SO-LMP/SO-LMP_qr_en.pdf")
    [url] = [f for f in qr["findings"] if f["severity"] == "error" and f["source"] == "brand.yaml"]
    assert url["field"] == "marketplaces.review-qr.support.url" and url["category"] == "review_link"
    promo = document(manifest, "SO-CLK/SO-CLK_promo-card_en.pdf")
    [literal] = [f for f in promo["findings"] if f["severity"] == "error"]
    assert (literal["source"], literal["line"]) == ("layouts/promo-card/card.html.j2", 4)
    assert literal["category"] == "positive_only"


def test_the_pdf_gate_catches_what_no_earlier_stage_saw(solicit_build):
    _, manifest, result = solicit_build
    gate = document(manifest, "SO-CLK/SO-CLK_gate-card_en.pdf")
    [finding] = [f for f in gate["findings"] if f["severity"] == "error"]
    assert finding["code"] == "compliance.pdf.positive_only"
    assert finding["category"] == "positive_only"
    assert "Leave us a 5-star review on Amazon!" in finding["message"]
