"""Which documents a saved file affects, worked out from its place in the catalog.

A product file or a product's translators' file affects that product's documents (a
translators' file only those printing its locale); a layout's folder the documents laid out
with it; a picture the documents of the products that name it (the brand's logo: every
document); ``brand.yaml``, shared layout parts and layout wording of a locale as far as they
reach. Files the build never reads affect nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from generator.build import Planned
from generator.catalog import LoadedCatalog

#: File names editors write next to the one being saved; never part of a catalog.
_EDITOR_LEFTOVERS = ("~", ".swp", ".swx", ".tmp", ".part")


def ignored(relative: str) -> bool:
    """Whether a changed path is an editor's or a tool's leftover, not a catalog file."""
    name = PurePosixPath(relative).name
    return (not name or name.startswith((".#", "#")) or name.endswith(_EDITOR_LEFTOVERS)
            or any(part.startswith(".") or part == "__pycache__"
                   for part in PurePosixPath(relative).parts))


def affected(catalog: LoadedCatalog, plans: Iterable[Planned], changed: Iterable[str]) -> set[str]:
    """The paths of the planned documents that the changed files (catalog-relative, ``/``
    separated) affect."""
    plans = list(plans)
    out: set[str] = set()
    for relative in changed:
        if not ignored(relative):
            out |= {p.path for p in plans if _affects(catalog, p, PurePosixPath(relative))}
    return out


def _affects(catalog: LoadedCatalog, planned: Planned, path: PurePosixPath) -> bool:
    parts = path.parts
    loaded = planned.loaded
    if str(path) == "brand.yaml":
        return True
    if parts[0] == "products":
        return str(path) == loaded.source
    if parts[0] == "locales" and len(parts) >= 3:
        locale = parts[1]
        if locale not in planned.locales:
            return False
        if parts[2] == "LC_MESSAGES":  # the layouts' wording in that language
            return True
        own = loaded.translations.get(locale)
        return (own is not None and own.path == str(path)) or path.stem == loaded.product.sku
    if parts[0] == "layouts" and len(parts) >= 2:
        return parts[1] in ("shared", planned.layout.name)
    if parts[0] == "images":
        if catalog.brand.logo and str(path) == str(catalog.brand.logo):
            return True
        return str(path) in _picture_names(loaded.product.model_dump()) or \
            _layout_mentions(planned, path.name)
    return False


def _picture_names(value) -> set[str]:
    """Every string in a product's data that could name a file."""
    if isinstance(value, dict):
        return {n for v in value.values() for n in _picture_names(v)}
    if isinstance(value, list | tuple):
        return {n for v in value for n in _picture_names(v)}
    return {str(value)} if isinstance(value, str) else set()


def _layout_mentions(planned: Planned, name: str) -> bool:
    """Whether a file of the document's layout (a stylesheet, a template) names ``name``."""
    folder = planned.layout.folder
    for file in folder.glob("*"):
        if file.suffix in (".css", ".html", ".j2", ".jinja"):
            try:
                if name in file.read_text(encoding="utf-8"):
                    return True
            except (OSError, UnicodeDecodeError):
                continue
    return False
