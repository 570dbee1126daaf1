"""The README's picture of the preview: ``python tests/serve/screenshot.py docs/serve.png``.

Serves a small copy of the example catalog, opens the German kettle card beside the English
one in headless chromium, saves a German headline too long for the card and takes the
screenshot once the page has updated itself.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright
from serve_catalog import HEADLINE_DE, KETTLE_DE, KETTLE_EN, LONG_HEADLINE_DE, small_catalog, until

from generator.serve import create_app

LOADED = ("() => Array.from(document.querySelectorAll('img.page'))"
          ".every(i => i.complete && i.naturalWidth > 300)")


def main(target: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)  # the page names the catalog as given: "mybrand"
        small_catalog(Path("mybrand"))
        server = uvicorn.Server(uvicorn.Config(create_app(Path("mybrand")), host="127.0.0.1",
                                               port=0, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        until(lambda: server.started)
        url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 headless=True, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/doc/{KETTLE_DE}?compare={KETTLE_EN}")
            page.wait_for_function(LOADED)
            po = Path("mybrand/locales/de/LH-KT17.po")
            po.write_text(po.read_text(encoding="utf-8").replace(HEADLINE_DE, LONG_HEADLINE_DE),
                          encoding="utf-8")
            saved = time.monotonic()
            page.wait_for_selector('li.finding[data-code="fit.overflow"]', timeout=30_000)
            print(f"page updated {time.monotonic() - saved:.2f} s after the save")
            page.wait_for_function(LOADED)
            page.screenshot(path=str(target))
            browser.close()
        server.should_exit = True


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
