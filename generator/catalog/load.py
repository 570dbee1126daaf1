"""Read the catalog folder and validate it into typed models.

Reads ``brand.yaml``, ``products/*.yaml``, translators' ``locales/<locale>/<sku>.yaml`` and the
layouts they name; collects every problem (schema, cross-file references, missing files) as
findings that name file, line, column and field; and raises one :class:`CatalogError` at the end
when anything is wrong.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

from pydantic import BaseModel, ValidationError

from generator.catalog import regulations
from generator.catalog.layouts import PROFILES, Layout, ResolvedLayout, available_layouts, layout_file
from generator.catalog.models import Brand, Product
from generator.catalog.schema_errors import convert_error, got, suggest
from generator.catalog.translator_files import TranslatorFile, load_files
from generator.catalog.yamlsource import YamlSource, load_yaml, read_regular_file
from generator.findings import CatalogError, Finding, Severity, has_errors

BRAND_FILE = "brand.yaml"
PRODUCTS_DIR = "products"
LOCALES_DIR = "locales"


@dataclasses.dataclass
class LoadedProduct:
    """A validated product with the marks of its file and its translators' files."""

    product: Product
    src: YamlSource
    #: Translators' files by locale (PO, or the older YAML).
    translations: dict[str, TranslatorFile]

    @property
    def source(self) -> str:
        return self.src.display

    def marks(self, path: tuple) -> tuple[int, int]:
        return self.src.mark(path)

    mark = marks


@dataclasses.dataclass
class LoadedCatalog:
    """Everything the later stages need, validated."""

    root: Path
    brand: Brand
    brand_src: YamlSource
    products: list[LoadedProduct]
    layouts: dict[str, ResolvedLayout]
    #: Warnings (and, for a partial load, the errors of the products left out).
    findings: list[Finding]

    @property
    def brand_source(self) -> str:
        return self.brand_src.display

    def brand_mark(self, path: tuple) -> tuple[int, int]:
        return self.brand_src.mark(path)


def load_catalog(root: Path, *, partial: bool = False) -> LoadedCatalog:
    """Load and validate the catalog at ``root``.

    With ``partial`` an invalid product is left out (its errors stay in ``findings``) so the
    others can still be built; an invalid brand file always aborts.
    """
    root = Path(root)
    if not (root / BRAND_FILE).is_file():
        raise CatalogError(
            f"{root}: expected a catalog folder with {BRAND_FILE} and {PRODUCTS_DIR}/, "
            f"got no {BRAND_FILE} (create one with `insertgen init {root}`)"
        )
    findings: list[Finding] = _escaping_links(root)
    if findings:
        raise CatalogError("the catalog links to files outside it", findings)
    brand_src, brand = _load_model(root, BRAND_FILE, Brand, findings)
    if brand is None or has_errors(findings):
        raise CatalogError("the brand file is invalid", findings)
    findings += _check_brand(root, brand, brand_src)
    if has_errors(findings):
        raise CatalogError("the brand file is invalid", findings)
    findings += _check_wording_files(root)
    if has_errors(findings):
        raise CatalogError("a layout wording file is invalid", findings)

    layouts: dict[str, ResolvedLayout] = {}
    products: list[LoadedProduct] = []
    seen_skus: dict[str, str] = {}
    product_files = sorted((root / PRODUCTS_DIR).glob("*.y*ml"))
    if not product_files:
        findings.append(Finding(code="catalog.no-products", source=f"{PRODUCTS_DIR}/",
                                message="expected at least one product file (*.yaml), got none"))
    for path in product_files:
        display = path.relative_to(root).as_posix()
        own: list[Finding] = []
        src, product = _load_model(root, display, Product, own)
        if product is not None:
            if product.sku in seen_skus:
                own.append(src.finding(("sku",), f"expected a unique SKU, got '{product.sku}' "
                                       f"which {seen_skus[product.sku]} already uses",
                                       code="catalog.duplicate-sku"))
            seen_skus.setdefault(product.sku, display)
            own += _check_product(root, brand, product, src, layouts)
            translations = load_files(root, brand, product, own)
        findings += own
        if product is not None and not has_errors(own):
            products.append(LoadedProduct(product, src, translations))
    findings += _orphan_translations(root, brand, set(seen_skus))

    loaded = LoadedCatalog(root, brand, brand_src, products, layouts, findings)
    if has_errors(findings) and not (partial and products):
        raise CatalogError(f"{_count(findings)} in the catalog", findings)
    return loaded


def _escaping_links(root: Path) -> list[Finding]:
    """Catalog files that are symbolic links leading out of the catalog: refused before any
    is read (a link to /etc/passwd is not a product)."""
    real_root = root.resolve()
    candidates = [root / BRAND_FILE, *sorted((root / PRODUCTS_DIR).glob("*")),
                  *sorted((root / "locales").rglob("*")), *sorted((root / "images").rglob("*"))]
    findings = []
    for path in candidates:
        if path.is_symlink() and not path.resolve().is_relative_to(real_root):
            findings.append(Finding(
                code="catalog.outside", source=path.relative_to(root).as_posix(),
                category="validation", message=f"expected a file inside the catalog, got a "
                f"link to {path.resolve()}"))
    return findings


def _check_wording_files(root: Path) -> list[Finding]:
    """The catalog's own layout wording (``locales/<ll>/LC_MESSAGES/*.po``): regular UTF-8
    files that GNU gettext's syntax reads, checked before anything is built from them."""
    from babel.messages.pofile import PoFileError, read_po

    findings = []
    for path in sorted((root / "locales").glob("*/LC_MESSAGES/*.po")):
        display = path.relative_to(root).as_posix()
        try:
            text = read_regular_file(path).decode("utf-8")
            read_po(io.StringIO(text), abort_invalid=True)
        except UnicodeDecodeError as error:
            findings.append(Finding(code="i18n.po-read", source=display, line=1, column=1,
                                    category="translation", message=(
                                        "expected UTF-8 text, got an undecodable byte at "
                                        f"offset {error.start}")))
        except OSError as error:
            findings.append(Finding(code="i18n.po-read", source=display, category="translation",
                                    message=f"cannot read the file: {error.strerror or error}"))
        except PoFileError as error:
            findings.append(Finding(code="i18n.po-syntax", source=display,
                                    line=getattr(error, "lineno", None), category="translation",
                                    message=f"expected a valid PO file, got {error}"))
    return findings


def _count(findings: list[Finding]) -> str:
    n = sum(1 for f in findings if f.severity is Severity.ERROR)
    return f"{n} error{'s' if n != 1 else ''}"


def _load_model(root: Path, display: str, model: type[BaseModel], findings: list[Finding]):
    src, problems = load_yaml(root / display, display)
    findings += problems
    if src is None:
        return None, None
    if not isinstance(src.data, dict):
        findings.append(src.finding((), f"expected a mapping of keys to values, got {got(src.data)}",
                                    code="catalog.type"))
        return src, None
    try:
        return src, model.model_validate(src.data)
    except ValidationError as error:
        findings += [convert_error(src, model, e) for e in error.errors(include_url=False)]
        return src, None


# --- pydantic errors -> findings --------------------------------------------------------



def _check_file(root: Path, rel: str, src: YamlSource, path: tuple, what: str) -> list[Finding]:
    target = (root / rel).resolve()
    if not target.is_relative_to(root.resolve()):
        return [src.finding(path, f"expected {what} inside the catalog folder, got \"{rel}\"",
                            code="catalog.outside")]
    if not target.is_file():
        return [src.finding(path, f"expected {what} that exists, got \"{rel}\" (no such file)",
                            code="catalog.missing-file")]
    return []


def _check_icc(path: Path, src: YamlSource) -> list[Finding]:
    """An output intent must be an ICC profile of a CMYK output device (what PDF/X needs)."""
    try:
        head = read_regular_file(path, 20_000_000)[:40]
    except OSError as error:
        return [src.finding(("output_intent",), f"cannot read the ICC profile: {error}",
                            code="catalog.icc")]
    if len(head) < 40 or head[36:40] != b"acsp":
        return [src.finding(("output_intent",), "expected an ICC profile (a file with the "
                            "'acsp' signature), got a file that is not one", code="catalog.icc")]
    if head[16:20] != b"CMYK":
        space = head[16:20].decode("ascii", "replace").strip()
        return [src.finding(("output_intent",), f"expected a CMYK ICC profile for the print "
                            f"output intent, got a {space} profile", code="catalog.icc")]
    return []


def _check_brand(root: Path, brand: Brand, src: YamlSource) -> list[Finding]:
    findings: list[Finding] = []
    if brand.profile not in PROFILES:
        findings.append(src.finding(("profile",), f"expected one of {', '.join(PROFILES)}, got "
                                    f"\"{brand.profile}\"{suggest(brand.profile, list(PROFILES))}",
                                    code="catalog.profile"))
    if brand.logo:
        findings += _check_file(root, brand.logo, src, ("logo",), "a logo file")
    if brand.output_intent:
        problems = _check_file(root, brand.output_intent, src, ("output_intent",), "an ICC profile")
        findings += problems or _check_icc(root / brand.output_intent, src)
    if brand.source_locale not in brand.locales:
        findings.append(src.finding(("source_locale",), f"expected one of the brand's locales "
                                    f"({', '.join(brand.locales)}), got \"{brand.source_locale}\"",
                                    code="catalog.locale"))
    findings += regulations.check_brand(brand, src)
    return findings


def _resolve_layout(root: Path | None, name: str, layouts: dict[str, ResolvedLayout],
                    findings: list[Finding]) -> ResolvedLayout | None:
    if name in layouts:
        return layouts[name]
    found = layout_file(name, root)
    if found is None:
        return None
    path, overridden = found
    display = (path.relative_to(root).as_posix() if overridden
               else f"<built-in>/layouts/{name}/layout.yaml")
    src, problems = load_yaml(path, display)
    findings += problems
    if src is None:
        return None
    try:
        spec = Layout.model_validate(src.data)
    except ValidationError as error:
        findings += [convert_error(src, Layout, e) for e in error.errors(include_url=False)]
        return None
    layouts[name] = ResolvedLayout(name, spec, path.parent, overridden)
    return layouts[name]


def resolve_layout(root: Path | None, name: str) -> tuple[ResolvedLayout | None, list[Finding]]:
    """One layout by name, the catalog's own first (for tools that read a build's output)."""
    findings: list[Finding] = []
    return _resolve_layout(root, name, {}, findings), findings


def _check_product(root: Path, brand: Brand, product: Product, src: YamlSource,
                   layouts: dict[str, ResolvedLayout]) -> list[Finding]:
    findings: list[Finding] = []
    for index, image in enumerate(product.images):
        findings += _check_file(root, image.file, src, ("images", index, "file"), "an image file")
    manual = product.manual
    if manual is not None:
        if manual.overview is not None:
            findings += _check_file(root, manual.overview.image, src,
                                    ("manual", "overview", "image"), "a picture file")
        for part in ("setup", "operation"):
            for index, step in enumerate(getattr(manual, part)):
                if step.image:
                    findings += _check_file(root, step.image, src,
                                            ("manual", part, index, "image"), "a picture file")
    markets = list(brand.marketplaces)
    manuals: list[tuple[int, str]] = []
    for index, doc in enumerate(product.documents):
        here = ("documents", index)
        resolved = _resolve_layout(root, doc.layout, layouts, findings)
        if resolved is None and doc.layout not in layouts:
            names = available_layouts(root)
            findings.append(src.finding((*here, "layout"), f"expected one of the layouts "
                                        f"{', '.join(names)}, got \"{doc.layout}\""
                                        f"{suggest(doc.layout, names)}", code="catalog.layout"))
        if doc.marketplace not in brand.marketplaces:
            findings.append(src.finding((*here, "marketplace"), f"expected a marketplace of "
                                        f"brand.yaml ({', '.join(markets)}), got \"{doc.marketplace}\""
                                        f"{suggest(doc.marketplace, markets)}",
                                        code="catalog.marketplace"))
        for li, locale in enumerate(doc.locales):
            if locale not in brand.locales:
                findings.append(src.finding((*here, "locales", li), f"expected a locale the brand "
                                            f"sells in ({', '.join(brand.locales)}), got \"{locale}\"",
                                            code="catalog.locale"))
        if len(set(doc.locales)) != len(doc.locales):
            findings.append(src.finding((*here, "locales"), "expected each locale once, got a "
                                        "repeated locale", code="catalog.locale"))
        if doc.profile and doc.profile not in PROFILES:
            findings.append(src.finding((*here, "profile"), f"expected one of {', '.join(PROFILES)}, "
                                        f"got \"{doc.profile}\"", code="catalog.profile"))
        if resolved and resolved.spec.multi_language and len(doc.locales) > resolved.spec.max_locales:
            findings.append(src.finding((*here, "locales"), f"expected at most "
                                        f"{resolved.spec.max_locales} locales for layout "
                                        f"{doc.layout}, got {len(doc.locales)}", code="catalog.locale"))
        if resolved and resolved.spec.kind == "manual":
            manuals.append((index, doc.marketplace))
            if product.manual is None:
                findings.append(src.finding((*here, "layout"), f"expected a `manual:` section in "
                                            f"the product for the manual layout {doc.layout}, got "
                                            "none", code="catalog.manual"))
        elif doc.edition != "per-language":
            findings.append(src.finding((*here, "edition"), f"expected per-language for the card "
                                        f"layout {doc.layout} (combined is for manuals), got "
                                        f"\"{doc.edition}\"", code="catalog.edition"))
    if manuals:
        findings += regulations.check_product(brand, product, src,
                                              [(i, m) for i, m in manuals if m in brand.marketplaces])
    ids = [doc.id or doc.layout for doc in product.documents]
    for index, doc_id in enumerate(ids):
        if ids.index(doc_id) != index:
            findings.append(src.finding(("documents", index), f"expected a unique document id, got "
                                        f"\"{doc_id}\" twice (set `id:` on one of them)",
                                        code="catalog.duplicate-document"))
    return findings


def _orphan_translations(root: Path, brand: Brand, skus: set[str]) -> list[Finding]:
    findings = []
    base = root / LOCALES_DIR
    if not base.is_dir():
        return findings
    for path in sorted([*base.glob("*/*.y*ml"), *base.glob("*/*.po")]):
        locale, sku = path.parent.name, path.stem
        rel = path.relative_to(root).as_posix()
        if locale not in brand.locales:
            findings.append(Finding(code="catalog.orphan-translation", source=rel, line=1, column=1,
                                    severity=Severity.WARNING, category="validation",
                                    message=f"expected a locale of brand.yaml ({', '.join(brand.locales)}), "
                                    f"got \"{locale}\"; this file is not used"))
        elif sku not in skus:
            findings.append(Finding(code="catalog.orphan-translation", source=rel, line=1, column=1,
                                    severity=Severity.WARNING, category="validation",
                                    message=f"expected the SKU of a product, got \"{sku}\"; "
                                    "this file is not used"))
    return findings

