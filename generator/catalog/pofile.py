"""A small, symmetric reader and writer for the translators' PO files, and their compiled MO form.

Babel's PO writer regenerates the header (creation date, generator version) and drops the
``#|`` previous msgid, so a file it rewrites never stays byte-identical. Product catalogs need
exactly that: ``insertgen i18n update`` and an XLIFF import only write when an entry really
changed, and a file written here reads back to the same entries. What is read: translator
comments (``#``), extracted comments (``#.``), references (``#:``), flags (``#,``), the previous
msgid (``#|``, ``#~|`` in an obsolete entry), ``msgctxt``, ``msgid``, ``msgid_plural``,
``msgstr``/``msgstr[n]`` and obsolete entries (``#~``); the header entry is kept as written.

What is written follows GNU gettext (``msgfmt -c``, ``msgmerge`` and ``msginit`` read it): a
plural entry always has its ``msgstr[n]`` lines, an obsolete entry's previous msgid is ``#~|``,
and the two header dates change only when the entries they date change (:func:`stamp_dates`).
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
            if line.startswith("|"):  # ``#~| msgid``: an obsolete entry's previous msgid
                line, obsolete = "#" + line, False
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
            mark = "#~|" if entry.obsolete else "#|"
            lines += [f"{mark} {line}" for line in _string("msgid", entry.previous_msgid)]
        if entry.msgctxt is not None:
            lines += _string("msgctxt", entry.msgctxt, prefix)
        lines += _string("msgid", entry.msgid, prefix)
        if entry.msgid_plural is not None:
            lines += _string("msgid_plural", entry.msgid_plural, prefix)
            # A template has no forms yet; gettext still wants the msgstr[n] lines.
            for index, form in enumerate(entry.plurals or ["", ""]):
                lines += _string(f"msgstr[{index}]", form, prefix)
        else:
            lines += _string("msgstr", entry.msgstr, prefix)
    return "\n".join(lines) + "\n"


def write_if_changed(path: Path, po: PoFile) -> bool:
    """Write ``po`` to ``path`` only when the text differs; ``True`` when written. The header
    dates are brought up to date first (:func:`stamp_dates`), so an unchanged file keeps its."""
    old_text = path.read_text(encoding="utf-8") if path.is_file() else None
    try:
        previous = parse(old_text) if old_text is not None else None
    except PoSyntaxError:
        previous = None
    stamp_dates(po, previous)
    text = format_po(po)
    if text == old_text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    temp.replace(path)
    return True


# --- header ---------------------------------------------------------------------------------

#: The header fields GNU gettext writes, in its order (``msginit``, ``msgmerge``).
STANDARD_FIELDS = ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date",
                   "PO-Revision-Date", "Last-Translator", "Language-Team", "Language",
                   "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Plural-Forms")


def header_fields(header: str) -> dict[str, str]:
    """``Name: value`` lines of a header, in order (a line without a colon is dropped)."""
    fields: dict[str, str] = {}
    for line in header.splitlines():
        name, colon, value = line.partition(":")
        if colon and name.strip():
            fields.setdefault(name.strip(), value.strip())
    return fields


def format_header(fields: dict[str, str]) -> str:
    """The header text: the standard fields in gettext's order, then the others as given."""
    names = [n for n in STANDARD_FIELDS if n in fields] + [n for n in fields if n not in STANDARD_FIELDS]
    return "".join(f"{name}: {fields[name]}\n" for name in names)


def now_stamp() -> str:
    """The date for a header: ``SOURCE_DATE_EPOCH`` when set (reproducible runs), else now."""
    import datetime
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = (datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch.isdigit()
              else datetime.datetime.now(datetime.UTC))
    return moment.strftime("%Y-%m-%d %H:%M+0000")


def _template_side(po: PoFile) -> list:
    """What the template decides: the messages, their comments, references and format flags."""
    return [(e.msgctxt, e.msgid, e.msgid_plural, e.extracted_comments, e.references,
             [f for f in e.flags if f != "fuzzy"]) for e in po.entries if not e.obsolete]


def _translation_side(po: PoFile) -> dict:
    """What translators decide: each translated message's text, forms, fuzzy flag and notes."""
    return {(e.msgctxt, e.msgid): (e.msgstr, e.plurals, e.fuzzy, e.translator_comments)
            for e in po.entries if not e.obsolete and (e.msgstr or any(e.plurals))}


def stamp_dates(po: PoFile, previous: PoFile | None, now: str | None = None) -> None:
    """Set ``POT-Creation-Date`` and ``PO-Revision-Date`` in ``po``'s header: the previous
    file's dates where its messages (template side) or its translations did not change, else
    ``now`` (:func:`now_stamp`). A new file gets ``now`` for both, so running a command twice
    never changes a date."""
    fields = header_fields(po.header)
    old = header_fields(previous.header) if previous is not None else {}
    stamp = now or now_stamp()

    def date(name: str, unchanged: bool) -> str:
        kept = old.get(name) or fields.get(name)
        return kept if unchanged and kept else stamp

    same_template = previous is not None and _template_side(po) == _template_side(previous)
    same_translations = previous is not None and _translation_side(po) == _translation_side(previous)
    fields["POT-Creation-Date"] = date("POT-Creation-Date", same_template)
    fields["PO-Revision-Date"] = date("PO-Revision-Date", same_translations)
    po.header = format_header(fields)


# --- compiled form --------------------------------------------------------------------------


def format_mo(po: PoFile) -> bytes:
    """The GNU ``.mo`` of ``po``: the header and every translated entry that is neither fuzzy
    nor obsolete (a plural entry only with all its forms), keys sorted as ``msgfmt`` sorts
    them, without the optional hash table (readers fall back to a binary search)."""
    import struct

    # msgfmt leaves the template's date out of the compiled header, and so does this.
    header = "".join(line for line in po.header.splitlines(keepends=True)
                     if not line.startswith("POT-Creation-Date:"))
    pairs = {b"": header.encode("utf-8")}
    for entry in po.entries:
        if entry.obsolete or entry.fuzzy:
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is not None:
            if entry.plurals and all(entry.plurals):
                pairs[f"{key}\0{entry.msgid_plural}".encode()] = "\0".join(entry.plurals).encode()
        elif entry.msgstr:
            pairs[key.encode()] = entry.msgstr.encode()
    keys = sorted(pairs)
    count = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + 8 * count
    data_at = translations_at + 8 * count
    tables, blob = [[], []], bytearray()
    for table, texts in zip(tables, (keys, [pairs[k] for k in keys]), strict=True):
        for text in texts:
            table.append((len(text), data_at + len(blob)))
            blob += text + b"\0"
    head = struct.pack("<7I", 0x950412DE, 0, count, originals_at, translations_at, 0, data_at)
    index = b"".join(struct.pack("<2I", *pair) for table in tables for pair in table)
    return head + index + bytes(blob)
