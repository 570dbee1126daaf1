"""The missing-glyph check, before anything is rendered.

Every printed character must be drawable by the font stack of its locale; anything else is an
error naming product, locale, field and character.
"""

from __future__ import annotations

from generator.catalog import LoadedCatalog, LoadedProduct
from generator.content.localize import Section
from generator.findings import Finding
from generator.i18n.wording import gettext_dir
from generator.render.fonts import describe_char, font_stack, missing_characters


def check_glyphs(catalog: LoadedCatalog, loaded: LoadedProduct, sections: list[Section]) -> list[Finding]:
    findings: list[Finding] = []
    sku = loaded.product.sku
    for section in sections:
        fonts = font_stack(section.locale)
        for text in section.texts():
            for char in missing_characters(text.value, fonts):
                findings.append(_finding(sku, section.locale, text.source, text.line, text.column,
                                         text.field, char, fonts))
        catalog_po = getattr(section.translations, "_catalog", {}) or {}
        for msgid, msgstr in catalog_po.items():
            if not msgid or not isinstance(msgstr, str):
                continue
            for char in missing_characters(msgstr, fonts):
                findings.append(_finding(sku, section.locale,
                                         f"locales/{gettext_dir(section.locale)}/LC_MESSAGES/insertgen.po",
                                         None, None, f'msgid "{str(msgid)[:40]}"', char, fonts))
    brand = catalog.brand
    shared = font_stack(sections[0].locale)
    for path, value in (("name", brand.name), ("manufacturer.name", brand.manufacturer.name),
                        ("manufacturer.address", brand.manufacturer.address)):
        for char in missing_characters(value, shared):
            line, column = catalog.brand_mark(tuple(path.split(".")))
            findings.append(_finding(sku, sections[0].locale, catalog.brand_source, line, column,
                                     path, char, shared))
    return findings


def _finding(sku, locale, source, line, column, field, char, fonts) -> Finding:
    return Finding(code="glyph.missing", category="glyphs", sku=sku, locale=locale, source=source,
                   line=line, column=column, field=field,
                   message=f"{sku}: {locale}: {field}: expected characters the fonts "
                   f"{' / '.join(fonts)} can draw, got {describe_char(char)} which none of them has")
