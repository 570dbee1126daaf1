"""Cards: insertgen against plain WeasyPrint on the same HTML, side by side in one run.

    .venv/bin/python benchmarks/cards.py [--cards 120] [--rounds 3] [--memory-cards 2000]

1. Speed: the same documents (the example catalog's cards, repeated) rendered by insertgen's
   warm workers and by plain WeasyPrint (``HTML(string).write_pdf(stylesheets=[CSS(string)])``
   per card, default font configuration) in a pool of the same size. Rounds are interleaved
   and the median is reported, because this machine has slow spells.
2. Scaling: insertgen with 1 and with 2 workers.
3. Memory: resident memory of each worker over ``--memory-cards`` cards (start, end, peak).
4. Compliance cost: the cleaning stage (timed inside ``prepare``) and the PDF gate (insertgen
   with and without it, interleaved), as a share of a build of the same cards.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import build  # noqa: E402
from generator.build import BuildOptions, plan, prepare  # noqa: E402
from generator.catalog import load_catalog  # noqa: E402
from generator.pdf import ConfinedFetcher, RenderJob  # noqa: E402


def example_jobs(out: Path) -> list[RenderJob]:
    catalog = load_catalog(ROOT / "examples" / "catalog")
    jobs = []
    for planned in plan(catalog, BuildOptions(catalog=catalog.root, out=out)):
        job = prepare(catalog, planned, out)
        if job is not None:
            jobs.append(job)
    return jobs


def repeat(jobs: list[RenderJob], count: int, out: Path) -> list[RenderJob]:
    result = []
    for index in range(count):
        job = jobs[index % len(jobs)]
        result.append(RenderJob(**{**job.__dict__, "key": f"{index}",
                                   "out_path": str(out / f"card-{index:05}.pdf")}))
    return result


# --- plain WeasyPrint -------------------------------------------------------------------

def compliance_cost(jobs, workers: int, rounds: int, out: Path) -> None:
    """What compliance adds to a build: cleaning in the main process, the gate in workers."""
    import dataclasses

    from generator import cleaning
    from generator.compliance import checker, languages, pack

    checker.cache_clear()
    pack.cache_clear()
    start = time.perf_counter()
    for code in languages():
        checker(code)
    packs = time.perf_counter() - start
    catalog = load_catalog(ROOT / "examples" / "catalog")
    spent = [0.0]
    original = build.clean_sections

    def timed(*args, **kwargs):
        begin = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - begin

    build.clean_sections = timed
    cleaning.clean_wording.cache_clear()
    start = time.perf_counter()
    plans = plan(catalog, BuildOptions(catalog=catalog.root, out=out))
    for planned in plans:
        prepare(catalog, planned, out)
    preparing = time.perf_counter() - start
    build.clean_sections = original
    ungated = [dataclasses.replace(job, gate=None) for job in jobs]
    with_gate, without = [], []
    for _ in range(rounds):
        with_gate.append(run_insertgen(jobs, workers))
        without.append(run_insertgen(ungated, workers))
    gated, plain = statistics.median(with_gate), statistics.median(without)
    per_doc_clean = spent[0] / len(plans)
    build_per_doc = gated / len(jobs) + preparing / len(plans)
    share = ((gated - plain) / len(jobs) + per_doc_clean) / build_per_doc
    print(f"compliance cost ({len(plans)} documents prepared, {len(jobs)} rendered, "
          f"{workers} workers):")
    print(f"  loading and compiling {len(languages())} rule packs once: {1000 * packs:.0f} ms")
    print(f"  cleaning stage: {1000 * per_doc_clean:.2f} ms per document "
          f"(prepare in all: {1000 * preparing / len(plans):.2f} ms)")
    print(f"  PDF gate: {1000 * (gated - plain) / len(jobs):.2f} ms per document "
          f"(with {gated:.2f} s, without {plain:.2f} s)")
    print(f"  compliance share of a build: {100 * share:.1f} % (target well under 5 %)")


def _plain(job: RenderJob) -> int:
    from weasyprint import CSS, HTML

    fetcher = ConfinedFetcher(job.allowed)
    css = CSS(string=job.css, base_url=Path(job.css_dir).as_uri() + "/", url_fetcher=fetcher)
    data = HTML(string=job.html, base_url=Path(job.base_dir).as_uri() + "/",
                url_fetcher=fetcher).write_pdf(stylesheets=[css], pdf_variant=job.pdf_variant)
    Path(job.out_path).write_bytes(data)
    return len(data)


def run_plain(jobs, workers: int) -> float:
    start = time.perf_counter()
    if workers == 1:
        for job in jobs:
            _plain(job)
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for _ in pool.imap_unordered(_plain, jobs, chunksize=1):
                pass
    return time.perf_counter() - start


def run_insertgen(jobs, workers: int) -> float:
    start = time.perf_counter()
    for result in build.render_all(jobs, workers, len(jobs)):
        assert result.ok, result.problems
    return time.perf_counter() - start


# --- memory -----------------------------------------------------------------------------

def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _render_with_rss(job: RenderJob):
    result = build._render(job)
    return os.getpid(), int(job.key), _rss_mb(), result.ok


def memory(jobs, workers: int):
    per_worker: dict[int, list[tuple[int, float]]] = {}
    with multiprocessing.get_context("fork").Pool(workers, initializer=build._init_worker) as pool:
        for pid, index, rss, ok in pool.imap_unordered(_render_with_rss, jobs, chunksize=1):
            assert ok
            per_worker.setdefault(pid, []).append((index, rss))
    return per_worker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--memory-cards", type=int, default=2000)
    parser.add_argument("--skip", action="append", default=[],
                        choices=["speed", "memory", "compliance"], help="leave a part out")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        base = example_jobs(out)
        jobs = repeat(base, args.cards, out)
        print(f"{len(base)} distinct example cards, {len(jobs)} cards per run, "
              f"{args.workers} workers, {args.rounds} interleaved rounds")
        # Warm-up: the first run pays for font cache loading.
        run_insertgen(jobs[:4], 1)
        run_plain(jobs[:4], 1)
        if "compliance" not in args.skip:
            compliance_cost(jobs, args.workers, args.rounds, out)
        if "speed" in args.skip:
            args.rounds = 0
        times = {"insertgen": [], "plain": [], "insertgen-1": []}
        for _ in range(args.rounds):
            times["insertgen"].append(run_insertgen(jobs, args.workers))
            times["plain"].append(run_plain(jobs, args.workers))
            times["insertgen-1"].append(run_insertgen(jobs, 1))
        med = {k: statistics.median(v) if v else float("nan") for k, v in times.items()}
        for name, seconds in med.items():
            print(f"  {name:12} {seconds:7.2f} s  {1000 * seconds / len(jobs):6.1f} ms/card  "
                  f"(runs: {', '.join(f'{t:.2f}' for t in times[name])})")
        print(f"insertgen / plain WeasyPrint ({args.workers} workers): "
              f"{med['insertgen'] / med['plain']:.3f} (target <= 1.10)")
        print(f"insertgen {args.workers} workers vs 1: {med['insertgen-1'] / med['insertgen']:.2f}x "
              "(target >= 1.7x)")

        if args.memory_cards and "memory" not in args.skip:
            mem_jobs = repeat(base, args.memory_cards, out)
            start = time.perf_counter()
            per_worker = memory(mem_jobs, args.workers)
            seconds = time.perf_counter() - start
            print(f"memory over {len(mem_jobs)} cards ({seconds:.0f} s):")
            for pid, samples in sorted(per_worker.items()):
                samples.sort()
                first = statistics.mean(r for _, r in samples[:20])
                last = statistics.mean(r for _, r in samples[-20:])
                peak = max(r for _, r in samples)
                print(f"  worker {pid}: {len(samples)} cards, RSS first 20 {first:.0f} MB, "
                      f"last 20 {last:.0f} MB, peak {peak:.0f} MB (target <= 150 MB)")


if __name__ == "__main__":
    main()
