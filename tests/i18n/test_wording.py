"""The built-in wording: extracted from the layouts with Babel, translated in 14 languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from generator.i18n.extraction import KEYWORDS

ROOT = Path(__file__).parent.parent.parent
LANGUAGES = ["en", "de", "fr", "it", "es", "nl", "sv", "pl", "tr", "ar", "ja", "zh_Hans", "pt_BR", "ko"]


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    with open(ROOT / "babel.cfg") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_extraction_finds_the_layout_wording(extracted):
    assert {"Contact us first", "Scan for help", "Warranty: %(num)d year",
            "Thank you for choosing %(product)s!", "Help in your language",
            "Instruction manual", "DANGER", "Troubleshooting", "Notes"} <= extracted
    assert len(extracted) == 48
    # The committed template is what `insertgen i18n extract .` writes.
    template = (ROOT / "locales" / "insertgen.pot").read_text(encoding="utf-8")
    assert len(re.findall(r"^msgid ", template, re.M)) == 49  # the header and 48 messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_translates_every_message(extracted, language):
    path = ROOT / "locales" / language / "LC_MESSAGES" / "insertgen.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    ids = {m.id[0] if isinstance(m.id, tuple) else m.id: m for m in catalog if m.id}
    assert extracted <= set(ids)
    for msgid in extracted:
        message = ids[msgid]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: {msgid!r} is untranslated"
        assert not message.fuzzy
    assert [problem for message, problems in catalog.check() for problem in problems] == []
