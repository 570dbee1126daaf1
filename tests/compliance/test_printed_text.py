"""Compliance reporting of what a document prints: a layout's literal text in every language
and branch, its translated strings, the brand's declared domains and the PDF gate's pointer to
the source of what it found (catalog audit 13, items R1-R3, R5-R7)."""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES, run_cli

from generator.catalog import load_catalog
from generator.compliance.cleaning import declared_domains, quote_msgid, scan_findings
from generator.compliance.engine import Allowed, Match, Scan, Suspect
from generator.compliance.gate import Gate, gate_problems

#: A catalog layout that prints one line per language, each in its own branch.
BRANCHES = """{% extends "shared/card.html.j2" %}
{% block front %}{{ super() }}
{% if section.lang == "en" %}
<p class="promo">Loved it? Leave a five-star review!</p>
{% elif section.lang == "de" %}
<p class="promo">Gefällt er Ihnen? Wir freuen uns über eine 5-Sterne-Rezension!</p>
{% endif %}
<p class="promo">Happy with the fan? Then please take a minute
  and leave us a <strong>review</strong> on Amazon.</p>
{% endblock %}
"""

#: The catalog's German wording for the A6 card's "Tips" heading, which the EU card never prints.
TIPS_PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: de\\n"

msgid "Tips"
msgstr "Bewerten Sie uns mit 5 Sternen!"
"""


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> list[str]:
    """``insertgen check`` of the sample with the fan's A6 card (en, de, ar, ja) on a layout
    with a literal line per language, and a German layout string only that card prints."""
    catalog = tmp_path_factory.mktemp("printed") / "sample"
    shutil.copytree(FIXTURES / "sample", catalog)
    layout = catalog / "layouts" / "branch-card"
    layout.mkdir(parents=True)
    for name in ("layout.yaml", "card.css.j2"):
        shutil.copy(FIXTURES / "solicit" / "layouts" / "promo-card" / name, layout)
    (layout / "card.html.j2").write_text(BRANCHES, encoding="utf-8")
    po = catalog / "locales" / "de" / "LC_MESSAGES" / "insertgen.po"
    po.parent.mkdir(parents=True)
    po.write_text(TIPS_PO, encoding="utf-8")
    fan = catalog / "products" / "fan.yaml"
    fan.write_text(fan.read_text(encoding="utf-8").replace(
        "  - layout: card-a6\n", "  - layout: branch-card\n"), encoding="utf-8")
    result = run_cli("check", catalog)
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout.splitlines()


def test_each_branch_of_a_layout_is_checked_in_its_language_and_blamed_on_its_document(checked):
    assert [line for line in checked if "template text" in line] == [
        'layouts/branch-card/card.html.j2:4: template text: expected text without review '
        'solicitation, got "Loved it? Leave a five-star review!": asks for a positive review or '
        'a top rating (rule en.positive-review, matched "five-star") '
        "(in TS-FAN/TS-FAN_branch-card_en.pdf for amazon-de)",
        'layouts/branch-card/card.html.j2:6: template text: expected text without review '
        'solicitation, got "Gefällt er Ihnen? Wir freuen uns über eine 5-Sterne-Rezension!": '
        'asks for a positive review or a top rating (rule de.positive-review, matched '
        '"5-Sterne") (in TS-FAN/TS-FAN_branch-card_de.pdf for amazon-de)',
        # Wrapped over two lines, with an inline tag: read as one sentence, found in every
        # document (in the brand's English where the document's own language finds nothing).
        'layouts/branch-card/card.html.j2:8: template text: expected text without review '
        'solicitation, got "Happy with the fan? Then please take a minute and leave us a review '
        'on Amazon.": asks only satisfied buyers for a review (rule en.happy-then-review, '
        'matched "Happy with the fan? Then please take a minute and leave us a review") '
        "(in TS-FAN/TS-FAN_branch-card_en.pdf for amazon-de, TS-FAN/TS-FAN_branch-card_de.pdf "
        "for amazon-de, TS-FAN/TS-FAN_branch-card_ar.pdf for amazon-de, "
        "TS-FAN/TS-FAN_branch-card_ja.pdf for amazon-de)",
    ]


def test_a_layout_string_is_reported_only_for_the_documents_that_print_it(checked):
    assert [line for line in checked if "insertgen.po" in line] == [
        'locales/de/LC_MESSAGES/insertgen.po:6: msgid "Tips": expected a layout string left '
        "once review solicitation is removed, got nothing: rewrite this translation without it "
        "(in TS-FAN/TS-FAN_branch-card_de.pdf for amazon-de)",
        'locales/de/LC_MESSAGES/insertgen.po:6: msgid "Tips": removed "Bewerten Sie uns mit 5 '
        'Sternen!": asks for a positive review or a top rating (rule de.positive-review, '
        'matched "5 Sternen") (in TS-FAN/TS-FAN_branch-card_de.pdf for amazon-de) [warning]',
    ]


def test_a_msgid_is_quoted_whole_or_cut_at_a_word():
    assert quote_msgid("Read this manual before first use and keep it for later.") == \
        '"Read this manual before first use and keep it for later."'
    long = ("Keep the fountain on a flat surface away from direct sunlight, radiators and "
            "other sources of heat.")
    assert quote_msgid(long) == ('"Keep the fountain on a flat surface away from direct '
                                 'sunlight, radiators and…"')


def test_a_rejected_support_url_declares_no_host_and_a_shortener_is_never_the_brands(catalog):
    brand = catalog / "brand.yaml"
    text = brand.read_text(encoding="utf-8")
    head, markets = text.split("marketplaces:\n", 1)
    market = markets.split("manufacturer:", 1)[0]
    added = "".join(market.replace("amazon-de:", f"{key}:").replace(
        '"https://support.testa.example/{marketplace}/{sku}?lang={locale}"', f'"{url}"')
        for key, url in (("review-form", "https://www.amazon.com/review/create-review?asin=B0T"),
                         ("short", "https://tinyurl.com/testa"),
                         ("promo", "https://help.testa.example/{sku}?coupon=REVIEW10")))
    brand.write_text(head + "domains: [bit.ly, testa-shop.example]\nmarketplaces:\n" + added
                     + markets, encoding="utf-8")
    assert declared_domains(load_catalog(catalog, partial=True)) == (
        "support.testa.example", "testa-shop.example")


#: An Arabic source text and what a PDF's text layer reads back of it: lam-alef and "على"
#: come out in another order (as PDFium read an Arabic manual in catalog audit 13).
ARABIC_SOURCE = "لا تنسَ تقييمنا بخمس نجوم على أمازون!"
ARABIC_READ_BACK = "ال تنسَ تقييمنا بخمس نجوم عىل أمازون!"


def test_the_pdf_gate_names_the_source_of_a_text_it_reads_back_garbled():
    gate = Gate(("ar",), "strict", (), (ARABIC_SOURCE,),
                ((ARABIC_SOURCE, "locales/ar/TS-FAN.po:12: card.tips[1]"),))
    [(code, severity, message)] = gate_problems(ARABIC_READ_BACK, gate)
    assert (code, severity) == ("compliance.pdf.positive_only", "error")
    assert message.endswith(
        '; it is printed from locales/ar/TS-FAN.po:12: card.tips[1] ("' + ARABIC_SOURCE
        + "\"), which the PDF's text layer reads differently: rewrite it there, or allow the "
        "phrase in brand.yaml if it is fine")


def test_the_pdf_gate_keeps_the_generic_pointer_for_text_no_source_has():
    gate = Gate(("en",), "strict", (), ("Thank you for choosing Testa.",),
                (("Thank you for choosing Testa.", "products/clock.yaml:3:7: headline"),))
    [(_, _, message)] = gate_problems("Thank you for choosing Testa. Rate us five stars!", gate)
    assert message.endswith("; remove it where it comes from (layout, stylesheet or brand file)")


def test_a_sentence_a_rule_kept_is_not_also_reported_as_a_suspect():
    text = "If you have a moment, we would appreciate a review. Thank you!"
    request = Match("en.request-review", "solicit", "asks the buyer for a review or rating",
                    0, 50, text[:50])
    suspect = Match("en.suspect.review-near-request", "suspect",
                    "a review word near a request that no rule confirmed", 0, 51, text[:51])
    scan = Scan(text, text, [], [Allowed(request, "a neutral review request (profile "
                                          "neutral-allowed)")],
                [Suspect(0, 51, text[:51], [suspect])])
    findings = scan_findings(scan, source="products/carrier.yaml", line=23, column=5,
                             field="card.tips[0]", sku="VG-BC04", locale="en")
    assert [f.format() for f in findings] == [
        'products/carrier.yaml:23:5: card.tips[0]: kept "If you have a moment, we would '
        'appreciate a review" (en.request-review): a neutral review request (profile '
        "neutral-allowed) [info]"]
