"""Parallel consistency: the same sentence in 14 languages gets the same verdict and category.

The frames (``compliance_corpus/frames.tsv``) were written in every language by a writer who
never saw the rules: violations of every category and the hardest legitimate lines (scales an
app shows, hotel stars, a camera's review display, battery charge levels, contact-first help).
"""

from __future__ import annotations

import corpus
import pytest

FRAMES = corpus.frames()


def test_the_frames_cover_every_language_and_category():
    assert len(FRAMES) >= 40
    assert all(len(frame.texts) == 14 for frame in FRAMES)
    labels = {frame.label for frame in FRAMES}
    assert labels >= {"ok", "solicit", "positive_only", "gating", "incentive", "modify_review",
                      "other", "review_link"}


@pytest.mark.parametrize("frame", FRAMES, ids=lambda f: f.id)
def test_a_frame_gets_one_verdict_in_every_language(frame):
    verdicts = {lang: corpus.verdict(text, lang) for lang, text in sorted(frame.texts.items())}
    wrong = {lang: v for lang, v in verdicts.items() if v != frame.label}
    assert wrong == {}, f"{frame.id}: expected {frame.label} everywhere"
