"""Stage 2b, localized content: for one product, document and locale, every text it prints.

In: a :class:`~generator.catalog.LoadedCatalog`, a product, a marketplace and a locale. Out: a
:class:`~generator.content.localize.Section` whose texts each keep their place (file, line,
field), plus the fallback findings; and the document's support URL.

May import: ``generator.i18n``, ``generator.catalog`` and the shared modules.
"""
