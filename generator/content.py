"""Stage 2: localized content. For one product, document and locale, pick every printed text.

Product texts come from the translator's ``locales/<locale>/<sku>.yaml``; a field the translator
has not filled falls back to the source locale with a warning that names product, locale and
field. Texts the product leaves out use the built-in wording (gettext). Every text keeps its
origin (file, line, field) so later stages (compliance, glyph check) can name the place.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import time
from typing import Any

from babel.dates import format_time, get_day_names, get_timezone, get_timezone_name
from babel.support import NullTranslations

from generator.catalog import LoadedCatalog, LoadedProduct
from generator.findings import Finding, Severity
from generator.fonts import css_family, font_stack
from generator.i18n import babel_locale, gettext_dir, has_builtin_wording, translations_for
from generator.models import DAY_NAMES, Marketplace
from generator.yamlsource import dotted


def N_(message: str) -> str:
    """Marks a built-in message for extraction by Babel; translated later, at render time."""
    return message


DEFAULT_HEADLINE = N_("Thank you for choosing %(product)s!")
DEFAULT_MESSAGE = N_(
    "If anything is missing, damaged or not working as expected, please contact us first. "
    "We will sort it out quickly, whether with advice, a spare part or a replacement."
)


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


@dataclasses.dataclass
class Section:
    """Everything printed in one language on a document."""

    locale: str
    #: BCP 47 tag for the ``lang`` attribute.
    lang: str
    #: ``ltr`` or ``rtl``.
    dir: str
    #: The language's own name (``Deutsch``), for language lists.
    language_name: str
    #: CSS ``font-family`` value for this locale's script.
    font_family: str
    #: Font families whose coverage the glyph check uses.
    fonts: list[str]
    name: Text
    headline: Text
    message: Text
    tips: list[Text]
    image_alt: Text | None
    #: Opening hours, formatted for the locale, one line per entry.
    hours: list[str]
    translations: NullTranslations
    #: Template functions set by the HTML stage (escaping gettext / ngettext).
    gettext: Any = None
    ngettext: Any = None

    def texts(self) -> list[Text]:
        """Every product text of the section, for compliance and the glyph check."""
        out = [self.name, self.headline, self.message, *self.tips]
        if self.image_alt is not None:
            out.append(self.image_alt)
        return out


def localize(catalog: LoadedCatalog, loaded: LoadedProduct, locale: str,
             marketplace: Marketplace) -> tuple[Section, list[Finding]]:
    """Resolve every text of ``loaded`` for ``locale``."""
    product = loaded.product
    source_locale = catalog.brand.source_locale
    findings: list[Finding] = []
    translation = loaded.translations.get(locale) if locale != source_locale else None
    missing_fields: list[str] = []

    def pick(path: tuple, source_value: str | None, translated: str | None) -> Text | None:
        if source_value is None and translated is None:
            return None
        if locale == source_locale or translated is None:
            if locale != source_locale and source_value is not None:
                missing_fields.append(dotted(path))
            line, column = loaded.marks(path)
            return Text(source_value, loaded.source, line, column, dotted(path), source_locale)
        line, column = translation.mark(path)
        return Text(translated, translation.source, line, column, dotted(path), locale)

    data = translation.data if translation else None
    name = pick(("name",), product.name, data.name if data else None)
    headline = pick(("card", "headline"), product.card.headline, data.card.headline if data else None)
    message = pick(("card", "message"), product.card.message, data.card.message if data else None)
    tips_tr = data.card.tips if data and len(data.card.tips) == len(product.card.tips) else None
    if data and data.card.tips and tips_tr is None:
        findings.append(_fallback_finding(
            loaded, locale, "card.tips", translation.source,
            f"expected {len(product.card.tips)} tips as in the source, got {len(data.card.tips)}; "
            f"{product.sku} uses the {source_locale} tips"))
    tips = [pick(("card", "tips", i), tip, tips_tr[i] if tips_tr else None)
            for i, tip in enumerate(product.card.tips)]
    image_alt = None
    if product.images:
        alts = data.image_alt if data and data.image_alt else None
        if alts:
            line, column = translation.mark(("image_alt", 0))
            image_alt = Text(alts[0], translation.source, line, column, "image_alt[0]", locale)
        else:
            image_alt = pick(("images", 0, "alt"), product.images[0].alt, None)

    if missing_fields:
        where = translation.source if translation else f"locales/{locale}/{product.sku}.yaml"
        if translation is None:
            findings.append(_fallback_finding(
                loaded, locale, None, where,
                f"no {locale} translation file for {product.sku}; {', '.join(missing_fields)} "
                f"use the {source_locale} text"))
        else:
            for field in missing_fields:
                findings.append(_fallback_finding(
                    loaded, locale, field, where,
                    f"no {locale} translation of {product.sku}, using the {source_locale} text"))

    translations = translations_for(locale, catalog.root)
    if not has_builtin_wording(locale) and not (catalog.root / "locales" / gettext_dir(locale)).is_dir():
        findings.append(Finding(
            code="i18n.no-wording", severity=Severity.WARNING, category="fallback", action="fallback",
            sku=product.sku, locale=locale,
            message=f"no built-in wording for {locale}; the card labels stay in English"))
    headline = headline or _builtin(translations, locale, DEFAULT_HEADLINE,
                                    product=name.value if name else product.name)
    message = message or _builtin(translations, locale, DEFAULT_MESSAGE)

    babel = babel_locale(locale)
    section = Section(
        locale=locale,
        lang=locale,
        dir=babel.text_direction,
        language_name=(babel.get_display_name(babel) or locale),
        font_family=css_family(locale),
        fonts=font_stack(locale),
        name=name,
        headline=headline,
        message=message,
        tips=tips,
        image_alt=image_alt,
        hours=format_hours(marketplace, locale),
        translations=translations,
    )
    return section, findings


def _fallback_finding(loaded: LoadedProduct, locale: str, field: str | None, where: str,
                      message: str) -> Finding:
    return Finding(code="i18n.fallback", severity=Severity.WARNING, category="fallback",
                   action="fallback", source=where, field=field, sku=loaded.product.sku,
                   locale=locale, message=message)


def _builtin(translations: NullTranslations, locale: str, msgid: str, **values: str) -> Text:
    text = translations.gettext(msgid)
    if values:
        text = text % values
    source = f"<built-in>/locales/{gettext_dir(locale)}/LC_MESSAGES/insertgen.po"
    return Text(text, source, None, None, f'msgid "{msgid[:40]}"', locale)


def format_hours(marketplace: Marketplace, locale: str) -> list[str]:
    """``mon-fri 09:00-18:00`` as ``Mo.–Fr. 09:00–18:00 MEZ`` in the locale's own words."""
    support = marketplace.support
    if not support.hours:
        return []
    babel = babel_locale(locale)
    days = get_day_names("abbreviated", locale=babel)
    zone_name = zone_label(get_timezone(support.timezone), babel)
    lines = []
    for entry in support.hours:
        names = [days[DAY_NAMES.index(part)] for part in entry.days.split("-")]
        span = "–".join(names)
        start = format_time(time.fromisoformat(entry.open), "short", locale=babel)
        end = format_time(time.fromisoformat(entry.close), "short", locale=babel)
        lines.append(f"{span} {start}–{end}")
    if lines:
        nested = re.search(r"[()（）]", zone_name)
        lines[-1] = f"{lines[-1]} · {zone_name}" if nested else f"{lines[-1]} ({zone_name})"
    return lines


def zone_label(zone, babel) -> str:
    """The short zone name when CLDR has a plain one (``MEZ``, ``CET``), else the generic long
    name (``Central European Time`` rather than ``Germany (Berlin) Time``)."""
    name = get_timezone_name(zone, "short", locale=babel)
    if re.search(r"[()（）:]", name):
        name = get_timezone_name(zone, "long", locale=babel, zone_variant="generic")
    return name
