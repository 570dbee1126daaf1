"""Case folding, and expressions compiled to run on folded text.

Python's ``re`` is several times slower with ``IGNORECASE`` on Unicode text: every literal is
compared through a lower-case lookup, and the search loses its first-character filter. The
engine therefore folds each text once (one character for one character, so offsets stay valid)
and runs case-sensitive expressions on it, compiled from the pack's expressions with their
letters folded the same way. The result is the same set of matches ``IGNORECASE`` finds on the
original text; a test compares the two on the whole corpus.

Two more things make the compiled form fast: a leading ``(?<!\\w)`` common to every branch is
checked once before any branch, and a look-ahead on the characters a match can start with
skips positions where no branch could begin.

This works on ``re``'s parse tree (``re._parser``, ``re._compiler``): private modules, so any
failure falls back to compiling the source with ``IGNORECASE``, which gives the same matches,
only slower.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import re
import sys
from pathlib import Path

from generator.files import write_atomically
from generator.paths import user_cache

FLAGS = re.IGNORECASE | re.UNICODE

#: Characters ``re``'s IGNORECASE treats as one letter though their lower cases differ
#: (Turkish dotless i and i, long s and s, Greek final sigma and sigma, ...): each group is
#: folded to its first member. ``re`` keeps the groups in a private table; a copy of the ones
#: that matter for the scripts we check stands in when it is missing.
try:
    from re._compiler import _equivalences as _GROUPS  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - a Python without the table
    _GROUPS = ((0x69, 0x131), (0x73, 0x17F), (0xB5, 0x3BC), (0x3C2, 0x3C3))

_TABLE: dict[int, str] = {}
for _group in _GROUPS:
    for _member in _group[1:]:
        _TABLE[_member] = chr(_group[0])


@functools.cache
def fold_char(ch: str) -> str:
    """One character folded: its lower case (the first character when that is longer, as
    for dotted capital I), then its equivalence group's first member."""
    low = ch.lower()
    low = low[0] if low else ch
    return _TABLE.get(ord(low), low)


def fold(text: str) -> str:
    """``text`` folded character by character: the same length, so a match's offsets in the
    folded text are its offsets in ``text``."""
    low = text.lower()
    if len(low) != len(text):  # dotted capital I lower-cases to two characters
        low = "".join(c.lower()[0] if c.lower() else c for c in text)
    return low.translate(_TABLE)


# --- compiling for folded text ----------------------------------------------------------------


class _Unknown(Exception):
    """A construct the first-character analysis does not know: no look-ahead is added."""


def compile_folded(source: str, cache: CodeCache | None = None, *,
                   literal: bool = False, key: str | None = None) -> re.Pattern:
    """``source`` compiled to run case-sensitively on :func:`fold`-ed text (from ``cache``
    when it holds the code, which is then kept there). ``literal``: the source is already
    written in folded characters and is compiled as it stands, without folding or guards (the
    screen's trie of needles). ``key``: what the code is kept under, when not the source."""
    if key is None:
        key = ("literal:" + source) if literal else source
    if cache is not None:
        kept = cache.pattern(key)
        if kept is not None:
            return kept
    try:
        import _sre
        from re import _compiler, _parser  # private modules: a failure only costs speed
        from re import _constants as sre

        # Plain ints: the compiler tests the flags often, and enum arithmetic is slow.
        tree = _parser.parse(source, int(FLAGS))
        if not literal:
            _fold_tree(tree, sre)
            _add_guards(tree, sre, _parser)
        tree.state.flags = int(tree.state.flags) & ~int(re.IGNORECASE)
        flags = int(FLAGS) & ~int(re.IGNORECASE)
        code = _compiler._code(tree, flags)
        indexgroup = [None] * tree.state.groups
        for name, index in tree.state.groupdict.items():
            indexgroup[index] = name
        args = (flags | tree.state.flags, code, tree.state.groups - 1,
                dict(tree.state.groupdict), tuple(indexgroup))
        pattern = _sre.compile(None, *args)
    except Exception:  # noqa: BLE001 - the slow, equivalent form
        return re.compile(source, re.UNICODE if literal else FLAGS)
    if cache is not None:
        cache.put_pattern(key, args)
    return pattern


def _folded_items(items, sre) -> list:
    """The members of a character class, folded: a range holding letters becomes the folded
    images of its members (a class on folded text only ever meets folded characters)."""
    out = []
    for op, av in items:
        if op is sre.LITERAL:
            out.append((op, ord(fold_char(chr(av)))))
        elif op is sre.RANGE:
            lo, hi = av
            images = {fold_char(chr(c)) for c in range(lo, hi + 1)} if hi - lo < 4096 else None
            if images is None or all(fold_char(chr(c)) == chr(c) for c in range(lo, hi + 1)):
                out.append((op, av))  # nothing to fold (or a block too large to list: uncased)
            else:
                out.extend((sre.LITERAL, ord(c)) for c in sorted(images))
        else:
            out.append((op, av))
    return out


def _fold_tree(tree, sre) -> None:
    """Fold every literal and class of the parse tree in place."""
    data = tree.data if hasattr(tree, "data") else tree
    for index, (op, av) in enumerate(data):
        if op in (sre.LITERAL, sre.NOT_LITERAL):
            data[index] = (op, ord(fold_char(chr(av))))
        elif op is sre.IN:
            data[index] = (op, _folded_items(av, sre))
        elif op is sre.SUBPATTERN:
            _fold_tree(av[-1], sre)
        elif op is sre.BRANCH:
            for branch in av[1]:
                _fold_tree(branch, sre)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            _fold_tree(av[2], sre)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            _fold_tree(av[1], sre)
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            _fold_tree(av, sre)
        elif op is sre.GROUPREF_EXISTS:
            for part in av[1:]:
                if part is not None:
                    _fold_tree(part, sre)


def _first(items, sre) -> tuple[list, bool]:
    """The class members a match of ``items`` can start with, and whether it can be empty."""
    out: list = []
    for op, av in items:
        if op is sre.LITERAL:
            return out + [(op, av)], False
        if op is sre.IN:
            if any(iop is sre.NEGATE for iop, _ in av):
                raise _Unknown
            return out + list(av), False
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            continue  # zero width: what follows starts the match
        if op is sre.SUBPATTERN:
            found, empty = _first(av[-1], sre)
        elif op is sre.BRANCH:
            found, empty = [], False
            for branch in av[1]:
                part, part_empty = _first(branch, sre)
                found += part
                empty = empty or part_empty
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            found, empty = _first(av[2], sre)
            empty = empty or av[0] == 0
        else:
            raise _Unknown
        out += found
        if not empty:
            return out, False
    return out, True


def _word_guarded(items, sre) -> bool:
    """Whether every match starts with ``(?<!\\w)``."""
    for op, av in items:
        if op is sre.ASSERT_NOT:
            direction, body = av
            return direction == -1 and list(body) == [
                (sre.IN, [(sre.CATEGORY, sre.CATEGORY_WORD)])]
        if op is sre.SUBPATTERN:
            return _word_guarded(av[-1], sre)
        if op is sre.BRANCH:
            return all(_word_guarded(branch, sre) for branch in av[1])
        return False
    return False


def _add_guards(tree, sre, parser) -> None:
    """Put the shared word guard and a first-character look-ahead in front of the tree."""
    guards = []
    if _word_guarded(tree.data, sre):
        word = parser.SubPattern(tree.state, [(sre.IN, [(sre.CATEGORY, sre.CATEGORY_WORD)])])
        guards.append((sre.ASSERT_NOT, (-1, word)))
    try:
        starts, empty = _first(tree.data, sre)
    except _Unknown:
        starts, empty = [], True
    if starts and not empty:
        members = list(dict.fromkeys(starts))
        guards.append((sre.ASSERT, (1, parser.SubPattern(tree.state, [(sre.IN, members)]))))
    if guards:
        tree.data[:0] = guards


# --- compiled expressions kept between runs ----------------------------------------------------

#: Bump when the folded form or the entries change: older cache files are not read.
FORM = 1
MISSING = object()


class CodeCache:
    """The needles and the compiled code of one pack's expressions, kept between runs.

    Parsing and compiling the packs' large expressions is most of a short scan's start-up. The
    cache is a JSON file (numbers and strings only: nothing in it is executed, and ``re``'s C
    engine checks compiled code before it uses it) named for the pack's content, the Python
    version and ``re``'s engine version, so an edited pack or another Python never meets old
    code. Any problem reading it means compiling as without it."""

    def __init__(self, path: Path | None):
        self.path = path
        self._entries: dict | None = None
        self._new = False

    @classmethod
    def for_files(cls, name: str, files: list[Path]) -> CodeCache:
        try:
            import _sre

            digest = hashlib.sha256(f"{FORM} {sys.version} {_sre.MAGIC}".encode())
            for file in files:
                digest.update(file.read_bytes())
        except (ImportError, AttributeError, OSError):
            return cls(None)
        cache = cls(user_cache() / "rules" / f"{name}-{digest.hexdigest()[:20]}.json")
        _OPEN.append(cache)
        return cache

    def _load(self) -> dict:
        if self._entries is None:
            self._entries = {}
            if self.path is not None:
                try:
                    data = json.loads(self.path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    data = None
                if isinstance(data, dict):
                    self._entries = data
        return self._entries

    @staticmethod
    def _key(source: str) -> str:
        return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def needles(self, source: str):
        """The needles stored for ``source`` (a tuple or ``None``), or ``MISSING``."""
        entry = self._load().get(self._key(source))
        if not isinstance(entry, dict) or "needles" not in entry:
            return MISSING
        needles = entry["needles"]
        if needles is None:
            return None
        if isinstance(needles, list) and all(isinstance(n, str) for n in needles):
            return tuple(needles)
        return MISSING

    def put_needles(self, source: str, needles: tuple[str, ...] | None) -> None:
        self._load().setdefault(self._key(source), {})["needles"] = \
            list(needles) if needles is not None else None
        self._new = True

    def pattern(self, source: str) -> re.Pattern | None:
        entry = self._load().get(self._key(source))
        if not isinstance(entry, dict) or "code" not in entry:
            return None
        try:
            import _sre

            return _sre.compile(None, entry["flags"], entry["code"], entry["groups"],
                                entry["groupindex"], tuple(entry["indexgroup"]))
        except Exception:  # noqa: BLE001 - a damaged entry: compile again
            return None

    def put_pattern(self, source: str, args: tuple) -> None:
        flags, code, groups, groupindex, indexgroup = args
        self._load().setdefault(self._key(source), {}).update(
            flags=flags, code=code, groups=groups, groupindex=groupindex,
            indexgroup=list(indexgroup))
        self._new = True

    def save(self) -> None:
        """Write what this run added (merged with what another run wrote meanwhile)."""
        if not self._new or self.path is None:
            return
        entries = self._entries or {}
        self._entries = None
        merged = {**self._load(), **entries}
        try:
            name = self.path.name.rsplit("-", 1)[0]
            # Only this pack's older files: "pt-<hash>" must not take "pt-BR-<hash>" along.
            for stale in self.path.parent.glob(name + "-*.json"):
                if stale != self.path and "-" not in stale.name[len(name) + 1:]:
                    stale.unlink(missing_ok=True)
            write_atomically(self.path, json.dumps(merged, separators=(",", ":")).encode())
        except OSError:
            pass  # not kept: the next run compiles again
        self._entries, self._new = merged, False


_OPEN: list[CodeCache] = []


@atexit.register
def _save_caches() -> None:
    for cache in _OPEN:
        cache.save()
