"""Stage 4, render: checked content to HTML to PDF bytes.

In: cleaned :class:`~generator.content.localize.Section` objects, the layout and print profile.
Out: glyph findings (``glyphs``), the HTML and CSS (``html``), typeset per language
(``typeset``), and from a warm worker the PDF's bytes with what only the laid-out boxes show:
the fit of every field, the QR module size and the pictures placed (``pdf``), turned into
findings by ``fit``. Also fonts per locale
(``fonts``), the QR code (``qr``), the output intent (``resources``), the pictures in that
output intent's CMYK (``artwork``, with the ICC transforms in ``colour`` and SVG files read
by ``svgtree``) and ``doctor``.

May import: ``generator.content``, ``generator.i18n``, ``generator.catalog`` and the shared
modules; never ``generator.compliance`` or ``generator.press`` (the orchestrator combines them).
"""
