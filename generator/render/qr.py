"""QR codes as one vector path: each run of dark modules becomes a rectangle, grown down over
the rows where the same run repeats.

One merged path costs WeasyPrint less than half the drawing time of qrcode's per-module SVG
(see PRINT.md) and stays vector at any print size; WeasyPrint parses the path again for every
document it draws, so fewer rectangles are cheaper still (a card's code: ~40 % fewer than one
per run).
"""

from __future__ import annotations

import functools

import qrcode
import qrcode.constants
from markupsafe import Markup, escape

#: Modules of light margin around the code; ISO/IEC 18004 asks for four.
QUIET_ZONE = 4


@functools.lru_cache(maxsize=256)
def qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The module matrix (without quiet zone) for ``payload``, error correction level M."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(payload)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


def qr_rectangles(matrix) -> list[tuple[int, int, int, int]]:
    """The dark modules as ``(x, y, width, height)`` rectangles: each row's runs, a run that
    repeats in the rows below grown down over them (a finder pattern is three rectangles,
    not fifteen runs)."""
    done: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}  # (start, end) -> first row
    for y, row in enumerate((*matrix, ())):  # the empty row at the end closes every run
        runs, x = set(), 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.add((start, x))
            else:
                x += 1
        for run in [r for r in open_runs if r not in runs]:
            first = open_runs.pop(run)
            done.append((run[0], first, run[1] - run[0], y - first))
        for run in runs - open_runs.keys():
            open_runs[run] = y
    return sorted(done, key=lambda r: (r[1], r[0]))


@functools.lru_cache(maxsize=256)
def qr_svg(payload: str, colour: str, *, label: str = "") -> Markup:
    """An inline SVG of the QR code for ``payload`` with ``colour`` as the dark module fill."""
    matrix = qr_matrix(payload)
    size = len(matrix) + 2 * QUIET_ZONE
    parts = [f"M{x + QUIET_ZONE} {y + QUIET_ZONE}h{w}v{h}h-{w}z"
             for x, y, w, h in qr_rectangles(matrix)]
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'class="qr" role="img" aria-label="{escape(label)}" shape-rendering="crispEdges">'
        f'<path fill="{escape(colour)}" d="{"".join(parts)}"/></svg>'
    )
