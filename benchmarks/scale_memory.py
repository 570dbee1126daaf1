"""Worker memory over many cards: resident, proportional and private memory of each worker.

    .venv/bin/python benchmarks/scale_memory.py [--cards 1000] [--workers 2] [--every 100]
        [--recycle N] [--warm-up 200] [--tsv samples.tsv]

The example catalog's cards (every card layout and locale it has), repeated, rendered by the
build's own worker function (render, gate, preflight, write) in a pool like the build's.
Every ``--every`` documents (and after the first) a worker reads ``/proc/self/smaps_rollup``:
``Rss`` (resident), ``Pss`` (proportional: shared font and library pages split between the
processes mapping them) and ``Private_Clean + Private_Dirty`` (USS, what the worker alone
holds). Printed per worker: a table of the samples, then private memory after warm-up
(``--warm-up`` documents), its lowest and highest value after that as a share of the warm
figure (target within +-10 %), and its peak (target at most 150 MB). ``--recycle N``
replaces each worker after N documents (``maxtasksperchild``), as a build would if the growth
were WeasyPrint's; ``--freeze`` moves the parent's objects out of the collector's reach
before forking (``gc.freeze``), so collections in a worker do not copy the parent's pages
into it. ``--tsv`` writes every sample (pid, documents, rss, pss, uss, private dirty in MB),
``--progress`` prints each as it comes (for long runs in the background).

Sampling costs a read of one small file: it does not change the figures it measures.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import build  # noqa: E402
from generator.catalog import load_catalog  # noqa: E402


@dataclasses.dataclass(frozen=True)
class Sample:
    """One worker's memory after ``done`` documents, in MB."""

    pid: int
    done: int
    rss: float
    pss: float
    uss: float
    #: Private_Dirty: the worker's own written pages (heap), without the file pages only it
    #: maps (a CJK font read by one worker counts as private clean memory).
    dirty: float


def memory_mb() -> tuple[float, float, float, float]:
    """Resident, proportional, private (unique) and private dirty memory of this process,
    in MB."""
    values = dict.fromkeys(("Rss", "Pss", "Private_Clean", "Private_Dirty"), 0)
    with open("/proc/self/smaps_rollup", encoding="ascii") as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in values:
                values[key] = int(rest.split()[0])
    return (values["Rss"] / 1024, values["Pss"] / 1024,
            (values["Private_Clean"] + values["Private_Dirty"]) / 1024,
            values["Private_Dirty"] / 1024)


def private_mb() -> float:
    return memory_mb()[2]


_DONE = 0
_EVERY = 100


def _init(every: int) -> None:
    global _EVERY
    _EVERY = every
    build._init_worker()


def _measured(job) -> tuple[Sample | None, bool]:
    global _DONE
    result = build._render(job)
    _DONE += 1
    sample = None
    if _DONE == 1 or _DONE % _EVERY == 0:
        sample = Sample(os.getpid(), _DONE, *memory_mb())
    return sample, result.ok


def card_jobs(out: Path, count: int) -> list:
    """``count`` card jobs from the example catalog, each writing a file of its own; the
    catalog's pictures converted first, as the build does before its workers fork."""
    catalog = load_catalog(ROOT / "examples" / "catalog")
    plans = [p for p in build.plan(catalog, build.BuildOptions(catalog=catalog.root, out=out))
             if p.layout.spec.kind == "card"]
    build._convert_artwork(catalog, plans)
    cards = [job for job in (build.prepare(catalog, p, out) for p in plans) if job is not None]
    jobs = []
    for index in range(count):
        job = cards[index % len(cards)]
        # Every card overwrites one of a few files: 10,000 cards need no 10,000 files.
        jobs.append(dataclasses.replace(job, render=dataclasses.replace(job.render, key=str(index)),
                                        out_path=str(out / f"card-{index % 64:02}.pdf"),
                                        failed_path=None))
    return jobs


def report(samples: list[Sample], warm_up: int) -> None:
    by_worker: dict[int, list[Sample]] = {}
    for sample in samples:
        by_worker.setdefault(sample.pid, []).append(sample)
    for pid, own in by_worker.items():
        own.sort(key=lambda s: s.done)
        print(f"  worker {pid}: {own[-1].done}+ documents")
        print("    documents   RSS MB   PSS MB   USS MB  dirty MB")
        step = max(1, len(own) // 20)  # at most ~20 rows per worker
        for sample in own[::step] + ([own[-1]] if (len(own) - 1) % step else []):
            print(f"    {sample.done:9}  {sample.rss:7.1f}  {sample.pss:7.1f}  {sample.uss:7.1f}  "
                  f"{sample.dirty:7.1f}")
        after = [s for s in own if s.done >= warm_up]
        if len(after) < 2:
            continue
        warm = after[0]
        low, high = min(s.uss for s in after), max(s.uss for s in after)
        print(f"    private after {warm.done}: {warm.uss:.1f} MB; afterwards {low:.1f}-{high:.1f} MB "
              f"({100 * (low - warm.uss) / warm.uss:+.1f} % / {100 * (high - warm.uss) / warm.uss:+.1f} %), "
              f"last {after[-1].uss:.1f} MB; peak sampled {max(s.uss for s in own):.1f} MB private, "
              f"{max(s.pss for s in own):.1f} MB proportional")
        low, high = min(s.dirty for s in after), max(s.dirty for s in after)
        print(f"    private dirty after {warm.done}: {warm.dirty:.1f} MB; afterwards {low:.1f}-{high:.1f} "
              f"MB ({100 * (low - warm.dirty) / warm.dirty:+.1f} % / "
              f"{100 * (high - warm.dirty) / warm.dirty:+.1f} %), last {after[-1].dirty:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--every", type=int, default=100, help="sample every N documents")
    parser.add_argument("--warm-up", type=int, default=200, help="documents before the warm figure")
    parser.add_argument("--recycle", type=int, default=None, help="new worker after N documents")
    parser.add_argument("--tsv", type=Path, help="write every sample to this file")
    parser.add_argument("--progress", action="store_true", help="print each sample as it comes")
    parser.add_argument("--freeze", action="store_true",
                        help="gc.freeze() before forking (the parent's objects stay shared)")
    args = parser.parse_args()
    samples: list[Sample] = []
    with tempfile.TemporaryDirectory() as scratch:
        jobs = card_jobs(Path(scratch), args.cards)
        start = time.perf_counter()
        failed = 0
        context = multiprocessing.get_context("fork")
        if args.freeze:
            gc.collect()
            gc.freeze()
        with context.Pool(args.workers, initializer=_init, initargs=(args.every,),
                          maxtasksperchild=args.recycle) as pool:
            for sample, ok in pool.imap_unordered(_measured, jobs, chunksize=1):
                failed += not ok
                if sample is not None:
                    samples.append(sample)
                    if args.progress:
                        print(f"  {sample.pid} {sample.done:6} documents: RSS {sample.rss:.1f} "
                              f"PSS {sample.pss:.1f} USS {sample.uss:.1f} dirty {sample.dirty:.1f} MB "
                              f"({time.perf_counter() - start:.0f} s)", flush=True)
        seconds = time.perf_counter() - start
    print(f"{args.cards} cards, {args.workers} workers"
          + (f", recycled after {args.recycle}" if args.recycle else "")
          + f": {seconds:.1f} s ({1000 * seconds / args.cards:.1f} ms/card), {failed} failed, "
          f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    report(samples, args.warm_up)
    if args.tsv:
        args.tsv.write_text("pid\tdocuments\trss_mb\tpss_mb\tuss_mb\tdirty_mb\n" + "".join(
            f"{s.pid}\t{s.done}\t{s.rss:.1f}\t{s.pss:.1f}\t{s.uss:.1f}\t{s.dirty:.1f}\n"
            for s in samples))


if __name__ == "__main__":
    main()
