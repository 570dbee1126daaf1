"""What a document of each kind takes from the product's texts."""

from __future__ import annotations

from pathlib import Path

from generator.catalog.load import load_catalog
from generator.content.localize import localize

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "catalog"


def test_a_manual_neither_prints_nor_checks_the_card_tips():
    catalog = load_catalog(EXAMPLE)
    loaded = next(p for p in catalog.products if p.product.manual is not None
                  and p.product.card.tips)
    market = next(iter(catalog.brand.marketplaces.values()))
    card, _ = localize(catalog, loaded, "en", market, "card")
    manual, _ = localize(catalog, loaded, "en", market, "manual")
    tips = [tip.value for tip in card.tips]
    assert tips and all(tips)
    assert "card.tips[0]" in card.units and [t.field for t in card.texts()].count("card.tips[0]")
    assert manual.tips == []
    assert not any(key.startswith("card.tips[") for key in manual.units)
    assert not set(tips) & {t.value for t in manual.texts()}
    assert manual.message.value == card.message.value  # the manual prints the message


def test_opening_hours_name_the_zone_as_each_language_sets_brackets():
    from generator.content.localize import format_hours

    catalog = load_catalog(EXAMPLE)
    market = catalog.brand.marketplaces["amazon-eu"]
    de = format_hours(market, "de")
    ja = format_hours(market, "ja")
    zh = format_hours(market, "zh-Hans")
    assert de[-1].endswith(" (MEZ)"), de
    # Full-width brackets straight after the time, as Japanese and Chinese set them.
    assert ja[-1].endswith("（中央ヨーロッパ時間）") and " （" not in ja[-1], ja
    assert zh[-1].endswith("）") and "(" not in zh[-1], zh
