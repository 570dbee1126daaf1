"""Localized content: for one product, document and locale, every text it prints.

Product texts come from the translators' files (:mod:`generator.i18n.translations` picks the text of
each field along the locale's fallback chain and says why it fell back); texts the product
leaves out use the built-in wording (gettext). Every text keeps its origin (file, line, field)
so later stages (compliance, glyph check, fit) can name the place.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Sequence
from datetime import time
from types import SimpleNamespace
from typing import Any

import phonenumbers
from babel.core import get_global
from babel.dates import format_time, get_day_names, get_timezone, get_timezone_name
from babel.support import NullTranslations

from generator.catalog import LoadedCatalog, LoadedProduct
from generator.catalog.models import DAY_NAMES, Manual, Marketplace, Spec
from generator.content.specs import format_spec
from generator.findings import Finding, Severity
from generator.i18n.translations import Text, resolve
from generator.i18n.wording import babel_locale, gettext_dir, has_builtin_wording, translations_for


def N_(message: str) -> str:
    """Marks a built-in message for extraction by Babel; translated later, at render time."""
    return message


DEFAULT_HEADLINE = N_("Thank you for choosing %(product)s!")
DEFAULT_MESSAGE = N_(
    "If anything is missing, damaged or not working as expected, please contact us first. "
    "We will sort it out quickly, whether with advice, a spare part or a replacement."
)


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
    name: Text
    headline: Text
    message: Text
    tips: list[Text]
    image_alt: Text | None
    #: Opening hours, formatted for the locale, one line per entry.
    hours: list[str]
    translations: NullTranslations
    #: The support phone number as a buyer reading this language dials it (``None``: none).
    phone: Phone | None = None
    #: Every translatable product text by field path (``manual.safety[0].text``), the card's
    #: included; the cleaning stage empties what it strips.
    units: dict[str, Text] = dataclasses.field(default_factory=dict)
    #: Key of the marketplace the document is sold on (chooses per-market warranty terms).
    marketplace_key: str | None = None
    #: The product's manual (source texts); :attr:`manual` gives this section's texts of it.
    product_manual: Manual | None = dataclasses.field(default=None, repr=False)
    #: Set by the HTML stage: the CSS ``font-family`` of the locale's script, and template
    #: functions (escaping gettext / ngettext).
    font_family: str = ""
    gettext: Any = None
    ngettext: Any = None

    @functools.cached_property
    def manual(self) -> SimpleNamespace | None:
        """The manual with this section's texts in place of the source ones, shaped for the
        templates; read once the texts are final (after compliance cleaning)."""
        return manual_view(self.product_manual, self)

    def texts(self) -> list[Text]:
        """Every product text of the section, for compliance, the glyph and the fit check."""
        out = [self.name, self.headline, self.message, *self.tips]
        if self.image_alt is not None:
            out.append(self.image_alt)
        seen = {id(t) for t in out}
        return out + [t for t in self.units.values() if id(t) not in seen]

    def text(self, key: str) -> Text | None:
        """The text of a field, ``None`` when it has none (or cleaning emptied it)."""
        found = self.units.get(key)
        return found if found is not None and found.value else None


def localize(catalog: LoadedCatalog, loaded: LoadedProduct, locale: str, marketplace: Marketplace,
             kind: str = "card") -> tuple[Section, list[Finding]]:
    """Resolve every text of ``loaded`` that a document of ``kind`` prints, for ``locale``."""
    product = loaded.product
    resolved, findings = resolve(catalog, loaded, locale,
                                 {"card", "manual"} if kind == "manual" else {"card"})

    def text(key: str) -> Text | None:
        return resolved[key].text if key in resolved else None

    name, headline, message = text("name"), text("card.headline"), text("card.message")
    # A manual prints the card's message but not its tips: they are neither checked nor
    # reported for it (a card tip's short link is the card's problem, not the manual's).
    tips = [] if kind == "manual" else [text(f"card.tips[{i}]")
                                        for i in range(len(product.card.tips))]
    image_alt = text("images[0].alt")

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
        name=name,
        headline=headline,
        message=message,
        tips=tips,
        image_alt=image_alt,
        hours=format_hours(marketplace, locale),
        translations=translations,
        phone=support_phone(marketplace, [locale]),
        units={key: item.text for key, item in resolved.items()
               if not (kind == "manual" and key.startswith("card.tips["))},
        product_manual=product.manual,
        marketplace_key=next((key for key, market in catalog.brand.marketplaces.items()
                              if market is marketplace), None),
    )
    return section, findings


def support_url(marketplace_key: str, marketplace: Marketplace, sku: str, locale: str,
                locales: Sequence[str] = ()) -> str:
    """The support page a document points to (printed and in the QR code). ``{locales}`` is
    every locale of the document, comma-separated (``en,de,fr``): on a multi-language card
    it leads to a choice of those languages; on a one-language document it is ``locale``."""
    return marketplace.support.url.format(sku=sku, locale=locale, marketplace=marketplace_key,
                                          locales=",".join(locales or [locale]))


@dataclasses.dataclass(frozen=True)
class Phone:
    """A phone number to print and to link."""

    #: E.164, for the ``tel:`` link (``+4930901820``).
    e164: str
    #: As dialled from the buyer's country: national (``030 901820``) when the number is in
    #: it, else international (``+49 30 901820``).
    display: str


#: CLDR official-status values that make a language "spoken in" a country.
_OFFICIAL = {"official", "de_facto_official", "official_regional"}


def dialling_country(marketplace: Marketplace, locale: str) -> str | None:
    """The country a buyer reading ``locale`` on ``marketplace`` dials from (ISO 3166).

    The locale's own region when it has one (``de-AT``: AT). Otherwise the marketplace's
    country (the country of its support line's time zone, ``Europe/Berlin``: DE) when the
    language is an official one there; otherwise the language's own country (``fr``: FR), so
    that a French buyer on a German marketplace sees the number as dialled from abroad.
    """
    parts = locale.replace("_", "-").split("-")
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            return part.upper()
    language = parts[0].lower()
    market = get_global("zone_territories").get(marketplace.support.timezone)
    spoken = get_global("territory_languages").get(market or "", {})
    if market and (spoken.get(language) or {}).get("official_status") in _OFFICIAL:
        return market
    likely = get_global("likely_subtags").get(language, "")
    region = [p for p in likely.split("_")[1:] if len(p) == 2]
    return region[0] if region else market


def support_phone(marketplace: Marketplace, locales: list[str]) -> Phone | None:
    """The marketplace's phone number for a document read in ``locales``: in national format
    only when every reader dials from the number's own country, else international."""
    e164 = marketplace.support.phone
    if not e164:
        return None
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return Phone(e164, e164)
    home = phonenumbers.region_code_for_number(number)
    national = bool(home) and all(dialling_country(marketplace, locale) == home
                                  for locale in locales)
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if national
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return Phone(e164, phonenumbers.format_number(number, style))


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
        # Japanese and Chinese set brackets full-width, with no space before them.
        full_width = babel.language in ("ja", "zh")
        bracketed = f"（{zone_name}）" if full_width else f" ({zone_name})"
        lines[-1] = f"{lines[-1]} · {zone_name}" if nested else f"{lines[-1]}{bracketed}"
    return lines


def zone_label(zone, babel) -> str:
    """The short zone name when CLDR has a plain one (``MEZ``, ``CET``), else the generic long
    name (``Central European Time`` rather than ``Germany (Berlin) Time``)."""
    name = get_timezone_name(zone, "short", locale=babel)
    if re.search(r"[()（）:]", name):
        name = get_timezone_name(zone, "long", locale=babel, zone_variant="generic")
    return name


def spec_value(spec: Spec, text: Text | None, locale: str) -> Text | str:
    """The printed value of a spec: a text value keeps its origin (for the fit check), its
    quantities formatted for ``locale``; a number value is a plain string."""
    babel = babel_locale(locale)
    if text is None:
        return format_spec(spec, None, babel)
    return dataclasses.replace(text, value=format_spec(spec, text.value, babel))


def manual_view(manual: Manual | None, section: Section) -> SimpleNamespace | None:
    """The product's manual with this section's texts in place of the source ones; an item
    whose text the cleaning stage emptied is left out."""
    if manual is None:
        return None
    t = section.text

    def steps(name: str, items: list) -> list:
        return [SimpleNamespace(text=text, image=step.image,
                                alt=t(f"manual.{name}[{i}].alt"))
                for i, step in enumerate(items) if (text := t(f"manual.{name}[{i}].text"))]

    overview = None
    if manual.overview is not None:
        overview = SimpleNamespace(
            image=manual.overview.image, alt=t("manual.overview.alt"),
            callouts=[SimpleNamespace(number=c.number, label=label)
                      for i, c in enumerate(manual.overview.callouts)
                      if (label := t(f"manual.overview.callouts[{i}].label"))])
    trouble = []
    for i in range(len(manual.troubleshooting)):
        row = [t(f"manual.troubleshooting[{i}].{part}") for part in ("problem", "cause", "solution")]
        if all(row):
            trouble.append(SimpleNamespace(problem=row[0], cause=row[1], solution=row[2]))
    return SimpleNamespace(
        in_the_box=[x for i in range(len(manual.in_the_box)) if (x := t(f"manual.in_the_box[{i}]"))],
        overview=overview,
        safety=[SimpleNamespace(level=note.level, text=text) for i, note in enumerate(manual.safety)
                if (text := t(f"manual.safety[{i}].text"))],
        setup=steps("setup", manual.setup),
        operation=steps("operation", manual.operation),
        care=[x for i in range(len(manual.care)) if (x := t(f"manual.care[{i}]"))],
        troubleshooting=trouble,
        specs=[SimpleNamespace(name=name, value=(value := spec_value(
                   spec, t(f"manual.specs[{i}].value"), section.locale)),
                   lang=getattr(value, "locale", section.lang))
               for i, spec in enumerate(manual.specs) if (name := t(f"manual.specs[{i}].name"))
               and (not isinstance(spec.value, str) or t(f"manual.specs[{i}].value"))],
        warranty=next((t(f"manual.warranties[{i}].text") for i, terms in enumerate(manual.warranties)
                       if section.marketplace_key in terms.marketplaces), None) or t("manual.warranty"),
    )
