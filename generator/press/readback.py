"""A written PDF read back: opened once in PDFium for the checks that look at the file itself
(the compliance gate's text, preflight's pages and glyphs)."""

from __future__ import annotations

import re

import pypdfium2 as pdfium

# Line breaks inside CJK text carry no space; elsewhere a wrapped line continues after a space.
_CJK_BREAK = re.compile(r"(?<=[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef])\r?\n"
                        r"(?=[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef])")
_HYPHEN_BREAK = re.compile(r"(?<=\w)[-\u00ad\u2010]\r?\n(?=[a-zà-öø-ÿ])")


class ReadBack:
    """A written PDF opened once in PDFium, its pages and their text layers loaded once for
    the compliance gate and preflight (``with ReadBack(data) as pages: ...``)."""

    def __init__(self, data: bytes):
        self.document = pdfium.PdfDocument(data)
        self.pages = [self.document[index] for index in range(len(self.document))]
        self.texts = [page.get_textpage() for page in self.pages]

    def __enter__(self) -> ReadBack:
        return self

    def __exit__(self, *exc) -> None:
        for text in self.texts:
            text.close()
        for page in self.pages:
            page.close()
        self.document.close()


def pdf_text(pdf: bytes | ReadBack) -> str:
    """The text of every page as a reader's PDF tool extracts it, wrapped lines rejoined."""
    if not isinstance(pdf, ReadBack):
        with ReadBack(pdf) as read:
            return pdf_text(read)
    # PDFium marks a hyphen that ends a line as U+FFFE.
    text = "\n\n".join(t.get_text_range() for t in pdf.texts).replace("\ufffe", "-")
    return _HYPHEN_BREAK.sub("", _CJK_BREAK.sub("", text)).replace("\r\n", "\n")
