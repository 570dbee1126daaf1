"""A small copy of the example catalog for the preview: the kettle's A6 card in English and
German, the earbuds' in English (three cards, so a test waits seconds, not minutes)."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

EXAMPLE = Path(__file__).parents[2] / "examples" / "catalog"
KETTLE_DE = "LH-KT17/LH-KT17_card-a6_de.pdf"
KETTLE_EN = "LH-KT17/LH-KT17_card-a6_en.pdf"
EARBUDS_EN = "LH-EB20/LH-EB20_card-a6_en.pdf"
#: The German headline as the example has it, and one too long for an A6 card (six lines
#: where three fit), as a translator might write it.
HEADLINE_DE = 'msgstr "Danke, dass Sie den Aurora-Wasserkocher gewählt haben!"'
LONG_HEADLINE_DE = ('msgstr "Herzlichen Dank, dass Sie sich für den formschönen und '
                    'leistungsstarken Aurora-Glaswasserkocher mit blauer LED-Beleuchtung '
                    'entschieden haben!"')


def _only(product: Path, documents: str) -> None:
    text = product.read_text(encoding="utf-8")
    text, count = re.subn(r"^documents:\n(?:[ #].*\n)+", f"documents:\n{documents}", text,
                          flags=re.MULTILINE)
    assert count == 1, product
    product.write_text(text, encoding="utf-8")


def small_catalog(target: Path) -> Path:
    shutil.copytree(EXAMPLE, target)
    (target / "products" / "desk-lamp.yaml").unlink()
    for po in target.glob("locales/*/LH-DL40.po"):
        po.unlink()
    _only(target / "products" / "kettle.yaml",
          "  - layout: card-a6\n    locales: [en, de]\n    marketplace: amazon-eu\n")
    _only(target / "products" / "earbuds.yaml",
          "  - layout: card-a6\n    locales: [en]\n    marketplace: amazon-eu\n")
    return target


def until(test, timeout: float = 60.0, step: float = 0.1):
    """Wait until ``test()`` returns something true; return it (fail after ``timeout`` s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = test()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"still not true after {timeout} s: {test}")
