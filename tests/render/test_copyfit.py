"""Copy-fit: a side whose text overflows has its type shrunk within its layout's bounds before
the fit check fails it; the scale used is reported."""

from __future__ import annotations

import pytest

from generator.catalog.layouts import Layout
from generator.paths import BUILTIN_LAYOUTS
from generator.render.fit import copyfit_bounds, copyfit_css, render_fitted
from generator.render.html import fit_box_attributes
from generator.render.pdf import Renderer, RenderJob

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
