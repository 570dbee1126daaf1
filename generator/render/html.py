"""HTML. One sandboxed Jinja environment, one function that builds the template context.

Templates and locale text are data: the environment is sandboxed, autoescaped and strict about
undefined names; the loader only sees the catalog's ``layouts/`` and the built-in layouts.
Translated wording is escaped like any other text (a translator cannot inject markup).
"""

from __future__ import annotations

import dataclasses
import functools
import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations
from babel.units import format_unit
from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError, pass_context
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from generator.catalog import LoadedCatalog, LoadedProduct
from generator.catalog.layouts import PrintProfile, ResolvedLayout, layout_dirs
from generator.catalog.models import Colour
from generator.catalog.regulations import blocks
from generator.content.localize import Section, support_phone, support_url
from generator.i18n.wording import babel_locale
from generator.paths import BUILTIN_LAYOUTS
from generator.render.fonts import css_family, document_family
from generator.render.qr import qr_svg
from generator.render.typeset import LRI, PDI, keep_together, keep_url, name_runs, typeset

FIXED_DATE = datetime(2024, 1, 1, tzinfo=UTC)


@functools.lru_cache(maxsize=8)
class ConfinedLoader(FileSystemLoader):
    """Templates from one layouts folder, read only when their real path (symlinks followed)
    stays inside the catalog or the built-in layouts."""

    def __init__(self, folder: Path, roots: tuple[Path, ...]):
        super().__init__(str(folder))
        self.roots = roots

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not any(real == root or real.is_relative_to(root) for root in self.roots):
            raise TemplateError(f"refused to read template {template!r}: it leads to {real}, "
                                f"outside the catalog and the built-in layouts")
        if not real.is_file():
            raise TemplateError(f"refused to read template {template!r}: {real} is not a "
                                "regular file")
        return source, filename, uptodate


def environment(catalog_root: Path | None) -> SandboxedEnvironment:
    """The one Jinja environment for a catalog (catalog layouts first, then built-ins)."""
    roots = tuple(p.resolve() for p in ([catalog_root] if catalog_root else [])) + (
        BUILTIN_LAYOUTS.resolve(),)
    loader = ChoiceLoader([ConfinedLoader(d, roots) for d in layout_dirs(catalog_root)])
    env = SandboxedEnvironment(
        loader=loader,
        # HTML is escaped; stylesheets only receive validated colours and sizes.
        autoescape=lambda name: not (name or '').endswith('.css.j2'),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ltr"] = isolate_ltr
    env.filters["keep"] = keep_ltr
    env.filters["url"] = url_ltr
    env.filters.update(FORMAT_FILTERS)
    return env


# --- locale-aware formatting (Babel, CLDR data) ---------------------------------------------


def _locale(context, locale: str | None):
    """The locale a filter formats for: the one given, else the template's section."""
    if locale is None:
        section = context.get("s") or context.get("section")
        locale = getattr(section, "locale", None) or "en"
    return babel_locale(locale)


@pass_context
def number_filter(context, value, locale: str | None = None, digits: int | None = None) -> str:
    """``{{ 1.7|number }}`` -> ``1,7`` in de and fr."""
    pattern = None if digits is None else "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=_locale(context, locale))


@pass_context
def unit_filter(context, value, unit: str, locale: str | None = None, length: str = "short") -> str:
    """``{{ 1.7|unit("volume-liter") }}`` -> ``1,7 l`` in de (CLDR unit ids)."""
    return format_unit(value, unit, length=length, locale=_locale(context, locale))


@pass_context
def currency_filter(context, value, currency: str, locale: str | None = None) -> str:
    """``{{ 19.99|currency("EUR") }}`` -> ``19,99 €`` in de."""
    return format_currency(value, currency, locale=_locale(context, locale))


@pass_context
def date_filter(context, value, style: str = "long", locale: str | None = None) -> str:
    """``{{ date|date }}`` -> ``24. November 2026`` in de; a ``YYYY-MM-DD`` string works too."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(value, style, locale=_locale(context, locale))


@pass_context
def language_filter(context, code: str, locale: str | None = None) -> str:
    """``{{ "de"|language }}`` -> ``Deutsch``; ``{{ "de"|language("fr") }}`` -> ``allemand``."""
    target = babel_locale(code)
    return target.get_display_name(_locale(context, locale) if locale else target) or code


FORMAT_FILTERS = {"number": number_filter, "decimal": number_filter, "unit": unit_filter,
                  "currency": currency_filter, "date": date_filter, "language": language_filter}


def isolate_ltr(value: Any) -> Markup:
    """Keep a name or an address left-to-right inside right-to-left text (Unicode isolates,
    which Pango honours; WeasyPrint ignores CSS ``unicode-bidi``). Typesetting isolates every
    left-to-right run of right-to-left text anyway; this marks the intent in a layout."""
    return Markup(LRI) + escape(str(value)) + Markup(PDI)


def keep_ltr(value: Any) -> Markup:
    """``{{ url|keep }}``: a URL, e-mail address, model or phone number that never breaks
    inside (it moves to the next line whole) and stays left-to-right."""
    return Markup(LRI) + escape(keep_together(str(value))) + Markup(PDI)


def url_ltr(value: Any) -> Markup:
    """``{{ url|url }}``: a URL on a line of its own, which breaks only after a slash when the
    line is too short for all of it (in running text use ``keep``, which moves it whole)."""
    return Markup(LRI) + escape(keep_url(str(value))) + Markup(PDI)


def short_url(url: str) -> str:
    """The support address as printed in running text: host and path, no scheme, no query
    (``help.example.com/amazon-eu/LH-KT17``); the QR code keeps the whole URL."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/") or url


def fit_attributes(text: Any) -> Markup:
    """``data-field`` and ``data-locale`` on the element that prints ``text``: the PDF stage
    measures each field's box, so an overflow names the field and the translator's line."""
    field, locale = getattr(text, "field", None), getattr(text, "locale", None)
    if not field:
        return Markup("")
    return Markup(' data-field="{}" data-locale="{}"').format(field, locale or "")


def fit_box_attributes(copyfit) -> Any:
    """``{{ fit_box("front") }}``: ``data-fit`` on the box whose overflow the fit check
    measures, and ``data-copyfit`` with the smallest type scale the layout allows there."""

    def fit_box(side: str) -> Markup:
        attributes = Markup(' data-fit="{}"').format(side)
        if copyfit is not None and copyfit.min_scale < 1:
            attributes += Markup(' data-copyfit="{}"').format(f"{copyfit.min_scale:g}")
        return attributes

    return fit_box


def each_translation(sections: list[Section], message: str) -> list[tuple[Section, Markup]]:
    """``message`` in every section's language, each wording once (a language falling back to
    English does not repeat the English)."""
    out, seen = [], set()
    for section in sections:
        text = section.gettext(message)
        if str(text) not in seen:
            seen.add(str(text))
            out.append((section, text))
    return out


def gettext_functions(translations: NullTranslations) -> tuple:
    """``gettext`` and ``ngettext`` for templates: translations are escaped, then formatted."""

    def gettext(message: str, **values: Any) -> Markup:
        text = escape(translations.gettext(message))
        return text % values if values else text

    def ngettext(singular: str, plural: str, num: int, **values: Any) -> Markup:
        text = escape(translations.ngettext(singular, plural, num))
        return text % {"num": num, **values}

    return gettext, ngettext


def ink(colour: Colour, profile: PrintProfile) -> str:
    """A CSS colour: ``device-cmyk()`` for print profiles, RGB for screen."""
    if profile.cmyk:
        c, m, y, k = (round(v / 100, 4) for v in colour.cmyk)
        return f"device-cmyk({c:g} {m:g} {y:g} {k:g})"
    return colour.rgb


def tint(colour: Colour, share: float) -> Colour:
    """``colour`` printed at ``share`` of its strength (a panel behind text): CMYK values
    scaled, RGB mixed with white."""
    rgb = colour.rgb.lstrip("#")
    channels = (int(rgb[i:i + 2], 16) for i in (0, 2, 4))
    mixed = "".join(f"{round(255 - (255 - v) * share):02x}" for v in channels)
    return Colour(cmyk=tuple(round(v * share, 1) for v in colour.cmyk), rgb=f"#{mixed}")


@dataclasses.dataclass
class Page:
    """Page geometry handed to the stylesheet."""

    width_mm: float
    height_mm: float
    bleed_mm: float
    safe_mm: float


#: Signal-word panel colours after ANSI Z535 (safety red, orange, yellow and blue), and the
#: thin rules of tables.
SAFETY_COLOURS = {
    "danger": Colour(cmyk=(0, 100, 100, 10), rgb="#c8102e"),
    "warning": Colour(cmyk=(0, 60, 100, 0), rgb="#ff7900"),
    "caution": Colour(cmyk=(0, 10, 100, 0), rgb="#ffd100"),
    "notice": Colour(cmyk=(100, 45, 0, 20), rgb="#0067a5"),
    "rule": Colour(cmyk=(0, 0, 0, 35), rgb="#a6a6a6"),
}


def build_context(catalog: LoadedCatalog, loaded: LoadedProduct, layout: ResolvedLayout,
                  profile: PrintProfile, marketplace_key: str, sections: list[Section]) -> dict:
    """The whole template context for one document."""
    brand = catalog.brand
    product = loaded.product
    marketplace = brand.marketplaces[marketplace_key]
    primary = sections[0]
    url = support_url(marketplace_key, marketplace, product.sku, primary.locale,
                      [s.locale for s in sections])
    colours = brand.colors
    inks = {
        "primary": ink(colours.primary, profile),
        "accent": ink(colours.accent or colours.primary, profile),
        "text": ink(colours.text, profile),
        "black": "device-cmyk(0 0 0 1)" if profile.cmyk else "#000000",
        "paper": "device-cmyk(0 0 0 0)" if profile.cmyk else "#ffffff",
        "tint": ink(tint(colours.primary, 0.1), profile),
        **{name: ink(colour, profile) for name, colour in SAFETY_COLOURS.items()},
    }
    for section in sections:
        section.gettext, section.ngettext = gettext_functions(section.translations)
        section.font_family = css_family(section.locale)
        section.colon = label_colon(section.locale)
    gettext, ngettext = primary.gettext, primary.ngettext
    spec = layout.spec
    phone = support_phone(marketplace, [s.locale for s in sections])
    identifiers = product.identifiers
    keep = [product.sku, product.model, *(getattr(identifiers, name, None) or ""
                                          for name in ("gtin", "asin", "mpn")),
            *{s.phone.display for s in sections if s.phone}, phone.display if phone else "",
            *product_names(loaded)]
    return {
        "brand": brand,
        "logo": brand.logo,
        "product": product,
        "image": product.images[0].file if product.images else None,
        "marketplace": marketplace,
        "support_url": url,
        "support_url_display": short_url(url),
        "phone": phone,
        "font_family": document_family([s.locale for s in sections]),
        "keep_together": [token for token in keep if token],
        "qr": qr_svg(url, inks["black"], label=url),
        "sections": sections,
        "section": primary,
        "ink": inks,
        "page": Page(spec.trim_mm[0], spec.trim_mm[1],
                     spec.bleed_mm if profile.bleed else 0.0, spec.safe_mm),
        "profile": profile,
        "options": spec.options,
        "regulatory": blocks(brand, marketplace_key) if spec.kind == "manual" else [],
        "build_date": build_date(),
        "fit": fit_attributes,
        "fit_box": fit_box_attributes(spec.copyfit),
        "each": each_translation,
        "_": gettext,
        "gettext": gettext,
        "ngettext": ngettext,
    }


def label_colon(locale: str) -> str:
    """The colon after a label (``Model: EB-20``) as the language sets it, with the space after
    it: French puts a no-break space before it, Japanese and Chinese use the full-width
    colon, whose blank half is the space."""
    language = locale.split("-")[0].lower()
    if language == "fr":
        return "\u00a0: "
    if language in ("ja", "zh"):
        return "："
    return ": "


def product_names(loaded: LoadedProduct) -> list[str]:
    """The product's own name (``Pulse Air``): the runs of its name that its translators keep
    as they are, which no line may split (``Pulse / Air``) while they fit a line's share."""
    others = [unit.text for file in loaded.translations.values()
              if (unit := file.units.get("name")) is not None and unit.text]
    return name_runs(loaded.product.name, others)


def build_date() -> str:
    """The date written into the PDF: ``SOURCE_DATE_EPOCH`` when set (reproducible builds),
    else a fixed date, so the same input always gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), tz=UTC) if epoch and epoch.isdigit() else FIXED_DATE
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def render_html(env: SandboxedEnvironment, layout: ResolvedLayout, context: dict) -> str:
    """The document's HTML, typeset for the language and direction of every text in it."""
    html = env.get_template(f"{layout.name}/{layout.spec.template}").render(context)
    return typeset(html, context.get("keep_together", ()))


def render_css(env: SandboxedEnvironment, layout: ResolvedLayout, context: dict) -> str:
    return env.get_template(f"{layout.name}/{layout.spec.stylesheet}").render(context)
