"""Typesetting per language: bidi isolation, words and URLs kept whole, headlines without a
lone last word. Exact markup first, then the same rules checked on one rendered page per
script (line by line, in the order the glyphs stand on the page)."""

from __future__ import annotations

import unicodedata

import pypdfium2 as pdfium
import pytest
import weasyprint
from conftest import glyph_rows

from generator.render.typeset import (
    LRI,
    PDI,
    WJ,
    bind_last_words,
    break_words,
    isolate_ltr_runs,
    keep_pattern_for,
    keep_tokens,
    phrases,
    typeset,
)


def visible(text: str) -> str:
    """Invisible typesetting characters made visible: ``·`` word joiner, ``[`` ``]`` isolate."""
    return text.replace(WJ, "·").replace(LRI, "[").replace(PDI, "]")


# --- exact markup ---------------------------------------------------------------------------


def test_left_to_right_runs_in_arabic_are_isolated_with_their_inner_punctuation():
    text = ("يتوافق مع التوجيه 2014/53/EU، الشركة: Testa GmbH, Hauptstraße 1, 10115 Berlin، "
            "هاتف +49 30 123456.")
    assert visible(isolate_ltr_runs(text)) == (
        "يتوافق مع التوجيه [2014/53/EU]، الشركة: [Testa GmbH, Hauptstraße 1, 10115 Berlin]، "
        "هاتف [+49 30 123456].")


def test_a_closing_bracket_follows_its_opening_one_into_the_run():
    assert visible(isolate_ltr_runs("الطراز (AK-1700) و Lumora (EU) فقط")) == (
        "الطراز ([AK-1700]) و [Lumora (EU)] فقط")


def test_urls_e_mails_and_document_tokens_do_not_break_inside():
    kept = keep_tokens("Web: help.example.com/eu/LH-KT17 or help@example.com, item LH-KT17.",
                       keep_pattern_for(("LH-KT17",)))
    assert visible(kept) == (
        "Web: h·e·l·p·.·e·x·a·m·p·l·e·.·c·o·m·/·e·u·/·L·H·-·K·T·1·7 or "
        "h·e·l·p·@·e·x·a·m·p·l·e·.·c·o·m, item L·H·-·K·T·1·7.")


def test_korean_breaks_only_between_words():
    assert visible(break_words("먼저 연락해 주세요(약 2시간).", "ko")) == (
        "먼·저 연·락·해 주·세·요·(·약 2·시·간·).")


def test_japanese_breaks_only_between_phrases():
    assert visible(break_words("まずは弊社までご連絡ください。", "ja")) == (
        "ま·ず·は弊·社·ま·でご·連·絡·く·だ·さ·い·。")


def test_headlines_bind_their_last_two_words():
    assert visible(bind_last_words("Thank you for choosing the Aurora kettle!", "en")) == (
        "Thank you for choosing the Aurora ·kettle!")
    assert visible(bind_last_words("Aurora ケトルをお選びいただき、ありがとうございます！", "ja")) == (
        "Aurora ケトルをお選びいただき、あ·り·が·と·う·ご·ざ·い·ま·す·！")
    # Two words stay as they are, and so does a pair too long for one line.
    assert bind_last_words("Thank you!", "en") == "Thank you!"
    assert bind_last_words("Read the Gebrauchsanweisungsergänzungen Sicherheitshinweise", "de") == (
        "Read the Gebrauchsanweisungsergänzungen Sicherheitshinweise")


def test_the_document_is_set_per_element_language_and_direction():
    html = ('<html lang="ar" dir="rtl"><head><title>Testa AK-1</title></head><body>'
            '<h1 class="headline">شكرًا لاختيارك Aurora!</h1>'
            '<p>الطراز: AK-1 &amp; Co</p><li lang="en" dir="ltr">Rinse the kettle twice.</li>'
            '<p lang="ko" dir="ltr">먼저 연락해</p><svg><text>AK-1</text></svg></body></html>')
    assert visible(typeset(html, keep=["AK-1"])) == (
        '<html lang="ar" dir="rtl"><head><title>Testa AK-1</title></head><body>'
        '<h1 class="headline">شكرًا لاختيارك ·<span dir="ltr">Aurora</span>!</h1>'
        '<p>الطراز: <span dir="ltr">A·K·-·1 &amp; Co</span></p>'
        '<li lang="en" dir="ltr">Rinse the kettle twice.</li>'
        '<p lang="ko" dir="ltr">먼·저 연·락·해</p><svg><text>AK-1</text></svg></body></html>')


# --- on the rendered page -------------------------------------------------------------------

ADDRESS = ("الشركة المصنعة: Shenzhen Lumora Technology Co., Ltd., Building 5, Nanshan Science Park, "
           "Shenzhen 518057, China. يتوافق هذا الجهاز مع التوجيه 2014/53/EU للمعدات الراديوية.")
KOREAN = ("구성품이 빠졌거나 파손되었거나 제대로 작동하지 않으면 먼저 저희에게 연락해 주세요. "
          "사용 안내, 예비 부품 또는 제품 교환으로 신속하게 해결해 드립니다.")
JAPANESE = ("付属品の不足、破損、正常に動作しないなどの問題がございましたら、まずは弊社までご連絡ください。"
            "アドバイス、交換部品、製品交換などで迅速に対応いたします。")
URL_LINE = "We are here to help: help.lumora-home.example/amazon-eu/LH-KT17"
HEADLINE = "Thank you for choosing the Aurora kettle!"
HOURS = "الاثنين–الجمعة 9:00 ص–6:00 م"
ARABIC_HEADLINE = "شكرًا لاختيارك غلاية Aurora!"

PAGES = [  # (lang, dir, font, width, element, text): one page each
    ("ar", "rtl", "'Noto Sans Arabic', 'Noto Sans'", "62mm", "p", ADDRESS),
    ("ko", "ltr", "'Noto Sans CJK KR'", "58mm", "p", KOREAN),
    ("ja", "ltr", "'Noto Sans CJK JP'", "58mm", "p", JAPANESE),
    ("en", "ltr", "'Noto Sans'", "52mm", "p", URL_LINE),
    ("en", "ltr", "'Noto Sans'", "62mm", "h1", HEADLINE),
    # Pango breaks before the last م at this width, unless the time is kept with it.
    ("ar", "rtl", "'Noto Sans Arabic', 'Noto Sans'", "43mm", "p", HOURS),
    ("ar", "rtl", "'Noto Sans Arabic', 'Noto Sans'", "80mm", "h1", ARABIC_HEADLINE),
]


def _document(set_type: bool) -> str:
    pages = "".join(
        f'<section lang="{lang}" dir="{direction}" style="font-family: {font}; break-after: page">'
        f'<{tag} style="width: {width}; font-size: {"16pt" if tag == "h1" else "10pt"}">{text}</{tag}>'
        "</section>" for lang, direction, font, width, tag, text in PAGES)
    html = f"<!DOCTYPE html><html><body>{pages}</body></html>"
    return typeset(html) if set_type else html


def visual_lines(pdf: pdfium.PdfDocument, index: int) -> list[str]:
    """The lines of a page as they stand on it: characters grouped by baseline, top to bottom,
    each line read left to right (so a right-to-left word reads backwards, a left-to-right run
    in right-to-left text reads as written). PDFium's own text order is not used: it reorders
    mixed lines by guesswork (``AK-1700`` comes out as ``-1700AK``)."""
    # Spaces are collapsed: PDFium places some of them at a box edge rather than where they are.
    return [" ".join("".join(c for _, c in row).split()) for row in glyph_rows(pdf, index)]


@pytest.fixture(scope="module")
def pages():
    """Each script's page, typeset, and the right-to-left page as it was without."""
    typeset_pdf = pdfium.PdfDocument(weasyprint.HTML(string=_document(True)).write_pdf())
    plain_pdf = pdfium.PdfDocument(weasyprint.HTML(string=_document(False)).write_pdf())
    yield ([visual_lines(typeset_pdf, i) for i in range(len(PAGES))],
           visual_lines(plain_pdf, 0))
    typeset_pdf.close()
    plain_pdf.close()


def _latin_stretches(line: str) -> list[str]:
    """The left-to-right stretches of a visual line (everything between Arabic letters)."""
    stretches, current = [], ""
    for char in line:
        if unicodedata.bidirectional(char) in ("R", "AL"):
            stretches.append(current)
            current = ""
        else:
            current += char
    stretches.append(current)
    return [s.strip(" .:") for s in stretches if any(c.isalnum() for c in s)]


def test_arabic_keeps_directive_numbers_and_addresses_in_order(pages):
    typeset_pages, plain = pages
    lines = typeset_pages[0]
    assert len(lines) >= 4  # the address wraps, so its runs span several lines
    assert any("2014/53/EU" in line for line in lines)
    # Each left-to-right stretch reads as written on every line, with its comma at the end.
    for line in lines:
        for stretch in _latin_stretches(line):
            assert stretch in ADDRESS, (stretch, lines)
    assert any(line.endswith("Building 5,") or "Building 5," in line for line in lines)
    # Without isolation the bidi algorithm turns the number round and moves a line's last comma.
    assert any("EU/2014/53" in line for line in plain)
    assert any(stretch not in ADDRESS for line in plain for stretch in _latin_stretches(line))


def test_korean_lines_end_between_words(pages):
    lines = pages[0][1]
    assert len(lines) >= 3
    words = set(KOREAN.split())
    for line in lines:
        assert set(line.split()) <= words, line


def test_japanese_lines_end_between_phrases_and_never_before_closing_punctuation(pages):
    lines = pages[0][2]
    assert len(lines) >= 3
    parts = phrases(JAPANESE, "ja")
    ends = {sum(len(p) for p in parts[:i]) for i in range(len(parts) + 1)}
    position = 0
    for line in lines:
        assert line[0] not in "、。）」ーぁぃぅぇぉっゃゅょ", line
        position += len(line)
        assert position in ends, (line, lines)
    assert position == len(JAPANESE)


def test_a_url_moves_to_the_next_line_whole(pages):
    lines = pages[0][3]
    assert lines == ["We are here to help:", "help.lumora-home.example/amazon-eu/LH-KT17"]


def test_a_headline_does_not_end_with_one_word(pages):
    lines = pages[0][4]
    assert len(lines) >= 2 and lines[-1] == "Aurora kettle!"


def test_a_time_range_stays_on_one_line_with_its_day_half_markers(pages):
    lines = pages[0][5]
    # The whole range goes to the second line, not its dash at the end of the first.
    assert len(lines) == 2 and lines[-1] == "م 6:00–ص 9:00", lines


def test_the_final_mark_of_an_arabic_sentence_ends_it_not_the_latin_name(pages):
    """Read left to right, the line starts with the sentence's "!" (its end in Arabic), then
    the brand as written: the mark is not drawn inside the isolated Latin run."""
    [line] = [line for line in pages[0][6] if "Aurora" in line]
    assert line.startswith("!Aurora "), pages[0][6]


def test_times_with_a_marker_are_kept_together():
    assert visible(keep_tokens("9:00 ص–6:00 م")) == "9·:·0·0· ·ص·–·6·:·0·0· ·م"
    assert visible(keep_tokens("9:00 a.m.–6 p.m. and 10:00")) == (
        "9·:·0·0· ·a·.·m·.–6 p.m. and 10:00")
    assert visible(keep_tokens("오전 9:00 – 오후 6:00")) == (
        "오·전· ·9·:·0·0· ·–· ·오·후· ·6·:·0·0")
    assert visible(keep_tokens("Mo–Fr 9:00–18:00, Sa 10:00")) == "Mo–Fr 9·:·0·0·–·1·8·:·0·0, Sa 10:00"


def test_a_number_keeps_its_word_and_a_dash_never_starts_a_line():
    from generator.render.typeset import bind_short_spaces

    assert visible(bind_short_spaces("Lindenstraße 12, 10969 Berlin – 10 cm, 1,7 l")) == (
        "Lindenstraße 12, 10969 ·Berlin ·– 10 ·cm, 1,7 ·l")


def test_the_arabic_card_prints_left_to_right_runs_as_written(built):
    out, _, _ = built
    pdf = pdfium.PdfDocument(str(out / "TS-FAN/TS-FAN_card-a6_ar.pdf"))
    try:
        back = visual_lines(pdf, 1)
    finally:
        pdf.close()
    for run in ("support.testa.example/amazon-de/TS-FAN", "help@testa.example", "+49 30 123456",
                "BF-10", "TS-FAN", "Testa GmbH, Hauptstraße 1, 10115 Berlin, Germany"):
        assert any(run in line for line in back), (run, back)


def test_a_bound_last_pair_leaves_the_phrase_before_it_breakable():
    """The last two phrases of a Japanese headline are bound; the phrases before them are still
    found on the text without the joiners, so the headline can break after "いただき" (an
    unbreakable run ran off an A6 card)."""
    headline = break_words(bind_last_words("Nimbusをお選びいただきありがとうございます！", "ja"), "ja")
    assert "いただき" + WJ not in headline and "き" + "あ" in headline
    bound = WJ.join("ありがとう")
    assert phrases("お選びいただき" + bound, "ja") == ["お選びいただき", bound]
