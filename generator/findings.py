"""The one finding record shared by validation, translation checks, compliance and preflight.

Every stage that has something to tell the user returns :class:`Finding` objects. They are
printed by one printer (:func:`format_text`) and serialised by one JSON form
(:meth:`Finding.to_dict`), so a message reads the same whether it comes from the catalog
loader, the compliance engine or the PDF stage.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote


class Severity(enum.StrEnum):
    """How bad a finding is; ``error`` fails the document (or the run), ``warning`` only with
    ``--strict``, ``info`` never."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclasses.dataclass(frozen=True)
class Finding:
    """One thing worth telling the user, with the place it is about."""

    #: Short stable identifier of the check, e.g. ``catalog.type`` or ``glyph.missing``.
    code: str
    #: The sentence shown to the user; it says what was expected and what was found.
    message: str
    #: ``error``, ``warning`` or ``info``.
    severity: Severity = Severity.ERROR
    #: The file the finding is about, relative to the catalog when possible.
    source: str | None = None
    #: 1-based line in ``source`` (``None`` when unknown).
    line: int | None = None
    #: 1-based column in ``source``.
    column: int | None = None
    #: Dotted path of the field, e.g. ``marketplaces.amazon-eu.support.phone``.
    field: str | None = None
    #: Group the check belongs to: ``validation``, ``fallback``, ``glyphs``, ``render``,
    #: ``resources``, or a compliance category such as ``solicit``.
    category: str | None = None
    #: What was done about it: ``reported``, ``removed``, ``allowed``, ``fallback``.
    action: str = "reported"
    #: Product SKU, when the finding is about one product.
    sku: str | None = None
    #: Locale, when the finding is about one language.
    locale: str | None = None
    #: The document (output path) and marketplace, when the finding is about one document.
    document: str | None = None
    marketplace: str | None = None
    #: Free-form details (matched span, text before and after, ...), JSON-serialisable.
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def place(self) -> str:
        """``file:line:col`` as far as it is known."""
        if not self.source:
            return ""
        parts = [self.source]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self) -> str:
        """The finding as one line: ``place: field: message``."""
        head = [p for p in (self.place, self.field) if p]
        prefix = ": ".join(head)
        text = f"{prefix}: {self.message}" if prefix else self.message
        if self.document:
            where = f"{self.document} for {self.marketplace}" if self.marketplace else self.document
            text = f"{text} (in {where})"
        if self.severity is not Severity.ERROR:
            text = f"{text} [{self.severity.value}]"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used by the manifest and ``--format json``."""
        data = {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "source": self.source,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "category": self.category,
            "action": self.action,
            "sku": self.sku,
            "locale": self.locale,
            "document": self.document,
            "marketplace": self.marketplace,
        }
        data = {k: v for k, v in data.items() if v is not None}
        if self.extra:
            data.update(self.extra)
        return data


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def has_warnings(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.WARNING for f in findings)


def sort_key(finding: Finding) -> tuple:
    return (finding.source or "", finding.line or 0, finding.column or 0, finding.code)


def format_text(findings: Iterable[Finding]) -> str:
    """All findings, one per line, in file order."""
    return "\n".join(f.format() for f in sorted(findings, key=sort_key))


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
#: The uriBaseId of files in the repository (the name GitHub code scanning resolves).
SRCROOT = "%SRCROOT%"
#: The uriBaseId of insertgen's own files (``<built-in>/layouts/...``, ``<built-in>/locales/...``).
BUILTIN = "INSERTGEN"
#: Where the README lives; the rules' help links open one of its sections.
HOME = "https://github.com/insertgen/insertgen"


def repository_root(path: Path) -> Path:
    """The root a SARIF log's paths are relative to: the nearest folder at or above ``path``
    with a ``.git``; else the working directory when ``path`` is inside it; else ``path``."""
    path = Path(path).resolve()
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return folder
    cwd = Path.cwd().resolve()
    return cwd if path.is_relative_to(cwd) else path


@functools.cache
def _code_texts() -> dict:
    import yaml

    return yaml.safe_load((Path(__file__).parent / "data" / "finding_codes.yaml")
                          .read_text(encoding="utf-8"))


def describe(code: str) -> dict[str, str]:
    """``short``, ``full``, ``help`` and ``anchor`` of a finding code: its own entry, filled in
    from its family's (the part before the first dot)."""
    texts = _code_texts()
    family = texts["families"].get(code.split(".", 1)[0], {
        "short": f"insertgen check {code}", "anchor": "using-it",
        "full": f"A finding of insertgen's {code} check.",
        "help": "The message names the place and says what was expected and what was found."})
    return {**family, **texts["codes"].get(code, {})}


def _sarif_rule(rule_id: str, codes: set[str], level: str) -> dict[str, Any]:
    # A compliance rule reported under two codes (removed here, a suspect there) gets the
    # description of its family, which covers both.
    code = next(iter(codes)) if len(codes) == 1 else min(codes).split(".", 1)[0]
    text = describe(code)
    full = text["full"] if rule_id == code else f"{text['full']} Rule {rule_id} of insertgen."
    return {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", rule_id)),
        "shortDescription": {"text": text["short"]},
        "fullDescription": {"text": full},
        "help": {"text": text["help"], "markdown": f"{text['help']}\n\n[insertgen README]"
                 f"({HOME}#{text['anchor']})"},
        "helpUri": f"{HOME}#{text['anchor']}",
        "defaultConfiguration": {"level": level},
        "properties": {"codes": sorted(codes), "tags": sorted({c.split(".", 1)[0] for c in codes})},
    }


def _sarif_location(finding: Finding, prefix: str, root: Path) -> tuple[dict[str, Any], str, list]:
    """The physical location of a finding, its uri for the fingerprint and its related
    locations. A finding without a file is about the whole catalog and points at its brand
    file, and so does one about a file that does not exist yet (a translation to write; that
    file is a related location); a finding without a line points at line 1."""
    source, related = finding.source or "brand.yaml", []
    if source.startswith("<built-in>/"):
        artifact = {"uri": quote(source.removeprefix("<built-in>/")), "uriBaseId": BUILTIN}
    else:
        if not (root / source).is_file():
            related = [{"id": 0, "message": {"text": "the file this finding is about (not written yet)"},
                        "physicalLocation": {"artifactLocation": {"uri": quote(prefix + source),
                                                                  "uriBaseId": SRCROOT}}}]
            source = "brand.yaml"
        artifact = {"uri": quote(prefix + source), "uriBaseId": SRCROOT}
    region = {"startLine": max(finding.line or 1, 1) if not related else 1}
    if finding.line and finding.column and not related:
        region["startColumn"] = max(finding.column, 1)
    location = {"physicalLocation": {"artifactLocation": artifact, "region": region}}
    return location, related[0]["physicalLocation"]["artifactLocation"]["uri"] if related \
        else artifact["uri"], related


def to_sarif(findings: Iterable[Finding], *, root: Path | None = None, version: str = "",
             repository: Path | None = None, command: str = "check") -> dict:
    """The findings as a SARIF 2.1.0 log that GitHub code scanning accepts.

    Paths of catalog files are relative to ``repository`` (by default the repository that
    holds ``root``, the catalog) with the base ``%SRCROOT%``; insertgen's own layout and
    wording files have the base ``INSERTGEN``. Every result has a region, and a fingerprint
    made of its rule, file, field, place in the catalog and message, never its line, so an
    alert keeps its identity when lines move."""
    root = Path(root or ".").resolve()
    repository = Path(repository).resolve() if repository else repository_root(root)
    inside = root.relative_to(repository).as_posix() if root.is_relative_to(repository) else ""
    prefix = "" if inside in ("", ".") else inside + "/"
    findings = sorted(findings, key=sort_key)
    codes: dict[str, set[str]] = {}
    levels: dict[str, str] = {}
    results = []
    seen: dict[str, int] = {}
    for finding in findings:
        rule_id = finding.extra.get("rule", finding.code)
        codes.setdefault(rule_id, set()).add(finding.code)
        levels.setdefault(rule_id, _SARIF_LEVEL[finding.severity])
        location, uri, related = _sarif_location(finding, prefix, root)
        text = f"{finding.field}: {finding.message}" if finding.field else finding.message
        identity = "\0".join([rule_id, uri, finding.field or "", finding.sku or "",
                               finding.locale or "", finding.document or "", finding.message])
        digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
        seen[digest] = seen.get(digest, 0) + 1  # the same finding twice: tell them apart
        results.append({
            "ruleId": rule_id,
            "level": _SARIF_LEVEL[finding.severity],
            "message": {"text": text},
            "locations": [location],
            "partialFingerprints": {"insertgenFinding/v1": f"{digest}:{seen[digest]}"},
            **({"relatedLocations": related} if related else {}),
            "properties": {k: v for k, v in finding.to_dict().items()
                           if k not in ("message", "source", "line", "column", "severity")},
        })
    rule_ids = sorted(codes)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    for result in results:
        result["ruleIndex"] = index[result["ruleId"]]
    from generator.paths import BUILTIN_LAYOUTS

    run: dict[str, Any] = {
        "tool": {"driver": {"name": "insertgen", "version": version,
                            "semanticVersion": version or "0.0.0",
                            "informationUri": HOME,
                            "rules": [_sarif_rule(r, codes[r], levels[r]) for r in rule_ids]}},
        "automationDetails": {"id": f"insertgen/{command}/{prefix}"},
        "originalUriBaseIds": {
            SRCROOT: {"uri": repository.as_uri() + "/",
                      "description": {"text": "The root of the repository that holds the catalog."}},
            BUILTIN: {"uri": BUILTIN_LAYOUTS.resolve().parent.as_uri() + "/",
                      "description": {"text": "insertgen's own layouts and wording."}},
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
            "runs": [run]}


class InsertgenError(Exception):
    """A user error: printed without a traceback, exit code 2."""

    exit_code = 2

    def __init__(self, message: str, findings: list[Finding] | None = None):
        super().__init__(message)
        self.findings = findings or []


class CatalogError(InsertgenError):
    """The catalog cannot be loaded; ``findings`` lists every problem found."""


class ResourceError(InsertgenError):
    """A layout asked for a file outside the catalog or on the network."""
