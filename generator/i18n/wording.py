"""Layout wording: gettext catalogs under ``locales/<ll>/LC_MESSAGES/insertgen.po``.

The PO files are the source of truth; they are compiled in memory when a build starts (no
``.mo`` file is committed). A catalog may ship its own ``locales/<ll>/LC_MESSAGES/insertgen.po``
whose entries win over the built-in ones.
"""

from __future__ import annotations

import dataclasses
import functools
import io
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from generator.paths import BUILTIN_LOCALES

DOMAIN = "insertgen"


def gettext_dir(locale: str) -> str:
    """``zh-Hans`` -> ``zh_Hans``: gettext folder names use underscores."""
    return locale.replace("-", "_")


def babel_locale(locale: str) -> Locale:
    return Locale.parse(locale, sep="-")


def po_path(base: Path, locale: str) -> Path:
    return base / gettext_dir(locale) / "LC_MESSAGES" / f"{DOMAIN}.po"


def _compiled(path: Path) -> Translations:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=path.parent.parent.name, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@functools.cache
def translations_for(locale: str, catalog_root: Path | None = None) -> NullTranslations:
    """Translations for ``locale``: the catalog's own PO first, then the built-in one."""
    layers = []
    for base in ([catalog_root / "locales"] if catalog_root else []) + [BUILTIN_LOCALES]:
        path = po_path(base, locale)
        if path.is_file():
            layers.append(_compiled(path))
    if not layers:
        return NullTranslations()
    first = layers[0]
    for extra in layers[1:]:
        first.add_fallback(extra)
    return first


def has_builtin_wording(locale: str) -> bool:
    return po_path(BUILTIN_LOCALES, locale).is_file()


@dataclasses.dataclass(frozen=True)
class Wording:
    """One translated layout string and where it is written."""

    msgid: str
    #: The translation (one plural form).
    text: str
    #: The PO file, catalog-relative, or ``<built-in>/locales/...`` for insertgen's own.
    source: str
    line: int | None


def po_display(locale: str, builtin: bool) -> str:
    relative = f"locales/{gettext_dir(locale)}/LC_MESSAGES/{DOMAIN}.po"
    return f"<built-in>/{relative}" if builtin else relative


@functools.cache
def wording(locale: str, catalog_root: Path | None = None) -> tuple[Wording, ...]:
    """Every translated layout string for ``locale``, the catalog's own PO first (its entries
    win), then the built-in one; fuzzy entries are left out as the compiled catalog does."""
    out: list[Wording] = []
    seen: set[str] = set()
    layers = ([(catalog_root / "locales", False)] if catalog_root else []) + [(BUILTIN_LOCALES, True)]
    for base, builtin in layers:
        path = po_path(base, locale)
        if not path.is_file():
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=path.parent.parent.name, domain=DOMAIN)
        for message in catalog:
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            if not msgid or message.fuzzy or msgid in seen:
                continue
            seen.add(msgid)
            forms = [message.string] if isinstance(message.string, str) else list(message.string)
            out += [Wording(msgid, form, po_display(locale, builtin), message.lineno)
                    for form in forms if form]
    return tuple(out)
