"""Checks on every translation: what a translator must keep exactly as the source has it.

Each check is a plain function ``(source, translation, terms) -> [problem, ...]`` in
:data:`CHECKS`, in the manner of Babel's checkers: placeholders and markup match the source,
do-not-translate terms (brand, model, SKU, identifiers) are kept, URLs, e-mail addresses and
phone numbers are unchanged, line breaks at the start and end as in the source (GNU ``msgfmt -c``
refuses a file otherwise). Plural forms are checked where plurals exist (layout wording).
A translation that fails a check is not printed; the build falls back and says why.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from generator.catalog.models import Brand, Product

_PLACEHOLDER = re.compile(r"\{[A-Za-z_][\w.]*\}|%\([A-Za-z_]\w*\)[sdifr]|%[sdifr]")
_TAG = re.compile(r"</?([A-Za-z][\w-]*)[^>]*>")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+\d[\d ()./-]{5,}\d")


def protected_terms(brand: Brand, product: Product) -> tuple[str, ...]:
    """Words that are never translated: brand, manufacturer, model, SKU, identifiers."""
    ids = product.identifiers
    terms = [brand.name, brand.manufacturer.name, product.model, product.sku, ids.gtin, ids.asin,
             ids.mpn]
    return tuple(t for t in dict.fromkeys(terms) if t)


def _listed(items) -> str:
    return ", ".join(items) if items else "none"


def placeholders(source: str, translation: str, terms: tuple[str, ...]) -> list[str]:
    want, got = Counter(_PLACEHOLDER.findall(source)), Counter(_PLACEHOLDER.findall(translation))
    if want == got:
        return []
    return [f"expected the placeholders {_listed(sorted(want.elements()))} as in the source, got "
            f"{_listed(sorted(got.elements()))}"]


def markup(source: str, translation: str, terms: tuple[str, ...]) -> list[str]:
    want = Counter(m.group(0).split()[0].rstrip(">") for m in _TAG.finditer(source))
    got = Counter(m.group(0).split()[0].rstrip(">") for m in _TAG.finditer(translation))
    if want == got:
        return []
    return [f"expected the markup {_listed(sorted(t + '>' for t in want.elements()))} as in the "
            f"source, got {_listed(sorted(t + '>' for t in got.elements()))}"]


def kept_terms(source: str, translation: str, terms: tuple[str, ...]) -> list[str]:
    return [f"expected \"{term}\" as written (it is never translated), got a text without it"
            for term in terms if term in source and term not in translation]


def line_breaks(source: str, translation: str, terms: tuple[str, ...]) -> list[str]:
    problems = []
    for where, ends in (("start", str.startswith), ("end", str.endswith)):
        wanted = ends(source, "\n")
        if wanted != ends(translation, "\n"):
            problems.append(f"expected {'a' if wanted else 'no'} line break at the {where} as in "
                            f"the source, got {'none' if wanted else 'one'}")
    return problems


def unchanged(pattern: re.Pattern, what: str, normalize: Callable[[str], str] = str):
    def check(source: str, translation: str, terms: tuple[str, ...]) -> list[str]:
        present = {normalize(m) for m in pattern.findall(translation)}
        return [f"expected the {what} \"{found}\" unchanged, got a text without it"
                for found in dict.fromkeys(pattern.findall(source)) if normalize(found) not in present]

    check.__name__ = f"unchanged_{what.replace(' ', '_')}"
    return check


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


#: The checks run on every translation, in order.
CHECKS = [placeholders, markup, kept_terms, line_breaks, unchanged(_URL, "URL"),
          unchanged(_EMAIL, "e-mail address"), unchanged(_PHONE, "phone number", _digits)]


def check_translation(unit, translation: str, terms: tuple[str, ...]) -> list[str]:
    """Every problem of ``translation`` against the unit's source text."""
    return [problem for check in CHECKS for problem in check(unit.text, translation, terms)]


def plural_problem(forms: list[str], expected: int, locale: str) -> str | None:
    """A plural entry must have as many forms as the language has (CLDR)."""
    filled = [f for f in forms if f]
    if filled and len(forms) != expected:
        return (f"expected {expected} plural form{'s' * (expected != 1)} for {locale} (CLDR), got "
                f"{len(forms)}")
    return None
