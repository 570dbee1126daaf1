"""Fonts per script and the missing-glyph check.

Each locale maps to a script (CLDR likely subtags) and each script to a font stack
(``data/fonts.yaml``). Before anything is rendered, every character of every printed text is
looked up in the cmaps of its stack: a character no chosen font can draw is an error naming
product, locale, field and character, instead of a silent tofu box or a surprise fallback font.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import shutil
import subprocess
import unicodedata
from collections import OrderedDict

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


class SubsetCache:
    """Font subsets a worker made, by font file, glyphs kept and options: a document whose text
    needs the same glyphs of a font as an earlier one (the same card again, a copy-fit pass,
    the same wording for another market) reuses the subset instead of running HarfBuzz again
    (a CJK face: ~60-150 ms each). Least recently used dropped past ``limit`` bytes; a limit
    of 0 keeps nothing."""

    def __init__(self, limit: int = 24 * 2 ** 20):
        self.limit = limit
        self.size = 0
        self.hits = self.misses = 0
        self._entries: OrderedDict[tuple, bytes] = OrderedDict()

    @staticmethod
    def key(font, to_unicode, hinting) -> tuple:
        # The table directory (tags, offsets, checksums) opens the file: its first 64 kB
        # tell one font file from another without hashing 20 MB.
        content = font.file_content
        head = hashlib.blake2b(content[:65536], digest_size=20).digest()
        return (head, len(content), font.index, tuple(sorted(to_unicode)), bool(hinting),
                bool(font.missing))

    def get(self, key: tuple) -> bytes | None:
        found = self._entries.get(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self._entries.move_to_end(key)
        return found

    def clear(self) -> None:
        self._entries.clear()
        self.size = self.hits = self.misses = 0

    def put(self, key: tuple, content: bytes) -> None:
        if len(content) > self.limit:
            return
        self._entries[key] = content
        self.size += len(content)
        while self.size > self.limit:
            self.size -= len(self._entries.popitem(last=False)[1])


#: The subsets of this process (``install_subset_cache`` puts it into WeasyPrint).
SUBSETS = SubsetCache()


def install_subset_cache(cache: SubsetCache = SUBSETS) -> bool:
    """Route WeasyPrint's font subsetting through ``cache``; ``False`` (nothing changed)
    without HarfBuzz-Subset, whose fontTools fallback must keep logging its warning for the
    build to report it on every document."""
    from weasyprint.pdf import fonts as pdf_fonts

    subset = pdf_fonts.Font.subset
    if getattr(subset, "insertgen_cache", None) is not None:
        return subset.insertgen_cache is cache  # one cache per process
    if not pdf_fonts.harfbuzz_subset or not pdf_fonts.harfbuzz.hb_version_atleast(4, 1, 0):
        return False

    def cached_subset(font, to_unicode, hinting):
        if not to_unicode:
            return subset(font, to_unicode, hinting)
        key = cache.key(font, to_unicode, hinting)
        found = cache.get(key)
        if found is not None:
            font.file_content = found
            return None
        before = font.file_content
        subset(font, to_unicode, hinting)
        if font.file_content is not before:  # HarfBuzz made a subset (else it warned)
            cache.put(key, font.file_content)
        return None

    cached_subset.insertgen_cache = cache
    pdf_fonts.Font.subset = cached_subset
    return True
