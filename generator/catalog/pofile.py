"""A small, symmetric reader and writer for the translators' PO files of product texts.

Babel's PO writer regenerates the header (creation date, generator version) and drops the
``#|`` previous msgid, so a file it rewrites never stays byte-identical. Product catalogs need
exactly that: ``insertgen i18n update`` and an XLIFF import only write when an entry really
changed, and a file written here reads back to the same entries. What is read: translator
comments (``#``), extracted comments (``#.``), references (``#:``), flags (``#,``), the previous
msgid (``#|``), ``msgctxt``, ``msgid``, ``msgid_plural``, ``msgstr``/``msgstr[n]`` and obsolete
entries (``#~``); the header entry is kept as written.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path


class PoSyntaxError(Exception):
    """The file is not valid PO; the message names the line."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.reason = message


@dataclasses.dataclass
class Entry:
    """One PO entry."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    #: ``msgstr[n]`` forms for plural entries.
    plurals: list[str] = dataclasses.field(default_factory=list)
    translator_comments: list[str] = dataclasses.field(default_factory=list)
    extracted_comments: list[str] = dataclasses.field(default_factory=list)
    references: list[str] = dataclasses.field(default_factory=list)
    flags: list[str] = dataclasses.field(default_factory=list)
    previous_msgid: str | None = None
    obsolete: bool = False
    #: 1-based line of ``msgid`` in the file read (``None`` for a new entry).
    line: int | None = dataclasses.field(default=None, compare=False)
    #: 1-based line of ``msgstr`` (where the translation is), ``None`` for a new entry.
    msgstr_line: int | None = dataclasses.field(default=None, compare=False)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @fuzzy.setter
    def fuzzy(self, value: bool) -> None:
        if value and not self.fuzzy:
            self.flags.append("fuzzy")
        elif not value:
            self.flags = [f for f in self.flags if f != "fuzzy"]


@dataclasses.dataclass
class PoFile:
    """The header text and the entries, in file order."""

    header: str
    entries: list[Entry]
    #: Comment lines before the header entry (``# ...``), without the ``# ``.
    header_comments: list[str] = dataclasses.field(default_factory=list)

    def by_context(self) -> dict[str | None, Entry]:
        return {e.msgctxt: e for e in self.entries if not e.obsolete}


# --- reading --------------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"\s*$')
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(.*)$")


def _unquote(text: str, line: int) -> str:
    match = _STRING.match(text.strip())
    if not match:
        raise PoSyntaxError(line, f"expected a quoted string, got {text.strip()[:40]!r}")
    out, chars = [], iter(match.group(1))
    for char in chars:
        if char == "\\":
            escaped = next(chars, "")
            if escaped not in _ESCAPES:
                raise PoSyntaxError(line, f"expected a known escape such as \\n or \\\", "
                                          f"got \\{escaped}")
            out.append(_ESCAPES[escaped])
        else:
            out.append(char)
    return "".join(out)


def parse(text: str) -> PoFile:
    """Read PO text; raises :class:`PoSyntaxError` naming the line of the first problem."""
    entries: list[Entry] = []
    header_comments: list[str] = []
    current: dict = {}
    field: tuple[str, int | None] | None = None

    def finish():
        nonlocal current, field
        if "msgid" in current:
            entries.append(_entry(current))
        elif any(k in current for k in ("msgstr", "msgctxt")):
            raise PoSyntaxError(current.get("start", 0), "expected msgid before msgstr")
        elif current.get("comments") and not entries:
            header_comments.extend(c[1:].removeprefix(" ") for c in current["comments"]
                                   if c.startswith("# ") or c == "#")
        current, field = {}, None

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].lstrip()
        if not line:
            finish()
            continue
        if line.startswith("#") and not obsolete:
            if "msgid" in current:
                finish()
            current.setdefault("comments", []).append(line)
            current.setdefault("start", number)
            continue
        if line.startswith('"'):
            if field is None:
                raise PoSyntaxError(number, "expected a keyword before a continued string")
            name, index = field
            value = _unquote(line, number)
            if index is None:
                current[name] += value
            else:
                current["plurals"][index] += value
            continue
        match = _KEYWORD.match(line)
        if not match:
            raise PoSyntaxError(number, f"expected msgctxt, msgid or msgstr, got {line[:40]!r}")
        keyword, index, rest = match.group(1), match.group(2), match.group(3)
        if keyword in ("msgctxt", "msgid") and "msgid" in current:
            finish()  # the next entry starts without a blank line
        current.setdefault("start", number)
        current["obsolete"] = obsolete
        value = _unquote(rest, number)
        if keyword.startswith("msgstr"):
            current.setdefault("msgstr_line", number)
        if keyword.startswith("msgstr["):
            plurals = current.setdefault("plurals", [])
            position = int(index)
            if position != len(plurals):
                raise PoSyntaxError(number, f"expected msgstr[{len(plurals)}], got {keyword}")
            plurals.append(value)
            field = ("plurals", position)
        else:
            if keyword == "msgid":
                current["line"] = number
            current[keyword] = value
            field = (keyword, None)
    finish()
    if not entries or entries[0].msgid != "" or entries[0].msgctxt is not None:
        raise PoSyntaxError(1, "expected a header entry (msgid \"\") first")
    header = entries.pop(0)
    return PoFile(header.msgstr, entries, header_comments + header.translator_comments)


def _entry(data: dict) -> Entry:
    entry = Entry(msgid=data["msgid"], msgstr=data.get("msgstr", ""),
                  msgctxt=data.get("msgctxt"), msgid_plural=data.get("msgid_plural"),
                  plurals=data.get("plurals", []), obsolete=data.get("obsolete", False),
                  line=data.get("line"), msgstr_line=data.get("msgstr_line"))
    for comment in data.get("comments", []):
        kind, text = comment[:2], comment[2:].strip()
        if kind == "#.":
            entry.extracted_comments.append(text)
        elif kind == "#:":
            entry.references.extend(text.split())
        elif kind == "#,":
            entry.flags.extend(f.strip() for f in text.split(",") if f.strip())
        elif kind == "#|":
            match = re.match(r"msgid\s+(.*)$", text)
            if match:
                entry.previous_msgid = _unquote(match.group(1), data.get("start", 0))
        else:
            entry.translator_comments.append(comment[1:].removeprefix(" "))
    return entry


def read(path: Path) -> PoFile:
    from generator.catalog.yamlsource import read_regular_file

    return parse(read_regular_file(path).decode("utf-8"))


# --- writing --------------------------------------------------------------------------------


def _quote(text: str) -> str:
    out = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
           .replace("\r", "\\r").replace("\n", "\\n"))
    return f'"{out}"'


def _string(keyword: str, text: str, prefix: str = "") -> list[str]:
    """``keyword "text"``; a text with line breaks is split after each, gettext style."""
    if "\n" not in text:
        return [f"{prefix}{keyword} {_quote(text)}"]
    pieces = [p for p in re.split(r"(?<=\n)", text) if p]
    return [f'{prefix}{keyword} ""'] + [f"{prefix}{_quote(p)}" for p in pieces]


def format_po(po: PoFile) -> str:
    """The PO text of ``po``; ``format_po(parse(t)) == t`` for a file written here."""
    lines = [f"# {c}" if c else "#" for c in po.header_comments]
    lines += _string("msgid", "") + _string("msgstr", po.header)
    for entry in po.entries:
        lines.append("")
        prefix = "#~ " if entry.obsolete else ""
        lines += [f"# {c}" if c else "#" for c in entry.translator_comments]
        lines += [f"#. {c}" for c in entry.extracted_comments]
        if entry.references:
            lines.append("#: " + " ".join(entry.references))
        if entry.flags:
            lines.append("#, " + ", ".join(entry.flags))
        if entry.previous_msgid is not None:
            lines += [f"#| {line}" for line in _string("msgid", entry.previous_msgid)]
        if entry.msgctxt is not None:
            lines += _string("msgctxt", entry.msgctxt, prefix)
        lines += _string("msgid", entry.msgid, prefix)
        if entry.msgid_plural is not None:
            lines += _string("msgid_plural", entry.msgid_plural, prefix)
            for index, form in enumerate(entry.plurals):
                lines += _string(f"msgstr[{index}]", form, prefix)
        else:
            lines += _string("msgstr", entry.msgstr, prefix)
    return "\n".join(lines) + "\n"


def write_if_changed(path: Path, po: PoFile) -> bool:
    """Write ``po`` to ``path`` only when the text differs; ``True`` when written."""
    text = format_po(po)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    temp.replace(path)
    return True
