"""The text the compliance rules match on, and where each of its characters came from.

Sellers who know a word list is watching write around it: ``r.e.v.i.e.w``, ``B e w e r t u n g``,
``レ・ビ・ュ・ー``, a Cyrillic ``е`` inside a Latin word, ``r3view``, mathematical bold letters.
:func:`normalize` undoes those spellings before any rule runs, and keeps, for every character of
its result, the offset of the character it came from, so a finding still points at the
original text and a removal cuts the original sentence.

Steps, in order (each only where its cheap screen finds something to do):

1. canonical composition (NFC), cluster by cluster, and compatibility forms for styled letters
   (full-width, mathematical alphanumerics, circled letters);
2. characters that carry no meaning for matching are dropped (zero-width and direction marks,
   soft hyphen, variation selectors, Arabic harakat and tatweel);
3. every kind of space but the line break becomes a plain space, typographic apostrophes ``'``;
4. look-alike letters from another script inside a Latin word become their Latin letter, from
   the Unicode confusables data (``confusable_homoglyphs``), never a hand-made table;
5. digits and ``@``/``$`` standing for letters inside a word (``r3v1ew``, ``5t4rs``) become
   letters; model numbers (``IP54``, ``LH-KT17``) are left alone;
6. letters spelled out one by one with dots, dashes, spaces, middle dots or slashes between them
   are joined into the word.
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: Dropped before matching.
_IGNORABLE = frozenset(
    "\u00ad\u0640\u0670\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d"
    "\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufe0e\ufe0f\ufeff"
    + "".join(map(chr, range(0x0610, 0x061B))) + "".join(map(chr, range(0x064B, 0x0660)))
    + "".join(map(chr, range(0x06D6, 0x06EE))) + "".join(map(chr, range(0xFE00, 0xFE10))))
_SPACES = "\t\r\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009" \
          "\u200a\u2028\u2029\u202f\u205f\u3000"
_ONE_FOR_ONE = {ord(c): " " for c in _SPACES}
_ONE_FOR_ONE.update({ord("\u2019"): "'", ord("\u2018"): "'", ord("\u02bc"): "'",
                     ord("\u2032"): "'"})


def _styled(ch: str) -> str | None:
    """The plain letter or digit a styled one stands for (``Ｒ`` ``𝐫`` ``ⓡ``), else ``None``."""
    code = ord(ch)
    # Full-width letters, digits, % and / (CJK punctuation such as ！ stays: it ends sentences).
    if (0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A
            or code in (0xFF05, 0xFF0F) or 0x1D400 <= code <= 0x1D7FF or 0x2460 <= code <= 0x24FF
            or 0x1F130 <= code <= 0x1F189):
        plain = unicodedata.normalize("NFKC", ch)
        if len(plain) == 1:
            return plain.lower() if 0x1F130 <= code else plain
    return None


#: Scripts whose letters pass for Latin ones (CJK, kana, Hangul and Arabic never do).
_LOOKALIKE_SCRIPTS = frozenset({"CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"})


@functools.lru_cache(maxsize=4096)
def _latin_lookalike(ch: str) -> str | None:
    """The ASCII letter a letter of another script is confusable with, or ``None``."""
    from confusable_homoglyphs import categories, confusables

    if categories.alias(ch) not in _LOOKALIKE_SCRIPTS:
        return None
    found = confusables.is_confusable(ch, preferred_aliases=["latin"], greedy=True) or []
    for entry in found:
        for glyph in entry.get("homoglyphs", ()):
            c = glyph.get("c", "")
            if len(c) == 1 and c.isascii() and c.isalpha():
                return c
    return None


_LETTER_DIGITS = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
#: A token mixing ASCII letters with digits or @/$ (the candidates for step 5).
_LEET = re.compile(r"(?<![\w@$])(?=[\w@$]*[A-Za-z\u00c0-\u024f])(?=[\w@$]*[013457@$])"
                   r"[A-Za-z\u00c0-\u024f013457@$]{4,}(?![\w@$])")
#: Letters spelled out one by one (step 6), the same separator throughout: a dot, a dash, a
#: middle dot, a slash, an asterisk, an underscore or a space (with optional spaces around).
_SEPARATORS = ".-·•‧・*_/~^"
_SEPARATOR = "[" + re.escape(_SEPARATORS) + "]"
# An Arabic spelling of three letters or more may end on a suffix of two or three letters
# ("ق ي م نا").
_SPELLED = re.compile(rf"(?<![\w{re.escape(_SEPARATORS)}])[^\W\d_](?P<sep> ?{_SEPARATOR} ?| )"
                      r"[^\W\d_](?:(?:(?P=sep)[^\W\d_])+(?:(?P=sep)[\u0621-\u064a]{2,3})?)?(?!\w)")
_CJK_LETTER = r"[\u3040-\u30fa\u30fc-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"
# No space around a dot here: "…하세요. 만족…" is the end of a sentence, not a spelling.
_HANGUL = re.compile("[\uac00-\ud7af]")
_SPELLED_CJK = re.compile(rf"{_CJK_LETTER}(?P<sep> ?{_SEPARATOR} ?| ){_CJK_LETTER}"
                          rf"(?:(?P=sep){_CJK_LETTER})*")


def _script(ch: str) -> str:
    """Hiragana, katakana or another script: where a Japanese word can end."""
    if "\u3040" <= ch <= "\u309f":
        return "hiragana"
    if "\u30a0" <= ch <= "\u30ff":
        return "katakana"
    return "other"


#: Words of one letter in the packs' languages (articles, pronouns, "and", "or", "to").
#: Lower case only: "Y o r u m" at the start of a sentence is a spelled word.
_ONE_LETTER_WORDS = frozenset("aioyeuàåöówz")
#: ... unless the letters spell a review word that starts with one ("o p i n i ę",
#: "o m d ö m e", "a v a l i e", "å s i k t"): then the letter is the word's first.
_REVIEW_WORD_START = re.compile(r"(?:opini|omd[oö]m|oce[nń]|avis|avali|aval|evalu|éval|yorum|"
                                r"åsikt|ervar|ocjen|avvis|e-?val|ulasan)", re.IGNORECASE)


def _spelled_runs(text: str):
    """``(start, end)`` of every run of letters spelled out one by one."""
    for pattern, cjk in ((_SPELLED, False), (_SPELLED_CJK, True)):
        position = 0
        while True:
            match = pattern.search(text, position)
            if match is None:
                break
            letters = sum(c.isalpha() for c in match.group(0))
            if cjk:
                # Two characters suffice in CJK and Hangul ("评.价", "리.뷰"), three with spaces;
                # Korean writes spaces between words, so a space never joins Hangul, not even
                # after a dot ("…입니다. 리뷰…" is two sentences).
                spaced = match.group("sep") == " "
                good = letters >= (3 if spaced else 2) and not (
                    " " in match.group("sep") and _HANGUL.search(match.group(0)))
                # "ママ・パパ": a middle dot between kana words is ordinary Japanese; only single
                # kana, from the start of a word, are spelled out ("レ・ビ・ュ・ー"). A word of
                # another script just before ("際にレ・ビ・ュ・ー") still starts one, if it is
                # three letters or more and the word does not go on after it.
                if match.group("sep") == "・" and match.start() > 0 and \
                        re.match(_CJK_LETTER, text[match.start() - 1]):
                    run = match.group(0)
                    after = text[match.end():match.end() + 1]
                    good = good and letters >= 3 and \
                        _script(text[match.start() - 1]) != _script(run[0]) and \
                        (not after or _script(after) != _script(run[-1]))
            else:
                good = letters >= 3 and not (match.end() < len(text)
                                             and text[match.end()].isalnum())
            start = match.start()
            # "leave us a r e v i e w": a word of one letter ("a", "I", "y", "o") just before
            # a word spelled with spaces reads as itself, not as the word's first letter.
            if good and not cjk and match.group("sep") == " " and letters >= 5 and \
                    text[start] in _ONE_LETTER_WORDS and not _REVIEW_WORD_START.match(
                        match.group(0).replace(" ", "")):
                start += 2
            if good:
                end = match.end()
                # A dot closing a spelled-out CJK run ("좋.은. 리.뷰.") is part of the spelling.
                if cjk and match.group("sep") == "." and text.startswith(". ", end) and \
                        re.match(_CJK_LETTER, text[end + 2:end + 3]):
                    end += 1
                yield start, end
                position = end
            else:
                position = match.start() + 1


#: E-mail addresses and links, left as they are by the digit step.
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+", re.IGNORECASE)
_LOOKALIKE_LETTER = "\u0370-\u03ff\u0400-\u052f\u0530-\u058f\u13a0-\u13ff\u2c80-\u2cff"
_MIXED_SCRIPT = re.compile(f"[A-Za-z][{_LOOKALIKE_LETTER}]|[{_LOOKALIKE_LETTER}][A-Za-z]")


_IGNORABLE_RE = re.compile("[" + re.escape("".join(sorted(_IGNORABLE))) + "]")
#: Styled letters and digits: full-width forms, mathematical alphanumerics, enclosed letters.
_STYLED_RE = re.compile("[\uff05\uff0f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff66-\uff9f\u2460-\u24ff"
                        "\U0001d400-\U0001d7ff\U0001f130-\U0001f189]")


def normalize(text: str) -> tuple[str, list[int] | None]:
    """The text to match on, and the original offset of each of its characters plus one past
    the end (``None`` when every character stayed where it was)."""
    offsets: list[int] | None = None
    if text.isascii():
        chars = list(text.translate(_ONE_FOR_ONE))
    elif unicodedata.is_normalized("NFC", text) and not _STYLED_RE.search(text):
        if _IGNORABLE_RE.search(text):
            offsets = [i for i, ch in enumerate(text) if ch not in _IGNORABLE]
            chars = [text[i] for i in offsets]
            chars = list("".join(chars).translate(_ONE_FOR_ONE))
        else:
            chars = list(text.translate(_ONE_FOR_ONE))
    else:
        chars, offsets = _compose(text)
    if offsets is not None:
        # A mark spelled out on its own between two separators ("ق.ي.ّ.م"): once the mark is
        # gone, the two separators are one.
        # The same for spaces ("ق ـ يّ ـ م": the tatweel and the shadda are gone).
        doubled = {i for i in range(1, len(chars)) if (chars[i] in _SEPARATORS or chars[i] == " ")
                   and chars[i] == chars[i - 1] and offsets[i] - offsets[i - 1] > 1}
        if doubled:
            chars = [c for i, c in enumerate(chars) if i not in doubled]
            offsets = [o for i, o in enumerate(offsets) if i not in doubled]
    joined = "".join(chars)
    if "\u0649\u0644" in joined:
        # Text read back from a PDF gives the lam-alef-maksura ligature in the wrong order
        # ("إىل" for "إلى"); an alef maksura only ever ends a word, so the pair is swapped back.
        for i in range(len(chars) - 1):
            if chars[i] == "\u0649" and chars[i + 1] == "\u0644" and i > 0 and chars[i - 1].isalpha():
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
        joined = "".join(chars)
    if not text.isascii() and _MIXED_SCRIPT.search(joined):
        _unconfuse(chars)
        joined = "".join(chars)
    if _unleet_words(chars, joined):
        joined = "".join(chars)
    if _JAMO_PAIR.search(joined):
        chars, offsets = _syllables(chars, offsets, joined)
        joined = "".join(chars)
    if _KANA_WAVE.search(joined):
        # "れびゅ～": a wave dash after kana stands for the long vowel mark.
        joined = _KANA_WAVE.sub(lambda m: m.group(1) + "ー", joined)
        chars = list(joined)
    if "#" in joined and _HASHTAG.search(joined):
        chars, offsets = _hashtag_words(chars, offsets, joined)
        joined = "".join(chars)
    if _SPELLED.search(joined) or _SPELLED_CJK.search(joined):
        drop = {i for start, end in _spelled_runs(joined) for i in range(start, end)
                if not joined[i].isalpha()}
        if drop:
            if offsets is None:
                offsets = list(range(len(chars)))
            chars = [c for i, c in enumerate(chars) if i not in drop]
            offsets = [o for i, o in enumerate(offsets) if i not in drop]
            joined = "".join(chars)
    if offsets is None:
        return joined, None
    offsets.append(len(text))
    return joined, offsets


#: Hangul written as loose letters ("ㄹㅣ뷰" for "리뷰"): a consonant of the compatibility
#: jamo followed by a vowel, composed into their syllable (with a final consonant when the
#: next letter is no vowel). "ㅋㅋ" and "ㅠㅠ" are no pair and stay as they are.
_LEADS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_TAILS = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"
_JAMO_PAIR = re.compile(f"[{_LEADS}][{_VOWELS}]")
_KANA_WAVE = re.compile("([\u3041-\u3096\u30a1-\u30fa])[\u301c\uff5e~]")


def _syllables(chars: list[str], offsets: list[int] | None, joined: str):
    """``chars`` with every consonant-vowel pair of loose Hangul letters composed (each
    syllable keeps the offset of its first letter)."""
    if offsets is None:
        offsets = list(range(len(chars)))
    out_chars: list[str] = []
    out_offsets: list[int] = []
    i, length = 0, len(chars)
    while i < length:
        if i + 1 < length and chars[i] in _LEADS and chars[i + 1] in _VOWELS:
            code = (_LEADS.index(chars[i]) * 21 + _VOWELS.index(chars[i + 1])) * 28
            used = 2
            if i + 2 < length and chars[i + 2] in _TAILS[1:] and not (
                    i + 3 < length and chars[i + 3] in _VOWELS):
                code += _TAILS.index(chars[i + 2])
                used = 3
            out_chars.append(chr(0xAC00 + code))
            out_offsets.append(offsets[i])
            i += used
            continue
        out_chars.append(chars[i])
        out_offsets.append(offsets[i])
        i += 1
    return out_chars, out_offsets


#: A hashtag that runs words together; not a URL's fragment ("…/dp/B0C4?ref=x#customerReviews").
_HASHTAG = re.compile(r"(?<![\w/?=&.%#-])#\w*(?:_\w|[^\W\d_][A-ZÀ-ÞĀ-ž])\w*")


def _hashtag_words(chars: list[str], offsets: list[int] | None, joined: str):
    """A hashtag read as the words it runs together ("#MinhaOpiniãoConta", "#شاركنا_رأيك"):
    underscores become spaces and a space goes before each capital that starts a word (after a
    small letter, or after a capital when a small letter follows). Offsets are made when there
    were none (a space put in points at the capital)."""
    inserts: list[int] = []
    for match in _HASHTAG.finditer(joined):
        for i in range(match.start() + 1, match.end()):
            if chars[i] == "_":
                chars[i] = " "
            elif chars[i].isupper() and (chars[i - 1].islower() or (
                    chars[i - 1].isupper() and i + 1 < match.end() and chars[i + 1].islower())):
                inserts.append(i)  # "…eA" and "…AR|e…": "#LeaveAReview"
    if inserts:
        if offsets is None:
            offsets = list(range(len(chars)))
        for i in reversed(inserts):
            chars.insert(i, " ")
            offsets.insert(i, offsets[i])
    return chars, offsets


def _compose(text: str) -> tuple[list[str], list[int]]:
    """Step 1 to 3 character by character: clusters composed, styled letters made plain."""
    chars: list[str] = []
    offsets: list[int] = []
    index, length = 0, len(text)
    while index < length:
        end = index + 1
        while end < length and unicodedata.combining(text[end]):
            end += 1
        if end > index + 1:  # a base letter and its combining marks: compose them
            cluster = unicodedata.normalize("NFC", text[index:end])
            kept = [c for c in cluster if c not in _IGNORABLE]
            chars += kept
            offsets += [index] * len(kept)
        elif 0xFF66 <= ord(text[index]) <= 0xFF9D:
            # Half-width katakana ("ﾚﾋﾞｭｰ"), a sound mark after it included: full-width kana.
            if end < length and text[end] in "\uff9e\uff9f":
                end += 1
            kana = unicodedata.normalize("NFKC", text[index:end])
            chars += kana
            offsets += [index] * len(kana)
        elif text[index] not in _IGNORABLE:
            ch = text[index]
            chars.append(_styled(ch) or ch.translate(_ONE_FOR_ONE))
            offsets.append(index)
        index = end
    return chars, offsets


def _unconfuse(chars: list[str]) -> None:
    """Letters of another script inside a word that also has Latin letters become Latin."""
    start = 0
    n = len(chars)
    while start < n:
        if not chars[start].isalpha():
            start += 1
            continue
        end = start
        while end < n and chars[end].isalpha():
            end += 1
        word = chars[start:end]
        if any(c.isascii() for c in word) and not all(c.isascii() for c in word):
            for i in range(start, end):
                c = chars[i]
                if not c.isascii():
                    latin = _latin_lookalike(c)
                    if latin is not None:
                        chars[i] = latin
        start = end


def _unleet_words(chars: list[str], joined: str) -> bool:
    """Step 5 over the whole text (``joined`` is ``chars`` as a string); whether it looked at
    any token. An e-mail address keeps its "@" (and a link its characters): they are not
    words."""
    if not _LEET.search(joined):
        return False
    kept = [m.span() for m in _ADDRESS.finditer(joined)]
    for match in _LEET.finditer(joined):
        if not any(start < match.end() and match.start() < end for start, end in kept):
            _unleet(chars, match.start(), match.end())
    return True


def _unleet(chars: list[str], start: int, end: int) -> None:
    """Digits standing for letters in ``chars[start:end]``: those between two letters, and
    those at either end of a token whose other characters are all letters."""
    token = chars[start:end]
    inner = [i for i in range(1, len(token) - 1)
             if token[i] in _LETTER_DIGITS and token[i - 1].isalpha() and token[i + 1].isalpha()]
    digits = [i for i, c in enumerate(token) if c in _LETTER_DIGITS]
    others_letters = sum(c.isalpha() for c in token) >= 3
    if not inner and not (len(digits) == 1 and others_letters
                          and digits[0] in (0, len(token) - 1)
                          and all(c.isalpha() or i == digits[0] for i, c in enumerate(token))):
        return
    changed = set(inner)
    if inner:  # a token already spelled with digits: its edge digits are letters too
        changed.update(i for i in digits if i in (0, len(token) - 1))
    else:
        changed.add(digits[0])
    # A token left with digits it does not explain is a model number, not a word.
    if any(c.isdigit() for i, c in enumerate(token) if i not in changed):
        return
    for i in changed:
        chars[start + i] = _LETTER_DIGITS[token[i]]


def evasive(text: str) -> bool:
    """Whether ``text`` (already normalised or not) spells a word around a word list: letters
    one by one, look-alike letters of another script, digits for letters."""
    if not text:
        return False
    if _MIXED_SCRIPT.search(text) or any(True for _ in _spelled_runs(text)):
        return True
    chars = list(text)
    return _unleet_words(chars, text) and "".join(chars) != text
