"""``insertgen init``: a small, valid catalog to start from."""

from __future__ import annotations

from pathlib import Path

from generator.findings import InsertgenError

BRAND = """\
# Brand file. `insertgen schema brand` prints its JSON Schema for editor completion.
name: {name}
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
# One file per product. `insertgen schema product` prints its JSON Schema.
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

TRANSLATION = """\
# German text of EX-001, filled by a translator. Missing fields fall back to English.
name: Beispielprodukt
card:
  tips:
    - Lesen Sie vor dem ersten Gebrauch die Kurzanleitung.
    - Bewahren Sie die Verpackung auf, bis alles funktioniert.
"""


def scaffold(target: Path, *, force: bool = False) -> list[Path]:
    """Write a starter catalog into ``target`` and return the files written."""
    target = Path(target)
    if target.exists() and any(target.iterdir()) and not force:
        raise InsertgenError(f"{target}: expected an empty or new folder, got one with files in it "
                             "(use --force to write into it anyway)")
    name = target.resolve().name.replace("-", " ").replace("_", " ").title() or "My Brand"
    files = {
        target / "brand.yaml": BRAND.format(name=name),
        target / "products" / "ex-001.yaml": PRODUCT,
        target / "locales" / "de" / "EX-001.yaml": TRANSLATION,
    }
    written = []
    for path, text in files.items():
        if path.exists() and not force:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    (target / "layouts").mkdir(exist_ok=True)
    return written
