"""Page pictures for the preview: the proof code's render with the guides asked for, and the
texts that do not fit outlined on it.

Where a text sits on the page is read back from the PDF (PDFium's text search over the printed
words), so the outline is drawn where the text is printed, whatever the layout did with it.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Collection, Iterable
from pathlib import Path

import pypdfium2 as pdfium
from PIL import ImageDraw

from generator.press.proof import PT_PER_INCH, proof_page

#: The guide names a page picture may show: the proof's three, and the outlines of texts.
GUIDE_NAMES = ("trim", "bleed", "safe zone", "outline")
OUTLINE = (220, 0, 40)

Box = tuple[float, float, float, float]


@dataclasses.dataclass(frozen=True)
class Outline:
    """A printed text found on a page: its box in PDF points (x0, y0, x1, y1, y up)."""

    page: int
    box: Box
    #: What the outline is for (shown next to it): the field and its locale.
    label: str


def page_png(pdf: Path, page: int, *, dpi: int, safe_mm: float | None,
             guides: Collection[str], outlines: Iterable[Outline] = ()) -> bytes:
    """Page ``page`` of ``pdf`` as PNG bytes with the guides named in ``guides`` and, with
    ``"outline"`` among them, the outlines that are on this page."""
    image = proof_page(pdf, page, dpi=dpi, safe_mm=safe_mm,
                       guides=[g for g in guides if g != "outline"])
    if "outline" in guides:
        on_page = [o for o in outlines if o.page == page]
        if on_page:
            media = _mediabox(pdf, page)
            draw = ImageDraw.Draw(image)
            scale = dpi / PT_PER_INCH
            width = max(2, round(dpi / 50))
            for outline in on_page:
                x0, y0, x1, y1 = outline.box
                pad = 2.0  # points around the glyphs, so the outline does not touch them
                rect = ((x0 - pad - media[0]) * scale, (media[3] - y1 - pad) * scale,
                        (x1 + pad - media[0]) * scale, (media[3] - y0 + pad) * scale)
                draw.rectangle(rect, outline=OUTLINE, width=width)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _mediabox(pdf: Path, page: int) -> Box:
    document = pdfium.PdfDocument(pdf)
    try:
        x0, y0, x1, y1 = document[page - 1].get_mediabox()
        return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    finally:
        document.close()


def find_texts(pdf: Path, texts: Iterable[tuple[str, str]]) -> list[Outline]:
    """Where each ``(label, text)`` is printed in ``pdf``: one outline per text found, around
    its words from the first to the last on the page where it starts."""
    wanted = [(label, _words(text)) for label, text in texts]
    wanted = [(label, words) for label, words in wanted if words]
    if not wanted:
        return []
    found: list[Outline] = []
    document = pdfium.PdfDocument(pdf)
    try:
        for label, words in wanted:
            for number in range(1, len(document) + 1):
                box = _find_on_page(document[number - 1], words)
                if box is not None:
                    found.append(Outline(number, box, label))
                    break
    finally:
        document.close()
    return found


def _words(text: str) -> list[str]:
    # Word joiners and no-break spaces bind words when printed; the PDF reads back spaces.
    return re.sub(r"[\u2060\u00a0\u202f\u200b\u00ad]", " ", text).split()


def _find_on_page(page: pdfium.PdfPage, words: list[str]) -> Box | None:
    """The box from the first to the last of ``words`` on ``page``; a text broken over lines
    (or hyphenated) is found by its first and its last words separately."""
    textpage = page.get_textpage()
    try:
        head = _search(textpage, " ".join(words[:3]))
        if head is None:
            head = _search(textpage, words[0])
        if head is None:
            return None
        start, count = head
        tail = _search(textpage, " ".join(words[-2:]), after=start) if len(words) > 1 else None
        end = tail[0] + tail[1] if tail is not None else start + count
        boxes = [textpage.get_charbox(i) for i in range(start, end)]
        boxes = [b for b in boxes if b[2] > b[0] or b[3] > b[1]]
        if not boxes:
            return None
        return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))
    finally:
        textpage.close()


def _search(textpage: pdfium.PdfTextPage, needle: str, after: int = 0) -> tuple[int, int] | None:
    searcher = textpage.search(needle, match_case=True)
    try:
        while (hit := searcher.get_next()) is not None:
            if hit[0] >= after:
                return hit
        return None
    finally:
        searcher.close()
