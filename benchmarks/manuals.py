"""Manuals: a 24-page booklet through insertgen against plain WeasyPrint on the same HTML.

    .venv/bin/python benchmarks/manuals.py [--rounds 7] [--locales en,de,fr] [--layout manual-a5]

The example kettle's manual in a combined edition (A5, three languages: 24 pages) is prepared
by insertgen once; then, interleaved, insertgen's warm renderer (layout, fit measure, notes
padding, crop marks, compliance gate, atomic write) and plain WeasyPrint
(``HTML(string).write_pdf(stylesheets=[CSS(string)])``, its default font configuration) render
the same HTML and CSS. Medians of the rounds; the target is insertgen at most 1.2x plain.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from weasyprint import CSS, HTML  # noqa: E402

from generator import build  # noqa: E402
from generator import catalog as catalogs  # noqa: E402
from generator.build import Planned, prepare  # noqa: E402
from generator.catalog.layouts import PROFILES  # noqa: E402
from generator.render.pdf import ConfinedFetcher  # noqa: E402


def manual_job(out: Path, layout_name: str, locales: list[str]):
    catalog = catalogs.load_catalog(ROOT / "examples" / "catalog")
    kettle = next(p for p in catalog.products if p.product.sku == "LH-KT17")
    layout = catalogs.load._resolve_layout(catalog.root, layout_name, dict(catalog.layouts), [])
    planned = Planned(kettle, "manual-bench", layout, locales, "amazon-eu", PROFILES["print-x4"],
                      f"LH-KT17/LH-KT17_manual-bench_{'-'.join(locales)}.pdf")
    job = prepare(catalog, planned, out)
    assert job is not None, [f.format() for f in planned.findings]
    return job


def plain(job) -> int:
    out_path = job.out_path
    job = job.render
    fetcher = ConfinedFetcher(job.allowed)
    css = CSS(string=job.css, base_url=Path(job.css_dir).as_uri() + "/", url_fetcher=fetcher)
    document = HTML(string=job.html, base_url=Path(job.base_dir).as_uri() + "/",
                    url_fetcher=fetcher).render(stylesheets=[css], pdf_variant=job.pdf_variant)
    Path(out_path + ".plain.pdf").write_bytes(document.write_pdf(pdf_variant=job.pdf_variant))
    return len(document.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--layout", default="manual-a5")
    parser.add_argument("--locales", default="en,de,fr")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        job = manual_job(Path(tmp), args.layout, args.locales.split(","))
        build._init_worker()
        first = build._render(job)
        assert first.ok, first.problems
        plain_pages = plain(job)
        print(f"{args.layout}, {args.locales}: insertgen {first.pages} pages "
              f"(plain WeasyPrint on the same HTML: {plain_pages} pages, before padding to a "
              f"multiple of 4), {args.rounds} interleaved rounds")
        times: dict[str, list[float]] = {"insertgen": [], "plain": []}
        for _ in range(args.rounds):
            start = time.perf_counter()
            build._render(job)
            times["insertgen"].append(time.perf_counter() - start)
            start = time.perf_counter()
            plain(job)
            times["plain"].append(time.perf_counter() - start)
        med = {k: statistics.median(v) for k, v in times.items()}
        for name, seconds in med.items():
            print(f"  {name:10} {1000 * seconds:7.0f} ms  ({1000 * seconds / first.pages:5.1f} ms/page; "
                  f"runs: {', '.join(f'{1000 * t:.0f}' for t in times[name])})")
        print(f"insertgen / plain WeasyPrint: {med['insertgen'] / med['plain']:.3f} (target <= 1.2)")


if __name__ == "__main__":
    main()
