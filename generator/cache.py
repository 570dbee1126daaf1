"""The build cache, ``OUT/.insertgen-cache.json``: what each finished document was made from,
so that a rebuild renders only the documents whose inputs changed.

Plain data, below every stage, like the manifest. The orchestrator computes a document's key
(a sha256 of everything that decides its bytes: HTML, CSS, the content of every file it
reads, profile and PDF options, tool versions) after its HTML is written and before anything
is rendered; :meth:`BuildCache.lookup` says whether the file on disk was made from that key.

Only documents that were rendered and written are stored (a failed one by its marked copy
under ``_failed/``: the same inputs fail the same way), and only after their file is on
disk, so the cache never claims a document a build did not finish. The file is replaced
atomically (temporary file and rename): a build killed at any moment leaves the previous
cache or a newer one, never a torn file. A file whose bytes no longer match the recorded
sha256 (edited, truncated, replaced) is rendered again.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import pickle
import secrets
import time
from pathlib import Path
from typing import Any

from generator.files import write_atomically
from generator.paths import user_cache

CACHE_FILE = ".insertgen-cache.json"
MEMO_FOLDER = ".insertgen-memo"
#: Bumped whenever what an entry holds, or how a key is made, changes: older caches are
#: then ignored whole.
FORMAT = 1


def digest(value: Any) -> str:
    """The sha256 of ``value`` as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class FileHashes:
    """Content hashes of files, each file read once per build (``None``: not a readable
    file)."""

    def __init__(self):
        self._known: dict[str, str | None] = {}

    def __call__(self, path: str | Path) -> str | None:
        name = str(path)
        if name not in self._known:
            self._known[name] = file_sha256(Path(name))
        return self._known[name]


def file_sha256(path: Path) -> str | None:
    """The sha256 of the file's content, or ``None`` when it cannot be read."""
    hasher = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                hasher.update(chunk)
    except OSError:
        return None
    return hasher.hexdigest()


class BuildCache:
    """The cache of one output folder.

    ``enabled=False`` (``build --force``) finds nothing, but still records what this build
    renders, so the next build can reuse it.
    """

    #: Seconds between two rewrites of the cache file while a build runs (each rewrite is
    #: atomic; the first comes with the first document stored, the last when the build ends).
    SAVE_EVERY = 2.0

    def __init__(self, out: Path, enabled: bool = True):
        self.out = out
        self.path = out / CACHE_FILE
        self.enabled = enabled
        self.documents: dict[str, dict] = self._read()
        self._dirty = False
        self._saved = -self.SAVE_EVERY  # a build killed after its first document keeps it

    def _read(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT \
                or not isinstance(data.get("documents"), dict):
            return {}
        return {path: entry for path, entry in data["documents"].items()
                if isinstance(entry, dict) and isinstance(entry.get("key"), str)
                and isinstance(entry.get("sha256"), str)}

    def lookup(self, path: str, key: str) -> dict | None:
        """The stored entry of the document at ``path`` (relative to the output folder) when
        it was made from ``key`` and its file (a failed document's marked copy) still has the
        bytes recorded; else ``None``."""
        if not self.enabled:
            return None
        entry = self.documents.get(path)
        if entry is None or entry["key"] != key:
            return None
        copy = entry.get("failed_copy")
        if copy is not None and not (isinstance(copy, str) and copy.startswith("_failed/")
                                     and ".." not in copy.split("/")):
            return None
        if file_sha256(self.out / (copy or path)) != entry["sha256"]:
            return None
        return entry

    def store(self, path: str, key: str, sha256: str, data: dict) -> None:
        """Record a document whose file is written: its key, the file's sha256 and ``data``
        (what the build needs to describe it again without rendering)."""
        self.documents[path] = {"key": key, "sha256": sha256, **data}
        self._dirty = True
        if time.monotonic() - self._saved >= self.SAVE_EVERY:
            self.save()

    def forget(self, path: str) -> None:
        if self.documents.pop(path, None) is not None:
            self._dirty = True

    def save(self) -> None:
        """Write the cache atomically when anything changed since the last write."""
        if not self._dirty:
            return
        body = {"format": FORMAT, "generator": "insertgen",
                "documents": {path: self.documents[path] for path in sorted(self.documents)}}
        write_atomically(self.path, (json.dumps(body, ensure_ascii=False, separators=(",", ":"))
                                     + "\n").encode("utf-8"))
        self._dirty = False
        self._saved = time.monotonic()


def tree_digests(root: Path, skip: tuple[Path, ...] = ()) -> dict[str, str]:
    """``relative path -> sha256`` of every regular file under ``root``; hidden files and
    folders (``.git``, the cache itself), ``__pycache__`` and the folders in ``skip`` are
    left out."""
    skipped = {path.resolve() for path in skip}
    found: dict[str, str] = {}
    for folder, names, files in os.walk(root):
        here = Path(folder)
        names[:] = sorted(n for n in names if not n.startswith(".") and n != "__pycache__"
                          and (here / n).resolve() not in skipped)
        for name in sorted(files):
            path = here / name
            if name.startswith(".") or not path.is_file():
                continue
            sha = file_sha256(path)
            if sha is not None:
                found[path.relative_to(root).as_posix()] = sha
    return found


class Memo:
    """Results of the stages before rendering (the loaded catalog, each document's prepared
    HTML and findings), kept under ``OUT/.insertgen-memo/`` by a key of their inputs.

    Each value is a file of its own, written atomically: the key it was made from, an HMAC
    of the rest, then the value pickled. A pickle can run code when it is read, so a file is
    unpickled only when its HMAC was made with this user's own secret (``memo.key`` in the
    user's cache folder, created on first use, readable by the user alone): a file put into
    the output folder by anyone else is a miss, never code that runs. A file whose key
    differs, or that cannot be read back, is a miss too.
    """

    MAGIC = b"insertgen-memo-2\n"

    def __init__(self, out: Path, enabled: bool = True):
        self.folder = out / MEMO_FOLDER
        self.enabled = enabled

    def _file(self, kind: str, name: str) -> Path:
        return self.folder / kind / (hashlib.sha256(name.encode("utf-8")).hexdigest()[:32] + ".pickle")

    def get(self, kind: str, name: str, key: str) -> Any | None:
        if not self.enabled:
            return None
        try:
            data = self._file(kind, name).read_bytes()
        except OSError:
            return None
        head = self.MAGIC + key.encode("ascii") + b"\n"
        secret = _memo_secret()
        if secret is None or not data.startswith(head):
            return None
        mac, _, body = data[len(head):].partition(b"\n")
        expected = hmac.new(secret, head + body, hashlib.sha256).hexdigest().encode("ascii")
        if not hmac.compare_digest(mac, expected):
            return None  # not written by this user's insertgen: never unpickled
        try:
            return pickle.loads(body)
        except Exception:  # noqa: BLE001 - a damaged file is only a miss
            return None

    def put(self, kind: str, name: str, key: str, value: Any) -> None:
        secret = _memo_secret()
        if secret is None:
            return  # no private place for the secret: nothing is kept
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            head = self.MAGIC + key.encode("ascii") + b"\n"
            mac = hmac.new(secret, head + data, hashlib.sha256).hexdigest().encode("ascii")
            write_atomically(self._file(kind, name), head + mac + b"\n" + data)
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            pass  # not kept: the next build does the work again


@functools.cache
def _memo_secret() -> bytes | None:
    """This user's secret for the memo's HMACs: ``$XDG_CACHE_HOME/insertgen/memo.key`` (or
    ``~/.cache/insertgen/memo.key``), 32 random bytes made on first use with mode 0600.
    ``None`` when it cannot be read or made, or when others may read it."""
    path = user_cache() / "memo.key"
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(secrets.token_bytes(32))
        if path.is_symlink() or path.stat().st_mode & 0o077:
            return None
        secret = path.read_bytes()
    except (OSError, RuntimeError):
        return None
    return secret if len(secret) >= 32 else None
