"""Fonts per script and the missing-glyph check.

Each locale maps to a script (CLDR likely subtags) and each script to a font stack
(``data/fonts.yaml``). Before anything is rendered, every character of every printed text is
looked up in the cmaps of its stack: a character no chosen font can draw is an error naming
product, locale, field and character, instead of a silent tofu box or a surprise fallback font.
"""

from __future__ import annotations

import dataclasses
import functools
import shutil
import subprocess
import unicodedata

import yaml
from babel.core import get_global

from generator.paths import DATA

#: Characters that are never drawn as glyphs (spaces, joiners, direction marks, selectors).
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn"}


@functools.lru_cache(maxsize=1)
def _table() -> dict:
    return yaml.safe_load((DATA / "fonts.yaml").read_text(encoding="utf-8"))


def script_of(locale: str) -> str:
    """ISO 15924 script of ``locale`` (``zh-Hans`` -> ``Hans``, ``ja`` -> ``Jpan``)."""
    parts = locale.split("-")
    for part in parts[1:]:
        if len(part) == 4:
            return part
    likely = get_global("likely_subtags")
    full = likely.get(parts[0], "")
    pieces = full.split("_")
    return pieces[1] if len(pieces) > 1 and len(pieces[1]) == 4 else "Latn"


def font_stack(locale: str) -> list[str]:
    scripts = _table()["scripts"]
    return list(scripts.get(script_of(locale), scripts["Latn"]))


def package_for(family: str) -> str:
    return _table()["packages"].get(family, "fonts-noto-core")


def css_family(locale: str) -> str:
    """The CSS ``font-family`` of ``locale``'s stack."""
    return _css(font_stack(locale))


def document_family(locales: list[str]) -> str:
    """The ``font-family`` of a whole document (its root element, so the page margin boxes,
    running heads and page numbers, inherit it): the stacks of its locales, first locale
    first, each family once."""
    return _css(list(dict.fromkeys(name for locale in locales for name in font_stack(locale))))


def _css(families: list[str]) -> str:
    return ", ".join(f"'{name}'" for name in families) + ", sans-serif"


@dataclasses.dataclass(frozen=True)
class FontFile:
    family: str
    path: str
    index: int


@functools.cache
def find_family(family: str, bold: bool = False) -> FontFile | None:
    """The installed file for ``family`` (via fontconfig), or ``None`` when it is missing."""
    if shutil.which("fc-match") is None:
        return None
    pattern = family + (":weight=bold" if bold else ":weight=regular")
    result = subprocess.run(["fc-match", "-f", "%{family}\n%{file}\n%{index}", pattern],
                            capture_output=True, text=True, check=False)
    lines = result.stdout.split("\n")
    if result.returncode != 0 or len(lines) < 3:
        return None
    families = [name.strip() for name in lines[0].split(",")]
    if family not in families:
        return None
    return FontFile(family, lines[1], int(lines[2] or 0))


@functools.cache
def coverage(family: str) -> frozenset[int]:
    """Code points the regular face of ``family`` can draw (empty when not installed)."""
    found = find_family(family)
    if found is None:
        return frozenset()
    from fontTools.ttLib import TTFont

    font = TTFont(found.path, fontNumber=found.index, lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


def missing_characters(text: str, families: list[str]) -> list[str]:
    """Characters of ``text`` that none of ``families`` can draw, in order, once each."""
    covers = [coverage(name) for name in families]
    missing: list[str] = []
    for char in dict.fromkeys(text):
        if unicodedata.category(char) in _INVISIBLE_CATEGORIES:
            continue
        point = ord(char)
        if not any(point in cover for cover in covers) and char not in missing:
            missing.append(char)
    return missing


def describe_char(char: str) -> str:
    name = unicodedata.name(char, "unnamed character")
    return f"'{char}' (U+{ord(char):04X} {name})"
