"""The translator workflow: PO files per product and locale, change tracking, fallback chains,
checks, the fit on the rendered card, status, XLIFF round trips, locale-aware formatting."""

from __future__ import annotations

import json

import pytest
from conftest import manifest, pdf_text, run_cli

from generator.catalog.pofile import PoSyntaxError, format_po, parse, read, write_if_changed


def translate(path, texts: dict[str, str]) -> None:
    """Fill msgstr of the entries whose field is in ``texts`` (as a translator's tool would)."""
    po = read(path)
    for entry in po.entries:
        field = entry.msgctxt.partition("|")[2]
        if field in texts:
            entry.msgstr = texts[field]
            entry.fuzzy = False
    write_if_changed(path, po)


# --- PO files -------------------------------------------------------------------------------

PO = '''# A translator's note on the file.
msgid ""
msgstr ""
"Language: de\\n"

#. Card back: one short usage tip.
#: products/fan.yaml:15
#, fuzzy
#| msgid "Clean the grille."
msgctxt "TS-FAN|card.tips[0]"
msgid "Clean the grille with a dry cloth."
msgstr "Das Gitter reinigen."

msgid "Warranty: %(num)d year"
msgid_plural "Warranty: %(num)d years"
msgstr[0] "Garantie: %(num)d Jahr"
msgstr[1] "Garantie: %(num)d Jahre"

msgid ""
"Two\\n"
"lines"
msgstr ""

#~ msgctxt "TS-FAN|card.tips[5]"
#~ msgid "Gone"
#~ msgstr "Weg"
'''


def test_po_files_read_back_byte_for_byte():
    po = parse(PO)
    assert format_po(po) == PO
    tip, plural, multi, gone = po.entries
    assert (tip.msgctxt, tip.fuzzy, tip.previous_msgid, tip.line, tip.msgstr_line) == (
        "TS-FAN|card.tips[0]", True, "Clean the grille.", 11, 12)
    assert plural.plurals == ["Garantie: %(num)d Jahr", "Garantie: %(num)d Jahre"]
    assert multi.msgid == "Two\nlines" and gone.obsolete
    assert po.header_comments == ["A translator's note on the file."]


def test_a_broken_po_file_names_its_line():
    with pytest.raises(PoSyntaxError, match=r'line 6: expected a quoted string, got \'"unclosed\''):
        parse('msgid ""\nmsgstr ""\n\nmsgctxt "x"\nmsgid "a"\nmsgstr "unclosed\n')


# --- extract, translate, build --------------------------------------------------------------


def test_extract_translate_build_round_trip(catalog, tmp_path):
    product = catalog / "products/fan.yaml"
    product.write_text(product.read_text().replace("locales: [en, de, ar, ja]",
                                                   "locales: [en, de, ar, ja, fr]"))
    result = run_cli("i18n", "extract", catalog)
    assert result.returncode == 0, result.stderr
    assert "wrote   locales/TS-FAN.pot: 3 texts" in result.stdout
    result = run_cli("i18n", "update", catalog, "--locale", "fr")
    assert "wrote   locales/fr/TS-FAN.po: 0/3 translated, 0 fuzzy" in result.stdout
    po = (catalog / "locales/fr/TS-FAN.po").read_text(encoding="utf-8")
    assert ('#. Card back: one short usage tip.\n#. At most about 120 characters; the build '
            'measures the fit on the printed card.\n#: products/fan.yaml:15\n'
            'msgctxt "TS-FAN|card.tips[0]"\nmsgid "Clean the grille with a dry cloth."\n'
            'msgstr ""\n') in po
    translate(catalog / "locales/fr/TS-FAN.po", {
        "name": "Ventilateur de bureau Breeze",
        "card.tips[0]": "Nettoyez la grille avec un chiffon sec.",
        "card.tips[1]": "Ne retirez le couvercle des piles que ventilateur éteint."})
    again = run_cli("i18n", "update", catalog, "--locale", "fr")
    assert "checked locales/fr/TS-FAN.po: 3/3 translated, 0 fuzzy" in again.stdout
    out = tmp_path / "out"
    built = run_cli("build", catalog, "--out", out, "--product", "TS-FAN", "--locale", "fr")
    assert built.returncode == 0, built.stderr
    assert "no fr translation" not in built.stderr
    text = pdf_text(out / "TS-FAN/TS-FAN_card-a6_fr.pdf")
    assert "Merci d’avoir choisi Ventilateur de bureau Breeze" in text
    assert "Nettoyez la grille avec un chiffon sec." in text


def test_changed_source_turns_fuzzy_and_falls_back_with_a_warning(catalog, tmp_path):
    product = catalog / "products/fan.yaml"
    product.write_text(product.read_text().replace("Clean the grille with a dry cloth.",
                                                   "Clean the grille with a soft, dry cloth."))
    out = tmp_path / "out"
    # Before `i18n update`: the PO still names the old source text, so the build notices.
    built = run_cli("build", catalog, "--out", out, "--product", "TS-FAN", "--locale", "de")
    de = manifest(out)["TS-FAN/TS-FAN_card-a6_de.pdf"]
    [stale] = [f for f in de["findings"] if f["field"] == "card.tips[0]"]
    assert stale["code"] == "i18n.fallback" and stale["severity"] == "warning"
    assert stale["message"] == ('the de translation was made for an older source text ("Clean '
                                'the grille with a dry cloth."): TS-FAN prints the en text')
    assert "Clean the grille with a soft, dry cloth." in pdf_text(out / "TS-FAN/TS-FAN_card-a6_de.pdf")
    # `i18n update` keeps the translation, marked fuzzy, with the text it was made for.
    result = run_cli("i18n", "update", catalog, "--locale", "de")
    assert "wrote   locales/de/TS-FAN.po: 2/3 translated, 1 fuzzy" in result.stdout
    po = (catalog / "locales/de/TS-FAN.po").read_text(encoding="utf-8")
    assert ('#, fuzzy\n#| msgid "Clean the grille with a dry cloth."\nmsgctxt "TS-FAN|card.tips[0]"\n'
            'msgid "Clean the grille with a soft, dry cloth."\n'
            'msgstr "Reinigen Sie das Gitter mit einem trockenen Tuch."') in po
    built = run_cli("build", catalog, "--out", out, "--product", "TS-FAN", "--locale", "de")
    assert ("locales/de/TS-FAN.po: card.tips[0]: the de translation is marked fuzzy (to be "
            "reviewed): TS-FAN prints the en text [warning]") in built.stderr
    # A field removed from the product is kept as obsolete, never dropped.
    product.write_text(product.read_text().replace(
        "    - Remove the battery cover only with the fan switched off.\n", ""))
    run_cli("i18n", "update", catalog, "--locale", "de")
    po = (catalog / "locales/de/TS-FAN.po").read_text(encoding="utf-8")
    assert ('#~ msgctxt "TS-FAN|card.tips[1]"\n#~ msgid "Remove the battery cover only with the fan '
            'switched off."\n#~ msgstr "Öffnen Sie das Batteriefach nur bei ausgeschaltetem '
            'Ventilator."') in po


def test_stale_translations_can_be_kept(catalog, tmp_path):
    brand = catalog / "brand.yaml"
    brand.write_text(brand.read_text() + "stale_translations: keep\n")
    product = catalog / "products/fan.yaml"
    product.write_text(product.read_text().replace("with a dry cloth.", "with a soft, dry cloth."))
    out = tmp_path / "out"
    run_cli("build", catalog, "--out", out, "--product", "TS-FAN", "--locale", "de")
    assert "Reinigen Sie das Gitter" in pdf_text(out / "TS-FAN/TS-FAN_card-a6_de.pdf")
    [kept] = [f for f in manifest(out)["TS-FAN/TS-FAN_card-a6_de.pdf"]["findings"]
              if f["field"] == "card.tips[0]"]
    assert kept["message"].endswith("printed anyway (stale_translations: keep)")


def test_fallback_chain_pt_br_to_pt(catalog, tmp_path):
    brand = catalog / "brand.yaml"
    brand.write_text(brand.read_text().replace("locales: [en, de, fr, it, es, ar, ja]",
                                               "locales: [en, de, fr, it, es, ar, ja, pt, pt-BR]"))
    product = catalog / "products/fan.yaml"
    product.write_text(product.read_text().replace("locales: [en, de, ar, ja]",
                                                   "locales: [en, de, ar, ja, pt-BR]"))
    run_cli("i18n", "update", catalog, "--locale", "pt")
    translate(catalog / "locales/pt/TS-FAN.po", {"name": "Ventoinha de secretária Breeze"})
    out = tmp_path / "out"
    run_cli("build", catalog, "--out", out, "--product", "TS-FAN", "--locale", "pt-BR")
    document = manifest(out)["TS-FAN/TS-FAN_card-a6_pt-BR.pdf"]
    assert "Ventoinha de secretária Breeze" in pdf_text(out / "TS-FAN/TS-FAN_card-a6_pt-BR.pdf")
    reasons = {f["field"]: f for f in document["findings"] if f["code"] == "i18n.fallback"}
    assert reasons["name"]["message"] == "no pt-BR translation: TS-FAN prints the pt text"
    assert reasons["name"]["printed_locale"] == "pt"
    assert reasons["card.tips[0]"]["message"] == ("no pt-BR translation; no pt translation: TS-FAN "
                                                  "prints the en text")


def test_checks_report_file_and_line_and_keep_the_source(catalog, tmp_path):
    product = catalog / "products/fan.yaml"
    product.write_text(product.read_text().replace(
        "Clean the grille with a dry cloth.",
        "'Spare grilles: https://shop.testa.example/bf-10, or call +49 30 123456.'"))
    brand = catalog / "brand.yaml"  # a printed link must be on a domain the brand declares
    brand.write_text(brand.read_text() + "domains: [shop.testa.example]\n")
    run_cli("i18n", "update", catalog, "--locale", "de")
    translate(catalog / "locales/de/TS-FAN.po", {
        "card.tips[0]": "Ersatzgitter: https://shop.testa.example/bf10, oder +49 30 123456 anrufen."})
    line = next(i for i, text in enumerate(
        (catalog / "locales/de/TS-FAN.po").read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith('msgstr "Ersatzgitter'))
    out = tmp_path / "out"
    built = run_cli("build", catalog, "--out", out, "--product", "TS-FAN", "--locale", "de")
    assert (f"locales/de/TS-FAN.po:{line}: card.tips[0]: expected the URL "
            f"\"https://shop.testa.example/bf-10\" unchanged, got a text without it [warning]"
            ) in built.stderr
    # A translation that fails a check is not printed: the source text is.
    assert "https://shop.testa.example/bf-10" in pdf_text(out / "TS-FAN/TS-FAN_card-a6_de.pdf")
    # The longer English tip fits the German card's back once copy-fit sets its type smaller.
    [fitted] = [f for f in manifest(out)["TS-FAN/TS-FAN_card-a6_de.pdf"]["findings"]
                if f["code"] == "fit.copyfit"]
    assert fitted["severity"] == "info" and fitted["message"].startswith(
        "copy-fit set the type of the back side at ")


def test_layout_wording_placeholders_are_checked(catalog):
    po = catalog / "locales/de/LC_MESSAGES/insertgen.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Language: de\\n"\n\n#, python-format\n'
                  'msgid "%(brand)s customer care"\nmsgstr "Kundenservice von %(marke)s"\n\n'
                  'msgid "Warranty: %(num)d year"\nmsgid_plural "Warranty: %(num)d years"\n'
                  'msgstr[0] "Garantie: %(num)d Jahr"\n', encoding="utf-8")
    result = run_cli("i18n", "compile", catalog, "--out", catalog / "mo")
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        'locales/de/LC_MESSAGES/insertgen.po:7: msgid "%(brand)s customer care": expected the '
        'placeholders %(brand)s as in the source, got %(marke)s [warning]',
        'locales/de/LC_MESSAGES/insertgen.po:11: msgid "Warranty: %(num)d year": expected 2 '
        'plural forms for de (CLDR), got 1 [warning]',
    ]
    assert result.stderr.splitlines()[-1] == "exit 1: 2 translation check(s) failed"
    assert (catalog / "mo/locales/de/LC_MESSAGES/insertgen.mo").is_file()


# --- fit ------------------------------------------------------------------------------------


def test_an_overflowing_german_text_is_reported_with_its_overflow(catalog, tmp_path):
    product = catalog / "products/fan.yaml"
    product.write_text(product.read_text().replace(
        "card:\n", "card:\n  headline: Thanks for choosing the Breeze fan!\n"))
    run_cli("i18n", "update", catalog, "--locale", "de")
    translate(catalog / "locales/de/TS-FAN.po", {
        "card.headline": "Vielen herzlichen Dank, dass Sie sich für den außergewöhnlich leisen "
                         "Breeze-Tischventilator mit Rundumschwenkfunktion entschieden haben!"})
    out = tmp_path / "out"
    built = run_cli("build", catalog, "--out", out, "--product", "TS-FAN", "--locale", "de")
    assert built.returncode == 1
    de = manifest(out)["TS-FAN/TS-FAN_card-a6_de.pdf"]
    assert de["status"] == "failed"
    [fit] = [f for f in de["findings"] if f["code"] == "fit.lines"]
    assert (fit["source"], fit["field"], fit["locale"]) == ("locales/de/TS-FAN.po", "card.headline",
                                                            "de")
    assert fit["line"] == next(i for i, t in enumerate(
        (catalog / "locales/de/TS-FAN.po").read_text(encoding="utf-8").splitlines(), 1)
        if t.startswith('msgstr "Vielen herzlichen'))
    assert fit["lines"] > 3 and fit["height_mm"] > 20
    assert fit["message"] == (f"expected at most 3 lines for card.headline on "
                              f"TS-FAN/TS-FAN_card-a6_de.pdf, got {fit['lines']}: shorten this de text")
    status = json.loads(run_cli("i18n", "status", catalog, "--format", "json").stdout)
    fan = next(p for p in status["products"] if p["sku"] == "TS-FAN")
    assert fan["locales"]["de"]["overflowing"] == 1


# --- status ---------------------------------------------------------------------------------


def test_status_json_of_the_sample_catalog(catalog):
    result = run_cli("i18n", "status", catalog, "--format", "json", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)

    def cell(translated, missing, total=3):
        return {"total": total, "translated": translated, "fuzzy": 0, "missing": missing,
                "failing": 0, "overflowing": 0, "percent": round(100 * translated / total, 1)}

    assert data["locales"] == ["de", "fr", "it", "es", "ar", "ja"]
    assert data["products"] == [
        {"sku": "TS-CLK", "locales": {}},
        {"sku": "TS-FAN", "locales": {"de": cell(3, 0), "fr": cell(0, 3), "it": cell(0, 3),
                                      "es": cell(0, 3), "ar": cell(3, 0), "ja": cell(3, 0)}},
    ]
    assert data["totals"]["fr"] == cell(0, 3)
    assert data["fit_measured"] is True
    assert {(f["locale"], f["printed_locale"]) for f in data["fallbacks"]} == {
        ("fr", "en"), ("it", "en"), ("es", "en")}
    text = run_cli("i18n", "status", catalog, "--no-fit").stdout
    assert text.splitlines()[1].split() == ["TS-CLK", "-", "-", "-", "-", "-", "-"]
    assert text.splitlines()[2].split() == ["TS-FAN", "100%", "0%", "0%", "0%", "100%", "100%"]
    html = run_cli("i18n", "status", catalog, "--format", "html", "--no-fit").stdout
    assert html.startswith("<!DOCTYPE html>") and '<td class="done"><b>100%</b>' in html


# --- XLIFF ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["xliff", "xliff2"])
def test_xliff_round_trip_changes_nothing(catalog, tmp_path, version):
    run_cli("i18n", "update", catalog)
    before = {p: p.read_bytes() for p in sorted((catalog / "locales").rglob("*.po"))}
    exported = tmp_path / "de.xlf"
    result = run_cli("i18n", "export", catalog, "--format", version, "--locale", "de",
                     "--output", exported)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {exported}: 3 texts for de"
    result = run_cli("i18n", "import", catalog, exported)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "checked locales/de/TS-FAN.po: unchanged"
    assert {p: p.read_bytes() for p in sorted((catalog / "locales").rglob("*.po"))} == before


def test_xliff_import_applies_a_translation(catalog, tmp_path):
    run_cli("i18n", "update", catalog, "--locale", "fr")
    exported = tmp_path / "fr.xlf"
    run_cli("i18n", "export", catalog, "--locale", "fr", "--output", exported)
    text = exported.read_text(encoding="utf-8")
    assert '<trans-unit id="TS-FAN|name" resname="name" maxwidth="60" size-unit="char">' in text
    text = text.replace('<source xml:space="preserve">Breeze Desk Fan</source>',
                        '<source xml:space="preserve">Breeze Desk Fan</source>\n        '
                        '<target xml:space="preserve" state="translated">Ventilateur Breeze</target>')
    text = text.replace('<source xml:space="preserve">Clean the grille with a dry cloth.</source>',
                        '<source xml:space="preserve">Clean the grille with a dry cloth.</source>\n'
                        '        <target xml:space="preserve" state="needs-review-translation">'
                        'Nettoyez la grille.</target>')
    exported.write_text(text, encoding="utf-8")
    result = run_cli("i18n", "import", catalog, exported)
    assert result.stdout.strip() == "wrote   locales/fr/TS-FAN.po"
    po = {e.msgctxt: e for e in read(catalog / "locales/fr/TS-FAN.po").entries}
    assert (po["TS-FAN|name"].msgstr, po["TS-FAN|name"].fuzzy) == ("Ventilateur Breeze", False)
    assert (po["TS-FAN|card.tips[0]"].msgstr, po["TS-FAN|card.tips[0]"].fuzzy) == (
        "Nettoyez la grille.", True)


# --- locale-aware formatting ----------------------------------------------------------------


@pytest.mark.parametrize("locale, expected", [
    ("en", "1.7 | 1.7 L | €19.99 | November 24, 2026 | 1,234.50 | German"),
    ("de", "1,7 | 1,7 l | 19,99 € | 24. November 2026 | 1.234,50 | Deutsch"),
    ("fr", "1,7 | 1,7 l | 19,99 € | 24 novembre 2026 | 1 234,50 | allemand"),
    ("ja", "1.7 | 1.7 L | €19.99 | 2026年11月24日 | 1,234.50 | ドイツ語"),
])
def test_layouts_format_numbers_units_dates_and_languages_per_locale(locale, expected):
    from generator.render.html import environment

    template = environment(None).from_string(
        '{{ 1.7|number }} | {{ 1.7|unit("volume-liter") }} | {{ 19.99|currency("EUR") }} | '
        '{{ "2026-11-24"|date }} | {{ 1234.5|number(digits=2) }} | {{ "de"|language(section.locale) }}')
    section = type("Section", (), {"locale": locale})()
    assert template.render(section=section).replace("\u202f", " ").replace("\xa0", " ") == expected
