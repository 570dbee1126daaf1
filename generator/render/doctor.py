"""``insertgen doctor``: is this machine able to render every configured locale, fast?

Checks Pango, HarfBuzz subsetting (without libharfbuzz-subset0 WeasyPrint falls back to
fontTools: 5x slower on a Latin card, 36x on a CJK card), fontconfig, the CMYK profile of the
print profiles, and a font for the script of every configured locale, and says exactly what to
install.
"""

from __future__ import annotations

import ctypes.util
import dataclasses
import shutil
from pathlib import Path

from generator.findings import InsertgenError
from generator.render.fonts import find_family, font_stack, package_for, script_of
from generator.render.resources import default_cmyk_profile

#: Locales checked when no catalog is given: every locale with built-in wording.
BUILTIN_LOCALES = ("en", "de", "fr", "it", "es", "nl", "sv", "pl", "tr", "ar", "ja", "zh-Hans",
                   "pt-BR", "ko")


@dataclasses.dataclass
class DoctorReport:
    lines: list[str] = dataclasses.field(default_factory=list)
    missing_packages: list[str] = dataclasses.field(default_factory=list)
    ok: bool = True

    def good(self, text: str) -> None:
        self.lines.append(f"ok    {text}")

    def bad(self, text: str, package: str | None = None) -> None:
        self.ok = False
        self.lines.append(f"FAIL  {text}")
        if package and package not in self.missing_packages:
            self.missing_packages.append(package)


def _pango_version() -> str | None:
    try:
        from weasyprint.text.ffi import pango

        number = pango.pango_version()
        return f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    except Exception:  # noqa: BLE001 - any failure to load Pango is what we report
        return None


def _harfbuzz_subset() -> bool:
    try:
        from weasyprint.text.ffi import harfbuzz_subset

        return harfbuzz_subset is not None
    except Exception:  # noqa: BLE001
        return ctypes.util.find_library("harfbuzz-subset") is not None


def run_doctor(catalog: Path | None) -> DoctorReport:
    report = DoctorReport()
    version = _pango_version()
    if version:
        report.good(f"Pango {version} loads")
    else:
        report.bad("Pango cannot be loaded by WeasyPrint", "libpango-1.0-0")
    if _harfbuzz_subset():
        report.good("HarfBuzz subsetting (libharfbuzz-subset0) is available")
    else:
        report.bad("libharfbuzz-subset0 is missing: WeasyPrint would subset fonts with fontTools, "
                   "5x slower on Latin cards and 36x on CJK cards", "libharfbuzz-subset0")
    if shutil.which("fc-match"):
        report.good("fontconfig (fc-match) is available")
    else:
        report.bad("fc-match is missing: insertgen cannot check glyph coverage", "fontconfig")
    icc = default_cmyk_profile()
    if icc:
        report.good(f"default CMYK output intent: {icc}")
    else:
        report.bad("the CMYK output intents shipped in generator/data/icc/ are missing: "
                   "reinstall insertgen (or set output_intent in brand.yaml)")

    locales = list(BUILTIN_LOCALES)
    if catalog is not None:
        from generator.catalog import load_catalog

        try:
            locales = load_catalog(catalog, partial=True).brand.locales
        except InsertgenError as error:
            report.bad(f"{catalog}: cannot read the catalog ({error}); checking built-in locales")
    for locale in locales:
        for family in font_stack(locale):
            for bold in (False, True):
                weight = "bold" if bold else "regular"
                if find_family(family, bold) is None:
                    report.bad(f"{locale} ({script_of(locale)}): font '{family}' {weight} is not "
                               f"installed", package_for(family))
                    break
            else:
                continue
            break
        else:
            report.good(f"{locale} ({script_of(locale)}): {' / '.join(font_stack(locale))}")
    if report.missing_packages:
        report.lines.append("")
        report.lines.append("install: sudo apt-get install " + " ".join(report.missing_packages))
    else:
        report.lines.append("everything insertgen needs is installed")
    return report
