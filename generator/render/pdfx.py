"""PDF/X finishing: what the finisher of :mod:`generator.render.pdf` does to a print file.

WeasyPrint wraps parts of a page in form XObjects carrying a transparency group
(``/Group /S /Transparency``) even when nothing in them is transparent; PDF/X-1a and X-3 forbid
such groups, and an isolated group with opaque content paints exactly as the same content
without it. Here each group is kept only when something inside really is transparent (an
opacity below 1, a soft mask, a blend mode other than Normal, a picture with an alpha channel);
for the profiles without transparency the rest is reported, by page, so the build refuses the
document instead of writing a file that only claims to be PDF/X-1a.

Print files also lose their link annotations (PDF/X wants none inside the trim; paper has no
links), gain the Info keys PDF/X asks for, and name their output condition as the ICC registry
does (``FOGRA39``, ``CGATS TR 006``), not as the CSS rule that declared the profile.
"""

from __future__ import annotations

import re

import pydyf

#: Variants that forbid transparency (ISO 15930-4 and -6 are based on PDF 1.3's model).
OPAQUE_VARIANTS = ("pdf/x-1a", "pdf/x-3")

#: The ``GTS_PDFXVersion`` each variant writes in Info (WeasyPrint leaves X-4's out).
PDFX_VERSIONS = {"pdf/x-1a": "PDF/X-1a:2003", "pdf/x-3": "PDF/X-3:2003", "pdf/x-4": "PDF/X-4"}


def label(variant: str) -> str:
    """``PDF/X-1a`` for ``pdf/x-1a``."""
    return PDFX_VERSIONS.get(variant, variant).split(":")[0]

_NAME = rb"/([^\s/\[\]()<>{}%]+)"
_STATE = re.compile(_NAME + rb"\s+gs\b")
_DRAW = re.compile(_NAME + rb"\s+Do\b")
_PATTERN = re.compile(_NAME + rb"\s+(?:scn|SCN)\b")
#: Saving and restoring the graphics state, and setting or drawing by name, in stream order.
_STACKED = re.compile(rb"(?<![^\s\]>)])(q|Q)(?=\s|$)|" + _NAME + rb"\s+(gs|Do)\b")
#: Blend modes that paint as if there were none.
_PLAIN_BLENDS = {"/Normal", "/Compatible", "Normal", "Compatible"}


def is_pdfx(variant: str | None) -> bool:
    return bool(variant) and variant.startswith("pdf/x")


def _resolve(pdf: pydyf.PDF, value):
    """The object ``value`` points to when it is an indirect reference, else ``value``."""
    if isinstance(value, (bytes, str)) and re.fullmatch(rb"\d+ 0 R", _bytes(value)):
        return pdf.objects[int(_bytes(value).split()[0])]
    return value


def _bytes(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def _content(pdf: pydyf.PDF, contents) -> bytes:
    """The operators of a page's or form's content (one stream or an array of them)."""
    contents = _resolve(pdf, contents)
    if isinstance(contents, pydyf.Stream):
        return b"\n".join(pydyf._to_bytes(chunk) for chunk in contents.stream)
    if isinstance(contents, (list, pydyf.Array)):
        return b"\n".join(_content(pdf, part) for part in contents)
    return b""


def _entry(pdf: pydyf.PDF, resources, kind: str, name: bytes):
    group = _resolve(pdf, resources.get(kind)) if isinstance(resources, dict) else None
    if not isinstance(group, dict):
        return None
    return _resolve(pdf, group.get(name.decode("latin-1")))


def _state_reasons(state) -> list[str]:
    """What makes a graphics state (ExtGState) transparent."""
    if not isinstance(state, dict):
        return []
    reasons = []
    alphas = [v for v in (state.get("ca"), state.get("CA")) if isinstance(v, (int, float))]
    if alphas and min(alphas) < 1:
        reasons.append(f"an opacity of {min(alphas):g}")
    mask = state.get("SMask")
    if mask is not None and str(mask) not in ("/None", "None"):
        reasons.append("a soft mask (a gradient of opacity or a mask)")
    blend = state.get("BM")
    if blend is not None and str(blend) not in _PLAIN_BLENDS:
        reasons.append(f"the blend mode {str(blend).lstrip('/')}")
    return reasons


class Transparency:
    """Which form XObjects of a PDF being written paint anything transparent, and why."""

    def __init__(self, pdf: pydyf.PDF):
        self.pdf = pdf
        self._forms: dict[int, list[str]] = {}
        #: Forms reached from page content, in the order found.
        self.forms: list[pydyf.Stream] = []
        #: Forms drawn where a transparent graphics state is set: their group is what makes
        #: CSS opacity apply to the element as a whole, so it stays even if they are opaque.
        self.composited: set[int] = set()

    def page(self, page: pydyf.Dictionary) -> list[str]:
        """What is transparent on ``page`` (its forms included), each reason once."""
        return self._scan(_content(self.pdf, page.get("Contents")),
                          _resolve(self.pdf, page.get("Resources")))

    def form(self, form: pydyf.Stream) -> list[str]:
        key = id(form)
        if key not in self._forms:
            self._forms[key] = []  # a form drawing itself is not transparent for that
            self.forms.append(form)
            self._forms[key] = self._scan(_content(self.pdf, form),
                                          _resolve(self.pdf, form.extra.get("Resources")))
        return self._forms[key]

    def _scan(self, content: bytes, resources) -> list[str]:
        reasons: list[str] = []
        for name in dict.fromkeys(_STATE.findall(content)):
            reasons += _state_reasons(_entry(self.pdf, resources, "ExtGState", name))
        if reasons:
            self._composited(content, resources)
        for name in dict.fromkeys(_DRAW.findall(content)):
            drawn = _entry(self.pdf, resources, "XObject", name)
            if not isinstance(drawn, pydyf.Stream):
                continue
            if drawn.extra.get("Subtype") == "/Image":
                if drawn.extra.get("SMask") is not None or drawn.extra.get("SMaskInData"):
                    reasons.append("a picture with an alpha channel (soft mask)")
            else:
                reasons += self.form(drawn)
        for name in dict.fromkeys(_PATTERN.findall(content)):
            pattern = _entry(self.pdf, resources, "Pattern", name)
            if isinstance(pattern, pydyf.Stream):
                reasons += self.form(pattern)
        return list(dict.fromkeys(reasons))


    def _composited(self, content: bytes, resources) -> None:
        """Note the forms drawn while a transparent graphics state is in force."""
        stack: list[bool] = []
        transparent = False
        for match in _STACKED.finditer(content):
            operator, name, kind = match.group(1), match.group(2), match.group(3)
            if operator == b"q":
                stack.append(transparent)
            elif operator == b"Q":
                transparent = stack.pop() if stack else False
            elif kind == b"gs":
                state = _entry(self.pdf, resources, "ExtGState", name)
                if _state_reasons(state):
                    transparent = True
                elif isinstance(state, dict) and ("ca" in state or "CA" in state):
                    transparent = False  # opacity back to 1
            elif transparent:
                drawn = _entry(self.pdf, resources, "XObject", name)
                if isinstance(drawn, pydyf.Stream):
                    self.composited.add(id(drawn))


def remove_opaque_groups(pdf: pydyf.PDF) -> dict[int, list[str]]:
    """Drop the transparency group of every form whose content is opaque and that is not drawn
    under a transparent graphics state; the reasons each page is transparent, by page number
    (pages without transparency left out)."""
    scan = Transparency(pdf)
    transparent = {}
    for number, page in enumerate(pages(pdf), 1):
        reasons = scan.page(page)
        if reasons:
            transparent[number] = reasons
    for form in scan.forms:
        group = _resolve(pdf, form.extra.get("Group"))
        if isinstance(group, dict) and str(group.get("S")) == "/Transparency" \
                and not scan.form(form) and id(form) not in scan.composited:
            del form.extra["Group"]
    return transparent


_SPACE_USED = re.compile(_NAME + rb"\s+(?:cs|CS)\b")


def drop_unused_colour_spaces(pdf: pydyf.PDF, families=("/ICCBased", "/Lab")) -> list[str]:
    """Remove the named colour spaces of ``families`` that no content stream selects (WeasyPrint
    declares ICC CMYK and Lab spaces in every file, used or not; PDF/X-1a allows neither);
    the names removed."""
    used: set[bytes] = set()
    spaces = []
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Subtype") != "/Image":
            used.update(_SPACE_USED.findall(_content(pdf, obj)))
        resources = obj.extra.get("Resources") if isinstance(obj, pydyf.Stream) else obj
        if isinstance(resources, dict):
            found = _resolve(pdf, resources.get("ColorSpace"))
            if isinstance(found, dict) and all(id(found) != id(s) for s in spaces):
                spaces.append(found)
    removed = []
    for space in spaces:
        for name in list(space):
            value = _resolve(pdf, space[name])
            family = str(value[0]) if isinstance(value, (list, pydyf.Array)) and value else ""
            if family in families and name.encode("latin-1") not in used:
                del space[name]
                removed.append(name)
    return sorted(set(removed))


def pages(pdf: pydyf.PDF) -> list[pydyf.Dictionary]:
    """The page dictionaries, in order (pydyf keeps ``Kids`` as ``number 0 R`` triples)."""
    return [pdf.objects[number] for number in pdf.pages["Kids"][::3]]


def remove_annotations(pdf: pydyf.PDF, drop) -> int:
    """Take off the pages every annotation for which ``drop(annotation)`` is true; how many
    were removed. A page left with none loses its ``Annots``."""
    removed = 0
    for page in pages(pdf):
        annotations = page.get("Annots")
        if not annotations:
            continue
        kept = pydyf.Array()
        for reference in annotations:
            annotation = _resolve(pdf, reference)
            if isinstance(annotation, dict) and drop(annotation):
                removed += 1
                continue
            kept.append(reference)
        if kept:
            page["Annots"] = kept
        else:
            del page["Annots"]
    return removed


def remove_links(pdf: pydyf.PDF) -> int:
    """Take every link annotation off the pages; how many were removed."""
    return remove_annotations(pdf, lambda annotation: annotation.get("Subtype") == "/Link")


def complete_info(pdf: pydyf.PDF, variant: str) -> None:
    """The Info keys of PDF/X: ``GTS_PDFXVersion`` (X-4 too) and ``Trapped``."""
    version = PDFX_VERSIONS.get(variant)
    if version and "GTS_PDFXVersion" not in pdf.info:
        pdf.info["GTS_PDFXVersion"] = pydyf.String(version)
    if "Trapped" not in pdf.info:
        pdf.info["Trapped"] = "/False"


def name_output_intent(pdf: pydyf.PDF, identifier: str, registry: str | None, condition: str,
                       info: str) -> None:
    """Name the output condition of the file's OutputIntent as PDF/X readers expect."""
    intents = _resolve(pdf, pdf.catalog.get("OutputIntents"))
    for intent in intents or ():
        intent = _resolve(pdf, intent)
        if not isinstance(intent, dict) or intent.get("S") != "/GTS_PDFX":
            continue
        intent["OutputConditionIdentifier"] = pydyf.String(identifier)
        intent["OutputCondition"] = pydyf.String(condition)
        intent["Info"] = pydyf.String(info)
        if registry:
            intent["RegistryName"] = pydyf.String(registry)
        else:
            intent.pop("RegistryName", None)
