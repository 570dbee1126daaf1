"""Stage 3, compliance: no review solicitation reaches print.

In: localized :class:`~generator.content.localize.Section` objects (cleaned in place), the
layout's templates (through the Jinja environment the orchestrator hands in) and, at the end,
the text read back from a rendered PDF. Out: findings (removed, allowed, errors) and a
:class:`~generator.compliance.gate.Gate` for the PDF's text.

Here: the engine (``engine``), rule packs as data (``rules/*.yaml``), the cleaning stage
(``cleaning``) and the PDF gate (``gate``). May import: ``generator.content``,
``generator.i18n``, ``generator.catalog`` and the shared modules.
"""
