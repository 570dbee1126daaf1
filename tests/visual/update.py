"""Write the visual regression references again: ``.venv/bin/python tests/visual/update.py``.

Builds the pages of ``visual_pages.CASES`` twice, refuses to write anything when the two renders
differ (the references would not be reproducible), then writes ``reference/<name>.png`` and says
which pictures changed. Look at the changed ones before committing them. With ``--docs`` it
writes the README's card picture (``docs/card-de.png``) instead.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

import visual_pages as pages  # noqa: E402


def docs() -> int:
    cases = tuple(pages.DOCS.values())
    with tempfile.TemporaryDirectory(prefix="insertgen-docs-") as work:
        out = pages.build(Path(work), cases)
        for path, case in pages.DOCS.items():
            image = pages.rasterise(out / case.pdf, case.pages, pages.DOCS_DPI)
            pages.save(image, path)
            print(f"{path.relative_to(pages.ROOT)}  {image.width}x{image.height}  "
                  f"{path.stat().st_size / 1000:.0f} kB")
    return 0


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="insertgen-visual-") as work:
        first, second = Path(work, "1"), Path(work, "2")
        first.mkdir()
        second.mkdir()
        outs = pages.build(first), pages.build(second)
        unstable = [case.name for case in pages.CASES
                    if pages.picture(outs[0], case).tobytes() != pages.picture(outs[1], case).tobytes()]
        if unstable:
            print(f"error: two builds rendered different pictures of {', '.join(unstable)}; "
                  "no reference written", file=sys.stderr)
            return 1
        for case in pages.CASES:
            image = pages.picture(outs[0], case)
            path = pages.reference_path(case)
            if not path.exists():
                state = "new"
            else:
                with Image.open(path) as old:
                    comparison = pages.compare(image, old)
                state = "unchanged" if comparison.largest == 0 else f"changed: {comparison}"
            pages.save(image, path)
            print(f"{path.relative_to(pages.ROOT)}  {image.width}x{image.height}  "
                  f"{path.stat().st_size / 1000:.0f} kB  {state}")
    stale = {p.name for p in pages.REFERENCE.glob("*.png")} - {
        pages.reference_path(c).name for c in pages.CASES}
    for name in sorted(stale):
        print(f"{name}: no case uses it any more; remove it")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] not in ([], ["--docs"]):
        sys.exit(f"usage: {sys.argv[0]} [--docs]")
    sys.exit(docs() if sys.argv[1:] == ["--docs"] else main())
