"""What a seller who knows the word list tries: spelled-out letters, look-alike letters, digits
for letters, emoji stars, short links, and arguing a solicitation past `neutral-allowed`. Also
the second level: suspects printed unchanged and reported."""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES, run_cli

from generator.compliance.engine import scan_text, url_problems
from generator.compliance.normalize import normalize


@pytest.mark.parametrize(("text", "lang"), [
    ("Please leave us a r.e.v.i.e.w on Amazon!", "en"),
    ("Please leave us a r - e - v - i - e - w!", "en"),
    ("Wir freuen uns über eine B e w e r t u n g!", "de"),
    ("Laissez-nous un a·v·i·s, merci !", "fr"),
    ("レ・ビ・ュ・ーをお願いします！", "ja"),
    ("请给我们评.价一下！", "zh-Hans"),
    ("리.뷰 부탁드립니다!", "ko"),
    ("Please leave a re\u200bvi\u200bew!", "en"),
    ("Please leave a r\u0435vi\u0435w!", "en"),          # Cyrillic е inside the word
    ("Please leave a r3v1ew!", "en"),
    ("Leave us a 𝐫𝐞𝐯𝐢𝐞𝐰, please!", "en"),               # mathematical bold letters
    ("Give us 5 st4rs!", "en"),
    ("⭐ x5 if you like it!", "en"),
    ("ق ـ يّ ـ م ـ نا على أمازون 🙏", "ar"),                 # tatweel between the letters
    ("Please leave us a r e v i e w, it helps a small business.", "en"),  # "a" stays a word
    ("Y o r u m yapın, garanti sürenizi 1 yıl uzatalım.", "tr"),
    ("ㄹㅣ뷰 남겨주시면 정말 감사하겠습니다!", "ko"),             # Hangul as loose letters
    ("お時間のある時に、れびゅ～をお願いします！", "ja"),          # a wave dash for the long vowel
    ("使い心地を ﾚ ﾋﾞ ｭ ｰ で教えてね！", "ja"),                  # half-width kana, spaced
    ("Zostaw nam o p i n i ę, to naprawdę pomaga.", "pl"),     # "o" is the word's first letter
    ("Ge oss ett o m d ö m e på nätet, tack!", "sv"),
])
def test_spellings_around_the_word_list_are_removed(text, lang):
    scan = scan_text(text, lang)
    assert scan.removals, text
    # The removal cuts the original text, however it was spelled.
    removal = scan.removals[0]
    assert removal.sentence == text[removal.start:removal.end]
    assert text[removal.primary.start:removal.primary.end] == removal.primary.match


@pytest.mark.parametrize(("text", "lang"), [
    ("Store the battery at about 50 % charge, model LH-KT17, IP54 rating.", "en"),
    ("Größen S/M/L, z. B. für die Modelle A4 und MP3.", "de"),
    ("Yıldız tornavida ile sıkın.", "tr"),
    ("ハンド・ブレンダーのカバーを外してください。", "ja"),
    ("Ein 10 µF Kondensator, 4,7 kΩ.", "de"),
    # An app's star scale as read back from a PDF: "إلى" comes out as "إىل".
    ("يعرض التطبيق تقييماً النتظام الطحن من نجمة إىل خمس نجوم.", "ar"),
])
def test_ordinary_text_survives_normalisation(text, lang):
    assert scan_text(text, lang).removals == []


def test_an_arabic_spelling_keeps_its_suffix_and_ordinary_letters_stay_apart():
    assert normalize("ق ـ يّ ـ م ـ نا على أمازون")[0] == "قيمنا على أمازون"
    assert normalize("اضغط على الزر أ ب ثم انتظر")[0] == "اضغط على الزر أ ب ثم انتظر"


def test_korean_sentences_stay_apart_after_a_full_stop():
    text = "보증 기간은 구입일로부터 2년입니다. 리뷰를 남겨 주시면 사은품을 드립니다."
    assert normalize(text)[0] == text
    scan = scan_text(text, "ko")
    assert [r.sentence for r in scan.removals] == ["리뷰를 남겨 주시면 사은품을 드립니다."]
    assert normalize("좋.은. 리.뷰.")[0] == "좋은 리뷰."  # a spelling with dots still joins


def test_an_address_is_no_review_word_and_still_a_contact():
    for text, lang in (("Write to feedback@hairlab.shop and a real person will reply.", "en"),
                       ("Schreiben Sie an bewertung@haarwerk.shop.", "de")):
        assert scan_text(text, lang).removals == [], text
    # The address still counts as the way to the seller: a gating card stays gating.
    scan = scan_text("Love it? Leave us 5 stars on Amazon. Not happy? Email reviews@shop.example "
                     "first.", "en")
    assert len(scan.removals) == 2
    assert "gating" in {m.category for r in scan.removals for m in r.matches}


def test_a_qr_code_that_opens_a_review_is_a_review_link_in_every_profile():
    for text, lang in (("QR-kod: Så tyckte du – lämna ditt betyg här", "sv"),
                       ("[QR] 30초 리뷰 작성 페이지", "ko"),
                       ("Karekodu okutun, ürünü puanlayın", "tr")):
        scan = scan_text(text, lang, profile="neutral-allowed")
        assert [m.category for m in scan.removals[0].matches].count("review_link") == 1, text
    # A QR code to the manual or the seller's support is no review.
    assert scan_text("Scan the QR code to open the video manual.", "en").removals == []
    assert scan_text("Skanna QR-koden för att nå vår kundtjänst.", "sv").removals == []


def test_a_hashtag_is_read_as_its_words_but_a_link_fragment_is_not():
    text = "#MinhaOpiniãoConta — deixe a sua lá no produto."
    norm, offsets = normalize(text)
    assert norm == "#Minha Opinião Conta — deixe a sua lá no produto."
    assert scan_text(text, "pt-BR").removals
    assert normalize("#شاركنا_رأيك على أمازون")[0] == "#شاركنا رأيك على أمازون"
    assert normalize("#LeaveAReview")[0] == "#Leave A Review"
    link = "https://www.amazon.co.jp/dp/B0C4KTL170?ref=insert#customerReviews"
    assert normalize(link)[0] == link


def test_arrow_cards_are_gating_in_every_language():
    for text, lang in (("😊 → Amazon page  |  😞 → hello@brightnest.com", "en"),
                       ("Elogios → Amazon 👍 Quejas → a nosotros 📩", "es"),
                       ("Soddisfatto? 👉 Lascia la tua recensione. Qualcosa non va? 👉 Scrivici.",
                        "it")):
        scan = scan_text(text, lang, profile="neutral-allowed")
        assert "gating" in {m.category for r in scan.removals for m in r.matches}, text
    # One condition, said once, is no pair of branches.
    assert scan_text("¿No ha quedado satisfecho? Devuélvalo en 30 días desde Amazon.",
                     "es").removals == []


def test_loose_hangul_letters_are_composed_and_laughter_stays():
    text = "ㄹㅣ뷰 ㅋㅋ ㅎㅜ기 ㅠㅠ"
    norm, offsets = normalize(text)
    assert norm == "리뷰 ㅋㅋ 후기 ㅠㅠ"
    assert text[offsets[norm.index("후기")]:] == "ㅎㅜ기 ㅠㅠ"


def test_a_host_named_for_reviews_is_a_review_link_and_preview_is_not():
    scan = scan_text("Votre note en 10 secondes 👉 avis-clients.fr/trottinette-xr5", "fr")
    assert [m.rule for m in scan.matches] == ["common.review-host"]
    assert scan_text("Open preview.lumora-home.example/app to see the colours.", "en").matches == []


def test_normalised_offsets_point_into_the_original():
    text = "Dear buyer: r.e.v.i.e.w us"
    norm, offsets = normalize(text)
    assert norm == "Dear buyer: review us"
    start = norm.index("review")
    assert text[offsets[start]:offsets[start + len("review") - 1] + 1] == "r.e.v.i.e.w"
    assert normalize("plain text") == ("plain text", None)


@pytest.mark.parametrize("url", ["https://bit.ly/3xYz9", "https://amzn.to/3abc", "https://a.co/d/x1"])
def test_short_links_are_never_safe(url):
    assert "common.short-link" in [m.rule for m in url_problems(url)]
    assert scan_text(f"Rate us in 10 seconds: {url.removeprefix('https://')}", "en").removals


def test_a_host_the_brand_does_not_declare_is_a_problem():
    domains = ("lumora-home.example",)
    assert url_problems("https://help.lumora-home.example/x", domains) == []
    rules = [m.rule for m in url_problems("https://lumora-deals.example/x", domains)]
    assert rules == ["url.unknown-host"]


def test_neutral_allowed_keeps_only_a_plain_request():
    kept = scan_text("We'd love to hear your review on Amazon.", "en", profile="neutral-allowed")
    assert kept.removals == [] and kept.allowed
    for text in ("Share your experience on Amazon and get a free gift.",
                 "Share your experience on Amazon. Every reviewer enters our monthly prize draw.",
                 "Happy with it? Please leave a review on Amazon."):
        scan = scan_text(text, "en", profile="neutral-allowed")
        assert scan.removals, text


def test_a_suspect_is_printed_and_reported():
    scan = scan_text("Tell us about your experience with the kettle.", "en")
    assert scan.removals == []
    assert scan.suspects
    assert scan.clean == scan.text




def test_check_reports_a_short_link_with_its_place(catalog):
    clock = catalog / "products" / "clock.yaml"
    clock.write_text(clock.read_text(encoding="utf-8").replace(
        "Insert one AA battery with the positive (+) end up.",
        "Setup video at youtu.be-clips.example/clock"), encoding="utf-8")
    result = run_cli("check", catalog)
    assert result.returncode == 1, result.stdout
    line = next(line for line in result.stdout.splitlines() if "compliance" in line
                or "youtu.be-clips" in line)
    assert "products/clock.yaml:" in line and "card.tips[0]" in line
    assert ('expected a link to the brand\'s own domains (support.testa.example), got '
            '"youtu.be-clips.example/clock"') in line
    assert "(in TS-CLK/" in line


def test_domains_in_brand_yaml_make_a_host_printable(catalog):
    clock = catalog / "products" / "clock.yaml"
    clock.write_text(clock.read_text(encoding="utf-8").replace(
        "Insert one AA battery with the positive (+) end up.",
        "Recipes at https://recipes.testa-kitchen.example/clock"), encoding="utf-8")
    assert run_cli("check", catalog).returncode == 1
    brand = catalog / "brand.yaml"
    brand.write_text(brand.read_text(encoding="utf-8") + "domains: [testa-kitchen.example]\n",
                     encoding="utf-8")
    result = run_cli("check", catalog)
    assert result.returncode == 0, result.stdout


def test_strict_fails_on_a_suspect_and_the_allow_list_clears_it(catalog):
    clock = catalog / "products" / "clock.yaml"
    sentence = "Tell us about your experience with the clock."
    clock.write_text(clock.read_text(encoding="utf-8").replace(
        "Insert one AA battery with the positive (+) end up.", sentence), encoding="utf-8")
    result = run_cli("check", catalog)
    assert "printed unchanged but may solicit a review" in result.stdout
    assert "[warning]" in result.stdout
    assert run_cli("check", catalog, "--strict").returncode == 1
    brand = catalog / "brand.yaml"
    brand.write_text(brand.read_text(encoding="utf-8") + (
        "allow:\n  - phrase: Tell us about your experience\n"
        "    reason: the support form asks this, nothing is published\n"), encoding="utf-8")
    result = run_cli("check", catalog, "--strict")
    assert "printed unchanged" not in result.stdout


def test_a_link_written_into_a_layout_is_held_to_the_same_domains(catalog):
    layout = catalog / "layouts" / "linked-card"
    shutil.copytree(FIXTURES / "solicit" / "layouts" / "promo-card", layout)
    template = layout / "card.html.j2"
    template.write_text(template.read_text(encoding="utf-8").replace(
        '<p class="promo">Loved it? Rate us ★★★★★ on Amazon!</p>',
        '<p class="promo"><a href="https://support.testa.example/faq">FAQ</a> '
        '<a href="https://tinyurl.com/testa-deal">Deals</a></p>'), encoding="utf-8")
    clock = catalog / "products" / "clock.yaml"
    clock.write_text(clock.read_text(encoding="utf-8").replace(
        "  - layout: card-4x6\n", "  - layout: linked-card\n"), encoding="utf-8")
    result = run_cli("check", catalog)
    assert result.returncode == 1, result.stdout
    [line] = [line for line in result.stdout.splitlines() if "compliance" in line
              or "tinyurl" in line]
    assert line.startswith("layouts/linked-card/card.html.j2:4: template text: expected a link "
                           "to the brand's own domains (support.testa.example), got "
                           '"https://tinyurl.com/testa-deal": a short link hides where it leads')
    assert "support.testa.example/faq" not in line
