"""Translators' catalogs of product texts: what is translatable, what translators wrote, and
which text each locale prints.

Every translatable field of a product (marked with :func:`generator.models.translate`) is a
*unit*, keyed by its field path (``card.tips[1]``). Translators fill one PO file per product and
locale, ``locales/<locale>/<SKU>.po`` (``msgctxt`` ``<SKU>|<field>``, ``msgid`` the source text,
comments with the field's purpose and maximum length); ``insertgen i18n update`` writes and
merges them. The older per-product YAML files (``locales/<locale>/<SKU>.yaml``) are still read,
without change tracking.

A translation whose ``msgid`` no longer equals the source text, or that is marked fuzzy, is
stale: never printed as if current, never dropped. Each locale has a fallback chain (its own
file, the brand's ``fallbacks``, its language, the source); every fallback is a finding.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ValidationError

from generator.findings import Finding, Severity
from generator.i18n import babel_locale
from generator.models import Brand, Product, ProductTranslation
from generator.pofile import PoSyntaxError, read
from generator.translation_checks import check_translation, protected_terms
from generator.yamlsource import YamlSource, dotted, load_yaml

if TYPE_CHECKING:
    from generator.catalog import LoadedCatalog, LoadedProduct

LOCALES_DIR = "locales"


@dataclasses.dataclass
class Text:
    """A printed text and where it came from."""

    value: str
    #: File the text was read from (catalog-relative, or the built-in PO file).
    source: str
    line: int | None
    column: int | None
    #: Field path in that file, e.g. ``card.tips[1]`` or a gettext msgid.
    field: str
    #: Locale the text is actually written in (differs from the section after a fallback).
    locale: str

    @property
    def dir(self) -> str:
        """Writing direction of the text's own locale (a fallback keeps its direction)."""
        return babel_locale(self.locale).text_direction

    def __str__(self) -> str:
        return self.value


# --- units ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Unit:
    """One translatable field of a product, in the source locale."""

    key: str
    path: tuple
    text: str
    #: What the text is for, shown to translators.
    purpose: str
    max_chars: int | None

    @property
    def kind(self) -> str:
        """The documents that print it: ``manual`` texts only manuals, the rest every kind."""
        return "manual" if self.key.startswith("manual.") else "card"


def printed_kinds(catalog: LoadedCatalog, loaded: LoadedProduct, locale: str) -> set[str]:
    """Kinds of text the product's documents in ``locale`` print: a manual prints the card
    texts too (name, contact-first message), a card only its own."""
    kinds = set()
    for doc in loaded.product.documents:
        layout = catalog.layouts.get(doc.layout)
        if locale in doc.locales and layout is not None:
            kinds |= {"card", "manual"} if layout.spec.kind == "manual" else {"card"}
    return kinds or {"card"}


def units(product: Product) -> list[Unit]:
    """Every translatable field of ``product`` that has a text, in model order."""
    return list(_units(product, ()))


def _units(model: BaseModel, path: tuple):
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        marker = (info.json_schema_extra or {}).get("translate") \
            if isinstance(info.json_schema_extra, dict) else None
        here = (*path, name)
        if marker is not None:
            items = [(here, value)] if not isinstance(value, list) else \
                [((*here, i), v) for i, v in enumerate(value)]
            for item_path, text in items:
                if isinstance(text, str) and text:
                    yield Unit(dotted(item_path), item_path, text, marker["purpose"],
                               marker.get("max_chars"))
        elif isinstance(value, BaseModel):
            yield from _units(value, here)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _units(item, (*here, index))


# --- translators' files ---------------------------------------------------------------------


@dataclasses.dataclass
class Translated:
    """A translator's text for one unit."""

    text: str
    fuzzy: bool
    #: The source text it was translated from (``None`` when the file cannot say: YAML).
    source_text: str | None
    line: int | None
    column: int | None


@dataclasses.dataclass
class TranslatorFile:
    """One product's translations into one locale (a PO file, or the older YAML file)."""

    locale: str
    #: Catalog-relative path.
    path: str
    kind: str
    units: dict[str, Translated]


def po_display(locale: str, sku: str) -> str:
    return f"{LOCALES_DIR}/{locale}/{sku}.po"


def load_files(root: Path, brand: Brand, product: Product,
               findings: list[Finding]) -> dict[str, TranslatorFile]:
    """The translators' files of ``product``; problems are added to ``findings``."""
    files: dict[str, TranslatorFile] = {}
    keys = {u.key for u in units(product)}
    for locale in brand.locales:
        po = root / po_display(locale, product.sku)
        yaml_file = next((root / f"{LOCALES_DIR}/{locale}/{product.sku}{s}" for s in (".yaml", ".yml")
                          if (root / f"{LOCALES_DIR}/{locale}/{product.sku}{s}").is_file()), None)
        if po.is_file():
            loaded = _load_po(po, po_display(locale, product.sku), locale, product.sku, keys,
                              findings)
            if yaml_file is not None:
                findings.append(Finding(
                    code="i18n.yaml-ignored", severity=Severity.WARNING, category="translation",
                    source=yaml_file.relative_to(root).as_posix(), line=1, column=1,
                    sku=product.sku, locale=locale,
                    message=f"expected one translation file per product and locale, got this one "
                            f"and {po_display(locale, product.sku)}; the PO file is used, delete "
                            "this one"))
        elif yaml_file is not None:
            loaded = _load_yaml(root, yaml_file.relative_to(root).as_posix(), locale, product,
                                findings)
        else:
            continue
        if loaded is not None:
            files[locale] = loaded
    return files


def _load_po(path: Path, display: str, locale: str, sku: str, keys: set[str],
             findings: list[Finding]) -> TranslatorFile | None:
    try:
        po = read(path)
    except PoSyntaxError as error:
        findings.append(Finding(code="i18n.po-syntax", source=display, line=error.line,
                                category="translation", sku=sku, locale=locale,
                                message=f"expected a valid PO file, got {error.reason}"))
        return None
    except (OSError, UnicodeDecodeError) as error:
        findings.append(Finding(code="i18n.po-read", source=display, category="translation",
                                sku=sku, locale=locale,
                                message=f"expected a readable UTF-8 PO file, got {error}"))
        return None
    units_: dict[str, Translated] = {}
    for entry in po.entries:
        if entry.obsolete:
            continue
        owner, _, key = (entry.msgctxt or "").partition("|")
        if owner != sku or key not in keys:
            findings.append(Finding(
                code="i18n.unknown-unit", severity=Severity.WARNING, category="translation",
                source=display, line=entry.line, sku=sku, locale=locale,
                message=f"expected msgctxt \"{sku}|<field>\" naming a text of {sku}, got "
                        f"\"{entry.msgctxt}\"; this entry is not used (`insertgen i18n update` "
                        "marks it obsolete)"))
            continue
        units_[key] = Translated(entry.msgstr, entry.fuzzy, entry.msgid, entry.msgstr_line, None)
    return TranslatorFile(locale, display, "po", units_)


def _load_yaml(root: Path, display: str, locale: str, product: Product,
               findings: list[Finding]) -> TranslatorFile | None:
    src, problems = load_yaml(root / display, display)
    findings += problems
    if src is None:
        return None
    if not isinstance(src.data, dict):
        findings.append(src.finding((), "expected a mapping of keys to values", code="catalog.type"))
        return None
    try:
        data = ProductTranslation.model_validate(src.data)
    except ValidationError as error:
        from generator.catalog import convert_error

        findings += [convert_error(src, ProductTranslation, e) for e in error.errors(include_url=False)]
        return None
    return TranslatorFile(locale, display, "yaml", _yaml_units(data, src, product, locale, findings))


def _yaml_units(data: ProductTranslation, src: YamlSource, product: Product, locale: str,
                findings: list[Finding]) -> dict[str, Translated]:
    out: dict[str, Translated] = {}

    def add(key: str, path: tuple, text: str | None) -> None:
        if text:
            out[key] = Translated(text, False, None, *src.mark(path))

    add("name", ("name",), data.name)
    add("card.headline", ("card", "headline"), data.card.headline)
    add("card.message", ("card", "message"), data.card.message)
    if data.card.tips and len(data.card.tips) != len(product.card.tips):
        line, column = src.mark(("card", "tips"))
        findings.append(Finding(
            code="i18n.fallback", severity=Severity.WARNING, category="fallback", action="fallback",
            source=src.display, line=line, column=column, field="card.tips", sku=product.sku,
            locale=locale, message=f"expected {len(product.card.tips)} tips as in the source, got "
                                   f"{len(data.card.tips)}; these tips are not used"))
    else:
        for index, tip in enumerate(data.card.tips):
            add(f"card.tips[{index}]", ("card", "tips", index), tip)
    for index, alt in enumerate(data.image_alt):
        add(f"images[{index}].alt", ("image_alt", index), alt)
    return out


# --- which text each locale prints ----------------------------------------------------------


def fallback_chain(brand: Brand, locale: str) -> list[str]:
    """The locales tried for ``locale``, in order, ending with the source locale."""
    chain = [locale, *brand.fallbacks.get(locale, [])]
    language = locale.split("-")[0]
    if language != locale and language in brand.locales:
        chain.append(language)
    chain.append(brand.source_locale)
    return list(dict.fromkeys(chain))


#: Why a locale's own translation was not printed (``status`` counts these).
MISSING, STALE, FUZZY, FAILING, TRANSLATED = "missing", "stale", "fuzzy", "failing", "translated"


@dataclasses.dataclass
class Resolved:
    """The text a locale prints for one unit, and the state of the locale's own translation."""

    unit: Unit
    text: Text
    #: ``translated``, ``missing``, ``fuzzy``, ``stale`` or ``failing`` (for the locale asked).
    state: str
    #: Problems the checks found in the locale's own translation.
    problems: list[Finding]


def resolve(catalog: LoadedCatalog, loaded: LoadedProduct, locale: str,
            kinds: set[str] | None = None) -> tuple[dict[str, Resolved], list[Finding]]:
    """For every unit of the product (of ``kinds``, default: what its documents in ``locale``
    print), the text printed in ``locale`` and the findings: one warning per fallback (why the
    locale's own text was not used, and which text was)."""
    brand, product = catalog.brand, loaded.product
    source = brand.source_locale
    terms = protected_terms(brand, product)
    kinds = kinds or printed_kinds(catalog, loaded, locale)
    resolved: dict[str, Resolved] = {}
    findings: list[Finding] = []
    untranslated: list[str] = []
    for unit in (u for u in units(product) if u.kind in kinds):
        line, column = loaded.marks(unit.path)
        chosen = Text(unit.text, loaded.source, line, column, unit.key, source)
        state, reasons, problems = (TRANSLATED if locale == source else MISSING), [], []
        for candidate in fallback_chain(brand, locale):
            if candidate == source:
                break
            file = loaded.translations.get(candidate)
            entry = file.units.get(unit.key) if file else None
            if entry is None or not entry.text:
                reasons.append(f"no {candidate} translation")
                continue
            text = Text(entry.text, file.path, entry.line, entry.column, unit.key, candidate)
            stale = entry.source_text is not None and entry.source_text != unit.text
            failing = check_translation(unit, entry.text, terms)
            if candidate == locale:
                problems = [Finding(code="i18n.check", severity=Severity.WARNING,
                                    category="translation", source=file.path, line=entry.line,
                                    column=entry.column, field=unit.key, sku=product.sku,
                                    locale=locale, message=problem) for problem in failing]
                state = STALE if stale else FUZZY if entry.fuzzy else FAILING if failing else TRANSLATED
            if (stale or entry.fuzzy) and brand.stale_translations == "fallback":
                reasons.append(f"the {candidate} translation " + (
                    f"was made for an older source text (\"{_short(entry.source_text)}\")" if stale
                    else "is marked fuzzy (to be reviewed)"))
                continue
            if failing:
                reasons.append(f"the {candidate} translation fails a check")
                continue
            if stale or entry.fuzzy:
                findings.append(_fallback(unit, text, product.sku, locale, (
                    f"the {candidate} translation was made for an older source text; printed "
                    "anyway (stale_translations: keep)" if stale else
                    f"the {candidate} translation is marked fuzzy; printed anyway "
                    "(stale_translations: keep)")))
            chosen = text
            break
        if chosen.locale != locale and locale != source:
            if any(loaded.translations.get(c) for c in fallback_chain(brand, locale)[:-1]):
                file = loaded.translations.get(locale)
                where = (file.path, None, None) if file else (po_display(locale, product.sku),
                                                               None, None)
                findings.append(_fallback(unit, chosen, product.sku, locale,
                                          f"{'; '.join(reasons)}: {product.sku} prints the "
                                          f"{chosen.locale} text", where=where))
            else:
                untranslated.append(unit.key)
        resolved[unit.key] = Resolved(unit, chosen, state, problems)
        findings += problems
    if untranslated:  # no file anywhere in the chain: one finding, not one per field
        findings.append(Finding(
            code="i18n.fallback", severity=Severity.WARNING, category="fallback", action="fallback",
            source=po_display(locale, product.sku), sku=product.sku, locale=locale,
            message=f"no {locale} translation file for {product.sku}; {', '.join(untranslated)} "
                    f"use the {source} text"))
    return resolved, findings


def _fallback(unit: Unit, text: Text, sku: str, locale: str, message: str,
              where: tuple | None = None) -> Finding:
    source, line, column = where or (text.source, text.line, text.column)
    return Finding(code="i18n.fallback", severity=Severity.WARNING, category="fallback",
                   action="fallback", source=source, line=line, column=column, field=unit.key,
                   sku=sku, locale=locale, message=message, extra={"printed_locale": text.locale})


def _short(text: str | None, size: int = 40) -> str:
    text = text or ""
    return text if len(text) <= size else text[: size - 1] + "…"
