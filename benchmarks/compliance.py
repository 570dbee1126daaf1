"""Compliance: per-language precision, recall and false-positive rate, and scan throughput.

    .venv/bin/python benchmarks/compliance.py [--set dev|heldout|both] [--misses]
                                              [--megabytes 20] [--lang LL]
                                              [--blind FILE.tsv ...] [--frames] [--history]

1. Quality on the labelled corpora (``tests/compliance_corpus``), for the ``strict`` profile and
   for ``neutral-allowed`` (where a neutral request must pass and everything else must not).
   ``--misses`` lists every missed violation and every false alarm with the rule that fired.
   ``--blind`` scores a fresh blind set (lang, label, text) without listing its lines (so the
   figure stays a before-tuning one unless ``--misses`` is given); ``--frames`` scores the
   parallel frames (one sentence in 14 languages: verdicts that disagree are listed);
   ``--history`` prints the before-tuning figures of every blind set so far
   (``benchmarks/compliance_history.tsv``).
2. Throughput of ``insertgen compliance scan`` (the real command, JSONL output) on a large mixed
   file built from the corpora's lines, next to the engine called in-process.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import corpus  # noqa: E402

from generator.compliance.engine import scan_text  # noqa: E402


def table(title: str, scores: dict) -> None:
    print(f"\n{title}")
    print(f"  {'lang':8} {'lines':>5} {'viol.':>5} {'recall':>7} {'FPR':>7} {'precision':>9} "
          f"{'category':>8}")
    for lang in sorted(scores, key=lambda k: (k == "all", k)):
        s = scores[lang]
        print(f"  {lang:8} {s.violations + s.legit:5} {s.violations:5} {s.recall:7.3f} "
              f"{s.false_positive_rate:7.3f} {s.precision:9.3f} {s.category_accuracy:8.3f}")


def show_misses(scores: dict) -> None:
    every = scores["all"]
    for example in every.misses:
        print(f"  MISS  {example.where} [{example.label}] {example.text}")
    for example, scan in every.false_alarms:
        rules = ", ".join(f"{m.rule} «{m.match}»" for m in scan.matches)
        print(f"  FALSE {example.where} {example.text}  <- {rules}")


def throughput(examples, megabytes: float) -> None:
    rng = random.Random(7)
    body, size = [], 0
    text_lang = {}
    while size < megabytes * 1_000_000:
        example = rng.choice(examples)
        # A running number keeps every line distinct: the engine remembers texts it has seen,
        # which a seller's draft would not repeat.
        line = f"{example.text} [{len(body)}]"
        text_lang[line] = example.lang
        body.append(line)
        size += len(line.encode()) + 1
    # Mixed languages in one file: each line is scanned with one language's packs, so the
    # file is split by language the way a seller would vet a draft per language.
    by_lang: dict[str, list[str]] = {}
    for line in body:
        by_lang.setdefault(text_lang[line], []).append(line)
    start = time.perf_counter()
    for lang, group in by_lang.items():
        for line in group:
            scan_text(line, lang)
    engine = time.perf_counter() - start
    print(f"\nthroughput on {size / 1e6:.1f} MB ({len(body)} lines, {len(by_lang)} languages)")
    print(f"  engine in-process: {size / 1e6 / engine:6.2f} MB/s")
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for lang, group in by_lang.items():
            path = Path(tmp) / f"{lang}.txt"
            path.write_text("\n".join(group) + "\n", encoding="utf-8")
            files.append((lang, path))
        start = time.perf_counter()
        for lang, path in files:
            subprocess.run([sys.executable, "-m", "generator", "compliance", "scan", "--lang", lang,
                            "--format", "jsonl", str(path)], stdout=subprocess.DEVNULL, check=False,
                           cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        cli = time.perf_counter() - start
    print(f"  insertgen compliance scan --format jsonl: {size / 1e6 / cli:6.2f} MB/s "
          f"({len(files)} runs, one per language, start-up included)")


HISTORY = Path(__file__).with_name("compliance_history.tsv")


def history() -> None:
    print("\nbefore-tuning figures of the blind sets (strict)")
    print(f"  {'date':10} {'set':12} {'lines':>5} {'viol.':>5} {'recall':>7} {'FPR':>6}  note")
    for line in HISTORY.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("date\t") or not line.strip():
            continue
        date, name, lines, violations, recall, fpr, note = line.split("\t")
        print(f"  {date:10} {name:12} {lines:>5} {violations:>5} {recall:>7} {fpr:>6}  {note}")


def frames(langs) -> None:
    wrong = total = 0
    for frame in corpus.frames():
        for lang, text in sorted(frame.texts.items()):
            if langs and lang not in langs:
                continue
            total += 1
            verdict = corpus.verdict(text, lang)
            if verdict != frame.label:
                wrong += 1
                print(f"  {frame.id:28} {lang:7} expected {frame.label:13} got {verdict:13} {text}")
    print(f"\nframes: {total - wrong} of {total} verdicts agree with the label "
          f"({(total - wrong) / total:.1%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["dev", "heldout", "both"], default="both")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--lang", action="append", help="only these languages")
    parser.add_argument("--megabytes", type=float, default=20)
    parser.add_argument("--blind", nargs="+", type=Path, help="score a fresh blind set")
    parser.add_argument("--frames", action="store_true", help="score the parallel frames")
    parser.add_argument("--history", action="store_true", help="before-tuning figures so far")
    args = parser.parse_args()
    if args.history:
        history()
    if args.frames:
        frames(args.lang)
    if args.blind:
        examples = corpus.read(args.blind)
        for profile in ("strict", "neutral-allowed"):
            scores = corpus.evaluate(examples, profile)
            table(f"blind set {' '.join(p.name for p in args.blind)}, profile {profile}", scores)
            if args.misses:
                show_misses(scores)
    if args.history or args.frames or args.blind:
        return
    sets = {"dev": corpus.dev, "heldout": corpus.heldout}
    chosen = ["dev", "heldout"] if args.set == "both" else [args.set]
    everything = []
    for name in chosen:
        examples = sets[name]()
        if args.lang:
            examples = [e for e in examples if e.lang in args.lang]
        everything += examples
        for profile in ("strict", "neutral-allowed"):
            scores = corpus.evaluate(examples, profile)
            table(f"{name} set, profile {profile}", scores)
            if args.misses:
                show_misses(scores)
    if args.megabytes:
        throughput(everything, args.megabytes)


if __name__ == "__main__":
    main()
