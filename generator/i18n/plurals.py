"""Plural forms per locale, as CLDR defines them, in the ``Plural-Forms`` form gettext reads.

The formula and the number of forms come from Babel's plural data (``babel.messages.plurals``,
generated from CLDR's integer rules since Babel 2.19), never from a table of our own; the tests
hold each formula against ``babel.Locale(...).plural_form``, CLDR's own rules. When a PO file
was written with another formula (an older Babel, or ``msginit``'s table), :func:`remap` moves
each translated form to the place the CLDR formula gives it, number by number.
"""

from __future__ import annotations

import dataclasses
import functools
import gettext
import re

from babel import Locale
from babel.messages.plurals import get_plural

#: Numbers the formulas are compared on: every remainder CLDR rules look at (n % 10, n % 100),
#: and the millions some languages treat apart (French, Italian, Spanish, Portuguese "many").
SAMPLES = (*range(0, 1200), 1_000_000, 2_000_000, 10_000_000, 1_000_001)


@dataclasses.dataclass(frozen=True)
class PluralForms:
    """How many forms a language has and which one a number takes."""

    count: int
    expression: str

    @property
    def header(self) -> str:
        """The ``Plural-Forms`` header value."""
        return f"nplurals={self.count}; plural={self.expression};"

    def index(self, n: int) -> int:
        return _compiled(self.expression)(n)


def cldr_plural_forms(locale: str) -> PluralForms:
    """The CLDR plural forms of ``locale`` (``de``, ``zh-Hans``, ``pt_BR``)."""
    count, expression = get_plural(Locale.parse(locale.replace("-", "_")))
    return PluralForms(count, expression)


def parse_plural_forms(value: str) -> PluralForms | None:
    """A ``Plural-Forms`` header value read back; ``None`` when gettext could not use it."""
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*", value or "")
    if not match:
        return None
    forms = PluralForms(int(match.group(1)), match.group(2))
    try:
        forms.index(1)
    except (ValueError, SyntaxError, ZeroDivisionError, RecursionError):
        return None
    return forms


@functools.cache
def _compiled(expression: str):
    return gettext.c2py(expression)


def remap(forms: list[str], old: PluralForms, new: PluralForms) -> tuple[list[str], bool]:
    """``forms`` written for ``old``, in the order ``new`` wants them. Each new form takes the
    old form the same numbers used; the second value is ``False`` when a new form gathers
    numbers that had different old forms (or none): then a translator must look again."""
    out, exact = [], True
    for index in range(new.count):
        used = {old.index(n) for n in SAMPLES if new.index(n) == index}
        candidates = sorted(i for i in used if i < len(forms))
        if len(candidates) != 1 or len(used) != 1:
            exact = False
        out.append(forms[candidates[0]] if candidates else (forms[-1] if forms else ""))
    return out, exact
