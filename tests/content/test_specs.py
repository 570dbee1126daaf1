"""Spec values formatted per locale: decimal and group separators, unit symbols and the space
before them, ranges, alternatives and texts naming quantities."""

from __future__ import annotations

import pytest
from babel import Locale

from generator.catalog.models import Spec
from generator.content.specs import format_spec

NNBSP, NBSP, WJ = "\u202f", "\u00a0", "\u2060"
BATTERY = Spec(name="Battery", value="Li-ion {voltage}, {capacity}",
               quantities={"voltage": {"value": 3.7, "unit": "electric-volt"},
                           "capacity": {"value": 5200, "symbol": "mAh"}})
MAINS = Spec(name="Rated voltage", value="{voltage} ~ {frequency}",
             quantities={"voltage": {"value": 220, "to": 240, "unit": "electric-volt"},
                         "frequency": {"value": [50, 60], "unit": "frequency-hertz"}})


@pytest.mark.parametrize(("locale", "hours", "battery"), [
    ("en", f"3.5{NBSP}h", f"Li-ion 3.7{NBSP}V, 5,200{NBSP}mAh"),
    ("de", f"3,5{NBSP}h", f"Li-ion 3,7{NBSP}V, 5.200{NBSP}mAh"),
    ("fr", f"3,5{NNBSP}h", f"Li-ion 3,7{NNBSP}V, 5{NNBSP}200{NNBSP}mAh"),
    ("it", f"3,5{NBSP}h", f"Li-ion 3,7{NBSP}V, 5.200{NBSP}mAh"),
    ("ja", f"3.5{NBSP}h", f"Li-ion 3.7{NBSP}V, 5,200{NBSP}mAh"),
])
def test_numbers_and_units_per_locale(locale, hours, battery):
    babel = Locale.parse(locale)
    assert format_spec(Spec(name="Playing time", value=3.5, unit="duration-hour"), None, babel) == hours
    assert format_spec(BATTERY, None, babel) == battery


def test_ranges_alternatives_and_a_translated_text():
    # A word joiner after the dash keeps a range on one line.
    assert format_spec(MAINS, None, Locale.parse("de")) == f"220–{WJ}240{NBSP}V ~ 50/60{NBSP}Hz"
    assert format_spec(Spec(name="Input", value=100, to=240, unit="electric-volt"), None,
                       Locale.parse("fr")) == f"100–{WJ}240{NNBSP}V"
    # The translator's text keeps the placeholders; the numbers are formatted for its locale.
    assert format_spec(BATTERY, "Li-Ionen-Akku {voltage}, {capacity}", Locale.parse("de")) == \
        f"Li-Ionen-Akku 3,7{NBSP}V, 5.200{NBSP}mAh"
    # Whole numbers written as floats lose their ".0"; a unit CLDR writes unspaced keeps that.
    assert format_spec(Spec(name="Weight", value=2.0, unit="mass-kilogram"), None,
                       Locale.parse("en")) == f"2{NBSP}kg"
    assert format_spec(Spec(name="Max", value=40, unit="temperature-celsius"), None,
                       Locale.parse("en")) == "40°C"
