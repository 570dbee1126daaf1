"""Phone numbers as a buyer dials them from the market (phonenumbers), the link in E.164."""

from __future__ import annotations

import pytest

from generator.catalog.models import Marketplace
from generator.content.localize import dialling_country, support_phone


def market(phone: str, timezone: str) -> Marketplace:
    return Marketplace.model_validate({"name": "Shop", "support": {
        "url": "https://help.example.com/{sku}", "phone": phone, "timezone": timezone}})


@pytest.mark.parametrize("phone, timezone, locales, display", [
    # A German reader of a German marketplace dials the national number ...
    ("+4930901820", "Europe/Berlin", ["de"], "030 901820"),
    # ... a French, English or Arabic reader of it may be abroad: international.
    ("+4930901820", "Europe/Berlin", ["fr"], "+49 30 901820"),
    ("+4930901820", "Europe/Berlin", ["ar"], "+49 30 901820"),
    ("+4930901820", "Europe/Berlin", ["de-AT"], "+49 30 901820"),
    ("+81345780000", "Asia/Tokyo", ["ja"], "03-4578-0000"),
    ("+97143690000", "Asia/Dubai", ["ar"], "04 369 0000"),
    ("+12125550123", "America/New_York", ["en"], "(212) 555-0123"),
    # One card in five languages: one number that works for all of them.
    ("+4930901820", "Europe/Berlin", ["de", "fr", "it"], "+49 30 901820"),
])
def test_display_per_market_and_language(phone, timezone, locales, display):
    printed = support_phone(market(phone, timezone), locales)
    assert printed.display == display
    assert printed.e164 == phone


def test_dialling_country():
    eu = market("+4930901820", "Europe/Berlin")
    assert [dialling_country(eu, loc) for loc in ("de", "fr", "pt-BR", "en")] == ["DE", "FR", "BR", "US"]


def test_no_phone_prints_none():
    assert support_phone(Marketplace.model_validate({"name": "Shop", "support": {
        "url": "https://help.example.com/{sku}"}}), ["en"]) is None
