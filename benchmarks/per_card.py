"""Per card: insertgen's warm worker against plain WeasyPrint, and where a card's time goes.

    .venv/bin/python benchmarks/per_card.py [--cards 120] [--profile-cards 48]
        [--layout card-a6] [--workers 2] [--skip ratio|split|scaling] [--no-caches]

The example catalog's cards of one layout (A6: two products, six locales each), repeated.

1. Ratio. One process, both sides warm: insertgen's worker function (``build._render``:
   layout, copy-fit check, finisher, compliance gate, preflight, file written) against plain
   WeasyPrint on the same HTML and CSS, the same output intent and PDF variant
   (``HTML(string=...).write_pdf(stylesheets=[CSS(string=...)])``, its default font
   configuration per call, file written). Card by card, interleaved (the side that goes first
   alternates), so slow spells of this shared machine fall on both; medians and totals.
   A third side is insertgen with its balance decisions forgotten before each card: the
   repeated cards here would find every headline decided, a build of distinct documents
   does not (:func:`generator.render.fit.balance_decision`).
2. Split. The same worker function again with a timer around each stage (exclusive time: a
   stage's own share, nested stages subtracted): Jinja (in the build process, before a card
   reaches a worker), HTML parsing, CSS cascade, the box tree, layout (text shaping apart),
   drawing (SVG apart), fonts (subsetting, embedding), PDF writing, our finisher and
   measurements, the gate, preflight, the rest.
3. Scaling. ``build.render_all`` with 1 and with ``--workers`` worker processes on the same
   cards, with the load average of the machine during the run (2 cores, shared).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import inspect
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import build  # noqa: E402
from generator.catalog import load_catalog  # noqa: E402
from generator.render import fit  # noqa: E402
from generator.render.pdf import ConfinedFetcher  # noqa: E402


def card_jobs(out: Path, layout: str, count: int, jinja: list[float] | None = None) -> list:
    """``count`` jobs of ``layout``'s cards from the example catalog, in turn; the seconds
    Jinja took per distinct card go to ``jinja``."""
    catalog = load_catalog(ROOT / "examples" / "catalog")
    plans = [p for p in build.plan(catalog, build.BuildOptions(catalog=catalog.root, out=out))
             if p.layout.name == layout]
    if not plans:
        sys.exit(f"the example catalog has no {layout} documents")
    build._convert_artwork(catalog, plans)
    originals = build.render_html, build.render_css
    spent = [0.0]

    def timed(function):
        def run(*args, **kwargs):
            begin = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - begin
        return run

    build.render_html, build.render_css = (timed(f) for f in originals)
    try:
        distinct = []
        for planned in plans:
            spent[0] = 0.0
            job = build.prepare(catalog, planned, out)
            if job is None:
                sys.exit(f"{planned.path} failed its checks")
            distinct.append(job)
            if jinja is not None:
                jinja.append(spent[0])
    finally:
        build.render_html, build.render_css = originals
    return [dataclasses.replace(job, render=dataclasses.replace(job.render, key=f"{i}"),
                                out_path=str(out / f"card-{i % 64:02}.pdf"), failed_path=None)
            for i, job in ((i, distinct[i % len(distinct)]) for i in range(count))]


def plain(doc) -> int:
    """Plain WeasyPrint on the job's HTML and CSS (the output intent's rule included)."""
    from weasyprint import CSS, HTML

    job = doc.render
    fetcher = ConfinedFetcher(job.allowed)
    css = CSS(string=job.css, base_url=Path(job.css_dir).as_uri() + "/", url_fetcher=fetcher)
    data = HTML(string=job.html, base_url=Path(job.base_dir).as_uri() + "/",
                url_fetcher=fetcher).write_pdf(stylesheets=[css], pdf_variant=job.pdf_variant)
    Path(doc.out_path).with_suffix(".plain.pdf").write_bytes(data)
    return len(data)


def insertgen(job) -> int:
    result = build._render(job)
    assert result.ok, (job.key, result.problems, result.findings)
    return result.size


def insertgen_undecided(job) -> int:
    """insertgen with its balance decisions forgotten first: the card's headlines are measured
    as in a build of distinct documents (the repeated cards of this benchmark would otherwise
    find every decision made)."""
    kept = fit._DECISIONS.copy()
    fit._DECISIONS.clear()
    try:
        return insertgen(job)
    finally:  # the other side keeps its decisions
        fit._DECISIONS.clear()
        fit._DECISIONS.update(kept)


def _warm_worker(caches: bool) -> None:
    build._init_worker()
    if not caches:  # what the worker would cost without its caches of streams and subsets
        from generator.render.fonts import SUBSETS

        SUBSETS.clear()
        SUBSETS.limit = 0
        build._RENDERER.streams = None


def ratio(jobs: list, caches: bool = True) -> None:
    _warm_worker(caches)
    for job in jobs[:len({j.render.html for j in jobs})]:  # warm: fonts, stylesheets, packs
        insertgen(job)
        plain(job)
    ours, undecided, theirs, sizes = [], [], [], []
    before = dict(vars(fit.BalanceStats))
    for index, job in enumerate(jobs):
        # Each side goes first, second and last in turn.
        three = [(ours, insertgen), (undecided, insertgen_undecided), (theirs, plain)]
        for times, function in three[index % 3:] + three[:index % 3]:
            begin = time.perf_counter()
            size = function(job)
            times.append(time.perf_counter() - begin)
            sizes.append((function.__name__, size))
    mine = statistics.median(ours)
    fresh = statistics.median(undecided)
    other = statistics.median(theirs)
    stats = {name: getattr(fit.BalanceStats, name) - before.get(name, 0)
             for name in ("counted", "measured", "reused", "fallbacks")}
    print(f"per card, {len(jobs)} cards interleaved, one warm process"
          f"{'' if caches else ', its stream and subset caches off'} "
          f"(load average {os.getloadavg()[0]:.1f}):")
    print(f"  insertgen (gate, preflight, copy-fit, file written): median {1000 * mine:6.1f} ms, "
          f"total {sum(ours):6.1f} s")
    print(f"  plain WeasyPrint, same HTML and output intent:        median {1000 * other:6.1f} ms, "
          f"total {sum(theirs):6.1f} s")
    print(f"  ratio: {mine / other:.3f} of the medians, {sum(ours) / sum(theirs):.3f} of the totals "
          "(target <= 0.7)")
    print(f"  insertgen, every headline decided anew (no decision kept): median {1000 * fresh:6.1f} ms, "
          f"total {sum(undecided):6.1f} s, ratio {fresh / other:.3f} of the medians, "
          f"{sum(undecided) / sum(theirs):.3f} of the totals")
    print(f"  balance decisions: {stats['counted']} counted apart, {stats['measured']} measured "
          f"in a small document, {stats['reused']} reused, {stats['fallbacks']} measured again "
          "in the document")
    for name in ("insertgen", "plain"):
        own = [size for who, size in sizes if who == name]
        print(f"  {name}: {statistics.mean(own) / 1024:.0f} kB per file")


# --- split ------------------------------------------------------------------------------

class Stages:
    """Exclusive time per stage: entering a stage charges the time so far to the one it
    interrupts."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._stack: list[str] = ["other"]
        self._since = time.perf_counter()

    def _switch(self, push: str | None) -> None:
        now = time.perf_counter()
        top = self._stack[-1]
        self.seconds[top] = self.seconds.get(top, 0.0) + now - self._since
        self._since = now
        if push is None:
            self._stack.pop()
        else:
            self._stack.append(push)

    def wrap(self, stage: str, function):
        if inspect.isgeneratorfunction(function):
            @functools.wraps(function)
            def generator(*args, **kwargs):
                inner = function(*args, **kwargs)
                while True:
                    self._switch(stage)
                    try:
                        value = next(inner)
                    except StopIteration:
                        return
                    finally:
                        self._switch(None)
                    yield value
            return generator

        @functools.wraps(function)
        def timed(*args, **kwargs):
            self._switch(stage)
            try:
                return function(*args, **kwargs)
            finally:
                self._switch(None)
        return timed

    def patch(self, stage: str, owner, name: str) -> None:
        if hasattr(owner, name):
            setattr(owner, name, self.wrap(stage, getattr(owner, name)))

    def stop(self) -> None:
        """Charge the time since the last switch to the stage running now."""
        self._switch(self._stack[-1])
        self._stack.pop()

    def reset(self) -> None:
        self.seconds.clear()
        self._stack[:] = ["other"]
        self._since = time.perf_counter()


def instrument() -> Stages:
    import importlib

    import pydyf
    import weasyprint
    import weasyprint.css
    import weasyprint.document
    import weasyprint.layout.inline
    import weasyprint.pdf
    import weasyprint.svg

    from generator.render import pdf as ours

    stages = Stages()
    stages.patch("HTML parsing", weasyprint.HTML, "__init__")
    stages.patch("CSS parsing", weasyprint.CSS, "__init__")
    stages.patch("CSS cascade", weasyprint.document, "get_all_computed_styles")
    stages.patch("box tree", weasyprint.document, "build_formatting_structure")
    stages.patch("layout", weasyprint.document, "layout_document")
    stages.patch("layout: text shaping", weasyprint.layout.inline, "split_first_line")
    stages.patch("PDF writing", weasyprint.document, "generate_pdf")
    stages.patch("drawing", weasyprint.document, "draw_page")
    stages.patch("drawing: SVG (QR, pictures)", weasyprint.svg.SVG, "draw")
    stages.patch("fonts: subset, embed", weasyprint.pdf, "build_fonts_dictionary")
    stages.patch("PDF writing", pydyf.PDF, "write")
    stages.patch("finisher (ours)", ours, "_finish")
    stages.patch("measuring boxes (ours)", ours, "measure_fit")
    stages.patch("measuring boxes (ours)", ours, "_placed")
    for name in ("generator.worker", "generator.build"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        stages.patch("gate", module, "gate_problems")
        stages.patch("gate: text read back", module, "pdf_text")
        stages.patch("preflight", module, "preflight")
        if hasattr(module, "ReadBack"):
            stages.patch("PDF opened for gate and preflight", module.ReadBack, "__enter__")
            stages.patch("PDF opened for gate and preflight", module.ReadBack, "__exit__")
    return stages


def split(jobs: list, jinja: list[float]) -> None:
    stages = instrument()
    build._init_worker()
    for job in jobs[:len(jinja)]:
        insertgen(job)
    stages.reset()
    begin = time.perf_counter()
    for job in jobs:
        insertgen(job)
    stages.stop()
    total = time.perf_counter() - begin
    per_card = {name: 1000 * seconds / len(jobs) for name, seconds in stages.seconds.items()}
    jinja_ms = 1000 * statistics.mean(jinja)
    print(f"where a card's time goes ({len(jobs)} cards, one warm worker, exclusive ms per card; "
          f"load average {os.getloadavg()[0]:.1f}):")
    print(f"  {'stage':42} {'ms':>7} {'share':>7}")
    print(f"  {'Jinja (build process, before the worker)':42} {jinja_ms:7.1f} {'':>7}")
    worker_ms = 1000 * total / len(jobs)
    for name, ms in sorted(per_card.items(), key=lambda item: -item[1]):
        print(f"  {name:42} {ms:7.1f} {100 * ms / worker_ms:6.1f}%")
    print(f"  {'worker total':42} {worker_ms:7.1f} {100.0:6.1f}%")


def scaling(jobs: list, workers: int) -> None:
    times = {}
    loads = []
    for count in (1, workers, 1, workers):
        begin = time.perf_counter()
        for result in build.render_all(jobs, count, len(jobs)):
            assert result.ok, result.problems
        times.setdefault(count, []).append(time.perf_counter() - begin)
        loads.append(os.getloadavg()[0])
    one, many = min(times[1]), min(times[workers])
    print(f"workers ({len(jobs)} cards, best of 2 each, load average during the runs "
          f"{min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} cores):")
    print(f"  1 worker:  {one:6.1f} s  {1000 * one / len(jobs):6.1f} ms/card")
    print(f"  {workers} workers: {many:6.1f} s  {1000 * many / len(jobs):6.1f} ms/card  "
          f"speed-up {one / many:.2f}x (target >= 1.8x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=120)
    parser.add_argument("--profile-cards", type=int, default=48)
    parser.add_argument("--layout", default="card-a6")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-caches", action="store_true",
                        help="ratio without the worker's stream and subset caches")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["ratio", "split", "scaling"], help="leave a part out")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        jinja: list[float] = []
        jobs = card_jobs(Path(scratch), args.layout, max(args.cards, args.profile_cards), jinja)
        print(f"{len(jinja)} distinct {args.layout} cards of the example catalog")
        if "ratio" not in args.skip:
            ratio(jobs[:args.cards], caches=not args.no_caches)
        if "scaling" not in args.skip:
            scaling(jobs[:args.cards], args.workers)
        if "split" not in args.skip:  # last: it patches WeasyPrint's functions with timers
            split(jobs[:args.profile_cards], jinja)


if __name__ == "__main__":
    main()
