"""What a warm worker keeps between documents (compressed resource streams, font subsets)
changes no byte of the files, and is bounded."""

from __future__ import annotations

import random
import zlib

import pikepdf
import pytest

from generator.paths import BUILTIN_LAYOUTS
from generator.render.fonts import SUBSETS, SubsetCache
from generator.render.pdf import CompressedStreams, Renderer, RenderJob
from generator.render.resources import default_cmyk_profile, region_intent

ICC = default_cmyk_profile()
CSS = """
@page { size: 60mm 30mm; margin: 0 }
body { margin: 4mm; font-family: 'Noto Sans'; color: device-cmyk(0 0 0 1) }
"""


#: Fixed dates: without them the PDF carries the time of rendering, and two renders a second
#: apart differ in their dates, not in what the caches decide.
DATES = ('<meta name="dcterms.created" content="2026-01-01T00:00:00Z">'
         '<meta name="dcterms.modified" content="2026-01-01T00:00:00Z">')


def job(text: str = "Danke für Ihren Kauf") -> RenderJob:
    intent = region_intent(None)
    html = f'<html lang="de"><head>{DATES}</head><body><p>{text}</p></body></html>'
    return RenderJob(key="cache.pdf", html=html,
                     css=intent.css + CSS, base_dir=str(BUILTIN_LAYOUTS),
                     css_dir=str(BUILTIN_LAYOUTS), allowed=(str(BUILTIN_LAYOUTS), intent.icc),
                     expected_pages=1, pdf_variant="pdf/x-4", marks=False, bleed_mm=0.0,
                     placed=False, intent=intent)


@pytest.fixture
def uncached(monkeypatch) -> bytes:
    """The file as WeasyPrint alone compresses and subsets it."""
    SUBSETS.clear()
    monkeypatch.setattr(SUBSETS, "limit", 0)
    renderer = Renderer()
    renderer.streams = None
    data = renderer.render(job()).pdf
    assert SUBSETS.size == 0
    monkeypatch.undo()
    return data


def test_cached_streams_and_subsets_give_the_same_bytes(uncached, tmp_path):
    renderer = Renderer()
    first = renderer.render(job()).pdf  # both caches filled
    again = renderer.render(job()).pdf  # both caches used
    assert renderer.streams.hits >= 2 and SUBSETS.hits >= 1
    assert first == again == uncached
    path = tmp_path / "cache.pdf"
    path.write_bytes(again)
    with pikepdf.open(path) as pdf:
        assert pdf.check_pdf_syntax() == []  # qpdf's check, every stream decoded
        [intent] = pdf.Root.OutputIntents
        assert intent.DestOutputProfile.read_bytes() == ICC.read_bytes()
        fonts = [f for page in pdf.pages for f in page.Resources.Font.values()]
        assert fonts and all(
            f.DescendantFonts[0].FontDescriptor.get("/FontFile2") is not None
            or f.DescendantFonts[0].FontDescriptor.get("/FontFile3") is not None
            for f in fonts)


def test_other_text_is_subset_again():
    renderer = Renderer()
    renderer.render(job("Kurz"))
    misses = SUBSETS.misses
    renderer.render(job("Quixotisch wolkig"))  # glyphs the first text had not
    assert SUBSETS.misses == misses + 1


def test_compressed_streams_are_pydyfs_bytes_and_bounded():
    cache = CompressedStreams(limit=2500)  # two of these payloads (~1 kB each compressed)
    payloads = [random.Random(n).randbytes(1000) for n in range(4)]
    for payload in payloads:
        packer = zlib.compressobj(level=9)
        assert cache.compressed(payload) == packer.compress(payload) + packer.flush()
        assert cache.size <= cache.limit
    assert cache.compressed(payloads[-1]) and cache.hits == 1
    assert cache.compressed(payloads[0]) and cache.misses == 5  # the oldest was dropped


def test_the_subset_cache_drops_the_least_recently_used_past_its_limit():
    cache = SubsetCache(limit=10)
    cache.put(("a",), b"12345")
    cache.put(("b",), b"12345")
    assert cache.get(("a",)) == b"12345"  # now the most recent
    cache.put(("c",), b"123")
    assert cache.size == 8 and cache.get(("b",)) is None and cache.get(("a",)) is not None
    cache.put(("huge",), b"x" * 11)
    assert cache.get(("huge",)) is None
