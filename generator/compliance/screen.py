"""Which of many literal strings a text contains, found in one pass.

Every expression of a pack carries *needles*: literal strings one of which each of its matches
contains. Testing each expression's needles on its own costs one search per expression and
text; a :class:`Screen` holds the needles of all the expressions that run together, as one
trie-shaped expression tried at every position of the folded text, and answers with the set of
needles present. An expression whose needles are all absent is never run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from generator.compliance.folding import CodeCache, compile_folded


def _trie(words: Iterable[str]) -> dict:
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return root


def _source(node: dict) -> str:
    """The trie as an expression whose match at a position is the longest word there."""
    branches = [re.escape(ch) + _source(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word ends here: the longer ones are tried first
        return f"(?:{body})?" if len(branches) == 1 else body + "?"
    return body


class Screen:
    """The needles of a set of expressions, searched together."""

    def __init__(self, needles: Iterable[str], cache: CodeCache | None = None):
        words = sorted(set(needles))
        #: Compiling the trie of a language's needles is a large part of a short scan's
        #: start-up: its code is kept in the pack's ``cache`` like the expressions', under the
        #: needles themselves, so a warm start does not even write the trie out.
        self._regex = None
        if words:
            key = "screen:" + json.dumps(words, ensure_ascii=False)
            self._regex = cache.pattern(key) if cache is not None else None
            if self._regex is None:
                self._regex = compile_folded("(?=(" + _source(_trie(words)) + "))", cache,
                                             literal=True, key=key)
        present = set(words)
        #: For each needle, the needles it starts with (itself included): the match at a
        #: position is the longest needle there; the shorter ones there are its prefixes.
        self._prefixes = {w: frozenset(w[:i] for i in range(1, len(w) + 1) if w[:i] in present)
                          for w in words}

    def present(self, folded: str) -> frozenset[str]:
        """The needles that occur in the ``folded`` text."""
        if self._regex is None:
            return frozenset()
        found: set[str] = set()
        prefixes = self._prefixes
        for match in self._regex.finditer(folded):
            found |= prefixes[match.group(1)]
        return frozenset(found)
