"""What a document page shows beside its pages, for every kind of finding (a document put
into the preview by hand: nothing is rendered)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from generator.findings import Finding, Severity
from generator.serve import create_app
from generator.serve.pages import finding_groups
from generator.serve.pictures import Outline
from generator.serve.preview import FAILED, DocumentView

PATH = "LH-KT17/LH-KT17_card-a6_de.pdf"
FINDINGS = [
    Finding(code="compliance.solicit", severity=Severity.WARNING, category="solicit",
            action="removed", source="locales/de/LH-KT17.po", line=40, column=1,
            field="card.tips[2]", locale="de",
            message='removed "Bewerten Sie uns mit 5 Sternen!": asks for a review',
            extra={"before": "Entkalken Sie ihn. Bewerten Sie uns mit 5 Sternen!",
                   "after": "Entkalken Sie ihn.", "match": "Bewerten Sie uns"}),
    Finding(code="compliance.suspect", severity=Severity.WARNING, category="suspect",
            action="review", source="products/kettle.yaml", line=31, field="card.tips[1]",
            message='printed unchanged but may solicit a review: "<b>Tell us</b>"'),
    Finding(code="fit.overflow", category="fit", source="locales/de/LH-KT17.po", line=36,
            column=1, field="card.headline", locale="de",
            message="the front side overflows its safe zone by 3.6 mm"),
    Finding(code="preflight.safe-zone", category="preflight", source=PATH, field="page 2",
            message='expected text at least 5 mm inside the trim, got "Germany" at 2.1 mm'),
    Finding(code="i18n.fallback", severity=Severity.WARNING, category="fallback",
            action="fallback", source="locales/de/LH-KT17.po", field="card.message",
            locale="de", message="no German text: the English one is printed"),
]


@pytest.fixture
def page(preview_catalog):
    app = create_app(preview_catalog, watch=False)
    preview = app.state.preview
    preview.catalog_state.generation = 1  # as if loaded: the page does not wait
    preview._reload = False
    preview.documents[PATH] = DocumentView(
        PATH, "LH-KT17", "card-a6", "card-a6", ["de"], "amazon-eu", 5.0, (105.0, 148.0),
        status=FAILED, findings=FINDINGS, version=3, stale=False,
        outlines=[Outline(1, (30, 300, 270, 380), "card.headline (de)")])
    return TestClient(app).get(f"/doc/{PATH}").text  # no lifespan: no worker, no watcher


def test_findings_are_grouped_errors_first():
    view = DocumentView(PATH, "LH-KT17", "card-a6", "card-a6", ["de"], "amazon-eu", 5.0,
                        findings=FINDINGS, outlines=[Outline(1, (0, 0, 1, 1), "card.headline (de)")])
    groups = finding_groups(view)
    assert [g["title"] for g in groups] == ["Compliance", "Fit", "Preflight", "Translation fallbacks"]
    assert [i["code"] for i in groups[0]["items"]] == ["compliance.solicit", "compliance.suspect"]
    assert groups[1]["items"][0]["outline"] == 1
    assert groups[2]["items"][0]["page"] == 2 and groups[2]["items"][0]["href"] is None


def test_a_removal_shows_the_text_before_and_after(page):
    assert ('<div class="before"><b>before</b> Entkalken Sie ihn. Bewerten Sie uns mit 5 Sternen!'
            "</div>") in page
    assert '<div class="after"><b>after</b> Entkalken Sie ihn.</div>' in page
    assert ('<a class="place" href="/source?file=locales%2Fde%2FLH-KT17.po&amp;line=40#L40">'
            "locales/de/LH-KT17.po:40:1</a>") in page


def test_suspects_fit_preflight_and_fallbacks_each_name_their_place(page):
    assert "&lt;b&gt;Tell us&lt;/b&gt;" in page and "<b>Tell us</b>" not in page
    assert 'href="/source?file=products%2Fkettle.yaml&amp;line=31#L31">products/kettle.yaml:31</a>' in page
    assert '<a href="#page-1-de">outlined in red on page 1</a>' in page
    assert '<a href="#page-2-de">on page 2</a>' in page
    assert "no German text: the English one is printed" in page
    assert "<h3>Translation fallbacks (1)</h3>" in page


def test_the_documents_looked_at_render_first_then_the_cards(tmp_path):
    from generator.serve.preview import Preview

    preview = Preview(tmp_path, tmp_path)
    for path, kind in (("A/manual.pdf", "manual"), ("A/card_en.pdf", "card"),
                       ("B/manual.pdf", "manual"), ("B/card_de.pdf", "card")):
        preview.documents[path] = DocumentView(path, path[0], "x", "x", ["en"], "m", None,
                                               kind=kind)
    assert preview._next() == "A/card_en.pdf"  # cards before manuals
    preview.watch("B/manual.pdf", True)
    assert preview._next() == "B/manual.pdf"  # an open page before the rest
    preview.documents["A/card_en.pdf"].stale = False
    preview._first.insert(0, "B/card_de.pdf")
    assert preview._next() == "B/card_de.pdf"  # a page waiting for it before an open one
    preview.watch("B/manual.pdf", False)
    assert preview._watched == {}
