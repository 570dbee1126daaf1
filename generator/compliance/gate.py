"""The last compliance gate: the text read back from a rendered PDF, checked with the rules of
every locale of the document. What the cleaning stage already checked is taken out first, so the
gate scans only what no stage saw (stylesheet ``content``, SVG text, a template's generated
text); anything it finds fails the document."""

from __future__ import annotations

import dataclasses

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
            problems.append((f"compliance.pdf.{match.category}", "error",
                             f'expected a PDF without review solicitation, got "{sentence}" in its '
                             f'text: {match.message} (rule {match.rule}, matched "{match.match}"); '
                             "remove it where it comes from (layout, stylesheet or brand file)"))
    return problems
