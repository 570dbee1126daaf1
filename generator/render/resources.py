"""What rendering may read, and the CMYK output intent that print profiles declare.

A print document's output intent is the brand's own ICC profile when brand.yaml names one
(``output_intent:``, from the printer). Otherwise it is chosen by the marketplace's region from
the profiles insertgen ships (``generator/data/icc/``, built from freely licensed
characterization data; the table is ``output_intents.yaml`` there): FOGRA39 for Europe and
most of the world, GRACoL 2006 (CGATS TR 006) for North America.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import yaml
from babel.core import get_global

from generator.catalog import LoadedCatalog
from generator.catalog.layouts import PrintProfile
from generator.findings import InsertgenError
from generator.paths import DATA

#: The profiles shipped with insertgen and the table that picks one per market.
ICC_DIR = DATA / "icc"
#: Marketplace key endings that are not their country's ISO 3166 code.
_KEY_COUNTRIES = {"uk": "GB"}


@dataclasses.dataclass(frozen=True)
class OutputIntent:
    """The CMYK printing condition a document is made for."""

    #: The ICC profile file (embedded as the OutputIntent's DestOutputProfile).
    icc: str
    #: ``OutputConditionIdentifier``: the registry's name (``FOGRA39``), or ``Custom``.
    identifier: str
    #: ``RegistryName`` of a registered condition (``None`` for the brand's own profile).
    registry: str | None
    #: ``OutputCondition``: the condition in words.
    condition: str
    #: ``Info``: the profile's own description.
    info: str

    @property
    def css(self) -> str:
        """The ``@color-profile`` rule that makes WeasyPrint embed the profile."""
        return ("@color-profile device-cmyk { src: url(" + Path(self.icc).as_uri() + "); "
                "components: c, m, y, k }\n")


@functools.cache
def _table() -> dict:
    return yaml.safe_load((ICC_DIR / "output_intents.yaml").read_text(encoding="utf-8"))


def _shipped(name: str) -> OutputIntent:
    entry = _table()["profiles"][name]
    icc = ICC_DIR / entry["file"]
    return OutputIntent(str(icc), entry["identifier"], entry["registry"],
                        " ".join(entry["condition"].split()), _description(icc))


def _description(icc: Path) -> str:
    from PIL import ImageCms

    try:
        return (ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(str(icc))) or "").strip() \
            or icc.stem
    except (OSError, ImageCms.PyCMSError):
        return icc.stem


def default_cmyk_profile() -> Path | None:
    """The profile of the default region (shipped with insertgen)."""
    path = Path(_shipped(_table()["default"]).icc)
    return path if path.is_file() else None


def market_country(key: str, marketplace) -> str | None:
    """The marketplace's country (ISO 3166): the end of its key when that is a country code
    (``amazon-de``: DE), else the country of its support line's time zone."""
    tail = key.rsplit("-", 1)[-1].lower()
    if tail in _KEY_COUNTRIES:
        return _KEY_COUNTRIES[tail]
    if len(tail) == 2 and tail.upper() in get_global("territory_languages"):
        return tail.upper()
    timezone = getattr(getattr(marketplace, "support", None), "timezone", None)
    country = get_global("zone_territories").get(timezone or "")
    return country if country and country != "ZZ" else None


def region_intent(country: str | None) -> OutputIntent:
    """The shipped output intent for a market in ``country`` (``None``: the default)."""
    table = _table()
    for region in table["regions"]:
        if country in region["countries"]:
            return _shipped(region["profile"])
    return _shipped(table["default"])


def output_intent(catalog: LoadedCatalog, profile: PrintProfile,
                  marketplace: str | None = None) -> OutputIntent | None:
    """The output intent of a document printed with ``profile`` for ``marketplace`` (a key
    of brand.yaml); ``None`` for a profile without CMYK."""
    if not profile.cmyk:
        return None
    if catalog.brand.output_intent:
        icc = (catalog.root / catalog.brand.output_intent).resolve()
        description = _description(icc)
        return OutputIntent(str(icc), "Custom", None, description, description)
    market = catalog.brand.marketplaces.get(marketplace) if marketplace else None
    intent = region_intent(market_country(marketplace, market) if marketplace else None)
    if not Path(intent.icc).is_file():
        raise InsertgenError(
            f"profile {profile.name} needs a CMYK ICC profile and {intent.icc} is missing: "
            "reinstall insertgen, or set `output_intent:` in brand.yaml to your printer's profile")
    return intent


def output_intent_css(catalog: LoadedCatalog, profile: PrintProfile,
                      marketplace: str | None = None) -> tuple[str, str | None]:
    """The ``@color-profile`` rule for a CMYK profile and the ICC file it reads."""
    intent = output_intent(catalog, profile, marketplace)
    return (intent.css, intent.icc) if intent else ("", None)
