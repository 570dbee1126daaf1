"""Regulatory blocks per market, as data (``generator/data/regulations.yaml``).

A marketplace lists the blocks its manuals print (EU GPSR, the UK equivalent, WEEE, batteries).
Each block names the items it requires; a missing one is a validation error naming the field
and the block that needs it. The manual layout prints the blocks with the brand's manufacturer,
the responsible person of the market when the manufacturer is outside it, and the product's
identifiers.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import yaml

from generator.catalog.models import Brand, Product, ResponsiblePerson
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


def check_product(brand: Brand, product: Product, src: YamlSource,
                  manuals: list[tuple[int, str]]) -> list[Finding]:
    """The product items required by the blocks of the marketplaces its manuals go to
    (``manuals``: document index and marketplace of each manual)."""
    findings = []
    known = table()
    for index, key in manuals:
        market = brand.marketplaces.get(key)
        for name in market.regulations if market else ():
            for options in known.get(name, {}).get("product_requires", []):
                if not any(_value(product, o) for o in options):
                    findings.append(src.finding(
                        ("documents", index, "marketplace"),
                        f"{name} ({known[name]['title']}) on {key} requires {' or '.join(options)} "
                        "in the product file, got nothing", code="catalog.regulation",
                        field=options[0]))
    return findings


@dataclasses.dataclass
class Block:
    """One regulatory block as a manual prints it."""

    name: str
    title: str
    symbol: str | None
    responsible_person: ResponsiblePerson | None
    safety_information: bool


def blocks(brand: Brand, marketplace: str) -> list[Block]:
    """The blocks a manual sold on ``marketplace`` prints, in the order the brand lists them."""
    out = []
    for name in brand.marketplaces[marketplace].regulations:
        rule = table()[name]
        person = None
        if _needs_person(rule, brand):
            person = brand.responsible_persons.get(rule["responsible_person"])
        out.append(Block(name, rule["title"], rule.get("symbol"), person,
                         bool(rule.get("safety_information"))))
    return out
