"""Stage 1, the catalog: the catalog folder read and validated into typed models.

In: a folder (``brand.yaml``, ``products/*.yaml``, translators' ``locales/<locale>/<SKU>.po``,
optional ``layouts/``). Out: a :class:`LoadedCatalog` (brand, products with their translators'
files, the layouts they use), or one :class:`~generator.findings.CatalogError` that lists every
problem with its file, line, column and field.

Here: YAML with line marks (``yamlsource``), the PO format (``pofile``), the schema
(``models``), layout specs and print profiles (``layouts``; the catalog names them, so they are
validated here), regulatory blocks as data (``regulations``), translators' files
(``translator_files``), schema errors (``schema_errors``), loading (``load``), the JSON
Schema for editors (``schema``) and ``init``'s scaffold. May import: ``generator.findings``,
``generator.paths``, ``generator.files``.
"""

from generator.catalog.load import (
    BRAND_FILE,
    PRODUCTS_DIR,
    LoadedCatalog,
    LoadedProduct,
    load_catalog,
    resolve_layout,
)
from generator.catalog.schema import json_schemas

__all__ = ["BRAND_FILE", "PRODUCTS_DIR", "LoadedCatalog", "LoadedProduct", "json_schemas",
           "load_catalog", "resolve_layout"]
