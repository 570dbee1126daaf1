"""Schema errors as findings: a pydantic validation error turned into a message that names the
file, line, column and field, says what was expected and what was found, and suggests the
nearest known key when a key is misspelt.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel

from generator.catalog.yamlsource import YamlSource, dotted
from generator.findings import Finding

_EXPECTED = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "string_too_short": "a non-empty text",
}


def got(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return '"' + shown.replace('"', '\\"') + '"'
    return repr(value)


def _expected(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "insertgen":
        return error["msg"].removeprefix("expected ")
    if kind in _EXPECTED:
        return _EXPECTED[kind]
    if kind == "missing":
        return "a value (this field is required)"
    if kind == "too_short":
        return f"at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"at most {ctx.get('max_length')} item(s)"
    if kind == "greater_than_equal":
        return f"a number of at least {ctx.get('ge')}"
    if kind == "greater_than":
        return f"a number greater than {ctx.get('gt')}"
    if kind == "less_than_equal":
        return f"a number of at most {ctx.get('le')}"
    if kind == "string_pattern_mismatch":
        return f"a value matching {ctx.get('pattern')}"
    if kind == "literal_error":
        return f"one of {ctx.get('expected')}"
    return error["msg"]


def convert_error(src: YamlSource, model: type[BaseModel], error: dict) -> Finding:
    loc = tuple(error["loc"])
    if loc and loc[-1] == "[key]":
        path = loc[:-1]
        return src.finding(path, f"expected {_expected(error)} as key, got {got(path[-1])}",
                           key=True, code="catalog.key")
    if error["type"] == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        name = str(loc[-1])
        hint = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        message = f"expected one of the keys {', '.join(allowed)}, got unknown key '{name}'"
        if hint:
            message += f" (did you mean '{hint[0]}'?)"
        return src.finding(loc, message, key=True, code="catalog.unknown-key")
    if error["type"] == "missing":
        parent = loc[:-1]
        line, column = src.mark(parent)
        return Finding(code="catalog.missing", source=src.display, line=line, column=column,
                       field=dotted(loc), category="validation",
                       message=f"expected {_expected(error)}, got nothing")
    code = "catalog.invalid" if error["type"] == "insertgen" else "catalog.type"
    return src.finding(loc, f"expected {_expected(error)}, got {got(error.get('input'))}", code=code)


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the model found by following ``loc`` through ``model``."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return []
            current = field.annotation
        elif typing.get_origin(current) in (list, tuple):
            current = typing.get_args(current)[0]
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = options[0]
        else:
            return annotation


# --- cross-file checks ------------------------------------------------------------------


def suggest(name: str, options: list[str]) -> str:
    hint = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return f" (did you mean '{hint[0]}'?)" if hint else ""
