"""``OUT/manifest.json``: one entry per document, whether it was built or failed.

Entries of documents outside this build (another ``--product`` run) are kept, so a partial
build loses nothing already built.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path, PurePosixPath
from typing import Any

from generator.findings import Finding, InsertgenError, Severity, has_errors, sort_key
from generator.layouts import PrintProfile, ResolvedLayout
from generator.pdf import RenderResult, write_atomically

MANIFEST = "manifest.json"


@dataclasses.dataclass
class DocumentRecord:
    """What the manifest says about one document."""

    sku: str
    document: str
    layout: str
    locales: list[str]
    #: Path relative to the output folder.
    path: str
    trim_mm: list[float]
    bleed_mm: float
    pdf_variant: str | None
    profile: str
    findings: list[Finding]
    status: str = "pending"
    pages: int = 0
    sha256: str | None = None
    bytes: int = 0

    @classmethod
    def planned(cls, sku: str, document: str, layout: ResolvedLayout, locales: list[str], path: str,
                profile: PrintProfile, findings: list[Finding]) -> DocumentRecord:
        spec = layout.spec
        record = cls(sku, document, layout.name, list(locales), path, list(spec.trim_mm),
                     spec.bleed_mm if profile.bleed else 0.0, profile.pdf_variant, profile.name,
                     findings)
        if has_errors(findings):
            record.status = "failed"
        return record

    def complete(self, result: RenderResult, fit: list[Finding] = ()) -> None:
        """Record the render: its problems, the fit findings, pages, hash and size."""
        self.findings += fit
        for code, severity, message in result.problems:
            # ``compliance.pdf.<category>`` from the PDF gate, ``render.*`` otherwise.
            category = code.rsplit(".", 1)[-1] if code.startswith("compliance.") else "render"
            self.findings.append(Finding(code=code, severity=Severity(severity), message=message,
                                         source=self.path, sku=self.sku, category=category,
                                         locale=self.locales[0] if len(self.locales) == 1 else None))
        self.findings += [dataclasses.replace(f, sku=self.sku, locale=self.locales[0]
                                              if len(self.locales) == 1 else None)
                          for f in result.findings]
        self.pages = result.pages
        self.status = "ok" if result.ok else "failed"
        self.sha256 = result.sha256
        self.bytes = result.size

    def to_dict(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "document": self.document,
            "layout": self.layout,
            "locales": self.locales,
            "path": self.path,
            "pages": self.pages,
            "trim_mm": self.trim_mm,
            "bleed_mm": self.bleed_mm,
            "pdf_variant": self.pdf_variant,
            "profile": self.profile,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "status": self.status,
            "findings": [f.to_dict() for f in sorted(self.findings, key=sort_key)],
        }


def write_manifest(out: Path, documents: list[DocumentRecord]) -> Path:
    """Merge this build's documents into ``out/manifest.json`` and write it atomically."""
    path = out / MANIFEST
    entries: dict[str, dict] = {}
    if path.is_file():
        try:
            for entry in json.loads(path.read_text(encoding="utf-8")).get("documents", []):
                if isinstance(entry, dict) and (out / str(entry.get("path", ""))).is_file():
                    entries[entry["path"]] = entry
        except (json.JSONDecodeError, OSError):
            entries = {}
    for document in documents:
        entries[document.path] = document.to_dict()
    data = {"generator": "insertgen", "documents": [entries[k] for k in sorted(entries)]}
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    write_atomically(path, text.encode("utf-8"))
    return path


def read_manifest(out: Path) -> list[dict[str, Any]]:
    """The document entries of ``out/manifest.json``, for the tools that read a build."""
    path = out / MANIFEST
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["documents"]
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise TypeError('"documents" is not a list of objects')
    except (OSError, ValueError, KeyError, TypeError) as error:
        reason = error.strerror if isinstance(error, OSError) else error
        raise InsertgenError(f"{path}: expected the manifest of a build (run `insertgen build` "
                             f"first), got: {reason}") from None
    return entries


def built_file(out: Path, entry: dict[str, Any]) -> Path | None:
    """The PDF an entry names, or ``None`` when its path is not a PDF inside ``out`` (the
    manifest is data: a path must not lead a tool out of the build)."""
    relative = PurePosixPath(str(entry.get("path", "")))
    if relative.is_absolute() or ".." in relative.parts or relative.suffix.lower() != ".pdf":
        return None
    return out / relative
