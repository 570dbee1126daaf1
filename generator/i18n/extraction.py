"""Translators' files on disk: templates extracted from the sources, merged into every locale's
PO files, compiled and checked. What ``insertgen i18n extract|update|compile`` run.

Two kinds of catalogs:

- product texts: ``locales/<locale>/<SKU>.po``, one entry per translatable field (``msgctxt``
  ``<SKU>|<field>``), comments with the field's purpose, its maximum length and the words to
  keep; a changed source text turns its translation fuzzy (with the old text as ``#|``), a
  removed field turns obsolete (``#~``): nothing is silently kept as current or dropped;
- layout wording: ``locales/<ll>/LC_MESSAGES/insertgen.po`` extracted from the Jinja layouts
  (a catalog's own layouts, or insertgen's built-in ones in its own repository).

Every file has the full gettext header (``Project-Id-Version`` to ``Plural-Forms``, CLDR's plural
forms from :mod:`generator.i18n.plurals`); what a translator's tool set there (``Last-Translator``,
``Language-Team``, ``X-Generator``, ...) is kept. Files are written only when their text changes,
and the header dates only move when the messages or the translations do, so running a command
twice changes nothing. ``msgfmt -c``, ``msgmerge`` and ``msginit`` accept all of it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from generator.catalog import LoadedCatalog, LoadedProduct
from generator.catalog.pofile import (
    Entry,
    PoFile,
    PoSyntaxError,
    format_header,
    format_mo,
    format_po,
    header_fields,
    read,
    write_if_changed,
)
from generator.catalog.translator_files import LOCALES_DIR, Unit, po_display, units
from generator.findings import Finding, Severity
from generator.i18n.checks import CHECKS, plural_problem, protected_terms
from generator.i18n.plurals import PluralForms, cldr_plural_forms, parse_plural_forms, remap
from generator.i18n.translations import fallback_chain, printed_kinds
from generator.i18n.wording import DOMAIN, babel_locale, gettext_dir


@dataclasses.dataclass
class Written:
    """One file a command looked at."""

    path: str
    changed: bool
    detail: str


# --- product texts --------------------------------------------------------------------------


def product_entries(catalog: LoadedCatalog, loaded: LoadedProduct,
                    kinds: set[str] | None = None) -> list[Entry]:
    """The template entries of a product: one per translatable field (of ``kinds``: what a
    locale's documents print), with its comments."""
    terms = protected_terms(catalog.brand, loaded.product)
    entries = []
    for unit in (u for u in units(loaded.product) if kinds is None or u.kind in kinds):
        line, _ = loaded.marks(unit.path)
        entries.append(Entry(msgid=unit.text, msgctxt=f"{loaded.product.sku}|{unit.key}",
                             extracted_comments=_comments(unit, terms),
                             references=[f"{loaded.source}:{line}"]))
    return entries


def _comments(unit: Unit, terms: tuple[str, ...]) -> list[str]:
    comments = [f"{unit.purpose}."]
    if unit.max_chars:
        comments.append(f"At most about {unit.max_chars} characters; the build measures the fit "
                        "on the printed card.")
    kept = [t for t in terms if t in unit.text]
    if kept:
        comments.append(f"Keep as written: {', '.join(kept)}.")
    return comments


def _header(project: str, locale: str | None, source_locale: str,
            existing: PoFile | None = None) -> str:
    """The header of a PO file for ``locale`` (a template's when ``None``): every standard
    field, the values a translator's tool wrote kept, Language, Plural-Forms (CLDR) and the
    encoding always insertgen's. The dates are set when the file is written."""
    kept = header_fields(existing.header) if existing is not None else {}
    language = locale or source_locale
    fields = {"Project-Id-Version": project, "Report-Msgid-Bugs-To": "",
              "Last-Translator": "", "Language-Team": babel_locale(locale).english_name if locale else ""}
    fields.update(kept)
    fields.update({"Language": str(babel_locale(language)), "MIME-Version": "1.0",
                   "Content-Type": "text/plain; charset=UTF-8",
                   "Content-Transfer-Encoding": "8bit",
                   "Plural-Forms": cldr_plural_forms(language).header,
                   "X-Source-Language": source_locale})
    fields.setdefault("X-Generator", "insertgen")
    return format_header(fields)


def merge_product(existing: PoFile | None, template: list[Entry], header: str,
                  imported: dict[str, str] | None = None) -> PoFile:
    """``existing`` brought up to ``template``, keyed by ``msgctxt``: a changed source text
    keeps its translation as fuzzy with the text it was made for (``#|``); a field gone is
    kept as obsolete; a new field starts empty (or with ``imported`` text, from an older YAML
    file)."""
    old = {e.msgctxt: e for e in (existing.entries if existing else [])}
    entries: list[Entry] = []
    for fresh in template:
        entry = dataclasses.replace(fresh, flags=list(fresh.flags))
        before = old.pop(fresh.msgctxt, None)
        if before is not None and (before.msgstr or not before.obsolete):
            entry.msgstr = before.msgstr
            entry.flags = list(before.flags)
            entry.translator_comments = list(before.translator_comments)
            entry.previous_msgid = before.previous_msgid
            if before.msgid != fresh.msgid and before.msgstr:
                entry.fuzzy = True
                entry.previous_msgid = before.previous_msgid or before.msgid
            elif not entry.fuzzy:
                entry.previous_msgid = None
        elif imported and imported.get(fresh.msgctxt.partition("|")[2]):
            entry.msgstr = imported[fresh.msgctxt.partition("|")[2]]
        entries.append(entry)
    for gone in old.values():  # fields no longer in the product: obsolete, never dropped
        if gone.msgstr or gone.obsolete:
            entries.append(dataclasses.replace(gone, obsolete=True))
    return PoFile(header, entries, existing.header_comments if existing else [])


def target_locales(catalog: LoadedCatalog, loaded: LoadedProduct) -> list[str]:
    """Locales a product needs translations for: its documents', the locales they fall back
    to (``pt`` for ``pt-BR``), and any with a file already."""
    source = catalog.brand.source_locale
    printed = {loc for doc in loaded.product.documents for loc in doc.locales}
    wanted = {c for loc in printed for c in fallback_chain(catalog.brand, loc)} | set(loaded.translations)
    return [loc for loc in catalog.brand.locales if loc in wanted and loc != source]


def update_products(catalog: LoadedCatalog, only: tuple[str, ...] = ()) -> list[Written]:
    """Write or merge ``locales/<locale>/<SKU>.po`` for every product and locale."""
    written = []
    for loaded in catalog.products:
        for locale in target_locales(catalog, loaded):
            if only and locale not in only:
                continue
            template = product_entries(catalog, loaded, _kinds_with_fallbacks(catalog, loaded, locale))
            display = po_display(locale, loaded.product.sku)
            path = catalog.root / display
            existing = read(path) if path.is_file() else None
            legacy = loaded.translations.get(locale)
            imported = ({key: t.text for key, t in legacy.units.items()}
                        if existing is None and legacy is not None and legacy.kind == "yaml"
                        else None)
            po = merge_product(existing, template,
                               _header(loaded.product.sku, locale, catalog.brand.source_locale,
                                       existing),
                               imported)
            changed = write_if_changed(path, po)
            detail = _stats(po)
            if imported:
                detail += f"; imported {legacy.path} (no longer read: delete it)"
            written.append(Written(display, changed, detail))
    return written


def _kinds_with_fallbacks(catalog: LoadedCatalog, loaded: LoadedProduct, locale: str) -> set[str]:
    """What a locale's file needs: what its documents print, and what the documents of the
    locales falling back to it print (a pt file serves pt-BR's manual)."""
    kinds = set()
    for other in {loc for doc in loaded.product.documents for loc in doc.locales}:
        if locale in fallback_chain(catalog.brand, other):
            kinds |= printed_kinds(catalog, loaded, other)
    return kinds or {"card"}


def _stats(po: PoFile) -> str:
    active = [e for e in po.entries if not e.obsolete]
    done = sum(1 for e in active if _translated(e) and not e.fuzzy)
    fuzzy = sum(1 for e in active if _translated(e) and e.fuzzy)
    obsolete = len(po.entries) - len(active)
    parts = [f"{done}/{len(active)} translated", f"{fuzzy} fuzzy"]
    if obsolete:
        parts.append(f"{obsolete} obsolete")
    return ", ".join(parts)


def _translated(entry: Entry) -> bool:
    return bool(entry.msgstr) if entry.msgid_plural is None else all(entry.plurals)


def extract_products(catalog: LoadedCatalog) -> list[Written]:
    """``locales/<SKU>.pot``: each product's template, for tools that start from one."""
    written = []
    for loaded in catalog.products:
        display = f"{LOCALES_DIR}/{loaded.product.sku}.pot"
        path = catalog.root / display
        existing = read(path) if path.is_file() else None
        po = PoFile(_header(loaded.product.sku, None, catalog.brand.source_locale, existing),
                    product_entries(catalog, loaded), existing.header_comments if existing else [])
        changed = write_if_changed(path, po)
        written.append(Written(display, changed, f"{len(po.entries)} texts"))
    return written


# --- layout wording -------------------------------------------------------------------------

_JINJA = [("**.html.j2", "jinja2")]
_JINJA_OPTIONS = {"**.html.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true",
                                 "lstrip_blocks": "true"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "each": (2,),
            "in_every_language": None}  # the EU card's macro: the message in all its languages


def layout_template(root: Path) -> list[Entry]:
    """The layout wording of ``root``: its ``babel.cfg`` when it has one (insertgen's own
    repository), else every ``layouts/**.html.j2``."""
    config = root / "babel.cfg"
    if config.is_file():
        with config.open() as handle:
            method_map, options_map = parse_mapping_cfg(handle)
        folder = root
    else:
        folder = root / "layouts"
        if not folder.is_dir():
            return []
        method_map, options_map = _JINJA, _JINJA_OPTIONS
    found: dict[tuple, Entry] = {}
    for filename, line, message, comments, context in extract_from_dir(
            str(folder), method_map, options_map, keywords=KEYWORDS):
        singular, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
        key = (context, singular)
        entry = found.get(key)
        if entry is None:
            entry = found[key] = Entry(msgid=singular, msgctxt=context, msgid_plural=plural,
                                       extracted_comments=list(comments))
            if "%(" in singular or "%s" in singular or "%d" in singular:
                entry.flags.append("python-format")
        entry.references.append(f"{(folder / filename).relative_to(root).as_posix()}:{line}")
    return sorted(found.values(), key=lambda e: (e.msgid, e.msgctxt or ""))


def merge_layout(existing: PoFile | None, template: list[Entry], header: str,
                 forms: PluralForms) -> PoFile:
    """Layout wording keyed by (msgctxt, msgid): kept translations and comments, new messages
    empty, messages no layout uses any more obsolete. Plural translations written for another
    ``Plural-Forms`` formula are moved to the form CLDR's gives the same numbers; when that is
    not one to one, or the number of forms changed, the entry turns fuzzy for a translator."""
    old = {(e.msgctxt, e.msgid): e for e in (existing.entries if existing else [])}
    written_for = parse_plural_forms(header_fields(existing.header).get("Plural-Forms", "")) \
        if existing is not None else None
    entries = []
    for fresh in template:
        before = old.pop((fresh.msgctxt, fresh.msgid), None)
        entry = dataclasses.replace(fresh, flags=list(fresh.flags))
        if before is not None:
            entry.msgstr, entry.plurals = before.msgstr, list(before.plurals)
            entry.translator_comments = list(before.translator_comments)
            entry.extracted_comments = list(before.extracted_comments) or entry.extracted_comments
            entry.flags = list(dict.fromkeys(before.flags + fresh.flags))
            entry.previous_msgid = before.previous_msgid
        if fresh.msgid_plural is not None:
            _fit_plurals(entry, written_for, forms)
        entries.append(entry)
    entries += [dataclasses.replace(e, obsolete=True) for e in old.values() if e.msgstr or e.plurals]
    return PoFile(header, entries, existing.header_comments if existing else [])


def _fit_plurals(entry: Entry, written_for: PluralForms | None, forms: PluralForms) -> None:
    """``entry.plurals`` as ``forms`` wants them (see :func:`merge_layout`)."""
    if not any(entry.plurals):
        entry.plurals = [""] * forms.count
        return
    exact = True
    if written_for is not None and written_for != forms:
        entry.plurals, exact = remap(entry.plurals, written_for, forms)
        exact = exact and written_for.count == forms.count
    if len(entry.plurals) != forms.count:
        exact = False
        entry.plurals = (entry.plurals + [""] * forms.count)[:forms.count]
    if not exact:
        entry.fuzzy = True


def extract_layouts(root: Path, project: str) -> list[Written]:
    template = layout_template(root)
    if not template:
        return []
    display = f"{LOCALES_DIR}/{DOMAIN}.pot"
    path = root / display
    existing = read(path) if path.is_file() else None
    po = PoFile(_header(project, None, "en", existing), template,
                existing.header_comments if existing else [])
    changed = write_if_changed(path, po)
    return [Written(display, changed, f"{len(template)} messages")]


def update_layouts(root: Path, project: str, locales: list[str]) -> list[Written]:
    template = layout_template(root)
    if not template:
        return []
    written = []
    for locale in locales:
        display = f"{LOCALES_DIR}/{gettext_dir(locale)}/LC_MESSAGES/{DOMAIN}.po"
        path = root / display
        existing = read(path) if path.is_file() else None
        po = merge_layout(existing, template, _header(project, locale, "en", existing),
                          cldr_plural_forms(locale))
        written.append(Written(display, write_if_changed(path, po), _stats(po)))
    return written


def layout_locales(root: Path) -> list[str]:
    """Locales that have layout wording under ``root/locales``."""
    return sorted(p.parent.parent.name.replace("_", "-")
                  for p in (root / LOCALES_DIR).glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


# --- compile and check ----------------------------------------------------------------------


def compile_all(root: Path, out: Path | None, terms: tuple[str, ...] = ()) -> tuple[list[Written],
                                                                                   list[Finding]]:
    """Every PO file under ``root/locales``: read, checked (placeholders, markup, kept terms,
    URLs, plural forms) and compiled to ``.mo`` beside it, or under ``out``."""
    written: list[Written] = []
    findings: list[Finding] = []
    for path in sorted((root / LOCALES_DIR).rglob("*.po")):
        display = path.relative_to(root).as_posix()
        try:
            po = read(path)
        except PoSyntaxError as error:
            findings.append(Finding(code="i18n.po-syntax", source=display, line=error.line,
                                    category="translation",
                                    message=f"expected a valid PO file, got {error.reason}"))
            continue
        locale = _locale_of(path, root)
        findings += check_po(po, display, locale, terms)
        target = (out / display if out else path).with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        data = format_mo(po)
        changed = not target.is_file() or target.read_bytes() != data
        if changed:
            target.write_bytes(data)
        written.append(Written(target.relative_to(out or root).as_posix(), changed, _stats(po)))
    return written, findings


def _locale_of(path: Path, root: Path) -> str:
    parts = path.relative_to(root / LOCALES_DIR).parts
    return parts[0].replace("_", "-")


def check_po(po: PoFile, display: str, locale: str, terms: tuple[str, ...]) -> list[Finding]:
    """The translation checks on every translated entry of ``po``."""
    findings = []
    expected = cldr_plural_forms(locale).count
    for entry in po.entries:
        if entry.obsolete:
            continue
        field = entry.msgctxt.partition("|")[2] if entry.msgctxt and "|" in entry.msgctxt \
            else f'msgid "{entry.msgid[:40]}"'
        problems = []
        if entry.msgid_plural is not None:
            problem = plural_problem(entry.plurals, expected, locale)
            problems += [problem] if problem else []
            pairs = [(entry.msgid if i == 0 else entry.msgid_plural, form)
                     for i, form in enumerate(entry.plurals) if form]
        else:
            pairs = [(entry.msgid, entry.msgstr)] if entry.msgstr else []
        for source, translation in pairs:
            problems += [p for check in CHECKS for p in check(source, translation, terms)]
        findings += [Finding(code="i18n.check", severity=Severity.WARNING, category="translation",
                             source=display, line=entry.msgstr_line or entry.line, field=field,
                             locale=locale, message=problem) for problem in dict.fromkeys(problems)]
    return findings


__all__ = ["Written", "format_po", "update_products", "extract_products", "update_layouts",
           "extract_layouts", "compile_all", "layout_locales"]
