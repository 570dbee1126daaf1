"""Typesetting per language: the last step of the HTML stage, on the rendered document.

Every text node is set for the language and the direction it sits in (the nearest ``lang``
and ``dir`` attributes):

- **right-to-left text**: every left-to-right run in it (an address, a URL, a model number,
  ``2014/53/EU``, a phone number, an e-mail address) is isolated in a ``<span dir="ltr">``, so
  its characters keep their order and its commas their place on every line it spans;
- **no break** between a number and the word after it (``10 cm``, ``10969 Berlin``), nor
  before a spaced dash;
- **kept together**: URLs, e-mail addresses, the document's own tokens (SKU, model,
  identifiers, the printed phone number) and a clock time with its day-half marker (``6:00 م``,
  ``6:00 p.m.``, ``오후 6:00``) never break inside; the whole token moves to the next
  line;
- **the product's own name** (the words of its name its translators keep, ``Pulse Air``) is a
  kept token too while it is short (``NAME_MAX``), see ``name_runs``;
- **Korean** breaks at spaces only (CSS ``word-break: keep-all``); **Japanese and Chinese**
  break between phrases (BudouX), never inside one; the kinsoku rules of ``line-break: strict``
  (no small kana, prolonged sound mark or closing punctuation at the start of a line) are
  Pango's own and apply at the phrase boundaries;
- **running text** (inside ``data-text="running"``, a manual's body): Japanese and Chinese
  are set solid, breaking between any two characters our kinsoku table allows, so that a
  justified column of a whole number of ems ends flush; every paragraph keeps its last two
  words (or last three characters) together; ``data-text="labels"`` inside goes back to
  phrases;
- **full-width punctuation**: of two adjacent marks (``。（``, ``）」``) one is set at half its
  width (OpenType ``halt``), as JIS X 4051 spaces them;
- **headlines** (``h1``-``h4``, ``.headline``, ``.cta-title``, ``.qr-label``) and lines of
  opening hours (``.hours``) never end with a single word:
  the last two words (in Japanese and Chinese the last two phrases) are bound together;
- **run-in lists** (``data-list``: ``Phone · Telefon · Téléphone``) break only after a
  separator, never inside a short item, and keep their last two short items together.

WeasyPrint 70 supports none of ``unicode-bidi``, ``word-break: keep-all``, ``line-break:
strict`` or ``text-wrap: balance``. So the line breaking is done with WORD JOINER (no break
here, also after a space), which Pango honours and which leaves no trace in the PDF's text (a
no-break space would be read back as one), and the isolation with an inline element per run,
whose direction WeasyPrint keeps on each line (Unicode isolates in the text would be lost
after the first line, since WeasyPrint lays out every line of a paragraph on its own).
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import escape

LRI, PDI, FSI, RLI = "\u2066", "\u2069", "\u2068", "\u2067"
WJ = "\u2060"

#: Headlines are bound at their last two words when those two are at most this long together
#: (a longer pair would leave a ragged, half-empty line above it).
HEADLINE_PAIR_MAX = 24
#: A Japanese or Chinese phrase or a Korean word longer than this may still break inside (it
#: could not fit a narrow column otherwise); likewise a kept token (URL, e-mail) past the second.
LONGEST_WORD = 20
LONGEST_TOKEN = 64

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}
#: Elements whose text is not printed as running text (or not by us).
_SKIP = {"head", "title", "style", "script", "svg", "math", "template", "textarea", "pre"}
_HEADLINE_TAGS = {"h1", "h2", "h3", "h4"}
#: ... and lines of opening hours, whose time-zone name would otherwise leave "Time)" alone.
_HEADLINE_CLASSES = {"headline", "cta-title", "hours", "qr-label"}
#: ``data-text`` values: ``running`` marks running text (a manual's paragraphs and steps):
#: Japanese and Chinese in it are set solid (a line may end between any two characters the
#: kinsoku rules allow, so the lines of a justified column end flush) and no paragraph ends
#: with a lone word; ``labels`` goes back to short texts broken between phrases (lists of
#: parts, table cells; headings always are).
_SETTINGS = {"running", "labels"}
#: Elements whose running text ends a paragraph: its last line never holds one word alone,
#: nor one or two Japanese or Chinese characters (``い。``).
_PARAGRAPH_TAGS = {"p", "li", "dd", "td", "th", "figcaption", "blockquote"}
#: ... it keeps at least this many characters (its closing punctuation not counted).
SOLID_TAIL = 3

_TOKEN = re.compile(r"<!--.*?-->|<![^>]*>|<(/?)([A-Za-z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
                    r"|[^<]+|<", re.S)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_URL = re.compile(r"(?:https?://)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
                  r"(?:/[^\s<>\"'()\[\]{}]*[^\s<>\"'()\[\]{}.,;:!?。、])?/?")
_EMAIL = re.compile(r"[\w.+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}")
#: A clock time with the day-half marker that belongs to it (Arabic ص/م, a.m./p.m., Korean and
#: Japanese before the time): kept on one line.
_ONE_TIME = (r"(?:(?:오전|오후|午前|午後)\s?)?\d{1,2}[:.]\d{2}"
             r"(?:\s?(?:ص|م|[AaPp]\.?[Mm]\.?(?![\w])))?")
#: ... or a range of two (``9:00 ص–6:00 م``), which would otherwise end a line with its dash.
_TIME = re.compile(f"{_ONE_TIME}(?:\\s?[–-]\\s?{_ONE_TIME})?")
_OPENERS, _CLOSERS = "([{", ")]}"
_ISOLATED = re.compile(f"{LRI}(.*?){PDI}", re.S)


@dataclass
class _Context:
    tag: str
    lang: str
    dir: str
    skip: bool
    #: Inside a headline; ``opens``: this element is the headline.
    headline: bool
    opens: bool = False
    #: Running text (``data-text``): Japanese and Chinese set solid, not between phrases.
    solid: bool = False
    #: Inside a run-in list (``data-list``); ``opens_list``: this element is the list.
    in_list: bool = False
    opens_list: bool = False
    #: A paragraph of running text, whose last word (or characters) stay with the one before.
    tail: bool = False


@dataclass
class _TextNode:
    raw: str
    lang: str
    dir: str
    bind_last: bool = False
    solid: bool = False
    #: A text of a run-in list: an item (kept whole) or a separator (``bind_next``: to the
    #: last item too).
    in_list: bool = False
    bind_next: bool = False


def typeset(document: str, keep: Iterable[str] = ()) -> str:
    """``document`` (HTML) with every text node set for its language and direction; ``keep``
    are the document's tokens that must not break (SKU, model, phone number ...)."""
    keep_pattern = keep_pattern_for(tuple(sorted({k for k in keep if k and k.strip()}, key=len,
                                              reverse=True)))
    out: list[str | _TextNode] = []
    stack = [_Context("#root", "", "ltr", False, False)]
    opened: list[int] = []  # output index where each open headline starts
    lists: list[int] = []  # ... and each open run-in list
    for match in _TOKEN.finditer(document):
        token = match.group(0)
        closing, tag = match.group(1), (match.group(2) or "").lower()
        top = stack[-1]
        if not tag:
            if token.startswith("<") or top.skip:
                out.append(token)
            else:
                out.append(_TextNode(token, top.lang, top.dir, solid=top.solid and not top.headline,
                                     in_list=top.in_list))
            continue
        out.append(token)
        if closing:
            if any(c.tag == tag for c in stack[1:]):  # elements left open close with it
                while True:
                    context = stack.pop()
                    if context.opens or context.tail:
                        _bind_last_words(out[opened.pop():])
                    if context.opens_list:
                        _bind_last_items(out[lists.pop():])
                    if context.tag == tag:
                        break
            continue
        attrs = match.group(3)
        if tag in _VOID or attrs.rstrip().endswith("/"):
            continue
        values = {name.lower(): html.unescape(next((v for v in rest if v), ""))
                  for name, *rest in _ATTR.findall(attrs)}
        classes = set(values.get("class", "").split())
        headline = (tag in _HEADLINE_TAGS or bool(classes & _HEADLINE_CLASSES)) and not top.headline
        direction = values.get("dir", "").lower()
        setting = values.get("data-text", "").lower()
        run_in = _LIST_ATTRIBUTE.search(attrs) is not None
        context = _Context(tag, values.get("lang") or top.lang,
                           direction if direction in ("ltr", "rtl") else top.dir,
                           top.skip or tag in _SKIP, headline or top.headline, headline,
                           setting == "running" if setting in _SETTINGS else top.solid,
                           top.in_list or run_in, run_in and not top.in_list)
        if context.solid and not context.headline and tag in _PARAGRAPH_TAGS and not any(
                c.tail for c in stack):
            context.tail = True
        stack.append(context)
        if headline or context.tail:
            opened.append(len(out))
        if context.opens_list:
            lists.append(len(out))
    return "".join(item if isinstance(item, str) else _set_text(item, keep_pattern)
                   for item in out)


def _bind_last_words(items: list) -> None:
    for item in reversed(items):
        if isinstance(item, _TextNode) and item.raw.strip():
            item.bind_last = True
            return


def _set_text(node: _TextNode, keep_pattern: re.Pattern | None) -> str:
    text = html.unescape(node.raw)
    if node.in_list:
        text = set_list_text(text, node.bind_next)
    if node.bind_last:
        # A Japanese or Chinese paragraph ending in Latin words ("10969 Berlin, Germany") keeps
        # its last two words, as a Latin one does.
        last = next((c for c in reversed(text) if c.isalnum()), "")
        if node.solid and _phrase_language(node.lang):
            text = bind_tail(text) if _wide(last) else bind_last_words(text, "und")
        else:
            text = bind_last_words(text, node.lang)
    text = keep_tokens(text, keep_pattern)
    text = bind_short_spaces(text)
    text = break_words(text, node.lang, solid=node.solid)
    if node.dir != "rtl":
        escaped = str(escape(text))
        return compress_punctuation(escaped) if _phrase_language(node.lang) else escaped
    # WeasyPrint lays out each line of a paragraph on its own, so an isolate opened on one line
    # is lost on the next; an inline element keeps its direction on every line it spans.
    return _ISOLATED.sub(r'<span dir="ltr">\1</span>', str(escape(isolate_ltr_runs(text))))


# --- headlines ----------------------------------------------------------------------------


def bind_last_words(text: str, lang: str) -> str:
    """``text`` with its last two words bound together (a word joiner after the space between
    them), so a headline never
    ends on a line with one word; for Japanese and Chinese, the last two phrases."""
    if _phrase_language(lang):
        parts = _with_marks(phrases(text, lang))
        if len(parts) < 2:
            return text
        last_two = parts[-2] + parts[-1]
        if len(last_two.strip()) > HEADLINE_PAIR_MAX // 2:
            return text
        return "".join(parts[:-2]) + join_characters(last_two, across_spaces=True,
                                                       wide_only=True)
    stripped = text.rstrip()
    words = stripped.split(" ")
    if len(words) < 3 or not words[-1] or not words[-2]:
        return text
    if len(words[-2]) + len(words[-1]) + 1 > HEADLINE_PAIR_MAX:
        return text
    return " ".join(words[:-2]) + " " + words[-2] + " " + WJ + words[-1] + text[len(stripped):]


def _with_marks(parts: list[str]) -> list[str]:
    """Phrases with a phrase of punctuation only (``)``, ``。``) joined to the one before, so
    that the last two phrases are words (``日本时间)``, not ``时间`` and ``)``)."""
    out: list[str] = []
    for part in parts:
        if out and part.strip() and all(unicodedata.category(c)[0] in "PZ" for c in part):
            out[-1] += part
        else:
            out.append(part)
    return out


# --- run-in lists --------------------------------------------------------------------------

#: A run-in list (``data-list``: ``Phone · Telefon · Téléphone``, ``English · Deutsch ·
#: español``) keeps each item of at most this many characters on one line ...
LIST_ITEM_MAX = 32
_SEPARATOR = re.compile(r"^\s*[·•|/]\s*$")
_LIST_ATTRIBUTE = re.compile(r"(?:^|\s)data-list(?=[\s=/]|$)")


def _bind_last_items(items: list) -> None:
    """... and its last two items together when they are short, so that no line holds one
    item alone at the end (``español``)."""
    texts = [item for item in items if isinstance(item, _TextNode) and item.raw.strip()]
    for index in range(len(texts) - 2, 0, -1):
        if _SEPARATOR.match(html.unescape(texts[index].raw)):
            before, after = html.unescape(texts[index - 1].raw), html.unescape(texts[index + 1].raw)
            if len(before.strip()) + len(after.strip()) + 3 <= HEADLINE_PAIR_MAX:
                texts[index].bind_next = True
            return


def set_list_text(text: str, bind_next: bool = False) -> str:
    """A text of a run-in list: a separator never starts a line (a word joiner after the space
    before it; after the one behind it too with ``bind_next``); an item up to
    ``LIST_ITEM_MAX`` characters does not break inside (a line breaks only at separators)."""
    if _SEPARATOR.match(text):
        mark = text.strip()
        return " " + WJ + mark + " " + (WJ if bind_next else "")
    core = text.strip()
    if not core or len(core) > LIST_ITEM_MAX:
        return text
    start = text.index(core[0])
    return text[:start] + core.replace(" ", " " + WJ) + text[start + len(core):]


# --- kept together ------------------------------------------------------------------------

#: A product's own name (its brand or product line, ``Pulse Air``) is kept on one line when it
#: is at most this long, about a third of a card's headline measure; a longer one may still
#: break, as a narrow column could not hold it whole.
NAME_MAX = 20
_LETTER = r"A-Za-z0-9\u00c0-\u024f"


def name_runs(name: str, other_names: Iterable[str], limit: int = NAME_MAX) -> list[str]:
    """The product's own name inside ``name`` (the source-language product name): for each of
    ``other_names`` (the name in other languages), the longest run of two or more of
    ``name``'s words that it keeps as they are, an untranslated brand or product line
    (``Pulse Air`` of ``Pulse Air Wireless Earbuds`` and ``Écouteurs sans fil Pulse Air``).
    Runs longer than ``limit`` characters are left out."""
    words = name.split()
    found: list[str] = []
    for other in other_names:
        for size in range(len(words), 1, -1):
            runs = (" ".join(words[i:i + size]) for i in range(len(words) - size + 1))
            hit = next((run for run in runs if re.search(
                f"(?<![{_LETTER}]){re.escape(run)}(?![{_LETTER}])", other)), None)
            if hit is not None:
                if hit not in found and len(hit) <= limit:
                    found.append(hit)
                break
    return found



@functools.lru_cache(maxsize=64)
def keep_pattern_for(tokens: tuple[str, ...]) -> re.Pattern | None:
    if not tokens:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(t) for t in tokens) + r")(?![\w-])")


def keep_tokens(text: str, keep_pattern: re.Pattern | None = None) -> str:
    """URLs, e-mail addresses and the document's own tokens in ``text`` joined so that they
    cannot break inside (they may still move to the next line whole)."""
    spans = [m.span() for m in _EMAIL.finditer(text)]
    spans += [m.span() for m in _URL.finditer(text) if not _overlaps(m.span(), spans)]
    if keep_pattern is not None:
        spans += [m.span() for m in keep_pattern.finditer(text) if not _overlaps(m.span(), spans)]
    spans += [m.span() for m in _TIME.finditer(text)  # a lone 10:00 has no break inside
              if re.search(r"[\s–-]", m.group(0)) and not _overlaps(m.span(), spans)]
    if not spans:
        return text
    out, last = [], 0
    for start, end in sorted(spans):
        out.append(text[last:start])
        out.append(keep_together(text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out)


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def keep_together(token: str) -> str:
    """``token`` with no break opportunity inside: a word joiner between every two of its
    characters, spaces included."""
    if len(token) > LONGEST_TOKEN:
        return token
    return join_characters(token, across_spaces=True)


def keep_url(url: str) -> str:
    """``url`` that may break only after a slash (never inside the host, a path segment or the
    SKU in it), for a line of its own that the whole URL may not fit."""
    segments = re.findall(r"[^/]*/+|[^/]+$", url)
    return "".join(keep_together(segment) for segment in segments) if segments else url


def join_characters(text: str, across_spaces: bool = False, wide_only: bool = False) -> str:
    """A word joiner between every two characters of ``text`` that a line could break between:
    around spaces only with ``across_spaces``, never before a combining mark or a joiner, and
    otherwise with ``wide_only`` only next to an East Asian wide character (two Latin letters
    never break apart anyway)."""
    out: list[str] = []
    for char in text:
        if out:
            previous = out[-1]
            if previous == WJ or char == WJ or _attaches(char):
                pass
            elif previous.isspace() or char.isspace():
                if across_spaces:
                    out.append(WJ)
            elif not wide_only or _wide(previous) or _wide(char):
                out.append(WJ)
        out.append(char)
    return "".join(out)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _attaches(char: str) -> bool:
    """Marks, joiners, variation selectors and direction controls stay with what precedes."""
    return unicodedata.category(char) in ("Mn", "Mc", "Me", "Cf")


#: Legal forms that stay with the word before them (``Appliances GmbH``, not ``GmbH,`` at
#: the start of a line).
LEGAL_FORMS = ("GmbH", "AG", "KG", "SE", "Ltd.", "Ltd", "Inc.", "Inc", "LLC", "plc", "S.A.",
               "SAS", "SARL", "S.r.l.", "S.p.A.", "B.V.", "N.V.", "K.K.", "Co., Ltd.")
#: A space that a line may not break at: after a number followed by a word (``10 cm``,
#: ``2 Jahre``, ``10969 Berlin``), before a spaced dash (a line never starts with one) and
#: before a company's legal form.
_SHORT_SPACE = re.compile(r"(?<=\d) (?=[^\W\d_])| (?=[–—](?: |$))| (?=(?:{})(?![\w.]))".format(
    "|".join(re.escape(form) for form in sorted(LEGAL_FORMS, key=len, reverse=True))))


def bind_short_spaces(text: str) -> str:
    """``text`` with a word joiner after each space that holds a number to its word, or a dash
    or a legal form to the word before it."""
    return _SHORT_SPACE.sub(" " + WJ, text)


# --- line breaking per language -------------------------------------------------------------


def _phrase_language(lang: str) -> bool:
    return lang.split("-")[0].lower() in ("ja", "zh")


@functools.cache
def _parser(lang: str):
    import budoux

    lang = lang.lower()
    if lang.startswith("ja"):
        return budoux.load_default_japanese_parser()
    if lang in ("zh-hant", "zh-tw", "zh-hk", "zh-mo") or lang.startswith("zh-hant"):
        return budoux.load_default_traditional_chinese_parser()
    return budoux.load_default_simplified_chinese_parser()


def phrases(text: str, lang: str) -> list[str]:
    """BudouX phrases of ``text``; word joiners already in it stay where they are. The phrases
    are found on the text without them (a joiner inside a bound pair would make BudouX read
    the pair and the phrase before it as one: "お選びいただきあ⁠り⁠が⁠と⁠う…" no longer
    breaks after "いただき")."""
    if not text.strip():
        return [text]
    if WJ not in text:
        return _parser(lang).parse(text)
    parts, index = [], 0
    for part in _parser(lang).parse(text.replace(WJ, "")):
        chars = []
        for char in part:
            while text[index] == WJ:
                chars.append(WJ)
                index += 1
            chars.append(char)
            index += 1
        parts.append("".join(chars))
    if parts:
        parts[-1] += text[index:]  # joiners after the last character
    return parts


def break_words(text: str, lang: str, solid: bool = False) -> str:
    """``text`` with line breaks only where its language breaks: Korean between words (at
    spaces), Japanese and Chinese between phrases, or with ``solid`` between any two characters
    that kinsoku allows (running text of a justified column). Other languages are left to
    Pango."""
    language = lang.split("-")[0].lower()
    if language == "ko":
        return re.sub(r"\S+", lambda m: _join_unless_long(m.group(0)), text)
    if language in ("ja", "zh"):
        if solid:
            return kinsoku(text)
        return "".join(_join_unless_long(phrase) for phrase in phrases(text, lang))
    return text


#: Kinsoku shori (JIS X 4051): characters that never start a line (closing brackets and
#: punctuation, small kana, the prolonged sound and iteration marks) ...
NO_LINE_START = ("、。，．,.・：；？！‼⁇⁈⁉)）]］}｝〕〉》」』】〙〗〟’”｠»"
                 "ーぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
                 "ゝゞヽヾ々〻‐゠–〜～")
#: ... and characters that never end one (opening brackets and quotes).
NO_LINE_END = "(（[［{｛〔〈《「『【〘〖〝‘“｟«"
_KINSOKU = re.compile(f"(?<=[{re.escape(NO_LINE_END)}])(?!{WJ})"
                      rf"|(?<=[^\s{WJ}])(?=[{re.escape(NO_LINE_START)}])"
                      # a number keeps the counter after it (2年, 10分)
                      r"|(?<=\d)(?=[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef])")


def bind_tail(text: str, size: int = SOLID_TAIL) -> str:
    """``text`` (the end of a solid Japanese or Chinese paragraph) with its last ``size``
    characters and the punctuation after them joined, so its last line is never one or two
    characters long."""
    stripped = text.rstrip()
    end = len(stripped)
    start, count = end, 0
    while start > 0 and count < size:
        start -= 1
        char = stripped[start]
        if char.isspace():
            break
        if char != WJ and char not in NO_LINE_START:
            count += 1
    if count < size:
        return text
    return text[:start] + join_characters(stripped[start:end]) + text[end:]


def kinsoku(text: str) -> str:
    """``text`` (Japanese or Chinese) with a word joiner wherever a line may not break: before a
    character that may not start a line, after one that may not end it, between a number and
    the counter after it. Between all other characters Pango may break, so a line of a
    justified column ends where the column does."""
    return _KINSOKU.sub(WJ, text)


#: Full-width punctuation whose glyph sits in one half of its em: a closing mark or a
#: comma/full stop (glyph on the start side) ...
_CLOSING_MARKS = "、。，．)）]］}｝〕〉》」』】〙〗"
#: ... and an opening bracket (glyph on the end side).
_OPENING_MARKS = "（［｛〔〈《「『【〘〖"
_PUNCTUATION_PAIR = re.compile(
    "([{0}])({1}?)(?=[{0}{2}])|(?<=[{2}])({1}?)([{2}])".format(
        re.escape(_CLOSING_MARKS), WJ, re.escape(_OPENING_MARKS)))
#: A full-width mark set in half its width (OpenType ``halt``, which Noto Sans CJK has).
HALF = '<span style="font-feature-settings: \'halt\'">{}</span>'


def compress_punctuation(escaped: str) -> str:
    """``escaped`` (HTML text of Japanese or Chinese) with the blank half of the first of two
    adjacent full-width marks taken out (``。（``, ``）」``, ``「（``: half an em between
    them, not a whole one, as JIS X 4051 sets them); the text itself does not change."""
    def half(match: re.Match) -> str:
        if match.group(1):
            return HALF.format(match.group(1)) + match.group(2)
        return match.group(3) + HALF.format(match.group(4))
    return _PUNCTUATION_PAIR.sub(half, escaped)


def _join_unless_long(word: str) -> str:
    return word if len(word) > LONGEST_WORD else join_characters(word, wide_only=True)


# --- bidi -----------------------------------------------------------------------------------


def isolate_ltr_runs(text: str) -> str:
    """Every left-to-right run of ``text`` (right-to-left context) between LRI and PDI.

    A run starts at a strong left-to-right character or a European digit (with a sign or
    currency symbol just before it) and ends at the last such character before the next
    right-to-left one; the neutrals between stay inside, the ones around stay outside (so a
    comma after an address keeps its place in the right-to-left sentence). A closing bracket
    whose opening bracket is inside the run goes into the run too. Isolates already in the
    text are replaced by the runs found here.
    """
    text = text.translate({ord(c): None for c in (LRI, RLI, FSI, PDI)})
    classes = [unicodedata.bidirectional(c) for c in text]
    out, index, size = [], 0, len(text)
    while index < size:
        start = _run_start(text, classes, index)
        if start is None:
            out.append(text[index:])
            break
        end = _run_end(text, classes, start)
        out += [text[index:start], LRI, text[start:end], PDI]
        index = end
    return "".join(out)


def _starts_run(classes: list[str], i: int) -> bool:
    if classes[i] in ("L", "EN"):
        return True
    following = _next_significant(classes, i + 1)
    return classes[i] in ("ES", "ET") and following is not None and classes[following] == "EN"


def _next_significant(classes: list[str], i: int) -> int | None:
    """The first index from ``i`` whose class is not BN (word joiners and the like are
    transparent to the bidi algorithm)."""
    while i < len(classes):
        if classes[i] != "BN":
            return i
        i += 1
    return None


def _run_start(text: str, classes: list[str], index: int) -> int | None:
    for i in range(index, len(text)):
        if _starts_run(classes, i):
            return i
    return None


def _run_end(text: str, classes: list[str], start: int) -> int:
    end = start + 1
    i, previous = start + 1, classes[start]
    while i < len(text) and classes[i] not in ("R", "AL", "AN"):
        if classes[i] in ("L", "EN") or (classes[i] == "ET" and previous == "EN"):
            end = i + 1
        if classes[i] != "BN":
            previous = classes[i]
        i += 1
    run = text[start:end]
    depth = sum(run.count(c) for c in _OPENERS) - sum(run.count(c) for c in _CLOSERS)
    while depth > 0 and end < len(text) and text[end] in _CLOSERS:
        end, depth = end + 1, depth - 1
    return end
