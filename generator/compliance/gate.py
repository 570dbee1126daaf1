"""The last compliance gate: the text read back from a rendered PDF, checked with the rules of
every locale of the document. What the cleaning stage already checked is taken out first, so the
gate scans only what no stage saw (stylesheet ``content``, SVG text, a template's generated
text); anything it finds fails the document. What it finds may still be a text the cleaning
stage passed but the PDF's text layer garbled (Arabic ligatures read back in another order): the
finding then names that text's file, line and field."""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from generator.compliance.engine import AllowEntry, checker


@dataclasses.dataclass(frozen=True)
class Gate:
    """What the gate checks a document's PDF text with."""

    locales: tuple[str, ...]
    profile: str
    allow: tuple[AllowEntry, ...] = ()
    #: Texts the cleaning stage has already checked, as printed (spaces collapsed), longest
    #: first: taken out of the PDF's text before the scan.
    checked: tuple[str, ...] = ()
    #: Where the checked texts are written: ``(text, "file:line: field")``, the text as written.
    sources: tuple[tuple[str, str], ...] = ()


def gate_problems(text: str, gate: Gate) -> list[tuple[str, str, str]]:
    """What the rules still find in the text read back from the rendered PDF (each an error)."""
    lines = " ".join(text.split())
    for known in gate.checked:  # longest first, so a text goes before the words inside it
        lines = lines.replace(known, "\n")
    problems = []
    seen: set[str] = set()
    for locale in gate.locales:
        scan = checker(locale).scan(lines, profile=gate.profile, allow=gate.allow, remember=False)
        for removal in scan.removals:
            match = removal.primary
            start, end = max(removal.start, match.start - 50), min(removal.end, match.end + 50)
            sentence = ("..." if start > removal.start else "") + lines[start:end] + \
                ("..." if end < removal.end else "")
            if sentence in seen:
                continue
            seen.add(sentence)
            origin = source_of(lines[removal.start:removal.end], gate.sources)
            where = ("remove it where it comes from (layout, stylesheet or brand file)"
                     if origin is None else
                     f'it is printed from {origin[1]} ("{_excerpt(origin[0])}"), which the PDF\'s '
                     "text layer reads differently: rewrite it there, or allow the phrase in "
                     "brand.yaml if it is fine")
            problems.append((f"compliance.pdf.{match.category}", "error",
                             f'expected a PDF without review solicitation, got "{sentence}" in its '
                             f'text: {match.message} (rule {match.rule}, matched "{match.match}"); '
                             f"{where}"))
    return problems


#: Arabic lam, which PDF text layers move about in the lam-alef and lam-yeh ligatures
#: ("لا" read back as "ال", "إلى" as "إىل"), and tatweel: left out of the comparison.
_UNSTABLE = "\u0644\u0640"
#: The shortest text compared with the sources (a few letters match anything).
_SHORTEST = 8


def comparison_key(text: str) -> str:
    """``text`` reduced to what survives a PDF's text layer: compatibility forms folded, case
    folded, only letters and digits kept (no spaces, hyphens, marks or punctuation)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch not in _UNSTABLE
                   and unicodedata.category(ch)[0] in "LN")


def source_of(text: str, sources: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    """The checked source text (and its place) that ``text``, read back from the PDF, is part
    of, by :func:`comparison_key`; ``None`` when none is (generated or stylesheet text)."""
    key = comparison_key(text)
    if len(key) < _SHORTEST:
        return None
    for source, place in sources:
        if key in comparison_key(source):
            return source, place
    return None


def _excerpt(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return re.sub(r"\s+\S*$", "", text[:limit - 1]) + "…"
