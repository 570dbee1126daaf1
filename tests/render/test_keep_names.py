"""A product's short name never breaks across lines."""

from __future__ import annotations

import tempfile
from pathlib import Path

from generator import build
from generator.catalog import load_catalog
from generator.render.typeset import keep_together

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "catalog"


def test_the_first_words_of_the_product_name_stay_together_in_a_headline():
    catalog = load_catalog(EXAMPLE)
    out = Path(tempfile.mkdtemp())
    planned = next(p for p in build.plan(catalog, build.BuildOptions(catalog=catalog.root, out=out))
                   if p.path.endswith("LH-EB20_card-a6_de.pdf"))
    html = build.prepare(catalog, planned, out).render.html
    # "Pulse Air" (the first words of "Pulse Air kabellose Ohrhörer") is set with a word
    # joiner between every two characters, the space included: no break opportunity inside.
    assert keep_together("Pulse Air") in html
    assert "Danke, dass Sie" in html.replace("\u2060", "").replace("\u00a0", " ")
