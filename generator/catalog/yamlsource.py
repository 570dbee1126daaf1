"""YAML files with their line and column marks, so every message can name its place."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml

from generator.findings import Finding

Path_ = tuple[str | int, ...]


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
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return None, [Finding(code="catalog.encoding", source=display, line=1, column=1,
                              message=f"expected UTF-8 text, got an undecodable byte at offset {error.start}",
                              category="validation")]
    except OSError as error:
        return None, [Finding(code="catalog.io", source=display,
                              message=f"cannot read the file: {error.strerror}", category="validation")]
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problem = error.problem or "invalid YAML"
        return None, [Finding(code="catalog.yaml", source=display, line=line, column=column,
                              message=f"expected valid YAML, got a syntax error: {problem}",
                              category="validation")]
    finally:
        loader.dispose()
    source = YamlSource(display=display, data=data, values={}, keys={})
    findings: list[Finding] = []
    if node is not None:
        _walk(node, (), source, findings)
    return source, findings


def _walk(node: yaml.Node, path: Path_, source: YamlSource, findings: list[Finding]) -> None:
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
            _walk(value_node, child, source, findings)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), source, findings)
