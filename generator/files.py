"""Files written safely: whole or not at all, whatever stage writes them."""

from __future__ import annotations

import os
import re
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    finally:
        if temp.exists():
            temp.unlink()


#: The temporary files :func:`write_atomically` leaves when its process is killed.
_TEMP = re.compile(r"^\..+\.\d+\.tmp$")


def remove_leftovers(folder: Path) -> int:
    """Delete temporary files a killed build left under ``folder``; how many there were."""
    count = 0
    if not folder.is_dir():
        return 0
    for path in folder.rglob(".*.tmp"):
        if _TEMP.match(path.name) and path.is_file() and not path.is_symlink():
            try:
                path.unlink()
                count += 1
            except OSError:
                pass
    return count


def move_aside(out: Path, relative: str, folder: str) -> str | None:
    """Move ``out/relative`` to ``out/folder/relative`` (replacing an older one there); the new
    relative path, or ``None`` when there was no file."""
    source = out / relative
    if not source.is_file():
        return None
    target = out / folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)
    return f"{folder}/{relative}"
