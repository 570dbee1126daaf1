"""Spec values formatted per locale (part of the content stage).

A spec value is a number with a unit, a range, or a translated text naming quantities
(``"Li-ion {voltage}, {capacity}"``). Numbers get the locale's decimal and group separators
from Babel (``3,5`` in German, ``5 200`` with a narrow no-break space in French). Units print
as their symbol, as technical data sheets write them (``h``, ``V``, ``mAh``), not as CLDR's
words for running text (``Std.``): the symbol is CLDR's narrow form of the unit, and the space
between number and symbol is the one CLDR's short form uses in that locale (a no-break space,
a narrow one in French), so a value never breaks between its number and its unit.
"""

from __future__ import annotations

import functools
import re

from babel import Locale
from babel.numbers import format_decimal

from generator.catalog.models import Quantity, Spec

NBSP = "\u00a0"
#: Between the ends of a range: an en dash, with no spaces ("220–240 V"), and a word joiner so
#: that a line never ends at the dash.
RANGE = "–\u2060"
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]\w*)\}")
#: A unit with a symbol in every locale, whose short pattern shows the locale's spacing.
_REFERENCE_UNIT = "electric-volt"


def _pattern(locale: Locale, unit: str, length: str) -> str | None:
    patterns = locale._data["unit_patterns"].get(unit, {}).get(length, {})
    return patterns.get("other") or patterns.get("one")


@functools.cache
def _symbol(locale: Locale, unit: str) -> tuple[str, bool]:
    """CLDR's narrow symbol of ``unit`` in ``locale`` and whether it comes before the number."""
    pattern = _pattern(locale, unit, "narrow") or _pattern(locale, unit, "short") or "{0} " + unit
    before, _, after = pattern.partition("{0}")
    return (before.strip() or after.strip()), bool(before.strip())


@functools.cache
def _space(locale: Locale, unit: str | None) -> str:
    """The space the locale puts between a number and ``unit`` (its short form), never a
    breaking one."""
    pattern = (_pattern(locale, unit, "short") if unit else None) \
        or _pattern(locale, _REFERENCE_UNIT, "short") or "{0} V"
    match = re.search(r"\{0\}(\s*)|(\s*)\{0\}", pattern)
    gap = (match.group(1) or match.group(2) or "") if match else ""
    if not gap and unit:  # a unit written without a space (°C, %) keeps none
        return ""
    return "\u202f" if "\u202f" in gap else NBSP


def number(value: float | int, locale: Locale) -> str:
    """``3.5`` as ``3,5`` in German; whole floats lose their ``.0``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return format_decimal(value, locale=locale)


def with_unit(amount: str, locale: Locale, unit: str | None, symbol: str | None) -> str:
    """``amount`` (already formatted) followed by its unit's symbol, kept on one line."""
    if symbol:
        return f"{amount}{_space(locale, None)}{symbol}"
    if not unit:
        return amount
    sign, first = _symbol(locale, unit)
    space = _space(locale, unit)
    return f"{sign}{space}{amount}" if first else f"{amount}{space}{sign}"


def quantity(item: Quantity | Spec, locale: Locale) -> str:
    """A number, alternatives (``50/60 Hz``) or a range (``220–240 V``) with its unit."""
    values = item.value if isinstance(item.value, list) else [item.value]
    amount = "/".join(number(v, locale) for v in values)
    if item.to is not None:
        amount = f"{amount}{RANGE}{number(item.to, locale)}"
    return with_unit(amount, locale, item.unit, item.symbol)


def format_spec(spec: Spec, text: str | None, locale: Locale) -> str:
    """The printed value of ``spec`` in ``locale``. ``text`` is the translated text of a text
    value (its placeholders replaced by the spec's quantities); a number value ignores it."""
    if not isinstance(spec.value, str):
        return quantity(spec, locale)
    source = spec.value if text is None else text

    def fill(match: re.Match) -> str:
        found = spec.quantities.get(match.group(1))
        return quantity(found, locale) if found is not None else match.group(0)

    return _PLACEHOLDER.sub(fill, source)
