"""Fuzz the real command line with mutated catalogs and count what happens.

    .venv/bin/python benchmarks/fuzz.py [--cases 300] [--build-every 6] [--seed 1]

Each case copies the sample catalog (``tests/fixtures/sample`` plus a copy of a built-in
layout), mutates one to three of its files (random characters, YAML and PO syntax, bombs,
huge values, a named pipe, a symlink out of the catalog) and runs ``insertgen validate`` and
``insertgen check`` on it (and ``insertgen build`` on every n-th case), each in a fresh process
with a time and memory limit. Printed: cases, clean results (exit 0, or exit 1/2 with every
error naming its place), tracebacks, hangs (over the time limit), memory blow-ups, and exit 0
on a case known to be invalid.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "sample"
FILES = ["brand.yaml", "products/clock.yaml", "products/fan.yaml", "locales/de/TS-FAN.po",
         "locales/ja/TS-FAN.yaml", "layouts/card-85x55/layout.yaml"]
PIECES = ["\x00", "\ufeff", "\t", ": ", "- ", "&a ", "*a", "{", "[", '"', "'", "\\", "#", "%",
          "!!python/object/apply:os.system ['true']", "\n", "  ", "msgctxt ", 'msgid "',
          "9" * 5000, "é", "🙂", "\u202e", "\r", "x" * 20000, "{% include '/etc/passwd' %}",
          "../../", "javascript:", "https://bit.ly/x", "&b [*a,*a,*a,*a,*a,*a,*a,*a,*a]"]
PLACE = re.compile(r"^(?:brand\.yaml|products/[\w.-]+|locales/[\w/.-]+|layouts/[\w/.-]+)(?::\d+)?")
TIMEOUT = 60
MEMORY = 1_500_000_000


def mutate(catalog: Path, rng: random.Random) -> bool:
    """Mutate the catalog; ``True`` when the result is certainly invalid."""
    kind = rng.random()
    if kind < 0.08:
        os.mkfifo(catalog / "products" / "pipe.yaml")
        return True
    if kind < 0.14:
        (catalog / "layouts" / "card-85x55" / "leak.j2").symlink_to("/etc/passwd")
        template = catalog / "layouts" / "card-85x55" / "card.html.j2"
        include = "{% include 'card-85x55/leak.j2' %}{% block"
        template.write_text(template.read_text().replace("{% block", include, 1))
        return False
    if kind < 0.2:
        clock = catalog / "products" / "clock.yaml"
        bomb = ['b0: &b0 ["x","x","x","x","x","x","x","x","x","x"]']
        bomb += [f"b{i}: &b{i} [" + ",".join([f"*b{i - 1}"] * 10) + "]" for i in range(1, 9)]
        clock.write_text(clock.read_text() + "\n".join(bomb) + "\n")
        return True
    for _ in range(rng.randint(1, 3)):
        name = rng.choice(FILES)
        path = catalog / name
        text = path.read_text(encoding="utf-8")
        at = rng.randint(0, len(text))
        piece = rng.choice(PIECES) if rng.random() < 0.7 else "".join(
            chr(rng.randint(32, 0x2FFF)) for _ in range(rng.randint(1, 6)))
        if rng.random() < 0.3:
            text = text[:at] + text[at + rng.randint(1, 30):]
        else:
            text = text[:at] + piece + text[at:]
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return False


def limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(args: list[str], cwd: Path) -> tuple[str, int | None, str]:
    try:
        done = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True,
                              text=True, timeout=TIMEOUT, cwd=cwd, preexec_fn=limit,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.TimeoutExpired:
        return "hang", None, ""
    output = done.stdout + done.stderr
    if "MemoryError" in output or done.returncode < 0:
        return "memory", done.returncode, output
    if "Traceback" in output:
        return "traceback", done.returncode, output
    return "exit", done.returncode, output


def clean(code: int, output: str) -> bool:
    if code == 0:
        return True
    errors = [line for line in output.splitlines() if line.strip() and not line.startswith(
        ("error:", "[", "built ", "translations:")) and "[warning]" not in line
        and "[info]" not in line and " document(s) checked" not in line
        and "catalog is valid" not in line]
    return all(PLACE.match(line) or line.startswith("TS-") for line in errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--build-every", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    counts = {"runs": 0, "clean": 0, "traceback": 0, "hang": 0, "memory": 0,
              "exit 0 on invalid": 0, "unclear message": 0}
    examples: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for case in range(args.cases):
            catalog = Path(tmp) / f"c{case}"
            shutil.copytree(SAMPLE, catalog)
            shutil.copytree(ROOT / "layouts" / "card-85x55", catalog / "layouts" / "card-85x55")
            invalid = mutate(catalog, rng)
            commands = [["validate", str(catalog)], ["check", str(catalog)]]
            if case % args.build_every == 0:
                commands.append(["build", str(catalog), "--out", str(catalog / "out"), "-q"])
            for command in commands:
                counts["runs"] += 1
                kind, code, output = run(command, Path(tmp))
                if kind != "exit":
                    counts[kind] += 1
                    examples.setdefault(kind, f"{command[0]} case {case}: {output[-400:]}")
                elif invalid and code == 0:
                    counts["exit 0 on invalid"] += 1
                elif not clean(code, output):
                    counts["unclear message"] += 1
                    examples.setdefault("unclear", f"{command[0]} case {case}: {output[-400:]}")
                else:
                    counts["clean"] += 1
            shutil.rmtree(catalog, ignore_errors=True)
    print(f"{args.cases} mutated catalogs, {counts['runs']} runs of validate / check / build:")
    for key, value in counts.items():
        print(f"  {key:18} {value}")
    for kind, text in examples.items():
        print(f"\nfirst {kind}:\n{text}")


if __name__ == "__main__":
    main()
