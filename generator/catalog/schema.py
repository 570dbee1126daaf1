"""JSON Schema of the catalog files, for editors (``# yaml-language-server: $schema=``) and
check-jsonschema.

The models declare the types, patterns and formats (``models``); this module adds the lists
kept in tables (print profiles, regulatory blocks, time zones, layouts and what each allows)
and, for one catalog, the lists kept in its files: its marketplaces, its locales and its own
layouts. What needs arithmetic or another file's content (a GTIN's check digit, a picture that
exists, the source locale among the locales) stays with ``insertgen validate``.
"""

from __future__ import annotations

import json
import zoneinfo
from pathlib import Path
from typing import Any

from generator.catalog import regulations
from generator.catalog.layouts import PROFILES, available_layouts
from generator.catalog.load import BRAND_FILE, resolve_layout
from generator.catalog.models import Brand, Product, ProductTranslation
from generator.catalog.yamlsource import load_yaml

#: Where ``init`` and ``insertgen schema --write`` put a catalog's schemas.
SCHEMA_DIR = "schemas"
#: The file of each schema, and the ``$schema`` path its YAML files name (relative to them:
#: ``brand.yaml`` is at the top of the catalog, product files are one folder down).
SCHEMA_FILES = {"brand": "brand.schema.json", "product": "product.schema.json"}
MODELINE_PATHS = {"brand": f"{SCHEMA_DIR}/brand.schema.json",
                  "product": f"../{SCHEMA_DIR}/product.schema.json"}


def modeline(which: str) -> str:
    """The comment that points the YAML language server at the catalog's schema."""
    return f"# yaml-language-server: $schema={MODELINE_PATHS[which]}"


def json_schemas(catalog: Path | None = None) -> dict[str, dict[str, Any]]:
    """JSON Schema (draft 2020-12) of each catalog file. Without ``catalog`` the layouts are
    the built-in ones and any marketplace key or locale code of the right form passes; with
    it, the catalog's own layouts count too and a document must name one of the brand's
    marketplaces and locales."""
    brand_data = _brand_data(catalog)
    out = {}
    for name, model in (("brand", Brand), ("product", Product), ("translation", ProductTranslation)):
        schema = model.model_json_schema()
        _close_pattern_properties(schema)
        out[name] = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    _brand_lists(out["brand"])
    _product_lists(out["product"], catalog, brand_data)
    return out


def write_schemas(catalog: Path) -> list[Path]:
    """Write the brand and product schemas of ``catalog`` into its ``schemas/`` folder."""
    schemas = json_schemas(catalog)
    folder = Path(catalog) / SCHEMA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for which, filename in SCHEMA_FILES.items():
        path = folder / filename
        path.write_text(json.dumps(schemas[which], indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(catalog: Path) -> list[str]:
    """The schema files in ``catalog/schemas/`` that no longer say what the catalog allows
    (a marketplace, locale or layout added since they were written)."""
    folder = Path(catalog) / SCHEMA_DIR
    present = {w: folder / f for w, f in SCHEMA_FILES.items() if (folder / f).is_file()}
    if not present:
        return []
    schemas = json_schemas(catalog)
    stale = []
    for which, path in present.items():
        try:
            if json.loads(path.read_text(encoding="utf-8")) != schemas[which]:
                stale.append(f"{SCHEMA_DIR}/{path.name}")
        except (OSError, ValueError):
            stale.append(f"{SCHEMA_DIR}/{path.name}")
    return stale


# --- the lists ------------------------------------------------------------------------------


def _brand_data(catalog: Path | None) -> dict:
    """The brand file as plain data, read leniently: a schema is still written for a brand
    file that does not validate (the editor shows what is wrong with it)."""
    if catalog is None or not (Path(catalog) / BRAND_FILE).is_file():
        return {}
    src, _ = load_yaml(Path(catalog) / BRAND_FILE, BRAND_FILE)
    return src.data if src is not None and isinstance(src.data, dict) else {}


def _brand_lists(schema: dict) -> None:
    props, defs = schema["properties"], schema["$defs"]
    _restrict(props["profile"], enum=list(PROFILES))
    _restrict(defs["Marketplace"]["properties"]["regulations"]["items"], enum=sorted(regulations.table()))
    _restrict(defs["Support"]["properties"]["timezone"], enum=sorted(zoneinfo.available_timezones()))


def _product_lists(schema: dict, catalog: Path | None, brand: dict) -> None:
    document = schema["$defs"]["Document"]
    props = document["properties"]
    _restrict(props["profile"], enum=list(PROFILES))
    layouts = {}
    for name in available_layouts(catalog):
        resolved, _ = resolve_layout(catalog, name)
        if resolved is not None:
            layouts[name] = resolved.spec
    _restrict(props["layout"], enum=sorted(layouts))
    props["locales"]["uniqueItems"] = True
    markets = brand.get("marketplaces")
    if isinstance(markets, dict) and markets:
        _restrict(props["marketplace"], enum=[k for k in markets if isinstance(k, str)])
    locales = brand.get("locales")
    if isinstance(locales, list) and locales:
        _restrict(props["locales"]["items"], enum=[x for x in locales if isinstance(x, str)])

    rules = []
    cards = sorted(n for n, spec in layouts.items() if spec.kind != "manual")
    if cards:  # combined editions are for manuals
        rules.append({"if": _layout_is(cards), "then": {"properties": {
            "edition": {"const": "per-language"}}}})
    by_limit: dict[int, list[str]] = {}
    for name, spec in layouts.items():
        by_limit.setdefault(spec.max_locales if spec.multi_language else 0, []).append(name)
    for limit, names in sorted(by_limit.items()):
        if limit:
            rules.append({"if": _layout_is(sorted(names)), "then": {"properties": {
                "locales": {"maxItems": limit}}}})
    if rules:
        document["allOf"] = rules
    manuals = sorted(n for n, spec in layouts.items() if spec.kind == "manual")
    if manuals:  # a manual layout needs the product's manual section
        schema["allOf"] = [{"if": {"properties": {"documents": {"contains": _layout_is(manuals)}},
                                   "required": ["documents"]},
                            "then": {"required": ["manual"]}}]


def _layout_is(names: list[str]) -> dict:
    return {"properties": {"layout": {"enum": names}}, "required": ["layout"]}


def _restrict(prop: dict, **what: Any) -> None:
    """Add ``what`` to a property, or to its non-null branch when it is optional."""
    branches = [b for b in prop.get("anyOf", []) if b.get("type") != "null"]
    (branches[0] if branches else prop).update(what)


def _close_pattern_properties(node: Any) -> None:
    """A mapping whose keys have a pattern (marketplace keys, locales) refuses other keys,
    as the validator does; pydantic leaves them open."""
    if isinstance(node, dict):
        if "patternProperties" in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _close_pattern_properties(value)
    elif isinstance(node, list):
        for value in node:
            _close_pattern_properties(value)
