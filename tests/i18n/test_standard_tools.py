"""What insertgen writes for translators, read by the tools they use: GNU gettext (``msgfmt -c``,
``msgmerge``, ``msginit``, ``msgunfmt``) on every PO, POT and MO; the OASIS XLIFF 1.2 and 2.0
schemas and translate-toolkit on the XLIFF exports; CLDR's plural rules (through Babel)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES

from generator.catalog import load_catalog
from generator.catalog.pofile import (
    Entry,
    PoFile,
    format_po,
    header_fields,
    parse,
    read,
    stamp_dates,
    write_if_changed,
)
from generator.i18n import extraction, xliff
from generator.i18n.plurals import SAMPLES, cldr_plural_forms, parse_plural_forms, remap

REPO = Path(__file__).resolve().parents[2]
XSD = FIXTURES / "xliff-xsd"
gettext_tools = pytest.mark.skipif(
    shutil.which("msgfmt") is None,
    reason="GNU gettext is not installed: apt-get install gettext (./dev does it when run as root)")

#: Babel 2.18's Arabic formula, the one older insertgen files carry (not CLDR's).
OLD_ARABIC = ("nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
              "n%100>=0 && n%100<=2 ? 4 : 5);")


def gnu(*args) -> tuple[int, str]:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120)
    return done.returncode, (done.stdout + done.stderr).strip()


# --- plural forms ---------------------------------------------------------------------------

SHIPPED = ["en", "de", "fr", "it", "es", "nl", "sv", "pl", "tr", "ar", "ja", "zh-Hans", "pt-BR", "ko"]


@pytest.mark.parametrize("locale", SHIPPED + ["pt", "ru", "cs", "uk", "ga", "cy"])
def test_plural_forms_are_cldr_rules(locale):
    from babel import Locale

    forms = cldr_plural_forms(locale)
    rule = Locale.parse(locale.replace("-", "_")).plural_form
    categories: dict[int, set[str]] = {}
    for n in SAMPLES:
        categories.setdefault(forms.index(n), set()).add(rule(n))
    # Every form is used, and each one is exactly one CLDR category for whole numbers.
    assert sorted(categories) == list(range(forms.count))
    assert all(len(names) == 1 for names in categories.values()), categories


def test_arabic_has_cldrs_six_forms():
    assert cldr_plural_forms("ar").header == (
        "nplurals=6; plural=(n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : n % 100 >= 3 && "
        "n % 100 <= 10 ? 3 : n % 100 >= 11 && n % 100 <= 99 ? 4 : 5);")
    assert [cldr_plural_forms("ar").index(n) for n in (0, 1, 2, 5, 11, 99, 100, 102)] == [
        0, 1, 2, 3, 4, 4, 5, 5]


def test_forms_written_for_another_formula_move_by_number():
    old = parse_plural_forms(OLD_ARABIC)
    # Babel 2.18's form 4 held 100-102, CLDR's 4 holds 11-99 (the old 5): they swap, exactly.
    assert remap(["0", "1", "2", "few", "x00-x02", "x11-x99"], old, cldr_plural_forms("ar")) == (
        ["0", "1", "2", "few", "x11-x99", "x00-x02"], True)
    two = parse_plural_forms("nplurals=2; plural=(n > 1);")
    assert remap(["an", "ans"], two, cldr_plural_forms("fr")) == (["an", "ans", "ans"], True)
    assert parse_plural_forms("nplurals=INTEGER; plural=EXPRESSION;") is None


def test_update_brings_plural_forms_to_cldr():
    template = [Entry(msgid="Warranty: %(num)d year", msgid_plural="Warranty: %(num)d years",
                      flags=["python-format"])]
    arabic = PoFile(f"Language: ar\nPlural-Forms: {OLD_ARABIC[:-1]}\n",
                    [Entry(msgid=template[0].msgid, msgid_plural=template[0].msgid_plural,
                           plurals=["a", "b", "c", "d", "e", "f"], flags=["python-format"])])
    header = extraction._header("insertgen", "ar", "en", arabic)
    merged = extraction.merge_layout(arabic, template, header, cldr_plural_forms("ar"))
    [entry] = merged.entries
    assert (entry.plurals, entry.fuzzy) == (["a", "b", "c", "d", "f", "e"], False)
    assert header_fields(merged.header)["Plural-Forms"] == cldr_plural_forms("ar").header
    # French gained CLDR's "many" (millions): the translation is kept, a translator looks again.
    french = PoFile("Language: fr\nPlural-Forms: nplurals=2; plural=(n > 1);\n",
                    [Entry(msgid=template[0].msgid, msgid_plural=template[0].msgid_plural,
                           plurals=["an", "ans"], flags=["python-format"])])
    merged = extraction.merge_layout(french, template, extraction._header("x", "fr", "en", french),
                                     cldr_plural_forms("fr"))
    [entry] = merged.entries
    assert (entry.plurals, entry.fuzzy) == (["an", "ans", "ans"], True)


# --- PO, POT and MO through GNU gettext -----------------------------------------------------


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """The example catalog's templates and PO files, and the layout wording of insertgen's own
    repository, as ``i18n extract`` and ``i18n update`` write them (dates fixed)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00 UTC
        return _write_all(tmp_path_factory.mktemp("written"))


def _write_all(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(REPO / "examples/catalog", root)
    catalog = load_catalog(root, partial=True)
    extraction.extract_products(catalog)
    extraction.update_products(catalog)
    wording = tmp_path / "wording"
    for part in ("babel.cfg", "layouts", "locales", "generator/content/localize.py"):
        target = wording / part
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if (REPO / part).is_dir() else shutil.copy)(REPO / part, target)
    extraction.extract_layouts(wording, "insertgen")
    extraction.update_layouts(wording, "insertgen", extraction.layout_locales(wording))
    return tmp_path


def _files(root: Path, pattern: str) -> list[Path]:
    return sorted(root.rglob(pattern))


@gettext_tools
def test_msgfmt_check_accepts_every_po_and_pot(written):
    files = _files(written, "*.po") + _files(written, "*.pot")
    assert len(files) == 45  # 27 product PO, 3 product POT, 14 layout PO, 1 layout POT
    for path in files:
        assert gnu("msgfmt", "-c", "--check-format", "-o", "/dev/null", path) == (0, ""), path


@gettext_tools
def test_msgmerge_merges_every_po_with_its_template(written, tmp_path):
    merged = tmp_path / "merged.po"
    count = 0
    for path in _files(written, "*.po"):
        name = "insertgen.pot" if path.stem == "insertgen" else f"{path.stem}.pot"
        template = next(p for p in _files(written, "*.pot") if p.name == name)
        assert gnu("msgmerge", "--quiet", "-o", merged, path, template) == (0, ""), path
        assert gnu("msgfmt", "-c", "--check-format", "-o", "/dev/null", merged) == (0, ""), path
        count += 1
    assert count == 27 + 14


@gettext_tools
@pytest.mark.parametrize("locale", ["de", "ar", "pl", "ja"])
def test_msginit_starts_a_new_locale_from_every_template(written, tmp_path, locale):
    for template in _files(written, "*.pot"):
        out = tmp_path / f"{template.stem}.{locale}.po"
        code, output = gnu("msginit", "--no-translator", "--locale", locale, "-i", template, "-o", out)
        assert code == 0, output
        assert gnu("msgfmt", "-c", "--check-format", "-o", "/dev/null", out) == (0, ""), template
        assert header_fields(read(out).header)["Language"] == locale


@gettext_tools
def test_compiled_mo_files_decode_like_msgfmts_own(written, tmp_path):
    mo, findings = extraction.compile_all(written / "wording", tmp_path / "mo")
    assert len(mo) == 14 and findings == []
    for item in mo:
        ours = tmp_path / "mo" / item.path
        source = written / "wording" / item.path.replace(".mo", ".po")
        theirs = tmp_path / "gnu.mo"
        assert gnu("msgfmt", "-o", theirs, source)[0] == 0
        assert gnu("msgunfmt", ours) == gnu("msgunfmt", theirs), item.path


def test_every_file_has_the_full_header(written):
    text = (written / "catalog/locales/ar/LH-KT17.po").read_text(encoding="utf-8")
    dates = header_fields(read(written / "catalog/locales/ar/LH-KT17.po").header)
    assert re.fullmatch(r"20\d\d-\d\d-\d\d \d\d:\d\d\+0000", dates["PO-Revision-Date"])
    assert text.split("\n")[:17] == [
        'msgid ""', 'msgstr ""',
        '"Project-Id-Version: LH-KT17\\n"',
        '"Report-Msgid-Bugs-To: \\n"',
        f'"POT-Creation-Date: {dates["POT-Creation-Date"]}\\n"',
        f'"PO-Revision-Date: {dates["PO-Revision-Date"]}\\n"',
        '"Last-Translator: \\n"',
        '"Language-Team: Arabic\\n"',
        '"Language: ar\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        f'"Plural-Forms: {cldr_plural_forms("ar").header}\\n"',
        '"X-Source-Language: en\\n"',
        '"X-Generator: insertgen\\n"', "", "#. Product name, printed in the headline and the imprint."]
    for path in _files(written, "*.po") + _files(written, "*.pot"):
        fields = header_fields(read(path).header)
        missing = [f for f in ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date",
                               "PO-Revision-Date", "Last-Translator", "Language-Team", "Language",
                               "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
                               "Plural-Forms") if f not in fields]
        assert missing == [], path
        locale = "en" if path.suffix == ".pot" else fields["Language"]
        assert fields["Plural-Forms"] == cldr_plural_forms(locale).header, path


def test_plural_templates_keep_their_msgstr_lines(written):
    pot = (written / "wording/locales/insertgen.pot").read_text(encoding="utf-8")
    assert ('msgid "Warranty: %(num)d year"\nmsgid_plural "Warranty: %(num)d years"\n'
            'msgstr[0] ""\nmsgstr[1] ""\n') in pot
    assert [e.plurals for e in parse(pot).entries if e.msgid_plural] == [["", ""]]


def test_dates_move_only_with_what_they_date(monkeypatch):
    entry = Entry(msgid="Lid", msgctxt="X|name", references=["products/x.yaml:2"])
    first = PoFile("Language: de\n", [entry])
    stamp_dates(first, None, "2026-01-01 00:00+0000")
    again = parse(format_po(first))
    stamp_dates(again, parse(format_po(first)), "2026-02-02 00:00+0000")
    assert format_po(again) == format_po(first)  # nothing changed: no new date
    translated = parse(format_po(first))
    translated.entries[0].msgstr = "Deckel"
    stamp_dates(translated, first, "2026-03-03 00:00+0000")
    assert [header_fields(translated.header)[f] for f in ("POT-Creation-Date", "PO-Revision-Date")] \
        == ["2026-01-01 00:00+0000", "2026-03-03 00:00+0000"]
    moved = parse(format_po(translated))
    moved.entries[0].references = ["products/x.yaml:3"]
    stamp_dates(moved, translated, "2026-04-04 00:00+0000")
    assert [header_fields(moved.header)[f] for f in ("POT-Creation-Date", "PO-Revision-Date")] \
        == ["2026-04-04 00:00+0000", "2026-03-03 00:00+0000"]


def test_running_update_twice_writes_nothing(written, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    catalog = load_catalog(written / "catalog", partial=True)
    again = extraction.update_products(catalog) + extraction.extract_products(catalog)
    wording = written / "wording"
    again += extraction.update_layouts(wording, "insertgen", extraction.layout_locales(wording))
    again += extraction.extract_layouts(wording, "insertgen")
    assert [w.path for w in again if w.changed] == []


@gettext_tools
def test_obsolete_entries_with_a_previous_msgid_pass_msgfmt(tmp_path):
    po = parse('msgid ""\nmsgstr ""\n"Language: de\\n"\n\n#, fuzzy\n#~| msgid "Old"\n'
               '#~ msgctxt "X|tip"\n#~ msgid "New"\n#~ msgstr "Neu"\n')
    [gone] = po.entries
    assert (gone.obsolete, gone.previous_msgid, gone.fuzzy) == (True, "Old", True)
    path = tmp_path / "de.po"
    full = extraction._header("X", "de", "en", po)
    write_if_changed(path, PoFile(full, po.entries))
    assert '#~| msgid "Old"\n#~ msgctxt "X|tip"' in path.read_text(encoding="utf-8")
    assert gnu("msgfmt", "-c", "--check-format", "-o", "/dev/null", path) == (0, "")


def test_a_translation_must_keep_the_line_breaks_msgfmt_checks(catalog):
    from generator.i18n.checks import line_breaks

    assert line_breaks("Two\nlines\n", "Zwei\nZeilen", ()) == [
        "expected a line break at the end as in the source, got none"]
    assert line_breaks("One line", "\nEine Zeile", ()) == [
        "expected no line break at the start as in the source, got one"]


# --- XLIFF through the OASIS schemas and translate-toolkit ----------------------------------


def _schemas():
    etree = pytest.importorskip("lxml.etree")
    xml_xsd = XSD / "2.0/informativeCopiesOf3rdPartySchemas/w3c/xml.xsd"

    class Offline(etree.Resolver):
        """The W3C schema the XLIFF 1.2 schema imports by its web address, from the copy here."""

        def resolve(self, url, public_id, context):
            if url == "http://www.w3.org/2001/xml.xsd":
                return self.resolve_filename(str(xml_xsd), context)
            return None

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(Offline())
    strict_12 = etree.XMLSchema(etree.parse(str(XSD / "1.2/xliff-core-1.2-strict.xsd"), parser))
    # XLIFF 2.0 core plus the two modules the export uses, so their elements are validated too.
    driver = (b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:x">'
              b'<xs:import namespace="urn:oasis:names:tc:xliff:document:2.0" '
              b'schemaLocation="xliff_core_2.0.xsd"/>'
              b'<xs:import namespace="urn:oasis:names:tc:xliff:sizerestriction:2.0" '
              b'schemaLocation="modules/size_restriction.xsd"/>'
              b'<xs:import namespace="urn:oasis:names:tc:xliff:matches:2.0" '
              b'schemaLocation="modules/matches.xsd"/></xs:schema>')
    core_20 = etree.XMLSchema(etree.fromstring(driver, parser, base_url=f"{XSD / '2.0'}/"))
    return etree, {"1.2": strict_12, "2.0": core_20}


@pytest.fixture
def exports(catalog, tmp_path, monkeypatch) -> dict:
    """de exported as XLIFF 1.2 and 2.0 with a translated, a fuzzy (changed source) and an
    untranslated text."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    product = catalog / "products/fan.yaml"
    product.write_text(product.read_text().replace("Clean the grille with a dry cloth.",
                                                   "Clean the grille with a soft, dry cloth."))
    product.write_text(product.read_text().replace(
        "card:\n", "card:\n  headline: Thanks for choosing the Breeze fan!\n"))
    extraction.update_products(load_catalog(catalog, partial=True), ("de",))
    loaded = load_catalog(catalog, partial=True)
    out = {}
    for version in ("1.2", "2.0"):
        path = tmp_path / f"de-{version}.xlf"
        path.write_bytes(xliff.export(loaded, "de", version))
        out[version] = path
    return {"catalog": catalog, **out}


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_xliff_exports_are_valid_against_the_oasis_schemas(exports, version):
    etree, schemas = _schemas()
    document = etree.parse(str(exports[version]))
    assert schemas[version].validate(document), schemas[version].error_log
    # The schemas do look at what the export uses: a wrong value is refused.
    text = exports[version].read_text(encoding="utf-8")
    broken = text.replace('approved="yes"', 'approved="ok"', 1) if version == "1.2" else \
        text.replace('general="nfc"', 'general="nfkc"', 1)
    assert broken != text
    assert not schemas[version].validate(etree.fromstring(broken.encode()).getroottree())


def test_translate_toolkit_reads_xliff_12_states_limits_and_previous_source(exports):
    from translate.storage.xliff import xlifffile

    store = xlifffile.parsefile(str(exports["1.2"]))
    units = {u.xmlelement.get("id"): u for u in store.units}
    assert list(units) == ["TS-FAN|name", "TS-FAN|card.headline", "TS-FAN|card.tips[0]",
                           "TS-FAN|card.tips[1]"]
    seen = {key: (u.isfuzzy(), u.isapproved(), u.istranslated(), u.xmlelement.get("maxwidth"),
                  u.xmlelement.get("size-unit")) for key, u in units.items()}
    assert seen == {
        "TS-FAN|name": (False, True, True, "60", "char"),
        "TS-FAN|card.headline": (False, False, False, "80", "char"),
        "TS-FAN|card.tips[0]": (True, False, False, "120", "char"),
        "TS-FAN|card.tips[1]": (False, True, True, "120", "char"),
    }
    assert units["TS-FAN|name"].get_state_n() == store.units[0].S_SIGNED_OFF + 1  # final
    [previous] = units["TS-FAN|card.tips[0]"].getalttrans(origin="previous")
    assert (previous.source, previous.target) == (
        "Clean the grille with a dry cloth.", "Reinigen Sie das Gitter mit einem trockenen Tuch.")


def test_translate_toolkit_reads_xliff_20_states_and_limits(exports):
    from translate.storage.xliff2 import Xliff2File

    store = Xliff2File.parsefile(str(exports["2.0"]))
    slr = "{urn:oasis:names:tc:xliff:sizerestriction:2.0}sizeRestriction"
    seen = {u.getunitelement().get("name"): (u.isfuzzy(), u.isapproved(), bool(u.target),
                                             u.getunitelement().get(slr)) for u in store.units}
    assert seen == {
        "TS-FAN|name": (False, True, True, "60"),
        "TS-FAN|card.headline": (False, False, False, "80"),
        "TS-FAN|card.tips[0]": (True, False, True, "120"),
        "TS-FAN|card.tips[1]": (False, True, True, "120"),
    }
    text = exports["2.0"].read_text(encoding="utf-8")
    assert '<slr:profiles generalProfile="xliff:codepoints">' in text
    assert ('<mtc:match ref="#s1" origin="previous">\n          <source xml:space="preserve">'
            'Clean the grille with a dry cloth.</source>') in text


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_xliff_with_a_fuzzy_text_imports_back_unchanged(exports, version):
    po_path = exports["catalog"] / "locales/de/TS-FAN.po"
    before = po_path.read_bytes()
    result = xliff.import_file(load_catalog(exports["catalog"], partial=True), exports[version])
    assert (result.written, result.unchanged) == ([], ["locales/de/TS-FAN.po"])
    assert po_path.read_bytes() == before
    tip = read(po_path).by_context()["TS-FAN|card.tips[0]"]
    assert (tip.fuzzy, tip.previous_msgid) == (True, "Clean the grille with a dry cloth.")


def test_xliff_12_approval_decides_on_import(exports):
    text = exports["1.2"].read_text(encoding="utf-8")
    # A CAT tool that approved the fuzzy text, and one that withdrew the approval of another.
    text = text.replace('<target xml:space="preserve" state="needs-review-translation">',
                        '<target xml:space="preserve" state="translated">')
    text = text.replace('<trans-unit id="TS-FAN|card.tips[0]" resname="card.tips[0]"',
                        '<trans-unit id="TS-FAN|card.tips[0]" resname="card.tips[0]" approved="yes"')
    text = text.replace('<trans-unit id="TS-FAN|name" resname="name" approved="yes"',
                        '<trans-unit id="TS-FAN|name" resname="name" approved="no"')
    exports["1.2"].write_text(text, encoding="utf-8")
    xliff.import_file(load_catalog(exports["catalog"], partial=True), exports["1.2"])
    po = read(exports["catalog"] / "locales/de/TS-FAN.po").by_context()
    assert (po["TS-FAN|card.tips[0]"].fuzzy, po["TS-FAN|card.tips[0]"].previous_msgid) == (False, None)
    assert po["TS-FAN|name"].fuzzy is True
