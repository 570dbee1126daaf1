"""Proofs stage: page PNGs with print guides, contact sheets and the index page."""

from __future__ import annotations

import json
import math
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pikepdf
import pytest
from PIL import Image
from weasyprint import HTML

from generator.press.proof import BLEED, SAFE, TRIM, ProofError, proof_build, proof_page, proof_pdf

PT_PER_MM = 72 / 25.4
BACKGROUND = (204, 230, 245)

CARD_HTML = """<!DOCTYPE html><html><head><style>
@page { size: 105mm 148mm; bleed: 3mm; margin: 10mm; background: rgb(204, 230, 245); }
p { font-size: 9pt; }
</style></head><body><p>Front</p><p style="break-before: page">Back</p></body></html>"""


@pytest.fixture(scope="module")
def card(tmp_path_factory) -> Path:
    """A6 card, 3 mm bleed, two pages, a light blue background to the bleed edge."""
    path = tmp_path_factory.mktemp("pdf") / "card.pdf"
    HTML(string=CARD_HTML).write_pdf(path)
    return path


@pytest.fixture(scope="module")
def marked(card, tmp_path_factory) -> Path:
    """The card on a MediaBox grown outside the bleed (as for crop marks), more at the bottom than
    at the top, so a guide drawn with y running the wrong way lands elsewhere; with a CropBox
    and a /Rotate that the proof ignores."""
    path = tmp_path_factory.mktemp("pdf") / "marked.pdf"
    with pikepdf.open(card) as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.MediaBox)
            page.MediaBox = pikepdf.Array([x0 - 18, y0 - 30, x1 + 6, y1 + 12])
            # A viewer's crop and turn must not change the proof: it shows the MediaBox upright.
            page.CropBox = page.TrimBox
            page.Rotate = 90
        pdf.save(path)
    return path


def boxes(pdf: Path, page: int = 0) -> dict[str, list[float]]:
    with pikepdf.open(pdf) as document:
        return {name: [float(v) for v in document.pages[page].obj[f"/{name}"]]
                for name in ("MediaBox", "BleedBox", "TrimBox") if f"/{name}" in document.pages[page].obj}


def expected_size(media: list[float], dpi: int) -> tuple[int, int]:
    return round((media[2] - media[0]) / 72 * dpi), round((media[3] - media[1]) / 72 * dpi)


def lines(box: list[float], media: list[float], size: tuple[int, int], dpi: int) -> dict[str, int]:
    """Pixel column or row of each side of ``box``: the pixel holding the edge (PDF y runs up)."""
    scale = dpi / 72

    def pixel(value: float, limit: int) -> int:
        return min(max(math.floor(value * scale + 1e-6), 0), limit - 1)

    return {"left": pixel(box[0] - media[0], size[0]), "right": pixel(box[2] - media[0], size[0]),
            "top": pixel(media[3] - box[3], size[1]), "bottom": pixel(media[3] - box[1], size[1])}


def share(image: Image.Image, colour, side: str, at: dict[str, int], offset: int = 0) -> float:
    """Share of the pixels on one side of a guide (corners left out) that have ``colour``."""
    if side in ("left", "right"):
        x = at[side] + offset
        if not 0 <= x < image.width:
            return 0.0
        pixels = [image.getpixel((x, y)) for y in range(at["top"] + 12, at["bottom"] - 12)]
    else:
        y = at[side] + offset
        if not 0 <= y < image.height:
            return 0.0
        pixels = [image.getpixel((x, y)) for x in range(at["left"] + 12, at["right"] - 12)]
    return sum(p == colour for p in pixels) / len(pixels)


def safe_box(trim: list[float], safe_mm: float) -> list[float]:
    inset = safe_mm * PT_PER_MM
    return [trim[0] + inset, trim[1] + inset, trim[2] - inset, trim[3] - inset]


def test_page_png_is_the_rounded_mediabox(card, tmp_path):
    media = boxes(card)["MediaBox"]
    # 111 mm is 437.01 px at 100 dpi: pypdfium2 alone would make it 438 (ceil).
    assert math.ceil((media[2] - media[0]) / 72 * 100) != expected_size(media, 100)[0]
    for dpi in (100, 150):
        paths = proof_pdf(card, tmp_path / str(dpi), dpi=dpi, safe_mm=5)
        assert [p.name for p in paths] == ["card_p1.png", "card_p2.png"]
        for path in paths:
            with Image.open(path) as image:
                assert image.size == expected_size(media, dpi)
                assert image.getpixel((image.width // 2, image.height // 2)) == BACKGROUND
        assert sorted(p.name for p in (tmp_path / str(dpi)).iterdir()) == ["card_p1.png", "card_p2.png"]


def test_page_names_are_padded_to_the_page_count(card, tmp_path):
    ten = tmp_path / "ten.pdf"
    with pikepdf.open(card) as pdf:
        for _ in range(8):
            pdf.pages.append(pdf.pages[0])
        pdf.save(ten)
    names = [p.name for p in proof_pdf(ten, tmp_path / "png", dpi=20)]
    assert names == [f"ten_p{n:02d}.png" for n in range(1, 11)]


@pytest.mark.parametrize("which", ["card", "marked"])
@pytest.mark.parametrize("page", [1, 2])
def test_guides_sit_on_the_computed_pixels(which, page, request):
    pdf = request.getfixturevalue(which)
    found = boxes(pdf, page - 1)
    media = found["MediaBox"]
    image = proof_page(pdf, page, dpi=100, safe_mm=5)
    size = expected_size(media, 100)
    assert image.size == size
    guides = [(TRIM, found["TrimBox"], 1.0), (BLEED, found["BleedBox"], 0.6),
              (SAFE, safe_box(found["TrimBox"], 5), 0.35)]
    for guide, box, least in guides:
        at = lines(box, media, size, 100)
        for side in at:
            assert share(image, guide.colour, side, at) >= least, (guide.name, side)
            # One line, not a smear: nothing of that colour three pixels either side.
            assert share(image, guide.colour, side, at, 3) == 0, (guide.name, side)
            assert share(image, guide.colour, side, at, -3) == 0, (guide.name, side)
    # The render lines up with the guides: the background fills the bleed box and no more.
    at = lines(found["BleedBox"], media, size, 100)
    inward = {"left": 2, "top": 2, "right": -2, "bottom": -2}
    for side, step in inward.items():
        assert share(image, BACKGROUND, side, at, step) == 1.0, side
        assert share(image, BACKGROUND, side, at, -step) == 0.0, side


def test_missing_boxes_draw_what_exists(card, tmp_path):
    bare = tmp_path / "bare.pdf"
    with pikepdf.open(card) as pdf:
        for page in pdf.pages:
            del page.obj["/TrimBox"]
            del page.obj["/BleedBox"]
        pdf.save(bare)
    image = proof_page(bare, 1, dpi=72, safe_mm=4)
    colours = {colour for _, colour in image.getcolors(image.width * image.height)}
    assert TRIM.colour not in colours and BLEED.colour not in colours
    media = boxes(bare)["MediaBox"]
    # Without a TrimBox the safe zone is measured from the MediaBox, as readers take the trim.
    at = lines(safe_box(media, 4), media, image.size, 72)
    assert share(image, SAFE.colour, "left", at) > 0.3
    plain = proof_page(bare, 1, dpi=72)
    colours = {colour for _, colour in plain.getcolors(plain.width * plain.height)}
    assert not colours & {TRIM.colour, BLEED.colour, SAFE.colour}


def test_page_out_of_range_is_a_user_error(card):
    with pytest.raises(ProofError, match="expected a page from 1 to 2, got 3"):
        proof_page(card, 3)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.links += [value for name, value in attrs if name in ("href", "src") and value]


def check_index(result) -> set[Path]:
    """Every link is relative and names a written file; every PNG written is linked."""
    parser = Links()
    parser.feed(result.index.read_text(encoding="utf-8"))
    linked = set()
    for link in parser.links:
        assert "://" not in link and not link.startswith("/"), link
        target = result.proofs / unquote(link)
        assert target.is_file(), link
        linked.add(target)
    pngs = set(result.proofs.rglob("*.png"))
    assert linked == pngs
    assert not [p for p in result.proofs.rglob(".*")], "temporary files left behind"
    return linked


def test_proof_build_groups_escapes_and_links(card, tmp_path):
    out = tmp_path / "out"
    sku = 'K&Q<1>'
    (out / sku).mkdir(parents=True)
    (out / sku / "K_card_de.pdf").write_bytes(card.read_bytes())
    (out / sku / "K_multi.pdf").write_bytes(card.read_bytes())
    base = {"sku": sku, "trim_mm": [105.0, 148.0], "bleed_mm": 3.0, "status": "ok", "pages": 2}
    documents = [
        {**base, "document": 'card "a6"', "layout": "card-a6", "locales": ["de"],
         "path": f"{sku}/K_card_de.pdf"},
        {**base, "document": "multi", "layout": "no-such-layout", "locales": ["en", "de"],
         "path": f"{sku}/K_multi.pdf"},
        {**base, "document": "gone", "layout": "card-a6", "locales": ["fr"], "path": f"{sku}/gone.pdf"},
        {**base, "document": "broken", "layout": "card-a6", "locales": ["it"],
         "path": f"{sku}/broken.pdf", "status": "failed"},
        {**base, "document": "escape", "layout": "card-a6", "locales": ["es"], "path": "../x.pdf"},
    ]
    (out / "manifest.json").write_text(json.dumps({"documents": documents}), encoding="utf-8")
    result = proof_build(out, tmp_path / "proofs", dpi=40)

    assert set(result.sheets) == {(sku, "de"), (sku, "en-de")}
    assert result.skipped == [f"{sku}/broken.pdf"]
    assert sorted(f.code for f in result.findings) == ["proof.layout", "proof.path", "proof.pdf"]
    assert sorted(result.pages) == [f"{sku}/K_card_de.pdf", f"{sku}/K_multi.pdf"]
    assert set(result.files) == check_index(result) | {result.index}
    text = result.index.read_text(encoding="utf-8")
    assert "K&amp;Q&lt;1&gt;" in text and "<1>" not in text and "card &quot;a6&quot;" in text

    # The safe zone comes from the layout: card-a6 is 5 mm; an unknown layout draws none.
    found = boxes(card)
    at = lines(safe_box(found["TrimBox"], 5), found["MediaBox"], expected_size(found["MediaBox"], 40), 40)
    with Image.open(result.pages[f"{sku}/K_card_de.pdf"][0]) as image:
        assert share(image, SAFE.colour, "left", at) > 0.3
    with Image.open(result.pages[f"{sku}/K_multi.pdf"][0]) as image:
        assert SAFE.colour not in {c for _, c in image.getcolors(image.width * image.height)}


def test_proof_build_takes_the_catalogs_layout(card, tmp_path):
    out, catalog = tmp_path / "out", tmp_path / "catalog"
    (out / "S").mkdir(parents=True)
    (out / "S" / "S_card-a6_de.pdf").write_bytes(card.read_bytes())
    entry = {"sku": "S", "document": "card-a6", "layout": "card-a6", "locales": ["de"],
             "path": "S/S_card-a6_de.pdf", "status": "ok", "pages": 2}
    (out / "manifest.json").write_text(json.dumps({"documents": [entry]}), encoding="utf-8")
    (catalog / "layouts" / "card-a6").mkdir(parents=True)
    (catalog / "layouts" / "card-a6" / "layout.yaml").write_text(
        "description: override\ntemplate: card.html\nstylesheet: card.css\n"
        "trim_mm: [105, 148]\nsafe_mm: 8\n", encoding="utf-8")
    result = proof_build(out, tmp_path / "proofs", dpi=40, catalog=catalog)
    assert result.findings == []
    found = boxes(card)
    at = lines(safe_box(found["TrimBox"], 8), found["MediaBox"], expected_size(found["MediaBox"], 40), 40)
    with Image.open(result.pages["S/S_card-a6_de.pdf"][1]) as image:
        assert share(image, SAFE.colour, "top", at) > 0.3


def test_proof_build_of_the_sample_catalog(built, tmp_path):
    out, manifest, _ = built
    result = proof_build(out, tmp_path / "proofs", dpi=30)
    ok = [d for d in manifest["documents"] if d["status"] == "ok"]
    assert result.findings == [] and result.skipped == []
    # One sheet per product and locale; a multi-language document has its own group.
    assert set(result.sheets) == {(d["sku"], "-".join(d["locales"])) for d in ok}
    for document in ok:
        pages = result.pages[document["path"]]
        assert len(pages) == document["pages"]
        media = boxes(out / document["path"])["MediaBox"]
        with Image.open(pages[0]) as image:
            assert image.size == expected_size(media, 30)
    for sheet in result.sheets.values():
        with Image.open(sheet) as image:
            assert image.width > 100 and image.height > 100
    check_index(result)


def test_cli_proofs_a_build(built, tmp_path):
    from tests.conftest import run_cli

    out, manifest, _ = built
    ok = [d for d in manifest["documents"] if d["status"] == "ok"]
    result = run_cli("proof", out, "--to", tmp_path / "proofs", "--dpi", "36")
    assert result.returncode == 0, result.stderr
    sheets = {(d["sku"], "-".join(d["locales"])) for d in ok}
    assert result.stdout.strip() == (
        f"wrote {tmp_path / 'proofs' / 'index.html'}: {len(ok)} document(s), "
        f"{sum(d['pages'] for d in ok)} page(s), {len(sheets)} contact sheet(s)")
    assert (tmp_path / "proofs" / "index.html").is_file()
    result = run_cli("proof", tmp_path / "nothing-built")
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {tmp_path / 'nothing-built' / 'manifest.json'}: "
                                    "expected the manifest of a build")
