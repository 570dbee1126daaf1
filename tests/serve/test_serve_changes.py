"""Which documents a saved file affects (no rendering: the example catalog's plan)."""

from __future__ import annotations

from pathlib import Path

import pytest
from serve_catalog import EXAMPLE

from generator.build import BuildOptions, plan
from generator.catalog import load_catalog
from generator.serve.changes import affected, ignored


@pytest.fixture(scope="module")
def planned():
    catalog = load_catalog(EXAMPLE, partial=True)
    return catalog, plan(catalog, BuildOptions(catalog=EXAMPLE, out=Path("unused")))


def test_a_translation_affects_its_product_in_its_locale(planned):
    catalog, plans = planned
    paths = affected(catalog, plans, ["locales/de/LH-KT17.po"])
    assert paths == {"LH-KT17/LH-KT17_card-a6_de.pdf", "LH-KT17/LH-KT17_manual_de.pdf",
                     "LH-KT17/LH-KT17_card-eu-multi_en-de-fr-it-es.pdf",
                     "LH-KT17/LH-KT17_manual-eu_en-de-fr-it-es.pdf"}


def test_a_product_file_affects_that_product(planned):
    catalog, plans = planned
    paths = affected(catalog, plans, ["products/earbuds.yaml"])
    assert paths and all(p.startswith("LH-EB20/") for p in paths)
    assert len(paths) == sum(p.path.startswith("LH-EB20/") for p in plans)


def test_layouts_pictures_and_the_brand(planned):
    catalog, plans = planned
    cards = affected(catalog, plans, ["layouts/card-a6/card.css.j2"])
    assert cards == {p.path for p in plans if p.layout.name == "card-a6"}
    assert affected(catalog, plans, ["images/kettle.svg"]) == {
        p.path for p in plans if p.loaded.product.sku == "LH-KT17"}
    everything = {p.path for p in plans}
    assert affected(catalog, plans, ["brand.yaml"]) == everything
    assert affected(catalog, plans, ["images/lumora-logo.svg"]) == everything
    assert affected(catalog, plans, ["layouts/shared/base.css.j2"]) == everything
    assert affected(catalog, plans, ["README.md", "schemas/brand.schema.json"]) == set()


def test_editor_leftovers_are_ignored(planned):
    assert ignored("locales/de/.LH-KT17.po.swp") and ignored("products/kettle.yaml~")
    assert ignored(".git/index") and not ignored("products/kettle.yaml")
