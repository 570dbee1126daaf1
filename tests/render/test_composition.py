"""Composition a designer would ask for: a product's own name kept on one line, run-in lists
without a lone last item, Japanese running text set solid and justified with its punctuation
spaced as JIS X 4051 sets it, and manuals whose running heads name the page's chapter. Exact
markup first, then rendered lines (one small WeasyPrint page per rule), then the example
catalog's documents the rules were made for."""

from __future__ import annotations

import json
import re
import shutil

import pypdfium2 as pdfium
import pytest
import weasyprint
import yaml
from conftest import ROOT, glyph_rows, run_cli

from generator.render.typeset import (
    WJ,
    bind_tail,
    compress_punctuation,
    kinsoku,
    name_runs,
    set_list_text,
    typeset,
)


def visible(text: str) -> str:
    return text.replace(WJ, "·")


# --- exact markup ---------------------------------------------------------------------------


def test_the_name_is_the_run_the_translators_keep():
    assert name_runs("Pulse Air Wireless Earbuds", [
        "Pulse Air kabellose Ohrhörer", "Écouteurs sans fil Pulse Air",
        "Pulse Air ワイヤレスイヤホン"]) == ["Pulse Air"]
    assert name_runs("Lumen Arc LED Desk Lamp", [
        "Lumen Arc LED-Schreibtischleuchte", "Lampka biurkowa LED Lumen Arc"]) == [
        "Lumen Arc LED", "Lumen Arc"]
    # Translated words are no name ("Bouilloire en verre" is French for "Glass Kettle"); one
    # word alone has nothing to keep together.
    assert name_runs("Aurora Glass Kettle", ["Aurora Glas-Wasserkocher",
                                             "Bouilloire en verre Aurora"]) == []
    # A name longer than a line's share may still break; a word inside another is no match.
    assert name_runs("Grand Professional Espresso Station", [
        "Grand Professional Espresso Station Deluxe"]) == []
    assert name_runs("Air Pro", ["Airy Pro"]) == []


def test_a_legal_form_stays_with_the_company_name():
    from generator.render.typeset import bind_short_spaces

    assert visible(bind_short_spaces("Lumora Home Appliances GmbH, Lindenstraße 12")) == (
        "Lumora Home Appliances ·GmbH, Lindenstraße 12")
    assert visible(bind_short_spaces("Acme Co., Ltd. and Big AGreement")) == (
        "Acme ·Co., ·Ltd. and Big AGreement")


def test_kinsoku_and_numbers_with_their_counters():
    assert visible(kinsoku("保証は2年間です（約2時間）。「注意」ください")) == (
        "保証は2·年間です（·約2·時間·）·。「·注意·」ください")


def test_the_end_of_a_solid_paragraph_keeps_three_characters():
    assert visible(bind_tail("取り除いてください。")) == "取り除いてくだ·さ·い·。"
    assert bind_tail("はい。") == "はい。"  # shorter than the tail: nothing to hold


def test_adjacent_full_width_marks_take_half_an_em():
    half = "<span style=\"font-feature-settings: 'halt'\">{}</span>"
    assert compress_punctuation("です。（1）「（注）」") == (
        "です" + half.format("。") + "（1" + half.format("）") + "「" + half.format("（") + "注"
        + half.format("）") + "」")
    assert compress_punctuation("です。次") == "です。次"


def test_a_run_in_list_breaks_only_after_its_separators():
    assert visible(set_list_text(" · ")) == " ·· "
    assert visible(set_list_text(" · ", bind_next=True)) == " ·· ·"
    assert visible(set_list_text("Ayuda en tu idioma")) == "Ayuda ·en ·tu ·idioma"
    html = ('<p data-list><span>English</span> · <span>Deutsch</span> · <span>italiano</span>'
            ' · <span>español</span></p>')
    assert visible(typeset(html)) == (
        "<p data-list><span>English</span> ·· <span>Deutsch</span> ·· <span>italiano</span>"
        " ·· ·<span>español</span></p>")


def test_only_a_solid_section_sets_japanese_solid():
    text = "まずは弊社までご連絡ください。"
    html = (f'<section lang="ja" data-text="running"><p>{text}</p>'
            f'<table data-text="labels"><tr><td>{text}</td></tr></table><h2>{text}</h2></section>')
    body, cell, heading = (visible(part) for part in re.findall(r">([^<]+)<", typeset(html)))
    assert body == "まずは弊社までご連絡くだ·さ·い·。"  # breaks anywhere but in its tail
    assert cell == "ま·ず·は弊·社·ま·でご·連·絡·く·だ·さ·い·。"  # between phrases
    assert heading.startswith("ま·ず·は弊·社·ま·で")


# --- rendered lines -------------------------------------------------------------------------

JAPANESE = ("Aurora 電気ケトルには、法律で定められたお客様の権利に加えて、お買い上げ日から2年間の保証が"
            "付いています。保証の対象は、材料および製造上の欠陥です。誤った使用、湯あか取りを怠ったこと、"
            "事故、第三者による修理が原因の損傷は保証の対象外です。その後、きれいな水ですすいでください。")
LANGUAGES = "English · Deutsch · français · italiano · español"
LATIN, CJK = "'Noto Sans'", "'Noto Sans CJK JP', 'Noto Sans'"
PAGES = [
    # lang, width, font size, markup inside the page's block
    # Unkept, "Pulse" would end the first line at this width.
    ("de", "68mm", "17pt",
     '<h1 class="headline" style="font-size: 1em">Danke, dass Sie Pulse Air gewählt haben!</h1>'),
    ("en", "44mm", "8pt", '<p data-list>' + " · ".join(
        f"<span>{name}</span>" for name in LANGUAGES.split(" · ")) + "</p>"),
    # 30 characters of 10 pt: the column is a whole number of ems, as the manual sets it; the
    # same text broken between phrases, as it was.
    ("ja", "300pt", "10pt", f'<p style="text-align: justify">{JAPANESE}</p>'),
    ("ja", "300pt", "10pt", f'<p data-text="labels" style="text-align: justify">{JAPANESE}</p>'),
    ("ja", "300pt", "10pt", "<p>です。（注）</p>"),
]


def _page_html() -> str:
    blocks = "".join(
        f'<section lang="{lang}" data-text="running" style="width: {width}; font-size: {size}; '
        f'font-family: {CJK if lang == "ja" else LATIN}; font-weight: 700; '
        f'break-after: page">{inner}</section>' for lang, width, size, inner in PAGES)
    return typeset(f"<!DOCTYPE html><html><body>{blocks}</body></html>",
                   keep=name_runs("Pulse Air Wireless Earbuds", ["Pulse Air kabellose Ohrhörer"]))


def _lines(rows) -> list[str]:
    return [" ".join("".join(c for _, c in row).split()) for row in rows]


@pytest.fixture(scope="module")
def rendered():
    pdf = pdfium.PdfDocument(weasyprint.HTML(string=_page_html()).write_pdf())
    yield [glyph_rows(pdf, i) for i in range(len(PAGES))]
    pdf.close()


def test_the_product_name_stays_on_one_line(rendered):
    assert _lines(rendered[0]) == ["Danke, dass Sie", "Pulse Air", "gewählt haben!"]


def test_a_list_leaves_no_item_alone_and_no_line_starts_with_a_separator(rendered):
    lines = _lines(rendered[1])
    assert len(lines) == 2 and lines[-1] == "italiano · español", lines
    assert all(not line.startswith("·") for line in lines)


def _shortfalls(rows) -> list[float]:
    """How far each line but the last ends before the column's end (pt; a full line of 30
    ems of 10 pt has its last glyph at 290 pt)."""
    left = min(x for x, _ in rows[0])
    return [290 - (row[-1][0] - left) for row in rows[:-1]]


def test_japanese_lines_end_flush_and_obey_kinsoku(rendered):
    rows = rendered[2]
    lines = _lines(rows)
    assert "".join(lines).replace(" ", "") == JAPANESE.replace(" ", "")
    assert len(lines) >= 5
    for line in lines:
        assert line[0] not in "、。）」ーぁぃぅぇぉっゃゅょ", lines
    # Set solid, a line is short only where kinsoku pushed a character and its mark on
    # (under two ems); broken between phrases, lines fall short by whole phrases.
    assert max(_shortfalls(rows)) < 20, (_shortfalls(rows), lines)
    assert max(_shortfalls(rendered[3])) > 25, _lines(rendered[3])
    assert len(lines[-1].rstrip("。")) >= 3, lines  # no one- or two-character last line


def test_a_full_stop_before_a_bracket_takes_half_an_em(rendered):
    [row] = rendered[4]
    xs = {char: x for x, char in row}
    # 10 pt type: "。" is 5 pt wide there instead of 10 ("す" is not compressed).
    assert xs["。"] - xs["す"] == pytest.approx(10, abs=0.3)
    assert xs["（"] - xs["。"] == pytest.approx(5, abs=0.3)


# --- the example catalog --------------------------------------------------------------------

#: The documents these rules were made for: (SKU, document id, locales).
EXAMPLE_DOCUMENTS = (("LH-EB20", "card-a6", ["de"]), ("LH-KT17", "card-a6", ["fr"]),
                     ("LH-EB20", "manual-us", ["en", "es"]))


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """A build of a few of the example catalog's documents."""
    work = tmp_path_factory.mktemp("composition")
    catalog = work / "catalog"
    shutil.copytree(ROOT / "examples" / "catalog", catalog)
    wanted = {(sku, doc): locales for sku, doc, locales in EXAMPLE_DOCUMENTS}
    for path in (catalog / "products").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        documents = [dict(d, locales=wanted[data["sku"], d.get("id", d["layout"])])
                     for d in data["documents"] if (data["sku"], d.get("id", d["layout"])) in wanted]
        if not documents:
            path.unlink()
            continue
        data["documents"] = documents
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = work / "out"
    result = run_cli("build", catalog, "--out", out, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return out, {d["path"]: d for d in manifest["documents"]}


def page_lines(path, index) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        text = pdf[index].get_textpage().get_text_range().replace("\r\n", "\n")
        return [line for line in text.split("\n") if line.strip()]
    finally:
        pdf.close()


def running_head(path, index) -> str | None:
    """The running head of a page: PDFium reads the margin boxes last, the head just before
    the page number (then a thumb tab)."""
    lines = page_lines(path, index)
    number = len(lines) - 1 - lines[::-1].index(str(index + 1))
    return lines[number - 1] if " · " in lines[number - 1] else None


def test_the_german_earbuds_headline_keeps_pulse_air_together(example):
    out, _ = example
    lines = page_lines(out / "LH-EB20/LH-EB20_card-a6_de.pdf", 0)
    headline = lines[:lines.index("gewählt haben!") + 1]
    assert headline == ["Danke, dass Sie Pulse Air", "gewählt haben!"], lines[:4]


def test_the_french_kettle_card_still_fits(example):
    """The names rule leaves the French headline as it was; the back, whose tips ran into the
    imprint, is set a little smaller instead."""
    out, documents = example
    entry = documents["LH-KT17/LH-KT17_card-a6_fr.pdf"]
    assert entry["status"] == "ok"
    assert [(f["code"], f["message"]) for f in entry["findings"]] == [(
        "fit.copyfit", "copy-fit set the type of the back side at 95% to fit its text (its layout "
        "allows down to 90%)")]
    text = " ".join(page_lines(out / "LH-KT17/LH-KT17_card-a6_fr.pdf", 0)).replace("\xa0", " ")
    assert "Merci d’avoir choisi la bouilloire Aurora !" in text
    # A label's colon as French sets it, after a no-break space.
    back = page_lines(out / "LH-KT17/LH-KT17_card-a6_fr.pdf", 1)
    assert "Modèle\xa0: AK-1700 · Réf.\xa0: LH-KT17 · Garantie\xa0: 2 ans" in back, back


def test_a_label_colon_per_language():
    from generator.render.html import label_colon

    assert [label_colon(loc) for loc in ("en", "de", "fr", "ja", "zh-Hans", "ar")] == [
        ": ", ": ", "\xa0: ", "：", "：", ": "]


def test_the_us_manual_flows_from_its_language_index_and_heads_each_page(example):
    out, documents = example
    path = out / "LH-EB20/LH-EB20_manual-us_en-es.pdf"
    assert documents["LH-EB20/LH-EB20_manual-us_en-es.pdf"]["pages"] == 8  # 12 before
    second = page_lines(path, 1)
    # The language index shares its page with the English contents and first chapters.
    assert {"Languages · Idiomas", "Contents", "Safety", "What is in the box"} <= set(second)
    # No running head on a contents page (2 and 5); the others name the chapter at their top.
    heads = [running_head(path, i) for i in range(1, 7)]
    assert heads == [
        None, "Pulse Air Wireless Earbuds · Using the product",
        "Pulse Air Wireless Earbuds · Safety and legal information", None,
        "Auriculares inalámbricos Pulse Air · Especificaciones técnicas",
        "Auriculares inalámbricos Pulse Air · Información de seguridad y legal"], heads


def test_a_long_support_address_goes_under_its_label_and_breaks_after_a_slash(tmp_path):
    """A support URL longer than the card's line: the card is built (before, the address ran
    past the trim and preflight failed it), and the address breaks after a slash only."""
    catalog = tmp_path / "catalog"
    shutil.copytree(ROOT / "examples" / "catalog", catalog)
    brand = catalog / "brand.yaml"
    brand.write_text(brand.read_text(encoding="utf-8").replace(
        "/{marketplace}/{sku}?lang={locales}", "/{marketplace}/products/{sku}?lang={locales}"),
        encoding="utf-8")
    for path in (catalog / "products").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data["sku"] != "LH-DL40":
            path.unlink()
            continue
        data["documents"] = [dict(d, locales=["de"]) for d in data["documents"]
                             if d["layout"] == "card-4x6"]
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", catalog, "--out", out)
    assert result.returncode == 0, result.stderr
    card = out / "LH-DL40/LH-DL40_card-4x6_de.pdf"
    entry = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"][0]
    assert entry["status"] == "ok" and not [f for f in entry["findings"]
                                            if f["code"].startswith("preflight")]
    for side in (0, 1):
        lines = [line.strip() for line in page_lines(card, side)]
        start = next(i for i, line in enumerate(lines) if line.startswith("help.lumora"))
        end = next(i for i in range(start, len(lines)) if lines[i].endswith("LH-DL40"))
        parts = lines[start:end + 1]
        assert len(parts) > 1 and all(part.endswith("/") for part in parts[:-1]), parts
        assert "".join(parts) == "help.lumora-home.example/amazon-eu/products/LH-DL40"
