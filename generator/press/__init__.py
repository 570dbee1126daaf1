"""Stage 5, press: what a print shop checks and does with finished PDFs.

In: PDF bytes or the files of a build (found through its manifest). Out: preflight findings
(``preflight``, reading the file once through ``readback``), proof pictures with trim, bleed
and safe-zone guides (``proof``), imposed press sheets (``impose``), and the mark on the copy
of a failed document kept for inspection (``failed``).

May import: ``generator.catalog`` (layouts and print profiles), ``generator.manifest`` and the
shared modules; never ``generator.render``, whose output it only reads as files.
"""
