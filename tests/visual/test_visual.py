"""Visual regression check: one picture per layout and script against ``reference/*.png``.

A picture fails when more than ``MAX_DIFFERING`` of its pixels moved by more than
``PIXEL_THRESHOLD``; the actual picture and a diff (differing pixels in red) are written to a
temporary folder named in the failure. ``python tests/visual/update.py`` writes the references.
"""

from __future__ import annotations

import random
import subprocess
import sys

import pytest
import visual_pages as pages
from PIL import Image, ImageChops

UPDATE = pages.UPDATE


@pytest.fixture(scope="session")
def visual_out(tmp_path_factory):
    """One build of every document the pictures come from."""
    return pages.build(tmp_path_factory.mktemp("visual"))


@pytest.fixture(scope="session")
def failures(tmp_path_factory):
    return tmp_path_factory.mktemp("visual-failures")


def reference(case: pages.Case) -> Image.Image:
    path = pages.reference_path(case)
    if not path.exists():
        pytest.fail(f"{path}: no reference picture; write it with {UPDATE}")
    with Image.open(path) as image:
        return image.convert("RGB")


@pytest.mark.parametrize("case", pages.CASES, ids=lambda c: c.name)
def test_page_looks_like_its_reference(case, visual_out, failures):
    message = pages.failure(case, pages.picture(visual_out, case), reference(case), failures)
    if message:
        pytest.fail(message)


def test_every_reference_has_a_case():
    names = {pages.reference_path(c).name for c in pages.CASES}
    assert sorted(p.name for p in pages.REFERENCE.glob("*.png")) == sorted(names)


def test_references_are_small():
    sizes = {p.name: p.stat().st_size for p in pages.REFERENCE.glob("*.png")}
    assert max(sizes.values()) < 100_000, sizes


def test_rasterising_twice_gives_the_same_pixels(visual_out):
    case = next(c for c in pages.CASES if c.locales == ("ar",))
    assert pages.picture(visual_out, case).tobytes() == pages.picture(visual_out, case).tobytes()


def test_a_second_build_gives_the_same_pixels(visual_out, tmp_path):
    """Two renders of the same documents in two builds: not one pixel differs."""
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", str(visual_out.parent / "catalog"), "--out",
         str(tmp_path), "--product", "LH-DL40", "--locale", "ar", "-q"],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for case in (c for c in pages.CASES if c.sku == "LH-DL40" and c.locales == ("ar",)):
        again, first = pages.picture(tmp_path, case), pages.picture(visual_out, case)
        assert again.tobytes() == first.tobytes(), case.name


# --- the tolerance: anti-aliasing noise passes, a moved block or a changed colour fails ------------

CARD = next(c for c in pages.CASES if c.name == "card-a6-en")


def _noisy(image: Image.Image, seed: int = 1) -> Image.Image:
    """``image`` with every channel of every pixel moved by up to 24 levels and one pixel in
    2,000 turned to its opposite: more than two renders of the same page on different machines
    differ by, yet no change of layout."""
    rng = random.Random(seed)
    levels = bytes(rng.randrange(0, 49) for _ in range(image.width * image.height))
    noise = Image.frombytes("L", image.size, levels)
    darker = ImageChops.subtract(image, Image.merge("RGB", [noise] * 3), offset=24)
    out = darker.copy()
    pixels = out.load()
    for _ in range(image.width * image.height // 2000):
        x, y = rng.randrange(image.width), rng.randrange(image.height)
        pixels[x, y] = tuple(255 - v for v in pixels[x, y])
    return out


def _front(image: Image.Image) -> tuple[int, int, int, int]:
    """The front side's box in a card's picture (the left half)."""
    return (0, 0, image.width // 2, image.height)


def test_noise_like_anti_aliasing_passes():
    expected = reference(CARD)
    comparison = pages.compare(_noisy(expected), expected)
    assert comparison.passed, comparison
    assert comparison.largest > pages.PIXEL_THRESHOLD  # the flipped pixels were seen, and allowed


@pytest.mark.parametrize("shift", [(0, 3), (3, 0), (-2, -2)])
def test_a_block_moved_by_a_few_pixels_fails(shift):
    expected = reference(CARD)
    # The upper half of the front: logo, headline and message.
    left, top, right, bottom = _front(expected)
    box = (left + 10, top + 10, right - 10, bottom // 2)
    moved = expected.copy()
    moved.paste(expected.crop(box), (box[0] + shift[0], box[1] + shift[1]))
    comparison = pages.compare(moved, expected)
    assert not comparison.passed, comparison


def test_a_changed_colour_fails():
    expected = reference(CARD)
    # Red and blue swapped on the front: the brand-blue headline turns orange, black and white stay.
    front = expected.crop(_front(expected))
    red, green, blue = front.split()
    recoloured = expected.copy()
    recoloured.paste(Image.merge("RGB", (blue, green, red)), (0, 0))
    comparison = pages.compare(recoloured, expected)
    assert not comparison.passed, comparison


def test_a_failure_names_the_pictures_it_wrote(tmp_path):
    expected = reference(CARD)
    shifted = ImageChops.offset(expected, 0, 4)
    assert pages.failure(CARD, expected, expected, tmp_path) is None
    message = pages.failure(CARD, shifted, expected, tmp_path)
    comparison = pages.compare(shifted, expected)
    assert message == (
        f"LH-KT17/LH-KT17_card-a6_en.pdf page(s) 1, 2: {comparison.differing:.3%} of the pixels "
        f"differ by more than {pages.PIXEL_THRESHOLD} (at most 0.1% allowed), largest difference "
        f"{comparison.largest}; actual {tmp_path / 'card-a6-en-actual.png'}, diff "
        f"{tmp_path / 'card-a6-en-diff.png'}; if the change is wanted, look at them and run {UPDATE}")
    with Image.open(tmp_path / "card-a6-en-actual.png") as written:
        assert written.convert("RGB").tobytes() == shifted.tobytes()
    # In the diff, differing pixels are red and the rest a faded grey.
    with Image.open(tmp_path / "card-a6-en-diff.png") as diff:
        colours = {colour for _, colour in diff.convert("RGB").getcolors(1 << 24)}
    assert (255, 0, 0) in colours
    assert all(c == (255, 0, 0) or (c[0] == c[1] == c[2] and c[0] >= 200) for c in colours)


def test_a_different_size_fails():
    expected = reference(CARD)
    comparison = pages.compare(expected.crop((0, 0, expected.width, expected.height - 1)), expected)
    assert comparison.resized and not comparison.passed
    assert str(comparison) == "the picture's size differs from the reference's"
