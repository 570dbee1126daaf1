"""Catalog scale: synthetic N-product catalogs made from examples/catalog, and what building
them costs.

    .venv/bin/python benchmarks/scale.py make 400 /tmp/cat400      # just write the catalog
    .venv/bin/python benchmarks/scale.py front 400 [--product SKU] # load, validate, clean
    .venv/bin/python benchmarks/scale.py build 100 [--jobs 2]      # fresh, no-op, one changed
    .venv/bin/python benchmarks/scale.py front 400 --profile       # cProfile, top 30

Product ``i`` copies example product ``i mod 3`` (its YAML, pictures and translation files)
under the SKU ``<example SKU>-<i>``; each keeps three documents (its first layout in its first
two languages, and the EU card in five), as the catalogs of issue 14 had. The texts are the
example's, so the compliance rules see real wording; the SKU (printed, and in the QR code)
makes every product's documents different files.

``front`` times what runs before any PDF is rendered: loading and validating the catalog,
then localizing, compliance-cleaning and writing the HTML of every planned document (the run
``insertgen check`` makes, without the translation status matrix). ``build`` runs the CLI
three times into one output folder (from a snapshot of the code, so edits to the checkout do
not change the keys between the runs): fresh, again with nothing changed, and after one
product's headline changed, and prints the seconds and the rendered/reused counts.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "catalog"
sys.path.insert(0, str(ROOT))


def _replace_documents(text: str, documents: list[dict]) -> str:
    """The product YAML ``text`` with its ``documents:`` block replaced."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("documents:"))
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].strip() and not lines[i].startswith((" ", "#"))), len(lines))
    block = ["documents:\n"] + [
        f"  - layout: {d['layout']}\n    locales: [{', '.join(d['locales'])}]\n"
        f"    marketplace: {d['marketplace']}\n" for d in documents]
    return "".join(lines[:start] + block + lines[end:])


def make_catalog(count: int, target: Path) -> list[str]:
    """Write an N-product catalog to ``target``; the SKUs, in order."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy(EXAMPLE / "brand.yaml", target / "brand.yaml")
    shutil.copytree(EXAMPLE / "images", target / "images")
    (target / "products").mkdir()
    bases = []
    for path in sorted((EXAMPLE / "products").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        bases.append((path.stem, data["sku"], text, data))
    skus = []
    for index in range(count):
        stem, sku, text, data = bases[index % len(bases)]
        new = f"{sku}-{index:04}"
        skus.append(new)
        first = data["documents"][0]
        documents = [
            {"layout": first["layout"], "locales": first["locales"][:2],
             "marketplace": first["marketplace"]},
            {"layout": "card-eu-multi", "locales": ["en", "de", "fr", "it", "es"],
             "marketplace": "amazon-eu"},
        ]
        body = _replace_documents(text, documents)
        body = body.replace(f"sku: {sku}\n", f"sku: {new}\n", 1)
        (target / "products" / f"{stem}-{index:04}.yaml").write_text(body, encoding="utf-8")
        for po in (EXAMPLE / "locales").glob(f"*/{sku}.po"):
            folder = target / "locales" / po.parent.name
            folder.mkdir(parents=True, exist_ok=True)
            po_text = po.read_text(encoding="utf-8").replace(f'"{sku}|', f'"{new}|')
            po_text = po_text.replace(f"products/{stem}.yaml", f"products/{stem}-{index:04}.yaml")
            po_text = po_text.replace(f"Project-Id-Version: {sku}", f"Project-Id-Version: {new}")
            (folder / f"{new}.po").write_text(po_text, encoding="utf-8")
    return skus


def front_half(catalog_root: Path, products: tuple[str, ...] = ()) -> dict[str, float]:
    """Seconds spent loading the catalog and preparing every planned document's HTML."""
    from generator.build import BuildOptions, plan, prepare
    from generator.catalog import load_catalog

    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        catalog = load_catalog(catalog_root, partial=True)
        loaded = time.perf_counter()
        plans = plan(catalog, BuildOptions(catalog=catalog_root, out=Path(scratch),
                                           products=products))
        jobs = [prepare(catalog, planned, Path(scratch)) for planned in plans]
        done = time.perf_counter()
    return {"load": loaded - start, "prepare": done - loaded, "total": done - start,
            "documents": len(plans), "failed": sum(job is None for job in jobs)}


def snapshot(target: Path) -> Path:
    """A copy of the code and its data: the three builds run the same code even while the
    checkout is being edited (the cache key holds a digest of the rendering code)."""
    for name in ("generator", "layouts", "locales"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def front_half_kept(catalog_root: Path, products: tuple[str, ...] = ()) -> dict[str, float]:
    """The build's front half as a rebuild sees it, through its memo: seconds the first time
    (load, clean, HTML, memo written) and the second (nothing changed: memo read)."""
    from generator import build, incremental
    from generator.cache import Memo

    times = {}
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        options = build.BuildOptions(catalog=catalog_root, out=out, products=products)
        for label in ("first", "again"):
            start = time.perf_counter()
            memo = Memo(out)
            catalog, files = incremental.load(catalog_root, out, memo)
            key = incremental.front_keys(catalog, files, out)
            for planned in build.plan(catalog, options):
                if memo.get("prepared", planned.path, key(planned)) is None:
                    job = build.prepare(catalog, planned, out)
                    memo.put("prepared", planned.path, key(planned),
                             (job, planned.findings, planned.texts))
            times[label] = time.perf_counter() - start
    return times


def cli_build(catalog: Path, out: Path, jobs: int, code: Path, *extra: str) -> tuple[float, dict]:
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "generator", "-q", "build", str(catalog), "--out",
                          str(out), "--jobs", str(jobs), "--format", "json", *extra],
                         capture_output=True, text=True, cwd=code,
                         env=dict(os.environ, PYTHONPATH=str(code)))
    seconds = time.perf_counter() - start
    if run.returncode not in (0, 1):
        sys.exit(f"build failed ({run.returncode}): {run.stderr[-2000:]}")
    return seconds, json.loads(run.stdout)


def counts(summary: dict) -> str:
    return (f"{summary['documents']} documents, {summary.get('rendered', '?')} rendered, "
            f"{summary.get('reused', '?')} reused, {summary['failed']} failed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["make", "front", "build"])
    parser.add_argument("products", type=int)
    parser.add_argument("target", nargs="?", type=Path)
    parser.add_argument("--product", action="append", default=[], help="front: only this SKU")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="front: cProfile, top 30")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        target = args.target or Path(scratch) / f"catalog-{args.products}"
        skus = make_catalog(args.products, target)
        if args.what == "make":
            print(f"{target}: {len(skus)} products")
        elif args.what == "front":
            if args.profile:
                profile = cProfile.Profile()
                profile.enable()
            result = front_half(target, tuple(args.product))
            if args.profile:
                profile.disable()
                pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
            print(f"front half, {args.products} products"
                  + (f", --product {' '.join(args.product)}" if args.product else "")
                  + f": load {result['load']:.2f} s, prepare {result['prepare']:.2f} s "
                  f"({result['documents']} documents, {result['failed']} failed), "
                  f"total {result['total']:.2f} s")
            kept = front_half_kept(target, tuple(args.product))
            print(f"through the build's memo: first {kept['first']:.2f} s, "
                  f"nothing changed {kept['again']:.2f} s")
        else:
            out = Path(scratch) / "out"
            code = snapshot(Path(scratch) / "code")
            fresh, summary = cli_build(target, out, args.jobs, code)
            print(f"fresh build:      {fresh:7.1f} s  {counts(summary)}", flush=True)
            noop, summary = cli_build(target, out, args.jobs, code)
            print(f"nothing changed:  {noop:7.1f} s  {counts(summary)}  "
                  f"({100 * noop / fresh:.1f} % of fresh)", flush=True)
            changed = next(target.glob(f"products/*-{len(skus) // 2:04}.yaml"))
            changed.write_text(changed.read_text(encoding="utf-8").replace(
                "headline: Thank you", "headline: Many thanks", 1), encoding="utf-8")
            one, summary = cli_build(target, out, args.jobs, code)
            print(f"one product:      {one:7.1f} s  {counts(summary)}  "
                  f"({100 * one / fresh:.1f} % of fresh)", flush=True)


if __name__ == "__main__":
    main()
