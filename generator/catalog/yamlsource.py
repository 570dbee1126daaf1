"""YAML files with their line and column marks, so every message can name its place."""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path
from typing import Any

import yaml

from generator.findings import Finding

Path_ = tuple[str | int, ...]

#: Limits on what a catalog file may hold: a file that passes them is read in bounded time and
#: memory; one that does not gets an error naming its place.
MAX_FILE_BYTES = 4_000_000
MAX_DEPTH = 40
MAX_ALIASES = 200
MAX_VALUES = 200_000
MAX_TEXT = 20_000
MAX_DIGITS = 30


def read_regular_file(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path`` when it is a regular file of at most ``limit`` bytes; raises
    ``OSError`` with a message otherwise (a FIFO or a device would block or never end)."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        kind = ("a named pipe" if stat.S_ISFIFO(info.st_mode) else "a directory"
                if stat.S_ISDIR(info.st_mode) else "a device or socket")
        raise OSError(f"expected a regular file, got {kind}")
    if info.st_size > limit:
        raise OSError(f"expected a file of at most {limit // 1_000_000} MB, got "
                      f"{info.st_size / 1_000_000:.1f} MB")
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"expected a file of at most {limit // 1_000_000} MB")
    return data


class _LimitedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with bounded nesting and alias use."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise yaml.composer.ComposerError(
                    None, None, f"expected at most {MAX_ALIASES} aliases (*name) in one file",
                    self.peek_event().start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"expected at most {MAX_DEPTH} levels of nesting",
                    self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _TooBig(Exception):
    def __init__(self, node: yaml.Node, message: str):
        super().__init__(message)
        self.node = node


@dataclasses.dataclass
class YamlSource:
    """A loaded YAML file: its data and the position of every key and value."""

    #: Path shown in messages (relative to the catalog).
    display: str
    #: The parsed data (``None`` for an empty file).
    data: Any
    #: ``path -> (line, column)`` of each value, 1-based.
    values: dict[Path_, tuple[int, int]]
    #: ``path -> (line, column)`` of each mapping key, 1-based.
    keys: dict[Path_, tuple[int, int]]

    def mark(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Position of ``path``; falls back to the nearest parent that has one."""
        table = self.keys if key else self.values
        path = tuple(path)
        while path:
            if path in table:
                return table[path]
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))

    def finding(self, path: Path_, message: str, *, key: bool = False, **kwargs: Any) -> Finding:
        line, column = self.mark(path, key=key)
        kwargs.setdefault("code", "catalog.invalid")
        kwargs.setdefault("category", "validation")
        field = kwargs.pop("field", None) or dotted(path) or None
        return Finding(message=message, source=self.display, line=line, column=column,
                       field=field, **kwargs)


def dotted(path: Path_) -> str:
    """``("documents", 0, "layout")`` -> ``documents[0].layout``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def load_yaml(path: Path, display: str) -> tuple[YamlSource | None, list[Finding]]:
    """Parse ``path``; on a syntax error return ``None`` and a finding naming the place."""
    try:
        text = read_regular_file(path).decode("utf-8")
    except UnicodeDecodeError as error:
        return None, [Finding(code="catalog.encoding", source=display, line=1, column=1,
                              message=f"expected UTF-8 text, got an undecodable byte at offset {error.start}",
                              category="validation")]
    except OSError as error:
        return None, [Finding(code="catalog.io", source=display, message=(
            f"cannot read the file: {error.strerror or error}"), category="validation")]
    source = YamlSource(display=display, data=None, values={}, keys={})
    findings: list[Finding] = []
    loader = None
    try:
        loader = _LimitedLoader(text)
        node = loader.get_single_node()
        if node is not None:
            # Walked before it is built: aliases expand here, so a bomb stops at the limit.
            _walk(node, (), source, findings, [0])
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problem = error.problem or "invalid YAML"
        return None, [Finding(code="catalog.yaml", source=display, line=line, column=column,
                              message=f"expected valid YAML, got a syntax error: {problem}",
                              category="validation")]
    except yaml.reader.ReaderError as error:
        before = text[:error.position]
        line, column = before.count("\n") + 1, error.position - (before.rfind("\n") + 1) + 1
        return None, [Finding(code="catalog.yaml", source=display, line=line, column=column,
                              message=f"expected printable text, got the character "
                                      f"#x{error.character:04x}" if isinstance(error.character, int)
                              else f"expected printable text, got {error.reason}",
                              category="validation")]
    except yaml.YAMLError as error:
        return None, [Finding(code="catalog.yaml", source=display, line=1, column=1,
                              message=f"expected valid YAML, got {error}", category="validation")]
    except _TooBig as error:
        mark = error.node.start_mark
        return None, [Finding(code="catalog.limit", source=display, line=mark.line + 1,
                              column=mark.column + 1, message=str(error), category="validation")]
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        return None, [Finding(code="catalog.yaml", source=display, line=1, column=1,
                              message=f"expected values YAML can read, got {error}",
                              category="validation")]
    finally:
        if loader is not None:
            loader.dispose()
    source.data = data
    return source, findings


def _walk(node: yaml.Node, path: Path_, source: YamlSource, findings: list[Finding],
          count: list[int]) -> None:
    count[0] += 1
    if count[0] > MAX_VALUES:
        raise _TooBig(node, f"expected at most {MAX_VALUES:,} values in one file (aliases "
                            "included), got more")
    if isinstance(node, yaml.ScalarNode):
        value = node.value
        if len(value) > MAX_TEXT:
            raise _TooBig(node, f"expected a text of at most {MAX_TEXT:,} characters, got "
                                f"{len(value):,}")
        if node.tag.endswith(":int") and len(value) > MAX_DIGITS:
            raise _TooBig(node, f"expected a number of at most {MAX_DIGITS} digits, got "
                                f"{len(value)}")
        if any("\ud800" <= ch <= "\udfff" for ch in value):
            raise _TooBig(node, "expected text, got a lone surrogate (an escape such as "
                                "\\ud800 that is no character)")
    source.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            child = (*path, key)
            if key in seen:
                findings.append(Finding(
                    code="catalog.duplicate-key", source=source.display,
                    line=key_node.start_mark.line + 1, column=key_node.start_mark.column + 1,
                    field=dotted(child), category="validation",
                    message=f"expected each key once, got '{key}' again"))
            seen.add(key)
            source.keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _walk(value_node, child, source, findings, count)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), source, findings, count)
