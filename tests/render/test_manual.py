"""Manuals: booklets per language and combined, with contents, running heads, thumb tabs, a
mirrored Arabic edition, pages padded to a multiple of four and regulatory blocks as data."""

from __future__ import annotations

import json
import re
import shutil

import pikepdf
import pypdfium2 as pdfium
import pytest
from conftest import FIXTURES, run_cli
from test_pdf import assert_locale_fonts, pdf_fonts

MANUAL = FIXTURES / "manual"
PT_PER_MM = 72 / 25.4


@pytest.fixture(scope="module")
def manuals(tmp_path_factory):
    out = tmp_path_factory.mktemp("manuals")
    result = run_cli("build", MANUAL, "--out", out, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return out, {d["path"]: d for d in manifest["documents"]}


def pages(path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range().replace("\r\n", "\n") for page in pdf]
    finally:
        pdf.close()


def test_page_counts_are_multiples_of_four(manuals):
    out, docs = manuals
    assert set(docs) == {"TS-HTR/TS-HTR_manual_en.pdf", "TS-HTR/TS-HTR_manual_ar.pdf",
                         "TS-HTR/TS-HTR_manual-all_en-de-ja.pdf"}
    for path, entry in docs.items():
        with pikepdf.open(out / path) as pdf:
            assert len(pdf.pages) == entry["pages"]
        assert entry["pages"] % 4 == 0 and entry["pages"] >= 8, path
        assert entry["trim_mm"] == [105.0, 148.0]
    text = pages(out / "TS-HTR/TS-HTR_manual_en.pdf")
    assert "Notes" in text[-2] and "Testa GmbH" in text[-1]  # notes pad, then the back cover


def test_chapters_flow_on_where_the_page_allows(manuals):
    """A chapter starts where the one before it ends (not on a page of its own); the support
    heading stays with its QR code and channels."""
    out, _ = manuals
    lines = [set(page.split("\n")) for page in pages(out / "TS-HTR/TS-HTR_manual_en.pdf")]
    assert {"Contents", "Safety", "What is in the box", "Setting up"} <= lines[1]
    assert {"Troubleshooting", "Specifications", "Warranty", "Support", "Scan for help"} <= lines[2]


def test_contents_point_at_the_real_pages(manuals):
    out, _ = manuals
    text = pages(out / "TS-HTR/TS-HTR_manual_en.pdf")
    toc_page = next(i for i, t in enumerate(text) if t.lstrip().startswith("Contents"))
    entries = re.findall(r"^([^\n\d.]+?)\s*\.[ .]*(\d+)\s*$", text[toc_page], re.M)
    titles = {title.strip(): int(number) for title, number in entries}
    assert set(titles) >= {"Safety", "What is in the box", "Setting up", "Troubleshooting",
                           "Specifications", "Warranty", "Support", "Safety and legal information"}
    for title, number in titles.items():
        body = text[number - 1]
        # The heading is on that page (the running head repeats the chapter on later pages).
        assert re.search(rf"^{re.escape(title)}$", body, re.M), (title, number, body[:200])


def test_running_heads_and_page_numbers(manuals):
    """A running head names the chapter at the top of its page; the contents page has none
    (its first chapters begin lower down)."""
    out, _ = manuals
    text = pages(out / "TS-HTR/TS-HTR_manual_en.pdf")
    contents = next(i for i, t in enumerate(text) if "DANGER" in t)
    assert text[contents].startswith("Contents\n"), text[contents][:80]
    assert "Glow Fan Heater · " not in text[contents]
    assert re.search(rf"^{contents + 1}$", text[contents], re.M)
    # PDFium reads the margin boxes last: the running head, then the page number.
    following = text[contents + 1].split("\n")
    assert following[0] == "Troubleshooting", following[:2]
    assert following[-2:] == ["Glow Fan Heater · Troubleshooting", str(contents + 2)]


def test_running_heads_and_page_numbers_use_the_locale_fonts(manuals):
    out, docs = manuals
    for path, entry in docs.items():
        assert_locale_fonts(out / path, entry["locales"])
    # Running heads and page numbers (bold) included: never the serif default, never a slanted
    # copy of an Arabic or CJK face.
    assert {"Noto-Sans", "Noto-Sans-Bold"} <= pdf_fonts(out / "TS-HTR/TS-HTR_manual_en.pdf")
    arabic = pdf_fonts(out / "TS-HTR/TS-HTR_manual_ar.pdf")
    assert "Noto-Sans-Arabic-Bold" in arabic and not any("Oblique" in f for f in arabic)


def test_combined_edition_has_every_language(manuals):
    out, _ = manuals
    text = pages(out / "TS-HTR/TS-HTR_manual-all_en-de-ja.pdf")
    whole = "\n".join(text)
    for expected in ("Never cover the heater.", "Decken Sie den Heizlüfter nie ab.",
                     "本体を絶対に覆わないでください。"):
        assert expected in whole
    # The language index on the first pages names each language and where it starts.
    index = next(t for t in text[:3] if "Deutsch" in t and "日本語" in t)
    starts = {name: int(n) for name, n in re.findall(r"(English|Deutsch|日本語)[ .\n]*?(\d+)", index)}
    assert starts["English"] < starts["Deutsch"] < starts["日本語"]
    assert "Decken Sie" in "\n".join(text[starts["Deutsch"] - 1: starts["日本語"] - 1])
    # A thumb tab per language at the outer edge.
    assert re.search(r"^DE$", text[starts["Deutsch"]], re.M)
    assert re.search(r"^JA$", text[starts["日本語"]], re.M)


def _char_x(path, page_index, needle):
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[page_index]
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        start = text.index(needle)
        boxes = [textpage.get_charbox(i) for i in range(start, start + len(needle))]
        return page.get_width(), boxes
    finally:
        pdf.close()


def test_the_arabic_edition_runs_right_to_left(manuals):
    out, _ = manuals
    path = out / "TS-HTR/TS-HTR_manual_ar.pdf"
    text = pages(path)
    # Right-to-left page progression: page 2 is a right-hand page, numbered at its outer edge.
    width, boxes = _char_x(path, 1, "\n2")
    assert boxes[-1][0] > width / 2
    english = out / "TS-HTR/TS-HTR_manual_en.pdf"
    width, boxes = _char_x(english, 1, "\n2")
    assert boxes[-1][0] < width / 2
    # Arabic paragraphs start at the right margin: the first word of a safety message.
    safety = next(i for i, t in enumerate(text) if "تصبح الشبكة" in t)
    width, boxes = _char_x(path, safety, "تصبح")
    assert min(box[0] for box in boxes) > width * 0.6
    safety = next(i for i, t in enumerate(pages(english)) if "The grille gets hot" in t)
    width, boxes = _char_x(english, safety, "The grille")
    assert max(box[2] for box in boxes) < width * 0.4


def test_regulatory_block_and_specs_per_locale(manuals):
    out, _ = manuals
    english = " ".join(" ".join(pages(out / "TS-HTR/TS-HTR_manual_en.pdf")).split())
    assert "Product safety information (EU)" in english
    assert "Manufacturer: Testa GmbH, Hauptstraße 1, 10115 Berlin, Germany, info@testa.example" in english
    assert "Product identifier: Model GH-20 · GTIN 4006381333931" in english
    assert "Do not dispose of this product with household waste." in english
    assert "2,000 W" in english and "1.4 kg" in english
    combined = " ".join(" ".join(pages(out / "TS-HTR/TS-HTR_manual-all_en-de-ja.pdf")).split())
    assert "2.000 W" in combined and "1,4 kg" in combined  # German number formatting


def test_missing_gpsr_items_are_validation_errors(tmp_path):
    catalog = tmp_path / "manual"
    shutil.copytree(MANUAL, catalog)
    brand = catalog / "brand.yaml"
    brand.write_text(brand.read_text().replace("  country: DE\n  email: info@testa.example\n",
                                               "  country: CN\n"))
    product = catalog / "products/heater.yaml"
    product.write_text(product.read_text().replace("model: GH-20\nidentifiers: {gtin: \"4006381333931\"}\n",
                                                   "model: GH-20\n"))
    result = run_cli("validate", catalog)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert ("brand.yaml:11:19: manufacturer.email: eu-gpsr (Product safety information (EU)) "
            "requires manufacturer.email or manufacturer.website in brand.yaml, got neither") in lines
    assert ("brand.yaml:11:19: responsible_persons.eu: eu-gpsr (Product safety information (EU)) "
            "requires responsible_persons.eu in brand.yaml, because the manufacturer is in CN, "
            "outside the market; got nothing") in lines
    brand.write_text(brand.read_text().replace("regulations: [eu-gpsr, weee]",
                                               "regulations: [eu-gpsr, weee, ce-mark]"))
    result = run_cli("validate", catalog)
    assert ('brand.yaml:11:34: marketplaces.amazon-de.regulations[2]: expected one of the '
            'regulatory blocks eu-gpsr, uk-gpsr, weee, batteries, eu-red, ukca, fcc-part15, '
            'eu-legal-guarantee, uk-consumer-rights, us-warranty, got "ce-mark"') in result.stderr
