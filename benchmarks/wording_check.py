"""Checks that insertgen's own wording (the layouts' gettext catalogs and the example and test
catalogs' locale files) passes the compliance rules of its language untouched.

    .venv/bin/python benchmarks/wording_check.py [LANG ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.compliance.engine import scan_text  # noqa: E402


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def main() -> int:
    wanted = sys.argv[1:]
    bad = 0
    for po in sorted((ROOT / "locales").glob("*/LC_MESSAGES/insertgen.po")):
        lang = po.parent.parent.name.replace("_", "-")
        if wanted and lang not in wanted:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            texts = [message.string] if isinstance(message.string, str) else list(message.string)
            for text in texts:
                scan = scan_text(text, lang) if text else None
                if scan and scan.removals:
                    bad += 1
                    print(f"FLAGGED {po.relative_to(ROOT)}: {text!r} <- "
                          f"{[m.rule for m in scan.matches]}")
    for folder in (ROOT / "examples", ROOT / "tests" / "fixtures" / "sample"):
        for path in sorted(folder.rglob("locales/*/*.yaml")):
            lang = path.parent.name
            if wanted and lang not in wanted:
                continue
            for text in strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
                scan = scan_text(text, lang)
                if scan.removals:
                    bad += 1
                    print(f"FLAGGED {path.relative_to(ROOT)}: {text!r} <- "
                          f"{[m.rule for m in scan.matches]}")
    print("all wording passes" if not bad else f"{bad} flagged")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
