"""Which text each locale prints: for every translatable field of a product, the locale's own
translation or the next one along its fallback chain (its own file, the brand's ``fallbacks``,
its language, the source), and why it fell back.

A translation whose ``msgid`` no longer equals the source text, or that is marked fuzzy, is
stale: never printed as if current, never dropped. Every fallback is a finding. The files
themselves are read with the catalog (:mod:`generator.catalog.translator_files`).
"""

from __future__ import annotations

import dataclasses

from generator.catalog import LoadedCatalog, LoadedProduct
from generator.catalog.models import Brand
from generator.catalog.translator_files import Unit, po_display, units
from generator.findings import Finding, Severity
from generator.i18n.checks import check_translation, protected_terms
from generator.i18n.wording import babel_locale


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


def printed_kinds(catalog: LoadedCatalog, loaded: LoadedProduct, locale: str) -> set[str]:
    """Kinds of text the product's documents in ``locale`` print: a manual prints the card
    texts too (name, contact-first message), a card only its own."""
    kinds = set()
    for doc in loaded.product.documents:
        layout = catalog.layouts.get(doc.layout)
        if locale in doc.locales and layout is not None:
            kinds |= {"card", "manual"} if layout.spec.kind == "manual" else {"card"}
    return kinds or {"card"}


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
