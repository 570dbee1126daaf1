"""XLIFF for CAT tools: one locale's product texts out (1.2 or 2.0), translations back in.

Export reads the locale's PO files as ``insertgen i18n update`` would write them (current source
texts, translations kept, changed sources fuzzy); import writes a PO file only when one of its
entries changes, so exporting and importing an untouched file changes nothing on disk.

What a PO entry becomes, valid against the OASIS schemas (1.2 strict; 2.0 core with the Size and
Length Restriction and Translation Candidates modules) and read so by translate-toolkit:

- a translation that is not fuzzy is approved: 1.2 ``approved="yes"`` and ``state="final"``,
  2.0 ``state="final"``; a fuzzy one needs review: 1.2 ``state="needs-review-translation"``,
  2.0 ``state="initial"`` with ``subState="insertgen:fuzzy"``;
- a field's length limit is machine-readable: 1.2 ``maxwidth`` with ``size-unit="char"``, 2.0
  ``slr:sizeRestriction`` under the ``xliff:codepoints`` profile declared on each file;
- a fuzzy entry's previous source (``#|``) travels with the translation made for it: 1.2
  ``<alt-trans origin="previous">`` (translate-toolkit's ``po2xliff`` convention), 2.0 an
  ``<mtc:match origin="previous">``.

On import, 1.2 ``approved="yes"`` or the states ``translated``, ``final``, ``signed-off``, and
2.0 ``translated``, ``reviewed``, ``final`` clear the fuzzy flag; ``approved="no"``,
``needs-*``, ``new`` and 2.0 ``initial`` set it. A target made for another source text than
the current one is imported as fuzzy.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from generator.catalog import LoadedCatalog
from generator.catalog.pofile import Entry, PoFile, read, write_if_changed
from generator.catalog.translator_files import po_display, units
from generator.findings import Finding, InsertgenError, Severity
from generator.i18n.extraction import _header, _kinds_with_fallbacks, merge_product, product_entries

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
NS_SLR = "urn:oasis:names:tc:xliff:sizerestriction:2.0"
NS_MTC = "urn:oasis:names:tc:xliff:matches:2.0"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DONE_12 = {"translated", "final", "signed-off"}
DONE_20 = {"translated", "reviewed", "final"}
FUZZY_20 = "insertgen:fuzzy"

ET.register_namespace("slr", NS_SLR)
ET.register_namespace("mtc", NS_MTC)


@dataclasses.dataclass
class _Export:
    """One product's PO file for the locale, brought up to date, with each field's limit."""

    sku: str
    path: Path
    po: PoFile
    #: Field key -> the most characters it should take (``None``: no limit).
    max_chars: dict[str, int | None]


def _current(catalog: LoadedCatalog, locale: str) -> list[_Export]:
    """Every product translated into ``locale``, up to date."""
    out = []
    for loaded in catalog.products:
        locales = {loc for doc in loaded.product.documents for loc in doc.locales}
        path = catalog.root / po_display(locale, loaded.product.sku)
        if locale not in locales and not path.is_file():
            continue
        existing = read(path) if path.is_file() else None
        po = merge_product(existing, product_entries(catalog, loaded,
                                                     _kinds_with_fallbacks(catalog, loaded, locale)),
                           _header(loaded.product.sku, locale, catalog.brand.source_locale,
                                   existing))
        limits = {unit.key: unit.max_chars for unit in units(loaded.product)}
        out.append(_Export(loaded.product.sku, path, po, limits))
    return out


def export(catalog: LoadedCatalog, locale: str, version: str = "1.2") -> bytes:
    """The XLIFF document of ``locale``'s product texts."""
    if locale == catalog.brand.source_locale or locale not in catalog.brand.locales:
        others = [loc for loc in catalog.brand.locales if loc != catalog.brand.source_locale]
        raise InsertgenError(f"--locale {locale}: expected one of {', '.join(others)}, got "
                             f"\"{locale}\"")
    source = catalog.brand.source_locale
    if version == "2.0":
        root = ET.Element("xliff", {"xmlns": NS20, "version": "2.0", "srcLang": source,
                                    "trgLang": locale})
    else:
        root = ET.Element("xliff", {"xmlns": NS12, "version": "1.2"})
    for item in _current(catalog, locale):
        original = item.path.relative_to(catalog.root).as_posix()
        entries = [e for e in item.po.entries if not e.obsolete]
        if version == "2.0":
            file = ET.SubElement(root, "file", {"id": _nmtoken(item.sku), "original": original})
            if any(item.max_chars.values()):
                profiles = ET.SubElement(file, f"{{{NS_SLR}}}profiles",
                                         {"generalProfile": "xliff:codepoints"})
                ET.SubElement(profiles, f"{{{NS_SLR}}}normalization", {"general": "nfc"})
            for entry in entries:
                _unit_20(file, entry, item.max_chars.get(_key(entry)))
        else:
            file = ET.SubElement(root, "file", {"original": original, "source-language": source,
                                                "target-language": locale,
                                                "datatype": "plaintext", "product-name": item.sku})
            body = ET.SubElement(file, "body")
            for entry in entries:
                _unit_12(body, entry, item.max_chars.get(_key(entry)))
    ET.indent(root, "  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode").encode() \
        + b"\n"


def _key(entry: Entry) -> str:
    return (entry.msgctxt or "").partition("|")[2]


def _unit_12(body: ET.Element, entry: Entry, max_chars: int | None) -> None:
    unit = ET.SubElement(body, "trans-unit", {"id": entry.msgctxt, "resname": _key(entry)})
    if entry.msgstr and not entry.fuzzy:
        unit.set("approved", "yes")
    if max_chars:
        unit.set("maxwidth", str(max_chars))
        unit.set("size-unit", "char")
    _text(unit, "source", entry.msgid)
    if entry.msgstr:
        target = _text(unit, "target", entry.msgstr)
        target.set("state", "needs-review-translation" if entry.fuzzy else "final")
    for note in entry.extracted_comments:
        ET.SubElement(unit, "note", {"from": "insertgen"}).text = note
    if entry.msgstr and entry.fuzzy and entry.previous_msgid is not None:
        previous = ET.SubElement(unit, "alt-trans", {"origin": "previous"})
        _text(previous, "source", entry.previous_msgid)
        _text(previous, "target", entry.msgstr)


def _unit_20(file: ET.Element, entry: Entry, max_chars: int | None) -> None:
    unit = ET.SubElement(file, "unit", {"id": _nmtoken(_key(entry)), "name": entry.msgctxt})
    if max_chars:
        unit.set(f"{{{NS_SLR}}}sizeRestriction", str(max_chars))
    if entry.msgstr and entry.fuzzy and entry.previous_msgid is not None:
        matches = ET.SubElement(unit, f"{{{NS_MTC}}}matches")
        match = ET.SubElement(matches, f"{{{NS_MTC}}}match", {"ref": "#s1", "origin": "previous"})
        _text(match, "source", entry.previous_msgid)
        _text(match, "target", entry.msgstr)
    if entry.extracted_comments:
        holder = ET.SubElement(unit, "notes")
        for note in entry.extracted_comments:
            ET.SubElement(holder, "note", {"category": "description"}).text = note
    segment = ET.SubElement(unit, "segment", {"id": "s1"})
    if entry.msgstr:
        segment.set("state", "initial" if entry.fuzzy else "final")
        if entry.fuzzy:
            segment.set("subState", FUZZY_20)
    else:
        segment.set("state", "initial")
    _text(segment, "source", entry.msgid)
    if entry.msgstr:
        _text(segment, "target", entry.msgstr)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {"xml:space": "preserve"})
    element.text = text
    return element


def _nmtoken(text: str) -> str:
    return re.sub(r"[^\w.-]", "_", text)


@dataclasses.dataclass
class ImportResult:
    written: list[str]
    unchanged: list[str]
    findings: list[Finding]


def import_file(catalog: LoadedCatalog, path: Path) -> ImportResult:
    """Apply an XLIFF file's targets to the PO files it names."""
    display = str(path)
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as error:
        raise InsertgenError(f"{display}: expected an XLIFF 1.2 or 2.0 file, got {error}") from None
    version = "2.0" if root.tag == f"{{{NS20}}}xliff" else "1.2" if root.tag == f"{{{NS12}}}xliff" \
        else None
    if version is None:
        raise InsertgenError(f"{display}: expected an XLIFF 1.2 or 2.0 file, got a <{root.tag}> "
                             "document")
    ns = {"x": NS20 if version == "2.0" else NS12}
    locale = root.get("trgLang") if version == "2.0" else None
    result = ImportResult([], [], [])
    by_path = {item.path.relative_to(catalog.root).as_posix(): (item.sku, item.path, item.po)
               for loc in catalog.brand.locales for item in _current(catalog, loc)}
    for file in root.findall("x:file", ns):
        original = file.get("original", "")
        if original not in by_path:
            result.findings.append(Finding(
                code="i18n.xliff-file", severity=Severity.WARNING, category="translation",
                source=display, message=f"expected a file of this catalog's locales/<locale>/<SKU>.po, "
                                        f"got original=\"{original}\"; skipped"))
            continue
        locale = locale or file.get("target-language")
        sku, po_path, po = by_path[original]
        entries = po.by_context()
        units = file.findall("x:unit", ns) if version == "2.0" else file.findall("x:body/x:trans-unit", ns)
        for unit in units:
            context = unit.get("name") if version == "2.0" else unit.get("id")
            holder = unit.find("x:segment", ns) if version == "2.0" else unit
            entry = entries.get(context)
            if entry is None or holder is None:
                result.findings.append(Finding(
                    code="i18n.xliff-unit", severity=Severity.WARNING, category="translation",
                    source=display, sku=sku, locale=locale,
                    message=f"expected a text of {sku}, got unit \"{context}\"; skipped"))
                continue
            source = _content(holder.find("x:source", ns))
            target_element = holder.find("x:target", ns)
            target = _content(target_element)
            if target_element is None:
                continue
            fuzzy = bool(target) and not (_done_20(holder) if version == "2.0"
                                          else _done_12(unit, target_element))
            if source != entry.msgid:
                fuzzy = bool(target)
                result.findings.append(Finding(
                    code="i18n.xliff-stale", severity=Severity.WARNING, category="translation",
                    source=display, sku=sku, locale=locale, field=context.partition("|")[2],
                    message="expected the current source text, got a target made for an older "
                            "one; imported as fuzzy"))
            entry.msgstr = target
            entry.fuzzy = fuzzy
            if not fuzzy:
                entry.previous_msgid = None
        if write_if_changed(po_path, po):
            result.written.append(original)
        else:
            result.unchanged.append(original)
    return result


def _done_12(unit: ET.Element, target: ET.Element) -> bool:
    """A 1.2 target ready for print: approved, or in a finished state and not disapproved."""
    state, approved = target.get("state") or "", unit.get("approved")
    if approved == "no" or state == "new" or state.startswith("needs-"):
        return False
    return approved == "yes" or state in DONE_12


def _done_20(segment: ET.Element) -> bool:
    return segment.get("state") in DONE_20 and segment.get("subState") != FUZZY_20


def _content(element: ET.Element | None) -> str:
    """The text of a source or target, inline elements included as their text."""
    return "".join(element.itertext()) if element is not None else ""
