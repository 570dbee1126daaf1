"""``insertgen init``: a small, valid catalog to start from.

A brand file, one product, a logo, the JSON Schemas an editor reads (each YAML file names its
schema on its first line), a ``.gitignore`` for the build output, and German text for the
product in the older YAML form, which ``insertgen init`` turns into the PO file translators
work in (by the same ``i18n update`` that does it for any catalog).
"""

from __future__ import annotations

from pathlib import Path

from generator.catalog.schema import modeline, write_schemas
from generator.findings import InsertgenError

BRAND = """\
{modeline}
# Brand file. Your editor completes and checks it with schemas/brand.schema.json (renew the
# schemas after adding a marketplace, a locale or a layout: insertgen schema --write).
name: {name}
logo: images/logo.svg
colors:
  primary: {{cmyk: [85, 40, 0, 10], rgb: "#1f6fb2"}}
  accent: {{cmyk: [0, 55, 90, 0], rgb: "#f28c28"}}
source_locale: en
locales: [en, de, fr]
profile: print-x4
marketplaces:
  amazon-eu:
    name: Amazon.de
    support:
      url: "https://support.example.com/{{marketplace}}/{{sku}}?lang={{locale}}"
      email: help@example.com
      phone: "+4930123456"
      timezone: Europe/Berlin
      hours:
        - {{days: mon-fri, open: "09:00", close: "17:00"}}
manufacturer:
  name: {name} GmbH
  address: "Musterstraße 1, 10115 Berlin, Germany"
  email: info@example.com
"""

PRODUCT = """\
{modeline}
# One file per product.
sku: EX-001
name: Example Product
model: EX-1
documents:
  - layout: card-a6
    locales: [en, de, fr]
    marketplace: amazon-eu
card:
  tips:
    - Read the quick start guide before first use.
    - Keep the packaging until you are sure everything works.
"""

#: The German text of EX-001; ``init`` imports it into ``locales/de/EX-001.po`` and removes it.
TRANSLATION = """\
name: Beispielprodukt
card:
  tips:
    - Lesen Sie vor dem ersten Gebrauch die Kurzanleitung.
    - Bewahren Sie die Verpackung auf, bis alles funktioniert.
"""


#: A plain mark in the brand's primary colour, as device CMYK (nothing to convert).
LOGO = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 16">\
<rect width="16" height="16" rx="3" fill="device-cmyk(0.85 0.4 0 0.1)"/>\
<rect x="22" y="4" width="42" height="8" rx="2" fill="device-cmyk(0 0 0 0.8)"/></svg>
"""

GITIGNORE = """\
# What `insertgen build` and `insertgen proof` write.
/output/
"""

#: The legacy translation file ``init`` writes for ``i18n update`` to import.
LEGACY_TRANSLATION = Path("locales") / "de" / "EX-001.yaml"


def scaffold(target: Path, *, force: bool = False) -> list[Path]:
    """Write a starter catalog into ``target`` and return the files written."""
    target = Path(target)
    if target.exists() and any(target.iterdir()) and not force:
        raise InsertgenError(f"{target}: expected an empty or new folder, got one with files in it "
                             "(use --force to write into it anyway)")
    name = target.resolve().name.replace("-", " ").replace("_", " ").title() or "My Brand"
    files = {
        target / "brand.yaml": BRAND.format(name=name, modeline=modeline("brand")),
        target / "products" / "ex-001.yaml": PRODUCT.format(modeline=modeline("product")),
        target / "images" / "logo.svg": LOGO,
        target / ".gitignore": GITIGNORE,
        target / LEGACY_TRANSLATION: TRANSLATION,
    }
    written = []
    for path, text in files.items():
        if path.exists() and not force:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    (target / "layouts").mkdir(exist_ok=True)
    return written + write_schemas(target)
