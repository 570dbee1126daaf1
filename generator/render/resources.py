"""What rendering may read, and the CMYK output intent that print profiles declare."""

from __future__ import annotations

from pathlib import Path

from generator.catalog import LoadedCatalog
from generator.catalog.layouts import PrintProfile
from generator.findings import InsertgenError

#: Where Debian's libgs-common puts a SWOP-like CMYK profile (the default output intent).
SYSTEM_CMYK_PROFILES = (
    Path("/usr/share/color/icc/ghostscript/default_cmyk.icc"),
    Path("/usr/share/ghostscript/iccprofiles/default_cmyk.icc"),
)


def default_cmyk_profile() -> Path | None:
    return next((p for p in SYSTEM_CMYK_PROFILES if p.is_file()), None)


def output_intent_css(catalog: LoadedCatalog, profile: PrintProfile) -> tuple[str, str | None]:
    """The ``@color-profile`` rule for a CMYK profile and the ICC file it reads."""
    if not profile.cmyk:
        return "", None
    if catalog.brand.output_intent:
        icc = (catalog.root / catalog.brand.output_intent).resolve()
    else:
        icc = default_cmyk_profile()
        if icc is None:
            raise InsertgenError(
                f"profile {profile.name} needs a CMYK ICC profile: set `output_intent:` in "
                "brand.yaml to your printer's profile, or install libgs-common "
                "(apt-get install libgs-common) for a default one")
    css = ("@color-profile device-cmyk { src: url(" + icc.as_uri() + "); "
           "components: c, m, y, k }\n")
    return css, str(icc)
