"""XLIFF for CAT tools: one locale's product texts out (1.2 or 2.0), translations back in.

Export reads the locale's PO files as ``insertgen i18n update`` would write them (current source
texts, translations kept, changed sources fuzzy); import writes a PO file only when one of its
entries changes, so exporting and importing an untouched file changes nothing on disk. XLIFF
states map to PO: translated/final (1.2 ``translated``, ``final``, ``signed-off``; 2.0
``translated``, ``reviewed``, ``final``) clear the fuzzy flag; ``needs-review-*`` and 2.0
``initial`` set it. A target made for another source text than the current one is imported as
fuzzy.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from generator.catalog import LoadedCatalog
from generator.catalog.pofile import PoFile, read, write_if_changed
from generator.catalog.translator_files import po_display
from generator.findings import Finding, InsertgenError, Severity
from generator.i18n.extraction import _header, _kinds_with_fallbacks, merge_product, product_entries

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DONE_12 = {"translated", "final", "signed-off"}
DONE_20 = {"translated", "reviewed", "final"}


def _current(catalog: LoadedCatalog, locale: str) -> list[tuple[str, Path, PoFile]]:
    """``(sku, path, po)`` for every product translated into ``locale``, up to date."""
    out = []
    for loaded in catalog.products:
        locales = {loc for doc in loaded.product.documents for loc in doc.locales}
        path = catalog.root / po_display(locale, loaded.product.sku)
        if locale not in locales and not path.is_file():
            continue
        existing = read(path) if path.is_file() else None
        po = merge_product(existing, product_entries(catalog, loaded,
                                                     _kinds_with_fallbacks(catalog, loaded, locale)),
                           _header(loaded.product.sku, locale, catalog.brand.source_locale))
        out.append((loaded.product.sku, path, po))
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
    for sku, path, po in _current(catalog, locale):
        original = path.relative_to(catalog.root).as_posix()
        if version == "2.0":
            file = ET.SubElement(root, "file", {"id": _nmtoken(sku), "original": original})
        else:
            file = ET.SubElement(root, "file", {"original": original, "source-language": source,
                                                "target-language": locale,
                                                "datatype": "plaintext", "product-name": sku})
            file = ET.SubElement(file, "body")
        for entry in po.entries:
            if entry.obsolete:
                continue
            key = entry.msgctxt.partition("|")[2]
            notes = entry.extracted_comments
            state = None if not entry.msgstr else "needs-review" if entry.fuzzy else "done"
            if version == "2.0":
                unit = ET.SubElement(file, "unit", {"id": _nmtoken(key), "name": entry.msgctxt})
                if notes:
                    holder = ET.SubElement(unit, "notes")
                    for note in notes:
                        ET.SubElement(holder, "note", {"category": "description"}).text = note
                segment = ET.SubElement(unit, "segment", {"state": {
                    None: "initial", "needs-review": "initial", "done": "translated"}[state]})
                if entry.fuzzy and entry.msgstr:
                    segment.set("subState", "insertgen:fuzzy")
                _text(segment, "source", entry.msgid)
                if entry.msgstr:
                    _text(segment, "target", entry.msgstr)
            else:
                unit = ET.SubElement(file, "trans-unit", {"id": entry.msgctxt, "resname": key})
                _text(unit, "source", entry.msgid)
                if entry.msgstr:
                    target = _text(unit, "target", entry.msgstr)
                    target.set("state", "needs-review-translation" if entry.fuzzy else "translated")
                for note in notes:
                    ET.SubElement(unit, "note", {"from": "insertgen"}).text = note
    ET.indent(root, "  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode").encode() \
        + b"\n"


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
    by_path = {p.relative_to(catalog.root).as_posix(): (sku, p, po)
               for loc in catalog.brand.locales for sku, p, po in _current(catalog, loc)}
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
            state = (holder.get("state") if version == "2.0" else target_element.get("state")) or ""
            done = state in (DONE_20 if version == "2.0" else DONE_12) and \
                holder.get("subState") != "insertgen:fuzzy"
            fuzzy = bool(target) and not done
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


def _content(element: ET.Element | None) -> str:
    """The text of a source or target, inline elements included as their text."""
    return "".join(element.itertext()) if element is not None else ""
