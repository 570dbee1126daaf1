"""The one finding record shared by validation, translation checks, compliance and preflight.

Every stage that has something to tell the user returns :class:`Finding` objects. They are
printed by one printer (:func:`format_text`) and serialised by one JSON form
(:meth:`Finding.to_dict`), so a message reads the same whether it comes from the catalog
loader, the compliance engine or the PDF stage.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from pathlib import Path
from typing import Any


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


def to_sarif(findings: Iterable[Finding], *, root: Path | None = None, version: str = "") -> dict:
    """The findings as a SARIF 2.1.0 log (code-scanning tools and editors read it). Paths are
    relative to the catalog (``CATALOG``); built-in files keep their ``<built-in>/`` name."""
    findings = sorted(findings, key=sort_key)
    rules: dict[str, dict] = {}
    results = []
    for finding in findings:
        rule_id = finding.extra.get("rule", finding.code)
        rules.setdefault(rule_id, {"id": rule_id, "properties": {"category": finding.category,
                                                                 "code": finding.code}})
        result: dict[str, Any] = {
            "ruleId": rule_id,
            "level": _SARIF_LEVEL[finding.severity],
            "message": {"text": f"{finding.field}: {finding.message}" if finding.field
                        else finding.message},
            "properties": {k: v for k, v in finding.to_dict().items()
                           if k not in ("message", "source", "line", "column", "severity")},
        }
        if finding.source:
            region = {"startLine": finding.line} if finding.line else {}
            if finding.line and finding.column:
                region["startColumn"] = finding.column
            location: dict[str, Any] = {"artifactLocation": {"uri": finding.source}}
            if not finding.source.startswith("<"):
                location["artifactLocation"]["uriBaseId"] = "CATALOG"
            if region:
                location["region"] = region
            result["locations"] = [{"physicalLocation": location}]
        results.append(result)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "insertgen", "version": version,
                            "informationUri": "https://github.com/insertgen/insertgen",
                            "rules": list(rules.values())}},
        "results": results,
    }
    if root is not None:
        run["originalUriBaseIds"] = {"CATALOG": {"uri": Path(root).resolve().as_uri() + "/"}}
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
