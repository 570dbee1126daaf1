"""Folded matching: expressions compiled for folded text find what IGNORECASE finds on the
original, and the needle screen finds exactly the needles a text holds."""

from __future__ import annotations

import random
import re

import corpus
import pytest

from generator.compliance.engine import checker
from generator.compliance.folding import FLAGS, MISSING, CodeCache, compile_folded, fold
from generator.compliance.normalize import normalize
from generator.compliance.screen import Screen


def test_fold_keeps_length_and_joins_what_ignorecase_joins():
    assert fold("İstanbul ıI ſ ẞ Straße") == "istanbul ii s ß straße"
    for text in ("İİİ", "ΣΑΣ ς", "ǅ ǈ", "\u0130\u0307x"):
        assert len(fold(text)) == len(text)


@pytest.mark.parametrize("source, text", [
    (r"[A-Z]+ \d", "ABC 5 abc 7"),
    (r"[^A-Z ]+", "ab CD e5f-g"),
    (r"(?<!\w)(?:Review|rate)(?!\w)", "REVIEW it, RATEd, Rate"),
    (r"(\w)\1", "Aa bB cc"),
    (r"(?:yorum|değerlendir)\w*", "YORUM DEĞERLENDİRİN değerlendirme"),
    (r"(?:ß|ss)e", "STRASSE Straße"),
    (r"[À-ÿ]{2}", "ÉÈ éè"),
    (r"x?(?:\d+ ?)?stars?", "5 STARS x12 star"),
])
def test_folded_expression_matches_like_ignorecase(source, text):
    plain = [m.span() for m in re.compile(source, FLAGS).finditer(text)]
    assert plain, "the case should match something"
    assert [m.span() for m in compile_folded(source).finditer(fold(text))] == plain


@pytest.mark.parametrize("language", ["en", "de", "tr"])
def test_every_expression_of_a_pack_agrees_on_the_corpus(language):
    texts = [normalize(e.text)[0] for e in corpus.dev() if e.lang == language][:300]
    folded = [fold(t) for t in texts]
    differ = []
    for pk in checker(language).packs:
        exprs = [*(e for e in pk.terms.values() if e), *pk.innocent,
                 *(e for r in pk.rules for e in (*r.patterns, *r.exceptions))]
        for expr in exprs:
            plain = re.compile(expr.source, FLAGS)
            for text, low in zip(texts, folded, strict=True):
                if [m.span() for m in plain.finditer(text)] != \
                        [m.span() for m in expr.regex.finditer(low)]:
                    differ.append((expr.where, text))
                    break
    assert differ == []


def test_screen_finds_exactly_the_needles_present():
    rng = random.Random(3)
    for _ in range(200):
        needles = {"".join(rng.choice("ab c.") for _ in range(rng.randint(1, 5)))
                   for _ in range(rng.randint(1, 25))}
        screen = Screen(needles)
        for _ in range(10):
            text = "".join(rng.choice("abcd .") for _ in range(rng.randint(0, 40)))
            assert screen.present(text) == {n for n in needles if n in text}
    assert Screen([]).present("anything") == frozenset()


def test_screen_code_is_kept_between_runs_and_finds_the_same(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    pack = tmp_path / "xx.yaml"
    pack.write_text("terms: {}\n")
    # "s" and "k": letters that IGNORECASE would join with "ſ" and "K" (Kelvin); the
    # screen's trie is already folded and must stay exact.
    needles = {"rev", "review", "ſk", "sk", "bewert", "k.a"}
    cache = CodeCache.for_files("xx", [pack])
    first = Screen(needles, cache)
    cache.save()
    parsed = []
    real_parse = re._parser.parse
    monkeypatch.setattr(re._parser, "parse", lambda *a: parsed.append(a) or real_parse(*a))
    second = Screen(needles, CodeCache.for_files("xx", [pack]))  # the next run
    assert parsed == []  # its code came from the cache
    third = Screen(needles | {"new"}, CodeCache.for_files("xx", [pack]))
    assert len(parsed) == 1 and third.present("new rev") == {"new", "rev"}
    for text in ["please review us", "sk and \u017fk", "k.a kxa", "bewertung rev", "SK"]:
        want = {n for n in needles if n in text}
        assert first.present(text) == second.present(text) == want, text


def test_code_cache_keeps_needles_and_code_between_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    pack = tmp_path / "xx.yaml"
    pack.write_text("terms: {}\n")
    source = r"(?<!\w)(?:Review|rate)\w*"
    text = fold("Please REVIEW us, or Rate it")
    cache = CodeCache.for_files("xx", [pack])
    fresh = compile_folded(source, cache)
    cache.put_needles(source, ("rate", "review"))
    cache.save()
    assert cache.path.parent == tmp_path / "cache" / "insertgen" / "rules"

    later = CodeCache.for_files("xx", [pack])  # the next run
    assert later.needles(source) == ("rate", "review")
    kept = later.pattern(source)
    assert kept is not None and kept.pattern is None  # rebuilt from the stored code
    assert [m.span() for m in kept.finditer(text)] == [m.span() for m in fresh.finditer(text)] \
        == [(7, 13), (21, 25)]

    later.path.write_text("{damaged", encoding="utf-8")
    broken = CodeCache.for_files("xx", [pack])
    assert broken.needles(source) is MISSING and broken.pattern(source) is None
    assert compile_folded(source, broken).search(text)

    pack.write_text("terms: {a: [b]}\n")  # an edited pack: another file, the old one goes
    edited = CodeCache.for_files("xx", [pack])
    assert edited.path != later.path and edited.needles(source) is MISSING
    edited.put_needles(source, None)
    edited.save()
    assert sorted(p.name for p in edited.path.parent.iterdir()) == [edited.path.name]
