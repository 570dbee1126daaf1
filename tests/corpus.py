"""The labelled compliance corpora: a development set the rules are tuned on
(``compliance_corpus/dev/<lang>.tsv`` and the former blind sets ``blind*.tsv``) and a held-out
set never used for tuning (``compliance_corpus/heldout.tsv``). Shared by the tests and
``benchmarks/compliance.py``."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from generator.compliance.engine import scan_text
from generator.compliance.normalize import evasive

CORPUS = Path(__file__).parent / "compliance_corpus"


@dataclasses.dataclass(frozen=True)
class Example:
    lang: str
    label: str
    text: str
    where: str


def read(paths: Iterable[Path]) -> list[Example]:
    examples = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#") or line.startswith("lang\t"):
                continue
            lang, label, text = line.split("\t")
            examples.append(Example(lang, label, text, f"{path.name}:{number}"))
    return examples


def dev() -> list[Example]:
    """The development set: one file per language, plus the former blind sets ``blind*.tsv``,
    each written without seeing the rules, measured once before any tuning on it (the figures
    are in its first line and in ``benchmarks/compliance_history.tsv``) and then joined the
    development set."""
    blind = [CORPUS / f"blind{n}.tsv" for n in ("", *(str(i) for i in range(2, 22)))]
    return read(sorted((CORPUS / "dev").glob("*.tsv")) + blind)


@dataclasses.dataclass(frozen=True)
class Frame:
    """One sentence written in every language: the verdict must not depend on the language."""

    id: str
    label: str
    texts: dict[str, str]


def frames() -> list[Frame]:
    found: dict[str, Frame] = {}
    path = CORPUS / "frames.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("frame\t"):
            continue
        frame, lang, label, text = line.split("\t")
        found.setdefault(frame, Frame(frame, label, {})).texts[lang] = text
    return list(found.values())


def verdict(text: str, lang: str, profile: str = "strict") -> str:
    """``ok`` or the category of the first removal."""
    scan = scan_text(text, lang, profile=profile)
    return scan.removals[0].primary.category if scan.removals else "ok"


def heldout() -> list[Example]:
    return read([CORPUS / "heldout.tsv"])


@dataclasses.dataclass
class Score:
    """Counts for one language (or all): violations found, legitimate lines flagged."""

    violations: int = 0
    found: int = 0
    legit: int = 0
    flagged: int = 0
    right_category: int = 0
    misses: list = dataclasses.field(default_factory=list)
    false_alarms: list = dataclasses.field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.violations if self.violations else 1.0

    @property
    def false_positive_rate(self) -> float:
        return self.flagged / self.legit if self.legit else 0.0

    @property
    def precision(self) -> float:
        hits = self.found + self.flagged
        return self.found / hits if hits else 1.0

    @property
    def category_accuracy(self) -> float:
        return self.right_category / self.found if self.found else 1.0


def evaluate(examples: list[Example], profile: str = "strict") -> dict[str, Score]:
    """Scores per language and overall (key ``all``). With ``neutral-allowed`` a plainly
    written ``solicit`` line counts as legitimate: it must pass."""
    scores: dict[str, Score] = {"all": Score()}
    for example in examples:
        scan = scan_text(example.text, example.lang, profile=profile)
        flagged = bool(scan.removals)
        # With neutral-allowed a plain neutral request must pass; one spelled around the word
        # list (r.e.v.i.e.w, a Cyrillic letter) is not plain and must go.
        violation = example.label != "ok" and not (profile == "neutral-allowed"
                                                   and example.label == "solicit"
                                                   and not evasive(example.text))
        for key in (example.lang, "all"):
            score = scores.setdefault(key, Score())
            if violation:
                score.violations += 1
                if flagged:
                    score.found += 1
                    if any(r.primary.category == example.label for r in scan.removals):
                        score.right_category += 1
                elif key == "all":
                    score.misses.append(example)
            else:
                score.legit += 1
                if flagged:
                    score.flagged += 1
                    if key == "all":
                        score.false_alarms.append((example, scan))
    return scores
