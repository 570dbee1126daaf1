"""Stage 2a, i18n: which text each locale prints, and the translators' workflow.

In: a :class:`~generator.catalog.LoadedCatalog`. Out: resolved texts per product, field and
locale with every fallback as a finding (``translations.resolve``); the layouts' gettext wording
per locale (``wording``); and, for translators, PO/POT/MO files (``extraction``), XLIFF
(``xliff``), translation checks (``checks``) and the status matrix (``status``).

May import: ``generator.catalog`` and the shared modules (``findings``, ``paths``, ``files``).
"""
