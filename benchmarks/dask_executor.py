"""The Dask executor against the local pool, side by side in one run.

    .venv/bin/python benchmarks/dask_executor.py [--products 10] [--rounds 3]

Makes a synthetic catalog (``benchmarks/scale.py``'s, 3 documents per product), prepares its
documents once, then renders them (gate, preflight and writing included, nothing reused)
with, interleaved per round: the local pool of 2 processes, a Dask LocalCluster of 2 worker
processes (one thread each) and one of 1 worker. Prints the median seconds of each, the ratios
the issue asks for (local pool / Dask 2 workers, target >= 0.9; Dask 2 / Dask 1) and what a
Dask build pays once (connecting, registering the plugin, the workers' first document).

It runs from a copy of the code (``scale.snapshot``): the Dask workers refuse a build whose
code differs from theirs, so an edit to the checkout during the run would stop it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from distributed import LocalCluster  # noqa: E402
from scale import make_catalog, snapshot  # noqa: E402

from generator.build import BuildOptions, LocalPool, plan, prepare, render_all  # noqa: E402
from generator.catalog import load_catalog  # noqa: E402
from generator.cluster import DaskExecutor  # noqa: E402


def prepared_jobs(catalog_root: Path, out: Path) -> list:
    catalog = load_catalog(catalog_root, partial=True)
    plans = plan(catalog, BuildOptions(catalog=catalog_root, out=out))
    return [job for job in (prepare(catalog, p, out) for p in plans) if job is not None]


def timed(jobs, executor) -> tuple[float, float]:
    """Seconds to render every job with ``executor``, and to the first result."""
    start = time.perf_counter()
    first = None
    for result in render_all(jobs, None, len(jobs), executor):
        # A document that does not fit is rendered all the same (and kept under _failed/).
        assert not any(code == "render.worker" for code, _, _ in result.problems), result.problems
        first = first or time.perf_counter() - start
    return time.perf_counter() - start, first


#: Set in the copy's run.
_COPY = "INSERTGEN_BENCHMARK_COPY"


def run_from_copy() -> int:
    """Run this script again from a copy of the code, its data and the example catalog."""
    with tempfile.TemporaryDirectory() as scratch:
        code = snapshot(Path(scratch))
        for name in ("benchmarks", "examples"):
            shutil.copytree(ROOT / name, code / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        script = code / "benchmarks" / Path(__file__).name
        return subprocess.run([sys.executable, str(script), *sys.argv[1:]],
                              env=os.environ | {_COPY: "1"}).returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not os.environ.get(_COPY):
        sys.exit(run_from_copy())
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        make_catalog(args.products, scratch / "catalog")
        jobs = prepared_jobs(scratch / "catalog", scratch / "out")
        print(f"{len(jobs)} documents ({args.products} products), {args.rounds} interleaved rounds")
        times: dict[str, list[float]] = {"local pool, 2 processes": [], "Dask, 2 workers": [],
                                         "Dask, 1 worker": []}
        once: list[float] = []
        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as two, \
                LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=":0") as one:
            for _ in range(args.rounds):
                times["local pool, 2 processes"].append(timed(jobs, LocalPool(2))[0])
                for name, cluster in (("Dask, 2 workers", two), ("Dask, 1 worker", one)):
                    start = time.perf_counter()
                    with DaskExecutor(cluster.scheduler_address) as executor:
                        connected = time.perf_counter() - start
                        seconds, first = timed(jobs, executor)
                    times[name].append(seconds)
                    if name == "Dask, 2 workers":
                        once.append(connected + first)
        median = {name: statistics.median(values) for name, values in times.items()}
        for name, seconds in median.items():
            print(f"  {name:26} {seconds:6.2f} s  ({1000 * seconds / len(jobs):5.0f} ms/doc; "
                  f"runs {', '.join(f'{v:.2f}' for v in times[name])})")
        local, dask2, dask1 = median.values()
        print(f"  local pool / Dask 2 workers: {local / dask2:.2f} (target >= 0.9)")
        print(f"  Dask 2 workers / 1 worker:   {dask1 / dask2:.2f}x")
        print(f"  paid once per Dask build (connect, plugin, first document): "
              f"{statistics.median(once):.2f} s")


if __name__ == "__main__":
    main()
