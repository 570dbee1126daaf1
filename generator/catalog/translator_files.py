"""Translators' files of product texts, as read from the catalog: every translatable field of a
product (marked with :func:`generator.catalog.models.translate`) is a *unit*, keyed by its field
path (``card.tips[1]``), and each PO file (``locales/<locale>/<SKU>.po``, ``msgctxt``
``<SKU>|<field>``) or older YAML file gives a translator's text per unit.

Only reading and validating happens here (part of loading the catalog); which text a locale
prints, the checks and the writing of PO files belong to :mod:`generator.i18n.wording`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pydantic import BaseModel, ValidationError

from generator.catalog.models import Brand, Product, ProductTranslation
from generator.catalog.pofile import PoSyntaxError, read
from generator.catalog.schema_errors import convert_error
from generator.catalog.yamlsource import YamlSource, dotted, load_yaml
from generator.findings import Finding, Severity

LOCALES_DIR = "locales"


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
    first_line: dict[str, int | None] = {}
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
        if key in units_:
            findings.append(Finding(
                code="i18n.duplicate", category="translation", source=display, line=entry.line,
                sku=sku, locale=locale,
                message=f"expected each msgctxt once, got \"{entry.msgctxt}\" again (first at "
                        f"line {first_line[key]}); delete one of the two entries"))
            continue
        first_line[key] = entry.line
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
