"""The preview's web application through Starlette's TestClient, on a copy of the example
catalog: pages, pictures, the event stream after a saved file, a catalog that breaks."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from serve_catalog import (
    EARBUDS_EN,
    HEADLINE_DE,
    KETTLE_DE,
    KETTLE_EN,
    LONG_HEADLINE_DE,
    small_catalog,
    until,
)
from starlette.testclient import TestClient

from generator.serve import create_app
from generator.serve.pictures import OUTLINE
from generator.serve.preview import FAILED, OK, WARNINGS


@pytest.fixture
def client(preview_catalog):
    """A preview of its own, for a test that changes the catalog."""
    with TestClient(create_app(preview_catalog, stream_seconds=6)) as client:
        yield client


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One preview for the tests that only look (each preview starts its render processes)."""
    catalog = small_catalog(tmp_path_factory.mktemp("shared") / "catalog")
    with TestClient(create_app(catalog, stream_seconds=6)) as client:
        yield client


def documents(client) -> dict[str, dict]:
    return {d["path"]: d for d in client.get("/api/documents").json()["documents"]}


def idle(client) -> dict[str, dict]:
    """The documents once every one is rendered."""
    until(lambda: client.get("/api/documents").json()["idle"])
    return documents(client)


def events(client, since: int) -> list[dict]:
    """The events after ``since``, read from one event stream until it closes."""
    body = client.get(f"/events?since={since}").text
    return [json.loads(line[len("data: "):]) for line in body.splitlines()
            if line.startswith("data: ")]


def red_pixels(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for pixel in image.get_flattened_data() if pixel == OUTLINE)


def test_index_lists_products_documents_and_locales_with_their_status(shared):
    rendered = idle(shared)
    assert sorted(rendered) == sorted([EARBUDS_EN, KETTLE_DE, KETTLE_EN])
    assert all(d["status"] in (OK, WARNINGS, FAILED) and d["version"] == 1
               for d in rendered.values())
    page = shared.get("/").text
    for sku in ("LH-KT17", "LH-EB20"):
        assert f"<th>{sku}</th>" in page
    assert "<th>de</th>" in page and "<th>en</th>" in page
    assert f'href="/doc/{KETTLE_DE}"' in page
    assert f"{len(rendered)} document(s)" in page


def test_document_page_shows_its_pages_guides_findings_and_locales(shared):
    page = shared.get(f"/doc/{KETTLE_DE}")
    assert page.status_code == 200
    view = documents(shared)[KETTLE_DE]
    assert view["pages"] == 2 and view["version"] >= 1
    for number in (1, 2):
        assert f'src="/page/{number}/{KETTLE_DE}?v={view["version"]}&amp;dpi=100"' in page.text
    for guide in ("trim", "bleed", "safe", "outline"):
        assert f'name="{guide}"' in page.text
    assert f'href="/doc/{KETTLE_EN}"' in page.text  # the locale switcher
    assert f'<option value="{KETTLE_EN}">en</option>' in page.text
    # Side by side: both documents' pages on one page.
    both = shared.get(f"/doc/{KETTLE_DE}?compare={KETTLE_EN}").text
    assert 'class="columns columns-2"' in both
    assert f"/page/1/{KETTLE_EN}?" in both and f"/page/1/{KETTLE_DE}?" in both
    missing = shared.get("/doc/LH-KT17/nothing.pdf")
    assert missing.status_code == 404 and "No document LH-KT17/nothing.pdf" in missing.text


def test_page_picture_is_the_proof_with_the_guides_asked_for(shared):
    shared.get(f"/doc/{KETTLE_DE}")
    plain = shared.get(f"/page/1/{KETTLE_DE}?guides=")
    guided = shared.get(f"/page/1/{KETTLE_DE}?guides=trim,bleed,safe")
    assert plain.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(guided.content))
    # A6 with 3 mm bleed and crop marks at 100 dpi, as the proof code sizes it.
    assert image.size == Image.open(io.BytesIO(plain.content)).size
    assert abs(image.width - 111 / 25.4 * 100) < 80
    magenta = sum(1 for p in image.convert("RGB").get_flattened_data() if p == (0xFF, 0x00, 0xFF))
    assert magenta > 1000
    assert not any(p == (0xFF, 0x00, 0xFF) for p in
                   Image.open(io.BytesIO(plain.content)).convert("RGB").get_flattened_data())
    assert shared.get(f"/page/3/{KETTLE_DE}").status_code == 404


def test_a_saved_translation_re_renders_its_document_only_and_the_fit_finding_appears(
        client, preview_catalog):
    before = idle(client)
    assert not any(f["code"] == "fit.overflow" and "headline" in f.get("field", "")
                   for f in before[KETTLE_DE]["findings"])
    last = client.get("/api/documents").json()["last_event"]
    po = preview_catalog / "locales" / "de" / "LH-KT17.po"
    po.write_text(po.read_text(encoding="utf-8").replace(HEADLINE_DE, LONG_HEADLINE_DE),
                  encoding="utf-8")
    seen = events(client, last)
    rendered = [e["path"] for e in seen if e["type"] == "document"]
    assert rendered == [KETTLE_DE], seen
    after = documents(client)[KETTLE_DE]
    assert after["version"] == before[KETTLE_DE]["version"] + 1
    assert documents(client)[KETTLE_EN]["version"] == before[KETTLE_EN]["version"]
    fit = [f for f in after["findings"] if f["code"] == "fit.overflow"]
    assert fit and fit[0]["source"] == "locales/de/LH-KT17.po" and fit[0]["line"], fit
    assert after["status"] == FAILED
    page = client.get(f"/doc/{KETTLE_DE}").text
    assert 'data-code="fit.overflow"' in page
    assert "/source?file=locales%2Fde%2FLH-KT17.po&amp;line=" in page
    assert "outlined in red on page 1" in page
    outlined = client.get(f"/page/1/{KETTLE_DE}?v={after['version']}&guides=outline").content
    assert red_pixels(outlined) > 200


def test_a_catalog_that_stops_validating_shows_its_errors_and_the_server_lives_on(
        client, preview_catalog):
    idle(client)
    earbuds = preview_catalog / "products" / "earbuds.yaml"
    good = earbuds.read_text(encoding="utf-8")
    earbuds.write_text(good + '"<img src=x onerror=alert(1)>": 1\n', encoding="utf-8")
    until(lambda: documents(client)[EARBUDS_EN]["status"] == FAILED
          and client.get("/api/documents").json()["catalog_errors"])
    page = client.get("/").text
    assert "The catalog has 1 error(s)" in page
    assert "products/earbuds.yaml:" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert client.get(f"/doc/{KETTLE_DE}").status_code == 200
    # A brand file that does not load at all: every page says why.
    brand = preview_catalog / "brand.yaml"
    brand_text = brand.read_text(encoding="utf-8")
    brand.write_text("name: [unclosed\n", encoding="utf-8")
    until(lambda: client.get("/api/documents").json()["catalog_error"])
    assert "The catalog does not load" in client.get("/").text
    assert "brand.yaml" in client.get(f"/doc/{KETTLE_DE}").text
    # Fixed again: the documents come back.
    brand.write_text(brand_text, encoding="utf-8")
    earbuds.write_text(good, encoding="utf-8")
    until(lambda: not client.get("/api/documents").json()["catalog_errors"]
          and not client.get("/api/documents").json()["catalog_error"])
    rendered = idle(client)
    assert rendered[EARBUDS_EN]["pages"] == 2


def test_status_matrix_and_source_pages(shared):
    idle(shared)
    status = shared.get("/status").text
    assert "<h1>Translation status</h1>" in status and "<th>LH-KT17</th>" in status
    source = shared.get("/source?file=locales/de/LH-KT17.po&line=35")
    assert source.status_code == 200
    assert '<span id="L35" class="line hit">' in source.text
    assert "&#34;Danke" in source.text or "&quot;Danke" in source.text
    outside = shared.get("/source?file=../../etc/passwd")
    assert outside.status_code == 404 and "root:" not in outside.text


def test_a_bug_rendering_a_document_fails_it_with_the_reason(preview_catalog, monkeypatch):
    from generator.serve import renderer

    def prepare(catalog, planned, out):
        raise KeyError("planted")

    monkeypatch.setattr(renderer, "prepare", prepare)  # in this process, not a render process
    rendered = renderer.render(str(preview_catalog), str(preview_catalog.parent / "out"), 1,
                               KETTLE_EN)
    assert rendered.status == "failed" and rendered.pages == 0
    assert [f.code for f in rendered.findings] == ["render.bug"]
    assert rendered.findings[0].message == (
        "rendering stopped with KeyError: 'planted' (a bug in insertgen; the traceback is in "
        "the server's log)")
    assert "KeyError: 'planted'" in rendered.traceback


def test_a_render_process_that_dies_fails_its_document_and_is_replaced(client):
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    idle(client)
    preview = client.app.state.preview
    crashed = Future()
    crashed.set_exception(BrokenProcessPool("a child process terminated abruptly"))
    preview._finish(KETTLE_EN, crashed)
    broken = documents(client)[KETTLE_EN]
    assert broken["status"] == FAILED and broken["findings"][0]["message"] == (
        "the render process stopped while rendering this document (a child process "
        "terminated abruptly); the next change renders it again")
    assert "the render process stopped" in client.get(f"/doc/{KETTLE_EN}").text
    # The preview goes on: the next change renders the document again.
    preview.changed(["products/kettle.yaml"])
    until(lambda: documents(client)[KETTLE_EN]["pages"] == 2)


def test_a_kept_render_folder_starts_the_next_preview_from_the_build_cache(preview_catalog,
                                                                          tmp_path):
    out = tmp_path / "preview"
    with TestClient(create_app(preview_catalog, scratch=out)) as client:
        first = idle(client)
    assert not any(d["cached"] for d in first.values())
    assert (out / ".insertgen-cache.json").is_file() and (out / KETTLE_DE).is_file()
    po = preview_catalog / "locales" / "de" / "LH-KT17.po"
    po.write_text(po.read_text(encoding="utf-8").replace(HEADLINE_DE, LONG_HEADLINE_DE),
                  encoding="utf-8")  # changed while no preview runs
    with TestClient(create_app(preview_catalog, scratch=out)) as client:
        again = idle(client)
        assert {p for p, d in again.items() if d["cached"]} == {KETTLE_EN, EARBUDS_EN}
        assert again[KETTLE_DE]["status"] == FAILED and not again[KETTLE_DE]["cached"]
        assert again[KETTLE_EN]["findings"] == first[KETTLE_EN]["findings"]
        assert again[KETTLE_EN]["pages"] == 2
        assert "unchanged, from the build cache" in client.get(f"/doc/{KETTLE_EN}").text
