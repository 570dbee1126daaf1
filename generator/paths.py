"""Where insertgen's own files are: built-in layouts, gettext catalogs, rule packs."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
_ROOT = PACKAGE.parent


def _data_dir(name: str) -> Path:
    # A checkout (or editable install) has the folder at the top level; a wheel carries it
    # inside the package as ``generator/<name>``.
    top = _ROOT / name
    if top.is_dir():
        return top
    return Path(str(resources.files("generator") / name))


BUILTIN_LAYOUTS = _data_dir("layouts")
BUILTIN_LOCALES = _data_dir("locales")
RULES = PACKAGE / "compliance" / "rules"
DATA = PACKAGE / "data"


def user_cache() -> Path:
    """This user's cache folder for insertgen: ``$XDG_CACHE_HOME/insertgen`` or
    ``~/.cache/insertgen`` (it may not exist yet)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "insertgen"
