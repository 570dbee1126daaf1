"""Copy-fit: a side whose text overflows has its type shrunk within its layout's bounds before
the fit check fails it; the scale used is reported."""

from __future__ import annotations

import dataclasses

import pypdfium2 as pdfium
import pytest

from generator.catalog.layouts import Layout
from generator.paths import BUILTIN_LAYOUTS
from generator.render.fit import (
    BALANCE_WIDTHS,
    BalanceStats,
    balance_decision,
    balance_probes,
    balanced,
    balanced_widths,
    copyfit_bounds,
    copyfit_css,
    count_lines,
    measuring_document,
    render_fitted,
    skeleton_document,
    text_to_count,
)
from generator.render.html import fit_box_attributes
from generator.render.pdf import FieldFit, Renderer, RenderJob

CSS = """
@page { size: 80mm 40mm; margin: 0 }
body { margin: 0 }
.safe { --fit: 1; position: absolute; top: 5mm; left: 5mm; width: 60mm; height: 22mm;
        font-family: 'Noto Sans'; font-size: calc(var(--fit) * 10pt); line-height: 1.3 }
p { margin: 0 }
"""
WORDS = "Falls etwas fehlt oder nicht wie erwartet funktioniert, wenden Sie sich zuerst an uns."
#: Five lines at full size (0.9 mm too many for the box), four at 95 %.
LONG = (WORDS + " " + WORDS)[:len(WORDS) + 60]


def job(text: str, copyfit: str = ' data-copyfit="0.8"', write: bool = True) -> RenderJob:
    html = (f'<html lang="de"><body><div class="safe" data-fit="front"{copyfit}>'
            f'<p data-field="card.message" data-locale="de">{text}</p></div></body></html>')
    return RenderJob(key="test.pdf", html=html, css=CSS, base_dir=str(BUILTIN_LAYOUTS),
                     css_dir=str(BUILTIN_LAYOUTS), allowed=(str(BUILTIN_LAYOUTS),),
                     expected_pages=1, pdf_variant=None, marks=False, bleed_mm=0.0,
                     placed=False, write=write)


@pytest.fixture(scope="module")
def renderer():
    return Renderer()


def text_lines(pdf: pdfium.PdfDocument) -> list[str]:
    return [line.strip() for line in
            pdf[0].get_textpage().get_text_range().replace("\u2060", "").splitlines()]


def copyfit_notes(result):
    return [message for code, severity, message in result.problems
            if code == "fit.copyfit" and severity == "info"]


def test_an_overflowing_side_is_set_smaller_until_it_fits(renderer):
    overflowing = job(LONG)
    assert renderer.render(overflowing).overflow  # at 100 % it does not fit
    result = render_fitted(renderer, overflowing)
    assert result.overflow == [] and result.pdf is not None
    [note] = copyfit_notes(result)
    assert note == ("copy-fit set the type of the front side at 95% to fit its text (its "
                    "layout allows down to 80%)")


def test_text_that_fits_is_left_at_full_size(renderer):
    result = render_fitted(renderer, job("Kurz."))
    assert result.overflow == [] and copyfit_notes(result) == []


def test_a_side_that_does_not_fit_even_at_the_bound_fails_as_before(renderer):
    result = render_fitted(renderer, job(" ".join([WORDS] * 5)))
    assert result.overflow and result.overflow[0][0] == "front"
    assert copyfit_notes(result) == [
        "copy-fit set the type of the front side at 80% (the smallest its layout allows) and "
        "it still does not fit"]


def test_without_a_copyfit_bound_nothing_is_scaled(renderer):
    result = render_fitted(renderer, job(LONG, copyfit=""))
    assert result.overflow and copyfit_notes(result) == []


def test_measuring_only_stays_measuring(renderer):
    result = render_fitted(renderer, job(LONG, write=False))
    assert result.overflow == [] and result.pdf is None and copyfit_notes(result)


def test_bounds_and_rules_come_from_the_side_boxes():
    fit_box = fit_box_attributes(Layout.model_validate({
        "description": "x", "template": "t", "stylesheet": "s", "trim_mm": [85, 55],
        "copyfit": {"min_scale": 0.9}}).copyfit)
    html = f'<div{fit_box("front")}></div><div{fit_box("back")}></div>'
    assert copyfit_bounds(html) == {"front": 0.9, "back": 0.9}
    assert copyfit_css({"front": 0.95, "back": 1.0}) == '\n[data-fit="front"] { --fit: 0.95; }'
    assert fit_box_attributes(None)("front") == ' data-fit="front"'


def test_the_bound_is_checked_in_the_layout():
    with pytest.raises(ValueError, match="greater than or equal to 0.5"):
        Layout.model_validate({"description": "x", "template": "t", "stylesheet": "s",
                               "trim_mm": [85, 55], "copyfit": {"min_scale": 0.2}})


def test_a_card_layout_shrinks_a_headline_that_takes_too_many_lines(catalog, tmp_path, renderer):
    """The built-in 85 x 55 card (``copyfit: {min_scale: 0.9}``, headline at most two lines)
    with a headline one line too long: at 90 % it takes two lines and the card is written."""
    from generator.build import BuildOptions, plan, prepare
    from generator.catalog import load_catalog

    product = catalog / "products" / "clock.yaml"
    product.write_text(product.read_text().replace(
        "headline: Thanks for picking the Tick clock!",
        "headline: Thanks for picking the Tick clock! It keeps time quietly"
        + ", day and night" * 3 + "."))
    loaded = load_catalog(catalog)
    [planned] = [p for p in plan(loaded, BuildOptions(catalog=catalog, out=tmp_path))
                 if p.path == "TS-CLK/TS-CLK_card-85x55_en.pdf"]
    job = prepare(loaded, planned, tmp_path).render
    assert 'data-fit="front" data-copyfit="0.9"' in job.html
    assert [(f.field, f.lines) for f, _ in renderer.render(job).too_many_lines] == [
        ("card.headline", 3)]
    result = render_fitted(renderer, job)
    assert result.fits and result.pdf is not None and result.pages == 2
    assert [f.lines for f in result.fields if f.field == "card.headline"] == [2]
    assert copyfit_notes(result) == [
        "copy-fit set the type of the front side at 90% to fit its text (its layout allows down "
        "to 90%)"]


def test_a_headline_too_long_even_at_the_bound_fails_naming_its_locale_file(catalog, tmp_path):
    """A German headline of seven lines on the A6 card: copy-fit cannot save it, and the
    finding names the PO file, the line of the translation (msgstr) and the field."""
    from conftest import run_cli

    product = catalog / "products" / "fan.yaml"
    product.write_text(product.read_text().replace(
        "card:\n  tips:", "card:\n  headline: Thank you for choosing the Breeze fan!\n  tips:", 1))
    po = catalog / "locales" / "de" / "TS-FAN.po"
    line = po.read_text().count("\n") + 4  # the msgstr line of the entry added
    po.write_text(po.read_text() + (
        '\nmsgctxt "TS-FAN|card.headline"\nmsgid "Thank you for choosing the Breeze fan!"\n'
        'msgstr "Vielen Dank, dass Sie sich für den leisen Breeze Tischventilator entschieden '
        'haben, der Sie durch viele heiße Sommertage und warme Nächte begleiten wird!"\n'))
    result = run_cli("build", catalog, "--out", tmp_path / "out", "--product", "TS-FAN",
                     "--locale", "de", "--jobs", "1")
    assert result.returncode == 1
    lines = result.stdout.splitlines() + result.stderr.splitlines()
    assert (f"locales/de/TS-FAN.po:{line}: card.headline: expected at most 3 lines for "
            "card.headline on TS-FAN/TS-FAN_card-a6_de.pdf, got 7: shorten this de text") in lines
    assert ("TS-FAN/TS-FAN_card-a6_de.pdf: copy-fit set the type of the front side at 90% (the "
            "smallest its layout allows) and it still does not fit [info]") in lines


HEADLINE_CSS = CSS + "h1 { margin: 0; font-size: 13pt; line-height: 1.15 }"


def headline_job(text: str) -> RenderJob:
    html = (f'<html lang="de"><body><div class="safe" data-fit="front">'
            f'<h1 data-balance data-field="card.headline" data-locale="de">{text}</h1>'
            '</div></body></html>')
    return dataclasses.replace(job(""), html=html, css=HEADLINE_CSS)


def test_a_headline_is_set_at_its_balanced_width(renderer):
    """Three lines either way; at full width the last holds one word, balanced two."""
    text = "Danke, dass Sie den Wasserkocher gewählt haben!"
    plain = pdfium.PdfDocument(renderer.render(headline_job(text)).pdf)
    assert text_lines(plain) == ["Danke, dass Sie den", "Wasserkocher gewählt", "haben!"]
    result = render_fitted(renderer, headline_job(text))
    assert result.pdf is not None and copyfit_notes(result) == []
    assert [(f.field, f.lines) for f in result.fields] == [("card.headline", 3)]
    assert text_lines(pdfium.PdfDocument(result.pdf)) == ["Danke, dass Sie den", "Wasserkocher",
                                                          "gewählt haben!"]


def test_balance_probes_and_widths():
    html = '<h1 class="headline" data-balance data-field="card.headline">Hallo Welt</h1>'
    probing = balance_probes(html)
    assert probing.startswith(html) and probing.count("<h1") == 1 + len(BALANCE_WIDTHS)
    assert 'data-field="balance:0:70" style="height: 0; margin: 0; padding: 0; overflow: ' \
           'hidden; visibility: hidden; max-width: 70%">Hallo Welt</h1>' in probing
    assert balance_probes("<h1>Hallo</h1>") is None
    fields = [FieldFit(f"balance:0:{w}", "de", "front", 1.0, 2 if w >= 64 else 3)
              for w in BALANCE_WIDTHS]
    assert balanced_widths(fields) == {0: 64}
    assert balanced(html, {0: 64}) == html.replace(">Hallo", ' style="max-width: 64%">Hallo')


def test_the_copies_are_measured_in_a_small_document():
    html = ('<html lang="de"><head><title>t</title></head><body class="b"><div class="safe" '
            'data-fit="front"><header><img src="x.png"><br/>Marke</header><div class="col">'
            '<h1 data-balance data-field="card.headline" data-locale="de">Hallo Welt</h1>'
            '<p data-field="card.message">Text</p></div></div><p>back</p></body></html>')
    small = measuring_document(html)
    copies = balance_probes(html)[len('<html lang="de"><head><title>t</title></head><body '
                                      'class="b"><div class="safe" data-fit="front"><header><img '
                                      'src="x.png"><br/>Marke</header><div class="col"><h1 '
                                      'data-balance data-field="card.headline" data-locale="de">'
                                      'Hallo Welt</h1>'):].split("<p ")[0]
    assert small == ('<html lang="de"><head></head><body class="b">'
                     '<div class="safe" data-fit="front" data-insertgen-column>'
                     '<div class="col" data-insertgen-column>' + copies + '</div></div>'
                     '</body></html>')
    assert copies.count("<h1 ") == len(BALANCE_WIDTHS) and "data-balance" not in copies
    # A stylesheet in the body reaches past what the small document keeps: not measured apart.
    assert measuring_document(html.replace("<p>back", "<style>h1 { color: red }</style><p>")) is None
    assert measuring_document("<h1 data-balance>Hallo</h1>") is None
    assert measuring_document(html.replace("data-balance", "")) is None


ROW_CSS = HEADLINE_CSS + ".row { display: flex } .mark { flex: none; width: 22mm } .col { flex: 1 }"


def row_job(text: str) -> RenderJob:
    """A headline beside a mark in a flex row: its column is as wide as the mark leaves it,
    which the small document (its row laid out as a block, without the mark) cannot know."""
    html = ('<html lang="de"><body><div class="safe" data-fit="front"><div class="row">'
            '<div class="mark">M</div><div class="col">'
            f'<h1 data-balance data-field="card.headline" data-locale="de">{text}</h1>'
            '</div></div></div></body></html>')
    return dataclasses.replace(job(""), html=html, css=ROW_CSS)


def in_document_widths(renderer, balancing: RenderJob) -> dict[int, int]:
    """The widths the copies measure inside the document itself."""
    return balanced_widths(renderer.render(dataclasses.replace(
        balancing, html=balance_probes(balancing.html), write=False)).fields)


def test_a_column_the_small_document_cannot_know_is_measured_in_the_document(renderer):
    balancing = row_job("Danke, dass Sie den Wasserkocher gewählt haben!")
    before = BalanceStats.fallbacks
    result = render_fitted(renderer, balancing)
    assert BalanceStats.fallbacks == before + 1
    widths = in_document_widths(renderer, balancing)
    assert widths != balance_decision(renderer, balancing).widths
    expected = renderer.render(dataclasses.replace(balancing, html=balanced(balancing.html, widths)))
    assert result.pdf == expected.pdf


def test_a_decision_is_measured_once_per_worker_and_gives_the_same_file(renderer):
    balancing = headline_job("Vielen Dank, dass Sie sich für den Breeze entschieden haben!")
    first = render_fitted(renderer, balancing)
    reused, measured = BalanceStats.reused, BalanceStats.measured
    again = render_fitted(renderer, balancing)
    assert (BalanceStats.reused, BalanceStats.measured) == (reused + 1, measured)
    assert again.pdf == first.pdf
    widths = in_document_widths(renderer, balancing)
    assert widths and balance_decision(renderer, balancing).widths == widths


def test_a_headline_s_lines_are_counted_as_the_document_sets_them(renderer):
    """The lines counted apart, with the style and box the skeleton gave the headline, are
    the lines the document itself takes at that width (German, Arabic, Japanese)."""
    cases = [("de", "Vielen Dank, dass Sie sich für den leisen Tischventilator entschieden haben!"),
             ("ar", 'شكرًا لاختيارك مروحة المكتب الهادئة <span dir="ltr">Breeze Mini 2</span>، نتمنى '
                    "لك صيفًا منعشًا ومريحًا في كل يوم!"),
             ("ja", "静かな卓上扇風機をお選びいただき、誠にありがとうございます。"
                    "快適な夏をお過ごしください。")]
    for lang, text in cases:
        balancing = dataclasses.replace(  # a page tall enough for every line at every width
            headline_job(text), css=HEADLINE_CSS.replace("80mm 40mm", "80mm 150mm"),
            html=headline_job(text).html.replace('lang="de"', f'lang="{lang}"').replace(
                'data-locale="de"', f'data-locale="{lang}"'))
        laid = renderer.render(dataclasses.replace(
            balancing, html=skeleton_document(balancing.html), write=False))
        (column, _), = laid.balanced
        setting, = laid.settings
        assert setting is not None and setting.style["lang"] == lang
        text = text_to_count(text, setting.style)
        for width in (100, 76, 52, 40):
            at_width = renderer.render(dataclasses.replace(
                balancing, html=balanced(balancing.html, {0: width}), write=False))
            assert at_width.balanced == [(column, count_lines(text, setting, column, width))], \
                (lang, width)


def test_a_distinct_headline_of_a_known_layout_is_laid_out_once(renderer, monkeypatch):
    """The skeleton of a layout is laid out once per worker: the next headline in it is
    counted, not measured, and the document is rendered once."""
    render_fitted(renderer, headline_job("Danke, dass Sie den Wasserkocher gewählt haben!"))
    calls = []
    real = renderer.render
    monkeypatch.setattr(renderer, "render", lambda job: calls.append(job) or real(job))
    counted = BalanceStats.counted
    text = "Danke, dass Sie sich für unseren leisen Wasserkocher entschieden haben!"
    result = render_fitted(renderer, headline_job(text))
    assert BalanceStats.counted == counted + 1 and len(calls) == 1 and calls[0].write
    decision = balance_decision(renderer, headline_job(text))
    assert [(f.field, f.lines) for f in result.fields] == [("card.headline", decision.lines[0])]
    assert f'style="max-width: {decision.widths[0]}%"' in calls[0].html


def test_a_headline_with_markup_is_measured_in_copies(renderer):
    measured = BalanceStats.measured
    result = render_fitted(renderer, headline_job("Danke, dass Sie den <em>Wasserkocher</em> "
                                                  "gewählt haben!"))
    assert BalanceStats.measured == measured + 1 and result.pdf is not None
    assert text_lines(pdfium.PdfDocument(result.pdf)) == ["Danke, dass Sie den", "Wasserkocher",
                                                          "gewählt haben!"]
