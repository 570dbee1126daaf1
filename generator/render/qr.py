"""QR codes as one vector path: each row's run of dark modules becomes a rectangle.

One merged path costs WeasyPrint less than half the drawing time of qrcode's per-module SVG
(see PRINT.md) and stays vector at any print size.
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


def qr_svg(payload: str, colour: str, *, label: str = "") -> Markup:
    """An inline SVG of the QR code for ``payload`` with ``colour`` as the dark module fill."""
    matrix = qr_matrix(payload)
    size = len(matrix) + 2 * QUIET_ZONE
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start + QUIET_ZONE} {y + QUIET_ZONE}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'class="qr" role="img" aria-label="{escape(label)}" shape-rendering="crispEdges">'
        f'<path fill="{escape(colour)}" d="{"".join(parts)}"/></svg>'
    )
