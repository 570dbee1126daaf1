"""Preflight checks of the PDF/X rules that are not about colour or boxes: transparency (PDF/X-1a
and X-3 forbid it), annotations inside the trim and the document Info keys every PDF/X file
needs. :mod:`generator.press.preflight` calls them while it reads each page.

Codes: ``preflight.transparency`` (a transparency group, soft mask, blend mode or opacity below 1
under X-1a or X-3), ``preflight.annotation`` (an annotation on the trimmed page) and
``preflight.pdfx`` (a missing or wrong Info key, XMP version or output intent).
"""

from __future__ import annotations

import pikepdf

#: Variants whose imaging model has no transparency.
OPAQUE_VARIANTS = ("pdf/x-1a", "pdf/x-3")
#: How each variant's ``GTS_PDFXVersion`` starts, and the name printed in messages.
_VERSIONS = {"pdf/x-1a": ("PDF/X-1", "PDF/X-1a"), "pdf/x-3": ("PDF/X-3", "PDF/X-3"),
             "pdf/x-4": ("PDF/X-4", "PDF/X-4")}
#: Annotations PDF/X allows anywhere.
_PRINTING_AIDS = ("/TrapNet", "/PrinterMark")
_PLAIN_BLENDS = ("/Normal", "/Compatible")


def is_pdfx(variant: str | None) -> bool:
    return bool(variant) and variant in _VERSIONS


def forbids_transparency(variant: str | None) -> bool:
    return variant in OPAQUE_VARIANTS


def label(variant: str) -> str:
    return _VERSIONS[variant][1]


def state_transparency(state) -> list[str]:
    """What makes a graphics state dictionary (ExtGState) transparent."""
    if not isinstance(state, pikepdf.Dictionary):
        return []
    found = []
    for key, what in (("/ca", "fill"), ("/CA", "stroke")):
        value = state.get(key)
        if value is not None and float(value) < 1:
            found.append(f"an opacity of {float(value):g} ({what})")
    mask = state.get("/SMask")
    if mask is not None and mask != pikepdf.Name.None_:
        found.append("a soft mask in a graphics state")
    blend = state.get("/BM")
    if isinstance(blend, pikepdf.Array):
        blend = blend[0] if len(blend) else None
    if blend is not None and str(blend) not in _PLAIN_BLENDS:
        found.append(f"the blend mode {str(blend).lstrip('/')}")
    return found


def xobject_transparency(xobject, name: str) -> list[str]:
    """A form's transparency group or an image's soft mask."""
    found = []
    group = xobject.get("/Group")
    if group is not None and group.get("/S") == "/Transparency":
        found.append(f"a transparency group (form XObject {name})")
    if xobject.get("/Subtype") == "/Image" and (
            xobject.get("/SMask") is not None or int(xobject.get("/SMaskInData", 0) or 0)):
        found.append(f"a soft mask (image {name} has an alpha channel)")
    return found


def _rect(value) -> tuple[float, float, float, float] | None:
    try:
        x0, y0, x1, y1 = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def annotation_findings(report, number: int, page: pikepdf.Page, variant: str) -> None:
    """Annotations whose rectangle meets the page's trim box (the media box without one):
    errors under X-1a and X-3; under X-4 an error when they print, a warning when they do not
    (hidden, or without the print flag)."""
    trim = _rect(page.obj.get("/TrimBox") or page.obj.get("/MediaBox"))
    printed: dict[str, int] = {}
    hidden: dict[str, int] = {}
    for annotation in page.obj.get("/Annots") or ():
        if not isinstance(annotation, pikepdf.Dictionary):
            continue
        kind = str(annotation.get("/Subtype", "/Unknown"))
        rect = _rect(annotation.get("/Rect"))
        if kind in _PRINTING_AIDS or rect is None or trim is None:
            continue
        if rect[2] <= trim[0] or rect[0] >= trim[2] or rect[3] <= trim[1] or rect[1] >= trim[3]:
            continue  # outside the trim, on the bleed or the slug
        flags = int(annotation.get("/F", 0) or 0)
        prints = flags & 4 and not flags & 2
        counts = printed if prints else hidden
        counts[kind.lstrip("/")] = counts.get(kind.lstrip("/"), 0) + 1
    name = label(variant)
    if variant in OPAQUE_VARIANTS:  # X-1a and X-3 allow none, printed or not
        for kind, n in hidden.items():
            printed[kind] = printed.get(kind, 0) + n
        hidden = {}
    if printed:
        report.error("preflight.annotation", number, f"expected no annotations inside the trim "
                     f"of a {name} file, got {_count(printed)}: remove them (insertgen's print "
                     "profiles leave links out)", key="printed", annotations=printed)
    if hidden:
        report.warning("preflight.annotation", number, f"expected no annotations inside the trim "
                       f"of a {name} file, got {_count(hidden)} (not printed, but many print "
                       "shops' preflights refuse them): insertgen's print profiles leave them "
                       "out", key="hidden", annotations=hidden)


def _count(kinds: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind} annotation{'s' * (n != 1)}" for kind, n in sorted(kinds.items()))


def info_findings(report, pdf: pikepdf.Pdf, variant: str) -> None:
    """The Info keys, XMP version and output intent every PDF/X file of ``variant`` needs."""
    prefix, name = _VERSIONS[variant]
    info = pdf.trailer.get("/Info")
    info = info if isinstance(info, pikepdf.Dictionary) else pikepdf.Dictionary()
    required = ["/GTS_PDFXVersion", "/Title", "/CreationDate", "/ModDate", "/Trapped"]
    version = str(info.get("/GTS_PDFXVersion", ""))
    if version == "PDF/X-1:2001":  # X-1a:2001 names its conformance level separately
        required.append("/GTS_PDFXConformance")
    missing = [key.lstrip("/") for key in required if key not in info]
    if missing:
        report.error("preflight.pdfx", None, f"expected the Info keys a {name} file needs, got "
                     f"no {', '.join(missing)}", key="info", missing=missing)
    if version and not version.startswith(prefix):
        report.error("preflight.pdfx", None, f"expected a {name} file (GTS_PDFXVersion "
                     f"{prefix}...), got GTS_PDFXVersion {version!r}", key="version")
    if version == "PDF/X-1:2001" and "/GTS_PDFXConformance" in info and \
            not str(info.GTS_PDFXConformance).startswith("PDF/X-1a"):
        report.error("preflight.pdfx", None, f"expected GTS_PDFXConformance PDF/X-1a:2001, got "
                     f"{str(info.GTS_PDFXConformance)!r}", key="conformance")
    trapped = info.get("/Trapped")
    if trapped is not None and str(trapped) not in ("/True", "/False", "True", "False"):
        report.error("preflight.pdfx", None, f"expected Trapped True or False in a {name} file, "
                     f"got {str(trapped).lstrip('/')}", key="trapped")
    if variant == "pdf/x-4":
        try:
            xmp = pdf.open_metadata().get("pdfxid:GTS_PDFXVersion")
        except Exception:  # noqa: BLE001 - unreadable XMP is reported as missing
            xmp = None
        if not xmp:
            report.error("preflight.pdfx", None, "expected pdfxid:GTS_PDFXVersion in the XMP "
                         "metadata of a PDF/X-4 file, got none", key="xmp")
    intents = [i for i in pdf.Root.get("/OutputIntents") or () if isinstance(i, pikepdf.Dictionary)
               and i.get("/S") == "/GTS_PDFX"]
    if not intents:
        report.error("preflight.pdfx", None, f"expected a GTS_PDFX output intent in a {name} "
                     "file, got none", key="intent")
    elif "/OutputConditionIdentifier" not in intents[0]:
        report.error("preflight.pdfx", None, "expected an OutputConditionIdentifier in the "
                     "output intent, got none", key="intent")
