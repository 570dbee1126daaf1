"""Cards: insertgen against plain WeasyPrint on the same HTML, side by side in one run.

    .venv/bin/python benchmarks/cards.py [--cards 120] [--rounds 3] [--memory-cards 2000]

1. Speed: the same documents (the example catalog's cards, repeated) rendered by insertgen's
   warm workers and by plain WeasyPrint (``HTML(string).write_pdf(stylesheets=[CSS(string)])``
   per card, default font configuration) in a pool of the same size. Rounds are interleaved
   and the median is reported, because this machine has slow spells.
2. Scaling: insertgen with 1 and with 2 workers.
3. Memory of each worker over ``--memory-cards`` cards (first, last, peak): resident,
   proportional (shared font and library pages split between workers) and private.
4. Compliance cost: the cleaning stage (timed inside ``prepare``) and the PDF gate, timed
   directly in one process, as a share of preparing and rendering the same cards.
5. Preflight cost: the build's preflight (no syntax check, QR size known from the layout) and
   the command's (qpdf syntax check, QR codes found by rendering at 300 dpi), per document.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import build  # noqa: E402
from generator.build import (  # noqa: E402
    BuildOptions,
    Job,  # noqa: E402
    plan,
    prepare,
)
from generator.catalog import load_catalog  # noqa: E402
from generator.render.pdf import ConfinedFetcher  # noqa: E402


def example_jobs(out: Path) -> list[Job]:
    catalog = load_catalog(ROOT / "examples" / "catalog")
    jobs = []
    for planned in plan(catalog, BuildOptions(catalog=catalog.root, out=out)):
        job = prepare(catalog, planned, out)
        if job is not None:
            jobs.append(job)
    return jobs


def repeat(jobs: list[Job], count: int, out: Path) -> list[Job]:
    result = []
    for index in range(count):
        job = jobs[index % len(jobs)]
        result.append(dataclasses.replace(job, render=dataclasses.replace(job.render, key=f"{index}"),
                                          out_path=str(out / f"card-{index:05}.pdf")))
    return result


# --- plain WeasyPrint -------------------------------------------------------------------

def compliance_cost(jobs, out: Path) -> None:
    """What compliance adds to a build, measured directly in one process: the cleaning stage
    (inside ``prepare``, caches cold as in a fresh build) and the PDF gate (on each distinct
    card), against preparing and rendering the same cards without the gate."""
    import dataclasses

    from generator.compliance import cleaning
    from generator.compliance.engine import checker, languages, pack
    from generator.compliance.gate import gate_problems
    from generator.press.readback import pdf_text

    checker.cache_clear()
    pack.cache_clear()
    start = time.perf_counter()
    for code in languages():
        checker(code)
    packs = time.perf_counter() - start
    catalog = load_catalog(ROOT / "examples" / "catalog")
    spent = [0.0]
    original = build.clean_document

    def timed(*args, **kwargs):
        begin = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - begin

    build.clean_document = timed
    cleaning.clean_wording.cache_clear()
    start = time.perf_counter()
    plans = plan(catalog, BuildOptions(catalog=catalog.root, out=out))
    distinct = [job for job in (prepare(catalog, p, out) for p in plans) if job is not None]
    preparing = (time.perf_counter() - start) / len(plans)
    cleaning_ms = spent[0] / len(plans)
    # Warm: the same documents again, as the later documents of a large build see it.
    spent[0] = 0.0
    for planned in plan(catalog, BuildOptions(catalog=catalog.root, out=out)):
        prepare(catalog, planned, out)
    warm_ms = spent[0] / len(plans)
    build.clean_document = original
    build._init_worker()
    rendering, gating = [], []
    for job in distinct:
        begin = time.perf_counter()
        result = build._render(dataclasses.replace(job, gate=None))
        rendering.append(time.perf_counter() - begin)
        assert result.ok, result.problems
        data = Path(job.out_path).read_bytes()
        for locale in job.gate.locales:
            checker(locale)._seen.clear()  # each card's text is new to a real build
        begin = time.perf_counter()
        gate_problems(pdf_text(data), job.gate)
        gating.append(time.perf_counter() - begin)
    render_ms, gate_ms = statistics.mean(rendering), statistics.mean(gating)
    cold = (cleaning_ms + gate_ms) / (preparing + render_ms + gate_ms)
    warm = (warm_ms + gate_ms) / (preparing - cleaning_ms + warm_ms + render_ms + gate_ms)
    print(f"compliance cost (the {len(distinct)} example documents, one process):")
    print(f"  loading {len(languages())} rule packs once: {1000 * packs:.0f} ms")
    print(f"  cleaning stage: {1000 * cleaning_ms:.2f} ms per document in a fresh build, "
          f"{1000 * warm_ms:.2f} ms once its texts and rules are warm "
          f"(preparing in all: {1000 * preparing:.2f} ms)")
    print(f"  PDF gate: {1000 * gate_ms:.2f} ms per document "
          f"(rendering without it: {1000 * render_ms:.1f} ms)")
    print(f"  compliance share of a build: {100 * cold:.1f} % fresh, {100 * warm:.1f} % warm "
          "(target well under 5 %)")


def preflight_cost(jobs) -> None:
    """What preflight adds: timed directly on each distinct document, against rendering it."""
    import dataclasses

    from generator.press.preflight import preflight
    from generator.press.readback import ReadBack

    build._init_worker()
    rendering, in_build, in_command = [], [], []
    for job in jobs:
        begin = time.perf_counter()
        result = build._render(dataclasses.replace(job, gate=None, preflight=None))
        rendering.append(time.perf_counter() - begin)
        assert result.ok, result.problems
        data = Path(job.out_path).read_bytes()
        with ReadBack(data) as read:  # the build opens it once, for the gate
            begin = time.perf_counter()
            assert preflight(data, job.preflight, source=job.key, read=read) == []
            in_build.append(time.perf_counter() - begin)
        begin = time.perf_counter()
        preflight(data, dataclasses.replace(job.preflight, check_syntax=True, detect_qr=True),
                  source=job.key)
        in_command.append(time.perf_counter() - begin)
    render_ms = statistics.mean(rendering)
    build_ms, command_ms = statistics.mean(in_build), statistics.mean(in_command)
    print(f"preflight cost (the {len(jobs)} example documents, one process):")
    print(f"  in the build (PDF already open for the gate): {1000 * build_ms:.1f} ms per document, "
          f"{100 * build_ms / render_ms:.1f} % "
          f"of rendering it ({1000 * render_ms:.1f} ms)")
    print(f"  insertgen preflight: {1000 * command_ms:.1f} ms per document "
          "(syntax check and QR codes found by rendering)")


def _plain(doc: Job) -> int:
    from weasyprint import CSS, HTML

    job = doc.render
    fetcher = ConfinedFetcher(job.allowed)
    css = CSS(string=job.css, base_url=Path(job.css_dir).as_uri() + "/", url_fetcher=fetcher)
    data = HTML(string=job.html, base_url=Path(job.base_dir).as_uri() + "/",
                url_fetcher=fetcher).write_pdf(stylesheets=[css], pdf_variant=job.pdf_variant)
    Path(doc.out_path).write_bytes(data)
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

def _memory_mb() -> tuple[float, float, float]:
    """Resident, proportional (shared pages split between the processes that map them) and
    private memory of this process. Workers fork from the build and map the same fonts, so
    the proportional figure is what one more worker really costs."""
    values = {}
    with open("/proc/self/smaps_rollup") as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
                values[key] = int(rest.split()[0]) / 1024
    return values["Rss"], values["Pss"], values["Private_Clean"] + values["Private_Dirty"]


def _render_with_memory(job: Job):
    result = build._render(job)
    return os.getpid(), int(job.key), _memory_mb(), result.ok


def memory(jobs, workers: int):
    per_worker: dict[int, list[tuple[int, float]]] = {}
    with multiprocessing.get_context("fork").Pool(workers, initializer=build._init_worker) as pool:
        for pid, index, memory, ok in pool.imap_unordered(_render_with_memory, jobs, chunksize=1):
            assert ok
            per_worker.setdefault(pid, []).append((index, memory))
    return per_worker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--memory-cards", type=int, default=2000)
    parser.add_argument("--skip", action="append", default=[],
                        choices=["speed", "memory", "compliance", "preflight"], help="leave a part out")
    parser.add_argument("--memory-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        base = example_jobs(out)
        if args.memory_only:
            report_memory(repeat(base, args.memory_cards, out), args.workers)
            return
        jobs = repeat(base, args.cards, out)
        print(f"{len(base)} distinct example cards, {len(jobs)} cards per run, "
              f"{args.workers} workers, {args.rounds} interleaved rounds")
        # Warm-up: the first run pays for font cache loading.
        run_insertgen(jobs[:4], 1)
        run_plain(jobs[:4], 1)
        if "compliance" not in args.skip:
            compliance_cost(jobs, out)
        if "preflight" not in args.skip:
            preflight_cost(base)
        if "speed" in args.skip:
            args.rounds = 0
        times = {"insertgen": [], "plain": [], "insertgen-1": [], "no-checks": []}
        # The same build without the PDF gate and preflight: what the checks cost in a run.
        bare = [dataclasses.replace(job, gate=None, preflight=None) for job in jobs]
        for _ in range(args.rounds):
            times["insertgen"].append(run_insertgen(jobs, args.workers))
            times["plain"].append(run_plain(jobs, args.workers))
            times["no-checks"].append(run_insertgen(bare, args.workers))
            times["insertgen-1"].append(run_insertgen(jobs, 1))
        med = {k: statistics.median(v) if v else float("nan") for k, v in times.items()}
        for name, seconds in med.items() if args.rounds else ():
            print(f"  {name:12} {seconds:7.2f} s  {1000 * seconds / len(jobs):6.1f} ms/card  "
                  f"(runs: {', '.join(f'{t:.2f}' for t in times[name])})")
        if args.rounds:
            print(f"insertgen / plain WeasyPrint ({args.workers} workers): "
                  f"{med['insertgen'] / med['plain']:.3f} (target <= 1.10)")
            print(f"insertgen without the PDF gate and preflight / plain WeasyPrint: "
                  f"{med['no-checks'] / med['plain']:.3f}")
            print(f"insertgen {args.workers} workers vs 1: "
                  f"{med['insertgen-1'] / med['insertgen']:.2f}x (target >= 1.7x)")

    if args.memory_cards and "memory" not in args.skip:
        # A fresh process, set up like a build (catalog and rule packs loaded, nothing rendered
        # yet) before it forks its workers: what the parts above left in memory would count.
        sys.stdout.flush()
        subprocess.run([sys.executable, __file__, "--memory-only", "--memory-cards",
                        str(args.memory_cards), "--workers", str(args.workers)], check=True)


def report_memory(jobs, workers: int) -> None:
    start = time.perf_counter()
    per_worker = memory(jobs, workers)
    seconds = time.perf_counter() - start
    print(f"memory over {len(jobs)} cards ({seconds:.0f} s), fresh build process:")
    for pid, samples in sorted(per_worker.items()):
        samples.sort()
        for name, i in (("resident", 0), ("proportional", 1), ("private", 2)):
            first = statistics.mean(m[i] for _, m in samples[:20])
            warm = statistics.mean(m[i] for _, m in samples[100:120])
            last = statistics.mean(m[i] for _, m in samples[-20:])
            peak = max(m[i] for _, m in samples)
            print(f"  worker {pid}: {len(samples)} cards, {name:12} first 20 {first:4.0f} MB, "
                  f"cards 100-119 {warm:4.0f} MB, last 20 {last:4.0f} MB, peak {peak:4.0f} MB")
    print("  (target: at most 150 MB per worker, flat; the proportional figure counts fonts and "
          "libraries the workers share once between them)")


if __name__ == "__main__":
    main()
