"""The preview in a real browser: Debian's chromium, headless, driven by Playwright.

Open the index, open a card, see its page picture, save a translation whose headline no longer
fits, and see the page update itself with the fit finding. Skipped without chromium
(``apt-get install chromium``, or ``./dev setup`` as root) or Playwright (``pip install
playwright``; no browser download is needed, the system's chromium is used).
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from serve_catalog import HEADLINE_DE, KETTLE_DE, LONG_HEADLINE_DE, until

from generator.serve import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).is_file():
    pytest.skip("the browser tests need chromium: apt-get install chromium (or ./dev setup as root)",
                allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the browser tests need Playwright: pip install playwright")
uvicorn = pytest.importorskip("uvicorn")


@pytest.fixture
def server(preview_catalog):
    """The preview served by uvicorn on a free port, in a thread: its base URL."""
    config = uvicorn.Config(create_app(preview_catalog), host="127.0.0.1", port=0,
                            log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    until(lambda: server.started, timeout=30)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture
def page():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox"])
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 900})
        finally:
            browser.close()


def guides(page) -> str:
    """The guides the first page picture is asked with."""
    query = parse_qs(urlsplit(page.locator("img.page").first.get_attribute("src")).query)
    return query["guides"][0]


def test_a_translator_sees_the_card_update_when_the_headline_overflows(server, page,
                                                                        preview_catalog):
    page.goto(server + "/")
    page.wait_for_selector(f'a[data-path="{KETTLE_DE}"]')
    page.click(f'a[data-path="{KETTLE_DE}"]')
    page.wait_for_url(f"**/doc/{KETTLE_DE}")
    image = page.locator("img.page").first
    image.wait_for()
    page.wait_for_function("() => { const i = document.querySelector('img.page');"
                           " return i && i.complete && i.naturalWidth > 300; }")
    assert page.locator('li.finding[data-code="fit.overflow"]').count() == 0
    assert page.locator("#live.on").count() == 1 or page.wait_for_selector("#live.on")
    version = page.locator("section.document").get_attribute("data-version")

    po = preview_catalog / "locales" / "de" / "LH-KT17.po"
    po.write_text(po.read_text(encoding="utf-8").replace(HEADLINE_DE, LONG_HEADLINE_DE),
                  encoding="utf-8")
    saved = time.monotonic()
    page.wait_for_selector('li.finding[data-code="fit.overflow"]', timeout=30_000)
    seconds = time.monotonic() - saved
    print(f"page updated {seconds:.2f} s after the save")
    assert page.locator("section.document").get_attribute("data-version") != version
    assert "locales/de/LH-KT17.po:" in page.locator('li.finding[data-code="fit.overflow"]').first.inner_text()
    page.wait_for_function("() => Array.from(document.querySelectorAll('img.page'))"
                           ".every(i => i.complete && i.naturalWidth > 300)")
    assert guides(page) == "trim,bleed,safe,outline"
    # The guides switch off and on without a reload.
    page.uncheck('form.guides input[name="trim"]')
    assert guides(page) == "bleed,safe,outline"
    page.check('form.guides input[name="trim"]')
    assert seconds < 15
