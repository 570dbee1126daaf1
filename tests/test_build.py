"""End to end: the CLI builds the sample catalog into PDFs and a manifest."""

from __future__ import annotations

import hashlib
import json
import shutil

import pypdfium2 as pdfium
from conftest import SAMPLE_DOCUMENTS, document, manifest, pdf_text, run_cli

EXPECTED = SAMPLE_DOCUMENTS


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


# --- failed documents are kept for inspection, never for print ---------------------------------

FAILED_CARD = "TS-CLK/TS-CLK_card-4x6_en.pdf"


def test_a_failed_document_is_kept_marked_on_every_page_with_its_findings(rgb_built):
    _, out, entries, result = rgb_built
    entry = entries[FAILED_CARD]
    assert entry["status"] == "failed" and entry["sha256"] is None
    assert entry["failed_copy"] == "_failed/" + FAILED_CARD
    assert not (out / FAILED_CARD).exists()
    assert f"failed TS-CLK/TS-CLK_card-4x6_en.pdf (marked copy: _failed/{FAILED_CARD})" in result.stderr
    copy = out / entry["failed_copy"]
    sidecar = json.loads(copy.with_suffix(".json").read_text(encoding="utf-8"))
    assert sidecar == entry
    assert "preflight.text-size" in {f["code"] for f in sidecar["findings"]}
    pdf = pdfium.PdfDocument(str(copy))
    try:
        assert len(pdf) == 2
        for page in pdf:
            text = page.get_textpage().get_text_range()
            assert "FAILED \u2014 not for print: findings in TS-CLK_card-4x6_en.json" in text
            # The red band above the sheet, and the stamp across the trim.
            assert text.count("FAILED \u2014 not for print") == 2
            picture = page.render(scale=0.5).to_pil().convert("RGB")
            red, green, blue = picture.getpixel((picture.width // 2, 2))
            assert red > 200 and green < 80 and blue < 80
    finally:
        pdf.close()
    # Only documents that were built are listed ok; the good ones keep no failed copy.
    assert entries["TS-CLK/TS-CLK_card-85x55_en.pdf"]["status"] == "ok"
    assert not (out / "_failed/TS-CLK/TS-CLK_card-85x55_en.pdf").exists()


def test_a_later_good_build_removes_the_failed_copy(rgb_built, tmp_path):
    catalog, out, _, _ = rgb_built
    catalog = shutil.copytree(catalog, tmp_path / "catalog")
    out = shutil.copytree(out, tmp_path / "out")
    dial = catalog / "images" / "dial.svg"
    dial.write_text("\n".join(line for line in dial.read_text().splitlines() if "<text" not in line))
    result = run_cli("build", catalog, "--out", out, "--product", "TS-CLK")
    entry = manifest(out)[FAILED_CARD]
    assert entry["status"] == "ok" and "failed_copy" not in entry, result.stderr
    assert (out / FAILED_CARD).is_file()
    assert not (out / "_failed" / FAILED_CARD).exists()
    assert not (out / "_failed" / FAILED_CARD).with_suffix(".json").exists()
    assert "FAILED" not in pdf_text(out / FAILED_CARD)


def test_with_colour_conversion_off_rgb_artwork_fails_at_its_place(rgb_built, tmp_path):
    catalog = shutil.copytree(rgb_built[0], tmp_path / "catalog")
    brand = catalog / "brand.yaml"
    brand.write_text(brand.read_text() + "colour_conversion: false\n")
    out = tmp_path / "out"
    result = run_cli("build", catalog, "--out", out, "--product", "TS-FAN", "--locale", "de")
    assert result.returncode == 1
    entry = manifest(out)["TS-FAN/TS-FAN_card-a6_de.pdf"]
    assert entry["status"] == "failed"
    places = {(f["source"], f.get("line"), f.get("field")) for f in entry["findings"]
              if f["code"] == "artwork.colour"}
    assert places == {("images/logo.svg", 2, "<style> .mark"), ("images/logo.svg", 4, '<path id="letter">'),
                      ("images/logo.svg", 5, "<circle>"), ("images/photo.png", None, None)}
    assert ('images/logo.svg:4: <path id="letter">: expected CMYK colours (device-cmyk()) in a CMYK '
            "print profile (colour_conversion is off in brand.yaml), got fill rgb(26, 26, 26)"
            ) in result.stderr
    assert not [f for f in entry["findings"] if f["code"] == "preflight.colour"]


def test_an_unknown_product_in_a_large_catalog_names_the_closest_skus_not_all():
    from generator.build import _choices

    skus = [f"LH-KT17-{i:04}" for i in range(400)]
    message = _choices(skus, "LH-KT17-0O07")
    assert message.startswith("one of the catalog's 400 SKUs (closest: ") and "LH-KT17-0007" in message
    assert len(message) < 160
    assert _choices(["TS-CLK", "TS-FAN"], "NOPE") == "one of TS-CLK, TS-FAN"


def _worker_pid(job):
    import os

    return os.getpid()


def test_local_workers_are_replaced_after_their_share_of_documents(monkeypatch):
    """Memory a worker's native libraries keep is given back by a fresh process: after
    RECYCLE_AFTER documents a worker is replaced."""
    from generator import build

    monkeypatch.setattr(build, "RECYCLE_AFTER", 2)
    monkeypatch.setattr(build, "_init_worker", lambda: None)
    monkeypatch.setattr(build, "_render_in_worker", _worker_pid)
    with build.LocalPool(2) as pool:
        pids = list(pool.render(iter(range(8)), 8))
    assert len(pids) == 8 and len(set(pids)) >= 4
