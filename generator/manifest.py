"""``OUT/manifest.json``: one entry per document, whether it was built or failed.

Plain data, below every stage: the orchestrator writes it, the press tools read it.

Entries of documents outside this build (another ``--product`` run) are kept, so a partial
build loses nothing already built.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path, PurePosixPath
from typing import Any

from generator.files import write_atomically
from generator.findings import Finding, InsertgenError, sort_key

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
    #: A failed document's marked copy (``_failed/…``), kept for inspection, never for print.
    failed_copy: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {
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
        if self.failed_copy:
            data["failed_copy"] = self.failed_copy
        return data


def previous_entries(out: Path) -> dict[str, dict]:
    """The entries of an earlier build whose file (or, for a failed document, its marked
    copy) is still on disk, by path."""
    path = out / MANIFEST
    entries: dict[str, dict] = {}
    if path.is_file():
        try:
            for entry in json.loads(path.read_text(encoding="utf-8")).get("documents", []):
                if isinstance(entry, dict) and isinstance(entry.get("path"), str) and (
                        (out / entry["path"]).is_file() or _failed_copy_kept(out, entry)):
                    entries[entry["path"]] = entry
        except (ValueError, OSError):
            entries = {}
    return entries


def _failed_copy_kept(out: Path, entry: dict) -> bool:
    copy = entry.get("failed_copy")
    return (entry.get("status") == "failed" and isinstance(copy, str)
            and copy.startswith("_failed/") and ".." not in copy.split("/") and (out / copy).is_file())


class ManifestWriter:
    """``out/manifest.json`` kept true while a build runs: rewritten atomically after every
    document, so a build killed at any moment leaves a manifest that matches the files on
    disk. Each entry is serialised once; a rewrite only joins the pieces."""

    def __init__(self, out: Path, previous: dict[str, dict] | None = None):
        self.path = out / MANIFEST
        self._pieces = {key: self._piece(entry)
                        for key, entry in (previous if previous is not None
                                           else previous_entries(out)).items()}

    @staticmethod
    def _piece(entry: dict) -> str:
        text = json.dumps(entry, indent=2, ensure_ascii=False)
        return "\n".join("    " + line for line in text.splitlines())

    def update(self, document: DocumentRecord, *, write: bool = True) -> None:
        self._pieces[document.path] = self._piece(document.to_dict())
        if write:
            self.write()

    def drop(self, path: str) -> None:
        self._pieces.pop(path, None)

    def write(self) -> Path:
        if self._pieces:
            body = ",\n".join(self._pieces[k] for k in sorted(self._pieces))
            text = f'{{\n  "generator": "insertgen",\n  "documents": [\n{body}\n  ]\n}}\n'
        else:
            text = '{\n  "generator": "insertgen",\n  "documents": []\n}\n'
        write_atomically(self.path, text.encode("utf-8"))
        return self.path


def write_manifest(out: Path, documents: list[DocumentRecord]) -> Path:
    """Merge this build's documents into ``out/manifest.json`` and write it atomically."""
    writer = ManifestWriter(out)
    for document in documents:
        writer.update(document, write=False)
    return writer.write()


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
