"""Regulatory blocks per market, as data (``generator/data/regulations.yaml``).

A marketplace lists the blocks its manuals print (EU GPSR, the UK equivalent, WEEE, batteries,
the radio declarations EU RED, UKCA and FCC Part 15, the statutory warranty notice of its market).
Blocks for radio equipment and batteries print only for a product with that field; their texts
in each locale are data too, and the batteries text depends on whether the battery is removable.
Each block names the items it requires; a missing one is a validation error naming the field
and the block that needs it. The manual layout prints the blocks with the brand's manufacturer,
the responsible person of the market when the manufacturer is outside it, and the product's
identifiers.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Any

import yaml
from babel.numbers import format_decimal

from generator.catalog.models import Brand, Product, Radio, ResponsiblePerson
from generator.catalog.yamlsource import YamlSource
from generator.findings import Finding
from generator.paths import DATA


@functools.cache
def table() -> dict[str, dict[str, Any]]:
    return yaml.safe_load((DATA / "regulations.yaml").read_text(encoding="utf-8"))


def _value(model: Any, path: str) -> Any:
    for part in path.split("."):
        model = getattr(model, part, None)
        if model is None:
            return None
    return model


def _needs_person(rule: dict, brand: Brand) -> bool:
    country = brand.manufacturer.country
    return bool(rule.get("responsible_person")) and country is not None and \
        country not in rule.get("market_countries", [])


def check_brand(brand: Brand, src: YamlSource) -> list[Finding]:
    """Every block named by a marketplace, and every brand item those blocks require."""
    findings = []
    known = table()
    for key, market in brand.marketplaces.items():
        for index, name in enumerate(market.regulations):
            where = ("marketplaces", key, "regulations", index)
            if name not in known:
                findings.append(src.finding(where, f"expected one of the regulatory blocks "
                                            f"{', '.join(known)}, got \"{name}\"",
                                            code="catalog.regulation"))
                continue
            rule = known[name]
            for options in rule.get("requires", []):
                if not any(_value(brand, o) for o in options):
                    findings.append(src.finding(
                        where, f"{name} ({rule['title']}) requires {' or '.join(options)} in "
                        f"brand.yaml, got {'neither' if len(options) > 1 else 'nothing'}",
                        code="catalog.regulation", field=options[0]))
            market_key = rule.get("responsible_person")
            if _needs_person(rule, brand) and market_key not in brand.responsible_persons:
                findings.append(src.finding(
                    where, f"{name} ({rule['title']}) requires responsible_persons.{market_key} in "
                    f"brand.yaml, because the manufacturer is in {brand.manufacturer.country}, "
                    f"outside the market; got nothing", code="catalog.regulation",
                    field=f"responsible_persons.{market_key}"))
    return findings


def applies(rule: dict, product: Product) -> bool:
    """Whether a block prints for ``product``: a block for radio equipment or batteries only
    when the product has that field."""
    field = rule.get("applies_to")
    return field is None or _value(product, field) is not None


def check_product(brand: Brand, product: Product, src: YamlSource,
                  manuals: list[tuple[int, str]]) -> list[Finding]:
    """The product items required by the blocks of the marketplaces its manuals go to
    (``manuals``: document index and marketplace of each manual), and the marketplaces its
    per-market warranty terms name."""
    findings = []
    known = table()
    for index, terms in enumerate(product.manual.warranties if product.manual else []):
        for place, key in enumerate(terms.marketplaces):
            if key not in brand.marketplaces:
                findings.append(src.finding(
                    ("manual", "warranties", index, "marketplaces", place),
                    f"expected a marketplace of brand.yaml ({', '.join(brand.marketplaces)}), "
                    f"got \"{key}\"", code="catalog.marketplace"))
    for index, key in manuals:
        market = brand.marketplaces.get(key)
        for name in market.regulations if market else ():
            rule = known.get(name, {})
            if not applies(rule, product):
                continue
            for options in rule.get("product_requires", []):
                if not any(_value(product, o) for o in options):
                    findings.append(src.finding(
                        ("documents", index, "marketplace"),
                        f"{name} ({rule['title']}) on {key} requires {' or '.join(options)} "
                        "in the product file, got nothing", code="catalog.regulation",
                        field=options[0]))
    return findings


def _localized(texts: dict[str, str], locale: str) -> str:
    """The text for ``locale``: its own, its language's (``pt`` for ``pt-BR``), else English."""
    return texts.get(locale) or texts.get(locale.split("-")[0]) or texts["en"]


def _mhz(value: float, locale: str) -> str:
    return format_decimal(int(value) if float(value).is_integer() else value, locale=locale)


def _space(locale: str) -> str:
    # French sets a narrow no-break space between a number and its unit (CLDR).
    return "\u202f" if locale.split("-")[0] == "fr" else "\u00a0"


def _bands(radio: Radio, locale: str) -> str:
    """Every band as ``2400–2483,5 MHz (8,5 dBm)`` in the locale's numbers."""
    gap = _space(locale)
    # A word joiner after the dash: a line never ends inside a band.
    return "; ".join(f"{_mhz(b.from_mhz, locale)}–\u2060{_mhz(b.to_mhz, locale)}{gap}MHz "
                     f"({_mhz(b.max_power_dbm, locale)}{gap}dBm)" for b in radio.bands)


#: Placeholders whose values print whole and left-to-right (names, model numbers, URLs).
KEPT = ("manufacturer", "model", "declaration_url", "fcc_id")
_FIELD = re.compile(r"\{([a-z_]+)\}")


@dataclasses.dataclass
class Block:
    """One regulatory block as a manual prints it."""

    name: str
    title: str
    symbol: str | None
    responsible_person: ResponsiblePerson | None
    safety_information: bool
    #: ``legal`` (its own heading in the legal section) or ``warranty`` (after the terms).
    placement: str = "legal"
    rule: dict = dataclasses.field(default_factory=dict, repr=False)
    #: Key of the marketplace (for a ``{marketplace}`` in the declaration URL).
    marketplace: str = ""

    def applies(self, product: Product) -> bool:
        return applies(self.rule, product)

    def heading(self, locale: str) -> str:
        """The block's heading in ``locale`` (blocks with data texts)."""
        return _localized(self.rule.get("heading") or {"en": self.title}, locale)

    def paragraphs(self, locale: str, brand: Brand, product: Product) -> list[list[tuple[str, bool]]]:
        """The block's paragraphs for ``product`` in ``locale``, each as parts ``(text, kept)``:
        a kept part is a value (a name, a model, a URL) the layout keeps whole and left-to-right."""
        values = {"manufacturer": brand.manufacturer.name, "model": product.model,
                  "chemistry": product.battery.chemistry if product.battery else None}
        if product.radio is not None:
            url = product.radio.declaration_url
            values.update(declaration_url=url.format(sku=product.sku, locale=locale,
                                                     locales=locale, marketplace=self.marketplace)
                          if url else None,
                          fcc_id=product.radio.fcc_id, bands=_bands(product.radio, locale))
        out = []
        for paragraph in self.rule.get("paragraphs", []):
            if not _holds(paragraph.get("when"), product):
                continue
            text, parts, at = _localized(paragraph["text"], locale), [], 0
            for match in _FIELD.finditer(text):
                parts.append((text[at:match.start()], False))
                parts.append((str(values.get(match.group(1)) or ""), match.group(1) in KEPT))
                at = match.end()
            parts.append((text[at:], False))
            out.append([part for part in parts if part[0]])
        return out


def _holds(condition: str | None, product: Product) -> bool:
    if not condition:
        return True
    negated = condition.startswith("not ")
    return bool(_value(product, condition.removeprefix("not "))) != negated


def blocks(brand: Brand, marketplace: str) -> list[Block]:
    """The blocks a manual sold on ``marketplace`` prints, in the order the brand lists them
    (a layout asks each :meth:`Block.applies` to the product)."""
    out = []
    for name in brand.marketplaces[marketplace].regulations:
        rule = table()[name]
        person = None
        if _needs_person(rule, brand):
            person = brand.responsible_persons.get(rule["responsible_person"])
        out.append(Block(name, rule["title"], rule.get("symbol"), person,
                         bool(rule.get("safety_information")), rule.get("placement", "legal"), rule,
                         marketplace))
    return out
