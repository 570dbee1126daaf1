"""Property-based fuzzing (hypothesis) of what catalog authors write: brand and product YAML,
translators' PO files and layout descriptions, mutated at random and in known-bad ways.

`insertgen validate` is run in-process on each mutated catalog. The properties: it never
raises (no traceback), it exits 0 or 2, a known-invalid mutation exits 2, and every failure
names a file and line of the catalog.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner
from conftest import FIXTURES, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main

FILES = ["brand.yaml", "products/clock.yaml", "products/fan.yaml", "locales/de/TS-FAN.po",
         "locales/ja/TS-FAN.yaml", "layouts/card-85x55/layout.yaml"]
#: ``file:line`` of a catalog file at the start of an error line.
PLACE = re.compile(r"^(?:brand\.yaml|products/[\w.-]+|locales/[\w/.-]+|layouts/[\w/.-]+):\d+")
#: Characters that break YAML and PO in interesting ways.
NASTY = st.sampled_from(["\x00", "\ufeff", "\ud800", "\t", ":", "- ", "&a ", "*a", "{", "[",
                         '"', "'", "\\", "#", "%", "!!python/object:os.system ", "\n", "  ",
                         "msgctxt ", "msgid ", "9" * 40, "é", "🙂", "\u202e", "\r"])

_BASE = Path(tempfile.mkdtemp(prefix="insertgen-fuzz-")) / "base"
shutil.copytree(FIXTURES / "sample", _BASE)
# A catalog layout of its own (a copy of a built-in one), so layout descriptions are fuzzed too.
shutil.copytree(ROOT / "layouts" / "card-85x55", _BASE / "layouts" / "card-85x55")
_TEXTS = {name: (_BASE / name).read_text(encoding="utf-8") for name in FILES}


def _validate(files: dict[str, str | bytes]) -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as tmp:
        catalog = Path(tmp) / "catalog"
        shutil.copytree(_BASE, catalog)
        for name, content in files.items():
            target = catalog / name
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8", errors="surrogatepass")
        result = CliRunner().invoke(main, ["validate", str(catalog)], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def _check_output(code: int, output: str) -> None:
    assert code in (0, 2), output
    assert "Traceback" not in output
    if code == 2:
        errors = [line for line in output.splitlines()
                  if line.strip() and "[warning]" not in line and "[info]" not in line
                  and not line.startswith("error:")]
        assert errors and all(PLACE.match(line) for line in errors), output


@st.composite
def random_edit(draw):
    """Insert, delete or replace a few characters somewhere in one file."""
    name = draw(st.sampled_from(FILES))
    text = _TEXTS[name]
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.one_of(NASTY, st.text(min_size=1, max_size=8)))
        if kind == "insert":
            text = text[:at] + piece + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        else:
            text = text[:at] + piece + text[at + len(piece):]
    return {name: text}


#: Mutations that make the catalog invalid, whatever hypothesis picks for their parameters.
INVALID_VALUES = {
    "sku": ["[1, 2]", "''", "../../etc/passwd", "'" + "S" * 300 + "'", '"\\ud800"', "null"],
    "name": ["[1, 2]", "{a: 1}", "''", "null", '"\\ud800"'],
    "warranty_years": ["-3", "[1]", "'many'", "9" * 50],
    "documents": ["[1, 2]", "{a: 1}", "'x'"],
}


def _bad_value(draw):
    field = draw(st.sampled_from(sorted(INVALID_VALUES)))
    value = draw(st.sampled_from(INVALID_VALUES[field]))
    return field, value, _TEXTS["products/clock.yaml"]


@st.composite
def invalid_edit(draw):
    kind = draw(st.sampled_from(["unknown key", "bad value", "nul", "bad layout", "bad locale",
                                 "binary"]))
    clock = _TEXTS["products/clock.yaml"]
    if kind == "unknown key":
        key = draw(st.from_regex(r"\A[a-z]{3,12}\Z")).replace("card", "cardx")
        return {"products/clock.yaml": clock + f"{key}x_unknown: 1\n"}
    if kind == "bad value":
        field, value, text = _bad_value(draw)
        lines = [line for line in text.splitlines() if not line.startswith(f"{field}:")]
        if field == "documents":
            body = text.replace("documents:", "documents_old:")
            body = re.sub(r"(?m)^documents_old:\n(?:  .*\n)+", "", body)
            return {"products/clock.yaml": body + f"documents: {value}\n"}
        return {"products/clock.yaml": "\n".join(lines) + f"\n{field}: {value}\n"}
    if kind == "nul":
        at = draw(st.integers(0, len(clock) - 1))
        return {"products/clock.yaml": clock[:at] + "\x00" + clock[at:]}
    if kind == "bad layout":
        name = draw(st.sampled_from(["../../x", "card a6", "/etc", "card-a7", "x/../y"]))
        return {"products/clock.yaml": clock.replace("layout: card-85x55", f"layout: '{name}'")}
    if kind == "bad locale":
        name = draw(st.sampled_from(["english", "de_DE_x", "zz-ZZZZ", "123"]))
        return {"products/clock.yaml": clock.replace("locales: [en]", f"locales: ['{name}']", 1)}
    return {"products/clock.yaml": draw(st.binary(min_size=1, max_size=64)) + b"\xff\xfe"}


FUZZ = settings(max_examples=200, deadline=10_000, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(random_edit())
def test_random_edits_never_crash_and_errors_name_their_place(files):
    _check_output(*_validate(files))


@FUZZ
@given(invalid_edit())
def test_invalid_catalogs_exit_2_with_their_place(files):
    code, output = _validate(files)
    _check_output(code, output)
    assert code == 2, output


def test_the_untouched_catalog_is_valid():
    code, output = _validate({})
    assert code == 0, output
