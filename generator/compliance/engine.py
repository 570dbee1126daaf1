"""The compliance engine: finds review-solicitation wording in a text and strips it.

Rules are data: one YAML pack per language in ``generator/rules/`` (plus ``common.yaml``, applied
to every language, for star strings, ``5/5`` ratings and review URLs). A pack declares *terms*
(named lists of regular-expression alternatives, e.g. the words for "review" or for a request),
*innocent* phrases masked before any rule runs ("review the safety notes", "IP54 rating"), and
*rules* in the spirit of Vale:

- existence: ``pattern``/``patterns`` must match;
- co-occurrence: every term in ``all`` must occur in the same sentence, optionally within
  ``near`` characters of each other;
- both at once (a pattern plus terms), and per-rule ``exceptions`` masked for that rule only.

The unit of checking is the sentence (a short question is joined to the sentence after it, so
"Happy? Review us." is judged whole). An offending sentence is removed; the finding keeps the
rule, category, matched span and the text before and after. The stage that applies this to a
document's texts is :mod:`generator.compliance.cleaning`.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from generator.compliance.folding import FLAGS, MISSING, CodeCache, compile_folded, fold
from generator.compliance.normalize import evasive, normalize
from generator.compliance.screen import Screen
from generator.findings import InsertgenError
from generator.paths import RULES

#: Categories, most specific first: a sentence matched by several rules reports the first.
CATEGORIES = ("incentive", "modify_review", "gating", "positive_only", "other", "review_link",
              "solicit")
PROFILES = ("strict", "neutral-allowed")
COMMON = "common"


# --- the pack format ------------------------------------------------------------------------


class RuleSpec(BaseModel):
    """One rule: of the shared rule set (``concepts.yaml``) or of ``common.yaml``."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")] = Field(
        description="Identifier, unique in the file; reported as <language>.<id>.")
    category: Literal[CATEGORIES] = Field(description="What kind of solicitation this is.")  # type: ignore[valid-type]
    message: str = Field(description="Why the sentence was removed, shown to the user.")
    pattern: str | None = Field(None, description="A regular expression that must match.")
    patterns: list[str] = Field(default_factory=list, description="Several patterns; any may match.")
    all: list[str] = Field(default_factory=list, description="Terms that must all occur.")
    with_any: list[str] = Field(default_factory=list,
                                description="At least one of these terms must occur too.")
    neighbour: list[str] = Field(default_factory=list, description=(
        "Terms that must all occur in the sentence before or after; both sentences go."))
    near: Annotated[int, Field(gt=0)] | None = Field(
        None, description="Maximum distance in characters between the matched pieces.")
    exceptions: list[str] = Field(default_factory=list,
                                  description="Phrases masked for this rule only.")
    distinct: bool = Field(False, description="The terms must match different words (no overlap).")


class SuspectSpec(BaseModel):
    """A co-occurrence that no rule confirmed: printed unchanged, reported as a warning."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")]
    message: str
    all: list[str]
    neighbour: list[str] = Field(default_factory=list)
    exceptions: list[str] = Field(default_factory=list)


class SharedSpec(BaseModel):
    """The shared rule set (``concepts.yaml``): the concept inventory and the rules over it."""

    model_config = ConfigDict(extra="forbid")

    concepts: dict[str, str] = Field(description="Concept name: what its lexicon holds.")
    contexts: dict[str, str] = Field(description="Innocent context name: what it masks.")
    rules: list[RuleSpec]
    suspects: list[SuspectSpec] = Field(default_factory=list)


class CompoundSpec(BaseModel):
    """A concept present where several terms meet in one sentence ("kind words" near a public
    place is a request for a good review): a lexicon entry, not a rule."""

    model_config = ConfigDict(extra="forbid")

    all: Annotated[list[str], Field(min_length=2)]
    near: Annotated[int, Field(gt=0)] | None = None


class PackSpec(BaseModel):
    """A rule pack file (``rules/<language>.yaml``): lexicons for the shared concepts."""

    model_config = ConfigDict(extra="forbid")

    language: str = Field(description="BCP 47 code of the language, or 'common'.")
    name: str = Field(description="The language's English name.")
    boundaries: Literal["words", "none"] = Field(
        "words", description="'words': terms match whole words; 'none' for ja, zh (no spaces).")
    also: list[str] = Field(default_factory=list,
                            description="Other packs applied with this one (e.g. en).")
    terms: dict[str, list[str]] = Field(default_factory=dict, description=(
        "A lexicon per concept of concepts.yaml; names starting with _ are helpers for {refs}."))
    phrases: dict[str, list[str | CompoundSpec]] = Field(default_factory=dict, description=(
        "More alternatives for a concept: expressions not wrapped in word boundaries, or terms "
        "that must meet in one sentence ({all: [...], near: N})."))
    contexts: dict[str, list[str]] = Field(default_factory=dict, description=(
        "Innocent contexts of concepts.yaml (scales, settings, hotels, specs), masked first."))
    innocent: list[str] = Field(default_factory=list,
                                description="Other manual wording masked before every rule.")
    exceptions: dict[str, list[str]] = Field(default_factory=dict,
                                             description="Shared rule id: phrases masked for it.")
    near: dict[str, Annotated[int, Field(gt=0)]] = Field(
        default_factory=dict, description="Shared rule id: a distance of this language's own.")
    needs: dict[str, list[str]] = Field(default_factory=dict, description=(
        "Shared rule id: terms it also needs in this language (a request marker in ja)."))
    distinct: list[str] = Field(default_factory=list, description=(
        "Shared rule ids whose terms must match different words in this language."))
    rules: list[RuleSpec] = Field(default_factory=list,
                                  description="Only in common.yaml: rules over characters.")


class RulePackError(InsertgenError):
    """A rule pack cannot be loaded; the message names the file and the problem."""


# --- compiled packs -------------------------------------------------------------------------

_TERM_REF = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
#: libyaml's loader when PyYAML has it (ten times faster on the packs), else the Python one.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclasses.dataclass(frozen=True)
class Expr:
    """An expression and the literal pieces (case-folded) one of which every match contains:
    a text holding none of them is skipped without running the expression, which is what makes
    scanning fast, since most texts hold no review word at all. The expression is compiled the
    first time a text could match it (most never need to be, and compiling is the slow part of
    loading a pack)."""

    source: str
    needles: tuple[str, ...] | None
    where: str
    #: Where the compiled code is kept between runs (``None``: compiled every run).
    cache: CodeCache | None = dataclasses.field(default=None, compare=False, repr=False)

    @functools.cached_property
    def regex(self) -> re.Pattern:
        """The expression compiled for :func:`fold`-ed text (run it on folded text only)."""
        try:
            return compile_folded(self.source, self.cache)
        except re.error as error:
            raise RulePackError(f"{self.where}: expected a regular expression, got "
                                f"{self.source!r} ({error})") from None

    @functools.cached_property
    def _screen(self) -> re.Pattern | None:
        """One search for any of the needles (faster than a test per needle from Python)."""
        if self.needles is None:
            return None
        return re.compile("|".join(re.escape(n) for n in sorted(self.needles, key=len)))

    @functools.cached_property
    def _needle_set(self) -> frozenset[str]:
        return frozenset(self.needles or ())

    def could_match(self, folded: str, present: frozenset[str] | None = None) -> bool:
        """Whether ``folded`` holds one of the needles; ``present``, when given, is the set
        of needles the checker's :class:`Screen` found in it (then no search runs)."""
        if self.needles is None:
            return True
        if present is not None:
            return not present.isdisjoint(self._needle_set)
        return self._screen.search(folded) is not None


def _needles(tree) -> tuple[str, ...] | None:
    """Literal strings one of which every match of the parsed expression ``tree`` contains, or
    ``None`` when no useful set can be derived (then the expression always runs)."""
    from re import _constants as sre  # private module: a failure only costs speed

    def sequence(items) -> set[str] | None:
        options: list[set[str]] = []
        run: list[str] = []

        def flush():
            if run:
                options.append({"".join(run)})
                run.clear()

        for op, av in items:
            if op is sre.LITERAL:
                run.append(chr(av))
                continue
            if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):  # zero width: the run goes on
                continue
            flush()
            sub = None
            if op is sre.SUBPATTERN:
                sub = sequence(av[-1])
            elif op is sre.BRANCH:
                subs = [sequence(branch) for branch in av[1]]
                sub = set().union(*subs) if all(subs) else None
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1:
                sub = sequence(av[2])
            if sub:
                options.append(sub)
        flush()
        return max(options, key=lambda o: (min(map(len, o)), -len(o))) if options else None

    found = sequence(tree)
    if not found:
        return None
    needles = {fold(n) for n in found}
    if any(not n.strip() or (len(n) == 1 and n.isascii() and n.isalnum()) for n in needles):
        return None  # a space or a single letter is in every text: no use as a filter
    return tuple(sorted(needles))


@dataclasses.dataclass(frozen=True)
class Rule:
    id: str
    category: str
    message: str
    patterns: tuple[Expr, ...]
    terms: tuple[str, ...]
    near: int | None
    distinct: bool
    exceptions: tuple[Expr, ...]
    any_terms: tuple[str, ...] = ()
    neighbour: tuple[str, ...] = ()
    #: ``remove``: the sentence is taken out; ``review``: a suspect, printed and reported.
    level: str = "remove"


@dataclasses.dataclass(frozen=True, eq=False)
class Pack:
    language: str
    name: str
    path: Path
    also: tuple[str, ...]
    terms: dict[str, Expr | None]
    innocent: tuple[Expr, ...]
    rules: tuple[Rule, ...]
    #: Concept: the term combinations that also make it present (``phrases`` compounds).
    compounds: dict[str, tuple[tuple[tuple[str, ...], int | None], ...]] = \
        dataclasses.field(default_factory=dict)
    #: Where the compiled code of its expressions is kept between runs.
    cache: CodeCache | None = dataclasses.field(default=None, compare=False, repr=False)

    @functools.cached_property
    def by_first_term(self) -> tuple[tuple[str | None, tuple[tuple[int, Rule, tuple[str, ...]],
                                                               ...]], ...]:
        """The rules grouped by their rarest term (see ``_RARE_FIRST``), each with the rest of
        its terms: a text without that term skips the whole group at once. Rules keep their
        order within a group, and the groups the order of their first rule."""
        groups: dict[str | None, list] = {}
        for index, rule in enumerate(self.rules):
            order = sorted(rule.terms, key=_selectivity)
            groups.setdefault(order[0] if order else None, []).append(
                (index, rule, tuple(order[1:])))
        return tuple((first, tuple(group)) for first, group in groups.items())


def _compile_expression(source: str, where: str, cache: CodeCache | None = None) -> Expr:
    """The expression, checked (parsed) now and compiled when first needed; an expression
    ``cache`` has seen before (it compiled then) is not parsed again."""
    if cache is not None:
        needles = cache.needles(source)
        if needles is not MISSING:
            return Expr(source, needles, where, cache)
    try:
        from re import _parser as parser  # private module: parsing checks the syntax

        tree = parser.parse(source, int(FLAGS))
    except re.error as error:
        raise RulePackError(f"{where}: expected a regular expression, got {source!r} ({error})") \
            from None
    except Exception:  # noqa: BLE001 - no parser: compile at once, without needles
        expr = Expr(source, None, where)
        expr.regex  # noqa: B018 - compiling now reports a broken expression at load time
        return expr
    try:
        needles = _needles(tree)
    except Exception:  # noqa: BLE001 - an unexpected tree only costs speed
        needles = None
    if cache is not None:
        cache.put_needles(source, needles)
    return Expr(source, needles, where, cache)


def _defined(shared: list[str], *lexicons: dict) -> list[str]:
    """The shared rule's exceptions whose helper terms this pack defines: a pack without
    ``_private`` simply has no such exception."""
    return [p for p in shared
            if all(any(name in lex for lex in lexicons) for name in _TERM_REF.findall(p))]


def _wrap(alternatives: str, words: bool) -> str:
    return rf"(?<!\w)(?:{alternatives})(?!\w)" if words else f"(?:{alternatives})"


SHARED = "concepts"


def _read(path: Path, model):
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        return model.model_validate(data)
    except (OSError, yaml.YAMLError) as error:
        raise RulePackError(f"{path}: expected a readable YAML rule file, got {error}") from None
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise RulePackError(f"{path}: {problems}") from None


@functools.cache
def shared_rules(folder: Path = RULES) -> SharedSpec:
    """The concept inventory and the rules written once over it."""
    path = folder / f"{SHARED}.yaml"
    spec = _read(path, SharedSpec)
    for rule in [*spec.rules, *spec.suspects]:
        for term in [*rule.all, *getattr(rule, "with_any", []), *rule.neighbour]:
            if term not in spec.concepts:
                raise RulePackError(f"{path}: {rule.id}: expected a concept of the inventory, "
                                    f"got {term!r}")
    return spec


@functools.cache
def _common_terms(folder: Path) -> dict[str, list]:
    """common.yaml's lexicons, read once for every language pack that takes them in."""
    return _read(folder / f"{COMMON}.yaml", PackSpec).terms


def load_pack(path: Path) -> Pack:
    """Read and compile one pack; every problem is a :class:`RulePackError` naming the file.
    A language pack's lexicons are bound to the shared rules of ``concepts.yaml`` next to it;
    ``common.yaml`` brings rules of its own (star strings, review links: no words)."""
    spec = _read(path, PackSpec)
    shared = shared_rules(path.parent) if spec.language != COMMON else None
    common = path.parent / f"{COMMON}.yaml"
    cache = CodeCache.for_files(path.stem, [path] + ([path.parent / f"{SHARED}.yaml", common]
                                                     if shared is not None else []))

    def _compile(source: str, where: str) -> Expr:
        return _compile_expression(source, where, cache)
    if shared is not None:
        if spec.rules:
            raise RulePackError(f"{path}: rules: expected lexicons only (the rules are shared, "
                                f"in {SHARED}.yaml), got {len(spec.rules)} rule(s)")
        for name in [*spec.terms, *spec.phrases]:
            if name not in shared.concepts and not name.startswith("_"):
                raise RulePackError(f"{path}: terms.{name}: expected a concept of {SHARED}.yaml "
                                    f"or a helper named _{name}, got {name!r}")
        for name in spec.contexts:
            if name not in shared.contexts:
                raise RulePackError(f"{path}: contexts.{name}: expected one of "
                                    f"{', '.join(shared.contexts)}, got {name!r}")
        ids = {r.id for r in shared.rules}
        for key in (*spec.exceptions, *spec.near, *spec.distinct, *spec.needs):
            if key not in ids:
                raise RulePackError(f"{path}: expected a shared rule id in exceptions, near, "
                                    f"distinct and needs, got {key!r}")
    words = spec.boundaries == "words"
    raw_terms = {name: "|".join(f"(?:{alt})" for alt in alts)
                 for name, alts in spec.terms.items() if alts}
    raw_phrases = {name: "|".join(f"(?:{alt})" for alt in alts if isinstance(alt, str))
                   for name, alts in spec.phrases.items()}
    raw_phrases = {name: raw for name, raw in raw_phrases.items() if raw}
    if shared is not None and common.is_file():
        # What has no words is written once, in common.yaml, for every language: its lexicons
        # of shared concepts ("😍 … →" as a condition) join each pack's, as phrases.
        for name, alts in _common_terms(path.parent).items():
            if name in shared.concepts and alts:
                joined = "|".join(f"(?:{alt})" for alt in alts)
                raw_phrases[name] = f"{raw_phrases[name]}|{joined}" if name in raw_phrases \
                    else joined
    compounds = {name: tuple((tuple(alt.all), alt.near) for alt in alts
                             if isinstance(alt, CompoundSpec))
                 for name, alts in spec.phrases.items()}
    compounds = {name: found for name, found in compounds.items() if found}

    def expand(source: str, where: str, seen: tuple[str, ...] = ()) -> str:
        """``{name}`` replaced by the term's alternatives, terms inside terms included."""
        def replace(match: re.Match) -> str:
            name = match.group(1)
            if name not in raw_terms and name not in raw_phrases:
                raise RulePackError(f"{path}: {where}: expected a defined term, got {{{name}}}")
            if name in seen:
                raise RulePackError(f"{path}: {where}: expected terms that do not refer to "
                                    f"themselves, got {{{name}}} inside {{{seen[-1]}}}")
            return concept(name, where, (*seen, name))

        return _TERM_REF.sub(replace, source)

    def concept(name: str, where: str, seen: tuple[str, ...]) -> str:
        """A term: its words wrapped in word boundaries, its phrases as they are."""
        parts = []
        if name in raw_terms:
            parts.append(_wrap(expand(raw_terms[name], where, seen), words))
        if name in raw_phrases:
            parts.append(f"(?:{expand(raw_phrases[name], where, seen)})")
        return "|".join(parts) if len(parts) == 1 else f"(?:{'|'.join(parts)})"

    terms: dict[str, Expr | None] = {
        name: _compile(concept(name, f"terms.{name}", (name,)), f"{path}: terms.{name}")
        for name in {**raw_terms, **raw_phrases}}
    for name, found in compounds.items():
        terms.setdefault(name, None)
        for parts, _ in found:
            for part in parts:
                if part not in raw_terms and part not in raw_phrases and part not in compounds:
                    raise RulePackError(f"{path}: phrases.{name}: expected defined terms in "
                                        f"'all', got {part!r}")

    def cycle(name: str, seen: tuple[str, ...]) -> None:
        for parts, _ in compounds.get(name, ()):
            for part in parts:
                if part in seen:
                    raise RulePackError(f"{path}: phrases.{name}: expected compounds that do "
                                        f"not refer to themselves, got {part!r}")
                cycle(part, (*seen, part))

    for name in compounds:
        cycle(name, (name,))

    def masks(phrases: list[str], where: str) -> Expr | None:
        if not phrases:
            return None
        joined = "|".join(f"(?:{expand(p, where)})" for p in phrases)
        # Innocent phrases start at a word (the guard lets the engine skip mid-word positions).
        return _compile(rf"(?<!\w)(?:{joined})" if words else joined, f"{path}: {where}")

    # The manual wording and each context are separate expressions, masked independently: a
    # match of one never hides the start of another.
    innocent = tuple(e for e in [masks(spec.innocent, "innocent"),
                                 *(masks(alts, f"contexts.{name}")
                                   for name, alts in spec.contexts.items())] if e is not None)
    specs: list[tuple[RuleSpec, str]] = [(r, "remove") for r in spec.rules]
    if shared is not None:
        specs = [(r, "remove") for r in shared.rules]
        specs += [(RuleSpec(id=f"suspect.{r.id}", category="solicit", message=r.message,
                            all=r.all, neighbour=r.neighbour, exceptions=r.exceptions),
                   "review") for r in shared.suspects]
    rules = []
    seen: set[str] = set()
    for index, (rule, level) in enumerate(specs):
        where = f"rules[{index}] ({rule.id})"
        if rule.id in seen:
            raise RulePackError(f"{path}: {where}: expected a unique id, got a second {rule.id!r}")
        seen.add(rule.id)
        sources = ([rule.pattern] if rule.pattern else []) + rule.patterns
        if not sources and not rule.all:
            raise RulePackError(f"{path}: {where}: expected a pattern or 'all' terms, got neither")
        needed = [*rule.all, *spec.needs.get(rule.id, []), *rule.neighbour]
        if shared is not None:
            # A concept the pack leaves empty switches its rules off (a test keeps packs full).
            if any(t not in terms for t in needed) or (
                    rule.with_any and not any(t in terms for t in rule.with_any)):
                continue
        else:
            for term in needed:
                if term not in terms:
                    raise RulePackError(f"{path}: {where}: expected a defined term in 'all', "
                                        f"got {term!r}")
        extra = spec.exceptions.get(rule.id, [])
        rules.append(Rule(
            id=f"{spec.language}.{rule.id}", category=rule.category, message=rule.message,
            patterns=tuple(_compile(expand(p, where), f"{path}: {where}") for p in sources),
            terms=(*rule.all, *spec.needs.get(rule.id, [])), near=spec.near.get(rule.id, rule.near),
            distinct=rule.distinct or rule.id in spec.distinct,
            exceptions=tuple(_compile(expand(p, where), f"{path}: {where}")
                             for p in [*_defined(rule.exceptions, raw_terms, raw_phrases),
                                       *extra]),
            any_terms=tuple(t for t in rule.with_any if t in terms),
            neighbour=tuple(rule.neighbour), level=level,
        ))
    return Pack(spec.language, spec.name, path, tuple(spec.also), terms, innocent, tuple(rules),
                compounds, cache)


@functools.cache
def available_packs(folder: Path = RULES) -> dict[str, Path]:
    """Pack files by language code."""
    return {path.stem: path for path in sorted(folder.glob("*.yaml")) if path.stem != SHARED}


@functools.cache
def pack(language: str, folder: Path = RULES) -> Pack:
    return load_pack(available_packs(folder)[language])


def pack_for_locale(locale: str, folder: Path = RULES) -> str | None:
    """The pack that checks ``locale``: exact code, then its language (``de-AT`` -> ``de``,
    ``pt`` -> ``pt-BR``, ``zh-CN`` -> ``zh-Hans``)."""
    packs = available_packs(folder)
    if locale in packs and locale != COMMON:
        return locale
    language = locale.split("-")[0].split("_")[0].lower()
    if language in packs:
        return language
    for code in packs:
        if code.split("-")[0].lower() == language:
            return code
    return None


# --- text normalisation ---------------------------------------------------------------------

# Evasion-proof normalisation (spelled-out letters, look-alikes, digits for letters) with the
# offsets mapped back: see generator/compliance/normalize.py.


# --- sentences ------------------------------------------------------------------------------

#: A sentence ends at . ! ? … followed by a space (and not by a lower-case letter or a digit,
#: so "z. B. die" and "ca. 5" stay whole), at CJK full stops and marks, and at line breaks.
_SENTENCE_END = re.compile(
    r"[.!?…‼⁉؟]+[\"'»”’)\]]*(?= +(?![a-zà-öø-ÿß\d]))"
    r"|[。！？]+[」』”’）)]*"
    # A table written on one line: "Problem | Cause | Fix" holds three cells, not a sentence.
    r"|(?<= )\|(?= )"
    r"|\n")
_QUESTION = re.compile(r"[?？؟][\"'»”’)\]」』）]*\s*$")


#: Stars and thumbs are what the star rules read: they stay where they are written.
_RULE_SYMBOLS = frozenset("★☆⭐🌟✩✭✪✯✰✮✬✫⭑✶✷✸✹✺👍")


def _closes_sentence(ch: str) -> bool:
    """An emoji or a pictograph (or what joins one) that closes a sentence."""
    return ch not in _RULE_SYMBOLS and (unicodedata.category(ch) in ("So", "Sk", "Cf", "Mn")
                                        or ch in "\u200d\ufe0f")


def sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence (surrounding spaces excluded). A question is joined to
    the sentence that follows it ("Happy? Review us." is one unit), and what has no letter or
    digit (emoji, symbols) to the sentence before it."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    out: list[tuple[int, int]] = []
    telegraphic = False  # the last unit is made of fragments only (see _fragment)
    for begin, end in spans:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        if begin == end:
            continue
        # A line break or a table's "|" ends a unit for good: no question or emoji crosses it.
        joined = out and "\n" not in text[out[-1][1]:begin] and text[out[-1][1] - 1] != "|"
        # Judged before any emoji is moved onto it: "Soddisfatto? 👉 Lascia …" is a question.
        question = joined and _QUESTION.search(text[out[-1][0]:out[-1][1]])
        # Telegraphic style ("Ihre Erfahrung. Ihre Worte. Sichtbar für alle …"): a fragment of
        # three words or fewer ending with a full stop is read with the sentence after it.
        fragment = joined and telegraphic
        if joined:
            # Emoji at the start belong to the sentence before ("… pra gente! 😍 Lave …").
            lead = begin
            while lead < end and _closes_sentence(text[lead]):
                lead += 1
            if lead > begin:
                out[-1] = (out[-1][0], lead)
                begin = lead
                while begin < end and text[begin].isspace():
                    begin += 1
                if begin == end:
                    continue
        if joined and (question or fragment or not any(c.isalnum() for c in text[begin:end])):
            # A question goes with its answer; emoji or symbols after a sentence ("… for us! 😍")
            # belong to it, and go with it when it is removed.
            out[-1] = (out[-1][0], end)
            telegraphic = fragment and _fragment(text[begin:end])
        else:
            out.append((begin, end))
            telegraphic = _fragment(text[begin:end])
    return out


def _fragment(sentence: str) -> bool:
    """A sentence of two or three words (at most 25 characters, in a script written with
    spaces) that ends with a full stop: half of a telegraphic line."""
    return (sentence.endswith((".", "。")) and not sentence.endswith("..")
            and len(sentence) <= 25 and len(sentence.split()) <= 3
            and sum(c.isalpha() for c in sentence) >= 2 and " " in sentence.strip()
            and not _UNSPACED.search(sentence))


#: Scripts written without spaces between words: a space there is no word count.
_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


# --- matching -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AllowEntry:
    """A phrase the catalog allows, and why."""

    phrase: str
    reason: str


def most_specific(matches: Iterable[Match]) -> Match:
    """The match of the most specific category (see ``CATEGORIES``)."""
    return min(matches, key=lambda m: CATEGORIES.index(m.category))


@dataclasses.dataclass(frozen=True)
class Match:
    """One rule that fired, with the span it matched in the original text."""

    rule: str
    category: str
    message: str
    start: int
    end: int
    match: str

    def to_dict(self) -> dict:
        return {"rule": self.rule, "category": self.category, "start": self.start,
                "end": self.end, "match": self.match, "message": self.message}


@dataclasses.dataclass
class Removal:
    """A sentence taken out, and every rule that asked for it."""

    start: int
    end: int
    sentence: str
    matches: list[Match]

    @property
    def primary(self) -> Match:
        return most_specific(self.matches)


@dataclasses.dataclass
class Allowed:
    """A match let through, by the catalog's allow-list or by the profile."""

    match: Match
    reason: str


@dataclasses.dataclass
class Suspect:
    """A sentence kept but reported: a review concept that no rule confirmed, or a fragment
    left next to a removal. ``--strict`` fails on these."""

    start: int
    end: int
    sentence: str
    matches: list[Match]

    @property
    def reason(self) -> str:
        return self.matches[0].message


@dataclasses.dataclass
class Scan:
    """The result of checking one text."""

    text: str
    clean: str
    removals: list[Removal]
    allowed: list[Allowed]
    suspects: list[Suspect] = dataclasses.field(default_factory=list)

    @property
    def matches(self) -> list[Match]:
        return [m for r in self.removals for m in r.matches]

    def to_dict(self) -> dict:
        """The JSONL record of ``insertgen compliance scan``."""
        return {"text": self.text, "clean": self.clean,
                "findings": [m.to_dict() for m in self.matches],
                "suspects": [{**s.matches[0].to_dict(), "sentence": s.sentence}
                             for s in self.suspects]}


class Checker:
    """The packs for one language, ready to check texts."""

    def __init__(self, language: str, folder: Path = RULES):
        self.language = language
        code = COMMON if language == COMMON else pack_for_locale(language, folder)
        #: True when no pack of this language exists (only common and English rules apply).
        self.fallback = code is None
        names: list[str] = []
        for name in [code] + list(pack(code, folder).also) if code else ["en"]:
            if name not in names and name in available_packs(folder):
                names.append(name)
        if COMMON in available_packs(folder) and COMMON not in names:
            names.append(COMMON)
        self.packs = [pack(name, folder) for name in names]
        #: Scans of texts already seen (a build checks the same wording in many documents).
        self._seen: dict[tuple, Scan] = {}

    @functools.cached_property
    def screen(self) -> Screen:
        """The needles of every expression of the packs, searched in one pass."""
        needles: set[str] = set()
        for pk in self.packs:
            exprs = [*pk.terms.values(), *pk.innocent,
                     *(e for rule in pk.rules for e in (*rule.patterns, *rule.exceptions))]
            needles.update(n for e in exprs if e is not None for n in e.needles or ())
        return Screen(needles, self.packs[0].cache if self.packs else None)

    # A text is checked pack by pack on its normalised form; hits are collected over the whole
    # text once, then grouped by sentence. Masking the innocent phrases is the costly part, so
    # it is done only when some rule could fire on the unmasked text (masking only takes
    # matches away). Every pack's innocent phrases are masked for all the packs that run
    # together: "Let op" is Dutch for "Note", not an English request, and "haptic feedback"
    # quoted in a Turkish manual is as innocent as in an English one.
    def _pack_matches(self, pk: Pack, folded: str, present: frozenset[str],
                      spans: list[tuple[int, int]], extra: re.Pattern | None,
                      concepts: dict[int, set[str]] | None = None,
                      ) -> dict[int, list[tuple[Rule, int, int]]]:
        """The rules that fire, by sentence index; ``concepts`` (when given) collects the
        concepts present in each sentence (of a pack with no candidate rule too)."""
        candidates = _candidates(pk, folded, present)
        if not candidates and concepts is None:
            return {}
        if candidates:
            masks = [m for p in self.packs for m in p.innocent if m.could_match(folded, present)]
            # Matching runs on the folded text (same offsets as ``norm``).
            masked = _masked(folded, [m.regex for m in masks] + [extra])
        else:  # no rule of this pack fires, but its conditions still count (arrow cards)
            masked = folded
        starts = [s for s, _ in spans]
        hits: dict[str, list[tuple[int, int]]] = {}

        def term_hits(name: str) -> list[tuple[int, int]]:
            return _term_hits(pk, name, masked, spans, starts, hits)

        found: dict[int, list[tuple[Rule, int, int]]] = {}
        for rule in candidates:
            if any(not term_hits(t) for t in rule.terms):
                continue
            if rule.patterns:
                anchors = _spans(rule.patterns, masked)
                rest = rule.terms
            else:
                anchors, rest = term_hits(rule.terms[0]), rule.terms[1:]
            for a_start, a_end in anchors:
                index = bisect.bisect_right(starts, a_start) - 1
                if index < 0 or any(r is rule for r, _, _ in found.get(index, ())):
                    continue
                s_start, s_end = spans[index]
                if a_end > s_end:
                    continue
                span = _cooccur(a_start, a_end, [term_hits(t) for t in rest], s_start, s_end,
                                rule.near, rule.distinct)
                if span is None:
                    continue
                if rule.any_terms and not any(_inside(term_hits(t), s_start, s_end)
                                              for t in rule.any_terms):
                    continue
                if rule.exceptions and not _survives(rule, pk, masked[s_start:s_end]):
                    continue
                if rule.neighbour:
                    pair = [i for i in (index + 1, index - 1) if 0 <= i < len(spans)
                            and all(_inside(term_hits(t), *spans[i]) for t in rule.neighbour)]
                    if not pair:
                        continue
                    # Both halves of a removal go; a suspect is the sentence with the review
                    # word only (its neighbour with the benefit has none).
                    if rule.level == "remove":
                        found.setdefault(pair[0], []).append((rule, *spans[pair[0]]))
                found.setdefault(index, []).append((rule, *span))
        if concepts is not None:
            for name in self._NOT_PLAIN & pk.terms.keys():
                if pk.terms[name] is None or pk.terms[name].could_match(folded, present):
                    for start, _ in term_hits(name):
                        concepts.setdefault(bisect.bisect_right(starts, start) - 1, set()).add(name)
        return found

    def scan(self, text: str, *, profile: str = "strict", allow: Iterable[AllowEntry] = (),
             remember: bool = True) -> Scan:
        """Check ``text``; the offending sentences are removed from ``Scan.clean``. The result
        is shared between calls with the same arguments: treat it as read-only. ``remember``
        off for texts that will not come again (a PDF's whole text)."""
        key = (text, profile, tuple(allow))
        if not remember:
            return self._seen.get(key) or self._scan(text, profile, key[2])
        if key not in self._seen:
            if len(self._seen) > 4096:
                self._seen.clear()
            self._seen[key] = self._scan(text, profile, key[2])
        return self._seen[key]

    def _scan(self, text: str, profile: str, allow: tuple[AllowEntry, ...]) -> Scan:
        norm, offsets = normalize(text)
        spans = sentences(norm)

        def original(start: int, end: int) -> tuple[int, int]:
            if offsets is None:
                return start, end
            return offsets[start], offsets[end - 1] + 1 if end > start else offsets[start]

        folded = _anonymous_addresses(fold(norm))
        present = self.screen.present(folded)
        per_sentence: dict[int, list[Match]] = {}
        suspected: dict[int, list[Match]] = {}
        concepts: dict[int, set[str]] = {}
        for pk in self.packs:
            fired_by = self._pack_matches(pk, folded, present, spans, None,
                                          concepts if profile == "neutral-allowed" else None)
            for index, fired in fired_by.items():
                for rule, start, end in fired:
                    o_start, o_end = original(start, end)
                    into = per_sentence if rule.level == "remove" else suspected
                    into.setdefault(index, []).append(Match(
                        rule.id, rule.category, rule.message, o_start, o_end, text[o_start:o_end]))
        allowed: list[Allowed] = []
        entries = [a for a in allow if a.phrase]
        if (per_sentence or suspected) and entries:
            per_sentence = self._apply_allow_list(norm, folded, present, spans, per_sentence,
                                                  entries, allowed)
            suspected = self._apply_allow_list(norm, folded, present, spans, suspected, entries,
                                               allowed)
        removals: list[Removal] = []
        removed: set[int] = set()
        kept_neutral: set[int] = set()
        for index in sorted(per_sentence):
            matches = per_sentence[index]
            if profile == "neutral-allowed" and self._plain_request(
                    index, matches, concepts, norm[slice(*spans[index])],
                    tuple(norm[slice(*spans[i])] for i in (index - 1, index + 1)
                          if 0 <= i < len(spans)), text[slice(*original(*spans[index]))]):
                allowed += [Allowed(m, "a neutral review request (profile neutral-allowed)")
                            for m in matches]
                kept_neutral.add(index)
                continue
            start, end = original(*spans[index])
            removals.append(Removal(start, end, text[start:end], matches))
            removed.add(index)
        suspects: list[Suspect] = []
        # A sentence kept as a neutral request was judged already: it is no suspect as well.
        for index in sorted(set(suspected) - removed - kept_neutral):
            start, end = original(*spans[index])
            suspects.append(Suspect(start, end, text[start:end], suspected[index]))
        # What a removal leaves behind: a short sentence that leaned on the removed one ("We
        # will definitely fix it.") reads as half of the solicitation.
        for index in sorted({i + d for i in removed for d in (-1, 1)} - removed - set(suspected)):
            if not 0 <= index < len(spans):
                continue
            start, end = original(*spans[index])
            sentence = text[start:end]
            if _short(sentence) and not _QUESTION.search(sentence):
                suspects.append(Suspect(start, end, sentence, [Match(
                    "suspect.fragment", "solicit",
                    "a short sentence left next to a removed one may be half of it",
                    start, end, sentence)]))
        suspects.sort(key=lambda s: s.start)
        clean = _without(text, [(r.start, r.end) for r in removals]) if removals else text
        return Scan(text, clean, removals, allowed, suspects)

    #: Concepts that make a review request more than a plain, neutral one.
    _NOT_PLAIN = frozenset({"benefit", "reward", "proof", "happy_if", "unhappy_if", "positive",
                            "top_score", "change_request", "before", "steer_private", "dictate",
                            "threat", "helpful_vote", "review_link"})

    def _plain_request(self, index: int, matches: list[Match],
                       concepts: dict[int, set[str]], sentence: str = "",
                       neighbours: tuple[str, ...] = (), written: str = "") -> bool:
        """Whether ``neutral-allowed`` may keep the sentence: only solicit rules fired, it is
        written plainly (no spelling around the word list), and neither it nor a neighbouring
        sentence carries a condition, a benefit, a vote or a change. Benefits are looked for
        in the text as written: "a free spare part" is innocent in a manual, not next to a
        review request."""
        if not all(m.category == "solicit" for m in matches):
            return False
        if concepts.get(index, set()) & self._NOT_PLAIN or evasive(written):
            return False
        if any("benefit" in concepts.get(i, ()) or "reward" in concepts.get(i, ())
               for i in (index - 1, index + 1)):
            return False
        texts = [fold(t) for t in (sentence, *neighbours) if t]
        for pk in self.packs:
            for name in ("benefit", "reward"):
                expr = pk.terms.get(name)
                if expr is not None and any(expr.could_match(folded)
                                            and expr.regex.search(folded) for folded in texts):
                    return False
        return True

    def _apply_allow_list(self, norm, folded, present, spans, per_sentence, entries, allowed):
        """Re-check with the allowed phrases masked: what no longer fires is allowed."""
        phrase = re.compile("|".join(re.escape(e.phrase) for e in entries), FLAGS)
        if not phrase.search(norm):
            return per_sentence
        still: dict[int, set[str]] = {}
        for pk in self.packs:
            for index, fired in self._pack_matches(pk, folded, present, spans, phrase).items():
                still.setdefault(index, set()).update(rule.id for rule, _, _ in fired)
        reasons = {e.phrase.casefold(): e.reason for e in entries}
        kept: dict[int, list[Match]] = {}
        for index, matches in per_sentence.items():
            sentence = norm[spans[index][0]:spans[index][1]]
            hit = phrase.search(sentence)
            for match in matches:
                if match.rule in still.get(index, set()):
                    kept.setdefault(index, []).append(match)
                else:
                    reason = reasons.get(hit.group(0).casefold(), "") if hit else ""
                    allowed.append(Allowed(match, f'allowed phrase "{hit.group(0) if hit else ""}": '
                                                  f"{reason}"))
        return kept


def _candidates(pk: Pack, folded: str, present: frozenset[str]) -> list[Rule]:
    """The rules whose terms all occur and whose pattern matches somewhere in the ``folded``
    text; ``present`` is the set of needles in it."""
    known_terms: dict[str, bool] = {}
    compounds = pk.compounds

    def has(name: str) -> bool:
        known = known_terms.get(name)
        if known is None:
            term = pk.terms[name]
            known = bool(term is not None and term.could_match(folded, present)
                         and term.regex.search(folded) is not None)
            if not known and name in compounds:
                known = any(all(has(t) for t in parts) for parts, _ in compounds[name])
            known_terms[name] = known
        return known

    found = []
    for first, group in pk.by_first_term:
        if first is not None and not has(first):
            continue
        for index, rule, rest in group:
            for term in rest:
                if not has(term):
                    break
            else:
                if not rule.patterns or any(p.could_match(folded, present)
                                            and p.regex.search(folded)
                                            for p in rule.patterns):
                    found.append((index, rule))
    found.sort(key=lambda pair: pair[0])  # the rules' own order decides ties in a report
    return [rule for _, rule in found]


#: Concepts rare in ordinary text come first when a rule's terms are checked: a text without a
#: review word is dismissed before the common words (a request, a contact) are ever searched.
#: Only the speed depends on this order, never the result.
_RARE_FIRST = ("review", "rating_act", "tell_others", "helpful_vote", "top_score", "reward",
               "proof", "change_request", "dictate", "review_link", "steer_private", "own_review",
               "negative_review", "opinion", "recommend", "positive", "before", "threat",
               "script", "public_place", "happy_if", "unhappy_if", "benefit", "modify", "share",
               "give", "contact", "request")


def _selectivity(term: str) -> int:
    return _RARE_FIRST.index(term) if term in _RARE_FIRST else len(_RARE_FIRST)


def _term_hits(pk: Pack, name: str, text: str, spans: list[tuple[int, int]], starts: list[int],
               cache: dict[str, list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """Where the term ``name`` occurs in ``text``: its expression's matches, and the spans where
    one of its compounds' terms meet inside a sentence."""
    if name not in cache:
        expr = pk.terms[name]
        found = [m.span() for m in expr.regex.finditer(text)
                 if not _cuts_number(text, *m.span())] if expr else []
        for parts, near in pk.compounds.get(name, ()):
            rest = [_term_hits(pk, t, text, spans, starts, cache) for t in parts[1:]]
            if any(not hits for hits in rest):
                continue
            for a_start, a_end in _term_hits(pk, parts[0], text, spans, starts, cache):
                index = bisect.bisect_right(starts, a_start) - 1
                if index < 0:
                    continue
                span = _cooccur(a_start, a_end, rest, *spans[index], near)
                if span is not None:
                    found.append(span)
        cache[name] = sorted(set(found)) if pk.compounds.get(name) else found
    return cache[name]


def _short(sentence: str) -> bool:
    """Whether a sentence is short enough to be half of its neighbour: six words, or in a
    script written without spaces (Chinese, Japanese) twelve characters."""
    words = sentence.split()
    if len(words) == 1 and len(sentence) > 12:
        return False
    return len(words) <= 6 and len(sentence) <= 60


#: The name part of an e-mail address (ASCII only: the words before it are not part of it).
_MAILBOX = re.compile(r"(?<![a-z0-9._%+-])[a-z0-9._%+-]+(?=@[\w-]+(?:\.[\w-]+)+)")


def _anonymous_addresses(folded: str) -> str:
    """``folded`` with the name of every e-mail address written as ``x``es (same length): an
    address is where the buyer writes to the seller, and "feedback@shop" or "reviews@shop" is
    no request for a review. The address still reads as one (``contact`` finds it)."""
    if "@" not in folded:
        return folded
    return _MAILBOX.sub(lambda m: "x" * len(m.group(0)), folded)


#: A unit right after a number: the number is a measure.
_UNIT_AFTER = re.compile(r" ?(?:cm|mm|km|m|min|°|%|kg|g|mg|l|ml|s|h|w|kw|v|mah|db|hz|x|px|bar|ppm)(?!\w)")


def _cuts_number(text: str, start: int, end: int) -> bool:
    """Whether a match starts or ends inside a number ("5" of "50 %" is no five-star score)."""
    if end <= start:
        return False
    last = end
    while last > start + 1 and text[last - 1] == " ":
        last -= 1
    if text[last - 1].isdigit() and _UNIT_AFTER.match(text, last):
        return True  # "deja 10 cm libres": a measure, not a score
    if text[end - 1].isdigit() and end < len(text) and text[end].isdigit():
        return True
    if not text[start].isdigit() or start == 0:
        return False
    if text[start - 1].isdigit():
        return True
    # The decimals of "4,5 of 5" and "4.5/5" (three digits after the mark are thousands:
    # "1,000 yen").
    run = len(text[start:]) - len(text[start:].lstrip("0123456789"))
    return text[start - 1] in ".," and start > 1 and text[start - 2].isdigit() and run != 3


def _inside(hits: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start <= h_start and h_end <= end for h_start, h_end in hits)


def _spans(expressions: Iterable[Expr], text: str) -> list[tuple[int, int]]:
    return [m.span() for e in expressions for m in e.regex.finditer(text) if m.end() > m.start()]


def _masked(text: str, patterns: list[re.Pattern | None]) -> str:
    """``text`` with every match of every pattern blanked out. Each pattern looks at the
    original text, so one innocent phrase never hides part of another."""
    spans = [m.span() for p in patterns if p is not None for m in p.finditer(text) if m.end() > m.start()]
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = "\x00" * (end - start)
    return "".join(chars)


def _cooccur(a_start: int, a_end: int, others: list[list[tuple[int, int]]], s_start: int,
             s_end: int, near: int | None, distinct: bool = False) -> tuple[int, int] | None:
    """The span covering the anchor and one hit of every other term inside the sentence (and
    within ``near`` characters of the anchor), or ``None``. With ``distinct`` a hit must not
    overlap the anchor ("5 Sterne" is both a top score and a review word, not two words)."""
    start, end = a_start, a_end
    for hits in others:
        best = None
        for h_start, h_end in hits:
            if h_start < s_start or h_end > s_end:
                continue
            if distinct and h_start < a_end and a_start < h_end:
                continue
            if near is not None and (h_start - a_end > near or a_start - h_end > near):
                continue
            distance = max(h_start - a_end, a_start - h_end, 0)
            if best is None or distance < best[0]:
                best = (distance, h_start, h_end)
        if best is None:
            return None
        start, end = min(start, best[1]), max(end, best[2])
    return start, end


def _survives(rule: Rule, pk: Pack, sentence: str) -> bool:
    """Whether ``rule`` still fires on ``sentence`` once its own exceptions are masked."""
    folded = fold(sentence)
    exceptions = [e.regex for e in rule.exceptions if e.could_match(folded)]
    if not exceptions or not any(e.search(sentence) for e in exceptions):
        return True  # nothing to mask: the rule fired on this sentence already
    masked = _masked(sentence, exceptions)
    cache: dict[str, list[tuple[int, int]]] = {}
    term_spans = [_term_hits(pk, t, masked, [(0, len(masked))], [0], cache) for t in rule.terms]
    if any(not spans for spans in term_spans):
        return False
    if rule.patterns:
        anchors, rest = _spans(rule.patterns, masked), term_spans
    else:
        anchors, rest = term_spans[0], term_spans[1:]
    return any(_cooccur(s, e, rest, 0, len(masked), rule.near, rule.distinct) for s, e in anchors)


def _without(text: str, removed: list[tuple[int, int]]) -> str:
    """``text`` without the ``removed`` spans and the space after each."""
    out, position = [], 0
    for start, end in removed:
        out.append(text[position:start])
        position = end
        while position < len(text) and text[position] in " \t\u3000\u00a0\u202f":
            position += 1
        # A sentence that filled its line takes its line break along.
        at_line_start = start == 0 or text[start - 1] == "\n" or "".join(out).endswith("\n")
        if at_line_start and text.startswith("\n", position):
            position += 1
    out.append(text[position:])
    return "".join(out).strip()


def languages(folder: Path = RULES) -> list[str]:
    """The languages that have a pack of their own."""
    return [code for code in available_packs(folder) if code != COMMON]


@functools.cache
def checker(language: str, folder: Path = RULES) -> Checker:
    return Checker(language, folder)


def scan_text(text: str, language: str, *, profile: str = "strict",
              allow: Iterable[AllowEntry] = ()) -> Scan:
    """Check one text written in ``language`` (a locale code such as de, pt-BR, zh-Hans)."""
    return checker(language).scan(text, profile=profile, allow=tuple(allow))


# --- URLs -----------------------------------------------------------------------------------

#: Query parameters that carry a promotion (a coupon in a QR code is an incentive).
_PROMO_PARAMETER = re.compile(r"[?&](?:coupon|promo|promocode|voucher|discount|code|gift)[\w-]*=",
                              re.IGNORECASE)


#: A link written in running text: with a scheme, with www., or a host followed by a path
#: ("bit.ly/3xYz"); an e-mail address is not a link.
_LINK = re.compile(r"(?<![\w@.-])(?:https?://|www\.)[^\s<>\"'\u3000-\u303f\uff01-\uff0f]+"
                   r"|(?<![\w@./-])(?:[a-z0-9-]+\.)+[a-z]{2,}(?=/)[^\s<>\"'\u3000-\u303f]*",
                   re.IGNORECASE)


def links_in(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, link)`` of every link written in ``text`` (trailing punctuation off)."""
    found = []
    for match in _LINK.finditer(text):
        link = match.group(0).rstrip(".,;:!?)]}»”’")
        found.append((match.start(), match.start() + len(link), link))
    return found


def url_host(url: str) -> str | None:
    """The host name of ``url`` in lower case (``None`` when it has none or is a template)."""
    rest = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip(), flags=re.IGNORECASE)
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1].split(":")[0].lower()
    if not host or "{" in host or "." not in host:
        return None
    return host.rstrip(".")


def on_domains(host: str, domains: Iterable[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one."""
    return any(host == d or host.endswith("." + d) for d in domains)


def url_problems(url: str, domains: Iterable[str] | None = None) -> list[Match]:
    """Why a URL may not be printed or put in a QR code (empty when it is fine): https only,
    no review page or review form, no short link, no promotion code, and (when the brand's
    ``domains`` are given) a host the brand declares."""
    problems = []
    if not url.lower().startswith("https://"):
        problems.append(Match("url.https", "other", "a printed or QR URL must use https://",
                              0, len(url), url))
    for match in checker(COMMON).scan(url).matches:
        if match.category == "review_link":
            problems.append(match)
    promo = _PROMO_PARAMETER.search(url)
    if promo:
        problems.append(Match("url.promo-code", "incentive",
                              "a URL with a coupon or promotion code offers something of value",
                              promo.start(), promo.end(), promo.group(0)))
    host = url_host(url)
    if domains is not None and host and not on_domains(host, domains) and not any(
            m.rule == "common.short-link" for m in problems):
        problems.append(Match("url.unknown-host", "review_link",
                              f"{host} is not a domain the brand declares (its support URLs, "
                              "website and domains: in brand.yaml); the card cannot vouch for "
                              "where it leads", 0, len(url), url))
    return problems
