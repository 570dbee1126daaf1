"""Layouts and print profiles: which template, which trim size, which PDF flavour.

A layout is a folder with a ``layout.yaml`` and its templates. Built-in layouts live in the
project's ``layouts/``; a catalog overrides one by shipping a same-named folder in its own
``layouts/`` (templates are looked up in the catalog first, then in the built-ins).
Print profiles are a small table (:data:`PROFILES`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from generator.catalog.models import Strict
from generator.findings import Finding
from generator.paths import BUILTIN_LAYOUTS

MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH


class Copyfit(Strict):
    """``copyfit:`` in ``layout.yaml``: how far a side's type may shrink to fit a translation."""

    min_scale: Annotated[float, Field(ge=0.5, le=1)] = Field(
        0.9, description="Smallest type scale tried before the fit check fails the document "
        "(0.9: down to 90 %; text at the 6 pt floor stays at 6 pt).")


class Layout(Strict):
    """``layouts/<name>/layout.yaml``: what a layout produces and its page geometry."""

    description: str = Field(description="One line shown by `insertgen init` and the README.")
    kind: Literal["card", "manual"] = Field("card", description="Document kind.")
    template: str = Field(description="Template file inside the layout folder.")
    stylesheet: str = Field(description="Stylesheet template inside the layout folder.")
    trim_mm: tuple[Annotated[float, Field(gt=0)], Annotated[float, Field(gt=0)]] = Field(
        description="Trimmed page size, width and height in millimetres."
    )
    bleed_mm: Annotated[float, Field(ge=0)] = Field(3.0, description="Bleed on every side.")
    safe_mm: Annotated[float, Field(ge=0)] = Field(
        4.0, description="Distance from the trim edge that text never crosses."
    )
    pages: Annotated[int, Field(ge=0)] = Field(
        2, description="Exact page count (2 for a card); 0 for any (a manual).")
    page_multiple: Annotated[int, Field(ge=1)] = Field(
        1, description="The page count is padded with notes pages to a multiple of this (4 for "
        "a saddle-stitched booklet).")
    notes_template: str | None = Field(
        None, description="Template of one notes page used for the padding (before the last "
        "page, the back cover).")
    multi_language: bool = Field(False, description="All locales on one document.")
    max_locales: Annotated[int, Field(ge=1)] = Field(1, description="Most locales on one document.")
    max_lines: dict[str, Annotated[int, Field(ge=1)]] = Field(
        default_factory=dict,
        description="Most lines a text field may take, by field path ('card.tips' covers every "
        "tip); the fit check measures them on the rendered card.",
    )
    options: dict[str, bool | int | float | str] = Field(
        default_factory=dict, description="Switches the templates read, e.g. show_tips: false."
    )
    copyfit: Copyfit | None = Field(
        None, description="Shrink the type of a side whose text overflows, down to min_scale, "
        "before the fit check fails it; reported as an info finding with the scale used.")


@dataclasses.dataclass(frozen=True)
class ResolvedLayout:
    """A layout and where its files are."""

    name: str
    spec: Layout
    #: Folder holding ``layout.yaml`` (catalog override or built-in).
    folder: Path
    #: True when the catalog overrides the built-in layout.
    overridden: bool


@dataclasses.dataclass(frozen=True)
class PrintProfile:
    """One row of the print profile table."""

    name: str
    description: str
    #: WeasyPrint ``pdf_variant`` (``None`` for plain PDF).
    pdf_variant: str | None
    #: Colours as ``device-cmyk`` and a CMYK output intent.
    cmyk: bool
    #: Keep the layout's bleed (screen files are cut to the trim).
    bleed: bool
    #: Draw crop marks outside the bleed, in registration colour.
    marks: bool
    #: Minimum bleed a printer accepts, for preflight.
    min_bleed_mm: float


PROFILES: dict[str, PrintProfile] = {
    p.name: p
    for p in (
        PrintProfile("print-x4", "PDF/X-4, CMYK output intent, bleed and crop marks",
                     "pdf/x-4", cmyk=True, bleed=True, marks=True, min_bleed_mm=3.0),
        PrintProfile("print-x1a", "PDF/X-1a, CMYK output intent, bleed and crop marks",
                     "pdf/x-1a", cmyk=True, bleed=True, marks=True, min_bleed_mm=3.0),
        PrintProfile("screen", "RGB for screens and e-mail: no bleed, no marks, small files",
                     None, cmyk=False, bleed=False, marks=False, min_bleed_mm=0.0),
    )
}

#: Length of a crop mark and its distance from the bleed edge, in millimetres.
MARK_LENGTH_MM = 5.0
MARK_OFFSET_MM = 1.0


def layout_dirs(catalog_root: Path | None) -> list[Path]:
    """Where layouts are looked up, catalog first."""
    dirs = []
    if catalog_root is not None and (catalog_root / "layouts").is_dir():
        dirs.append(catalog_root / "layouts")
    dirs.append(BUILTIN_LAYOUTS)
    return dirs


def available_layouts(catalog_root: Path | None) -> list[str]:
    names: set[str] = set()
    for folder in layout_dirs(catalog_root):
        names.update(p.parent.name for p in folder.glob("*/layout.yaml"))
    return sorted(names)


def layout_file(name: str, catalog_root: Path | None) -> tuple[Path, bool] | None:
    """The ``layout.yaml`` for ``name`` and whether it comes from the catalog."""
    for index, folder in enumerate(layout_dirs(catalog_root)):
        candidate = folder / name / "layout.yaml"
        if candidate.is_file():
            overridden = index == 0 and folder != BUILTIN_LAYOUTS
            return candidate, overridden
    return None


def display_path(filename: str | Path, catalog_root: Path) -> str:
    """A layout file as messages name it: relative to the catalog, ``<built-in>/layouts/...``
    for insertgen's own, else the full path (symlinks resolved)."""
    path = Path(filename).resolve()
    root, builtin = catalog_root.resolve(), BUILTIN_LAYOUTS.resolve()
    if path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    if path.is_relative_to(builtin):
        return f"<built-in>/layouts/{path.relative_to(builtin).as_posix()}"
    return str(path)


def template_finding(layout: ResolvedLayout, error: Exception, catalog_root: Path,
                     sku: str | None = None) -> Finding:
    """Where a layout's template failed: the file and line when Jinja knows them, else the
    layout's description (a template or stylesheet it names that cannot be found)."""
    filename, line = getattr(error, "filename", None), getattr(error, "lineno", None)
    missing = getattr(error, "name", None)
    if filename is None and missing in (f"{layout.name}/{layout.spec.template}",
                                        f"{layout.name}/{layout.spec.stylesheet}"):
        filename = str(layout.folder / "layout.yaml")
        base = missing.rsplit("/", 1)[-1]
        try:
            lines = Path(filename).read_text(encoding="utf-8").splitlines()
            line = next((i for i, text in enumerate(lines, 1) if base in text), 1)
        except OSError:
            line = 1
    elif filename is None:
        filename = str(layout.folder / layout.spec.template)
    return Finding(code="render.template", source=display_path(filename, catalog_root),
                   line=line or 1, sku=sku, category="render",
                   message=f"expected a template that renders, got "
                           f"{type(error).__name__}: {missing or error}")
