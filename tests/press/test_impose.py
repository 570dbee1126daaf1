"""Imposition: cards step-and-repeat on a press sheet (work-and-turn), manuals as printer spreads.

Expected positions are worked out here in millimetres from the documented rules (the gutter
is the space between bleed edges, the block is centred, marks 1 mm from the bleed and 5 mm
long), not taken from the module.
"""

from __future__ import annotations

import re

import pikepdf
import pypdfium2 as pdfium
import pytest
from weasyprint import CSS, HTML

from generator.findings import InsertgenError
from generator.press.impose import impose_booklet, impose_cards
from generator.render.resources import default_cmyk_profile

PT = 72 / 25.4
CARD_CSS = """
@page { size: 105mm 148mm; bleed: 3mm; margin: 0; background: device-cmyk(0 0.4 0.8 0) }
body { margin: 0; font: bold 24pt sans-serif }
p { margin: 20mm 8mm 0 } .right { break-before: page; text-align: right }
"""
BOOKLET_CSS = """
@page { size: 105mm 148mm; bleed: 3mm; margin: 20mm }
body { font: bold 60pt sans-serif; text-align: center }
section { break-after: page }
"""


def mm(rect):
    """A rectangle or segment in points as millimetres, rounded for comparing."""
    return tuple(round(v / PT, 2) for v in rect)


def segment_key(segment, unit=PT):
    """A segment (in points, or ``unit=1`` for millimetres) in millimetres, ends in a fixed order."""
    a, b, c, d = (round(v / unit, 2) for v in segment)
    return min((a, b, c, d), (c, d, a, b))


def assert_segments(actual_pt, expected_mm):
    """The same segments, to 0.01 mm, whichever end each starts from."""
    actual = sorted(segment_key(s) for s in actual_pt)
    expected = sorted(segment_key(s, unit=1) for s in expected_mm)
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected, strict=True):
        assert got == pytest.approx(want, abs=0.011)


@pytest.fixture(scope="session")
def card(tmp_path_factory):
    """A 105 x 148 mm PDF/X-4 card with 3 mm bleed: FRONT at the left, BACK at the right (so
    it prints behind FRONT), and a red frame outside the bleed where marks would be."""
    path = tmp_path_factory.mktemp("impose") / "card.pdf"
    css = CARD_CSS
    icc = default_cmyk_profile()
    if icc is not None:
        css = f"@color-profile device-cmyk {{ src: url({icc.as_uri()}); components: c, m, y, k }}\n" + css
    html = '<p>FRONT</p><p class="right">BACK</p>'
    profiles: dict = {}  # filled by @color-profile; WeasyPrint writes the OutputIntent from it
    HTML(string=html).write_pdf(path, stylesheets=[CSS(string=css, color_profiles=profiles)],
                                color_profiles=profiles, pdf_variant="pdf/x-4")
    # Like the PDF stage's marks, something outside the bleed that must never reach a neighbour.
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.obj.BleedBox)
            page.obj.MediaBox = [x0 - 20, y0 - 20, x1 + 20, y1 + 20]
            frame = (f"q 0 1 1 0 k {x0 - 20} {y0 - 20} {x1 - x0 + 40} 18 re f "
                     f"{x0 - 20} {y1 + 2} {x1 - x0 + 40} 18 re f "
                     f"{x0 - 20} {y0 - 20} 18 {y1 - y0 + 40} re f "
                     f"{x1 + 2} {y0 - 20} 18 {y1 - y0 + 40} re f Q")
            page.contents_add(pdf.make_stream(frame.encode()))
        pdf.save(path)
    return path


@pytest.fixture(scope="session")
def booklet(tmp_path_factory):
    """A 12-page A6 booklet with 3 mm bleed, each page showing its number."""
    path = tmp_path_factory.mktemp("impose") / "booklet-12.pdf"
    html = "".join(f"<section>{n}</section>" for n in range(1, 13))
    HTML(string=html).write_pdf(path, stylesheets=[CSS(string=BOOKLET_CSS)])
    return path


def first_pages(source, count, target):
    """The first ``count`` pages of ``source`` as a new PDF (page n still shows n)."""
    with pikepdf.open(source) as pdf:
        del pdf.pages[count:]
        pdf.save(target)
    return target


def operations(page):
    return [(str(op.operator), list(op.operands)) for op in pikepdf.parse_content_stream(page)]


# --- cards ------------------------------------------------------------------------------

#: SRA3 portrait 320 x 450 mm, cards 111 x 154 mm with bleed, 6 mm gutter, 10 mm margin:
#: 2 columns (2 x 111 + 6 = 228 <= 300), 2 rows (2 x 154 + 6 = 314 <= 430) = 4, against 3 x 1
#: in landscape. The block is centred: bleed block 46..274 x 68..382 mm.
TRIMS_MM = [(49, 231, 154, 379), (166, 231, 271, 379), (49, 71, 154, 219), (166, 71, 271, 219)]
SHEET_PT = (320 * PT, 450 * PT)


def expected_card_marks():
    xs, ys = (49, 154, 166, 271), (71, 219, 231, 379)
    marks = []
    for x in xs:
        marks += [(x, 383, x, 388), (x, 67, x, 62), (x, 223, x, 227)]  # above, below, row gutter
    for y in ys:
        marks += [(45, y, 40, y), (275, y, 280, y), (158, y, 162, y)]  # left, right, column gutter
    return marks


@pytest.fixture(scope="module")
def sheet(card, tmp_path_factory):
    out = tmp_path_factory.mktemp("sheet") / "sheet.pdf"
    return out, impose_cards(card, out)


def test_cards_step_and_repeat_on_sra3(sheet):
    out, imposition = sheet
    assert imposition.sheets == 1
    assert len(imposition.placements) == 2
    front, back = imposition.placements
    assert [p.page for p in front] == [1] * 4 and [p.page for p in back] == [2] * 4
    assert [mm(p.trim) for p in front] == TRIMS_MM
    for placement in front + back:
        x0, y0, x1, y1 = mm(placement.trim)
        assert mm(placement.clip) == (x0 - 3, y0 - 3, x1 + 3, y1 + 3)
    assert imposition.page_size == pytest.approx(SHEET_PT)


def test_card_sheet_boxes_intent_fonts_and_syntax(sheet, card):
    out, _ = sheet
    with pikepdf.open(out) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert len(pdf.pages) == 2
        for page in pdf.pages:
            for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
                assert [float(v) for v in page.obj[box]] == pytest.approx([0, 0, *SHEET_PT], abs=0.01)
        fonts = [obj for obj in pdf.objects
                 if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor"]
        assert fonts and all({"/FontFile", "/FontFile2", "/FontFile3"} & set(f.keys()) for f in fonts)
        if default_cmyk_profile() is not None:
            intent = pdf.Root.OutputIntents[0]
            assert intent.S == "/GTS_PDFX" and intent.DestOutputProfile.N == 4
            assert pdf.open_metadata().get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"
            with pikepdf.open(card) as source:
                source_id = re.search(rb"xmp\.did:[0-9a-f-]+", source.Root.Metadata.read_bytes())
            assert source_id.group() not in pdf.Root.Metadata.read_bytes()


def test_each_card_is_clipped_to_its_bleed(sheet, card):
    out, imposition = sheet
    with pikepdf.open(card) as source:
        source_bleed = [float(v) for v in source.pages[0].obj.BleedBox]
    with pikepdf.open(out) as pdf:
        for number, page in enumerate(pdf.pages):
            ops = operations(page)
            clips = [[float(v) for v in operands] for op, operands in ops if op == "re"]
            moves = [[float(v) for v in operands[4:]] for op, operands in ops if op == "cm"]
            assert [op for op, _ in ops].count("Do") == 4
            for placement, clip, move in zip(imposition.placements[number], clips, moves, strict=True):
                x, y, w, h = clip
                assert mm((x, y, x + w, y + h)) == mm(placement.clip)
                # The card's TrimBox starts at (0, 0): the translation is where its trim lands.
                assert move == pytest.approx(placement.trim[:2], abs=0.01)
            for form in page.Resources.XObject.values():
                assert [float(v) for v in form.BBox] == pytest.approx(source_bleed, abs=0.01)
    # Nothing of the card outside its bleed reaches the gutter or the margin (the red frame
    # drawn around each card would), and the bleed itself is printed.
    image = pdfium.PdfDocument(str(out))[0].render(scale=1).to_pil().convert("RGB")

    def pixel(x_mm, y_mm):
        return image.getpixel((round(x_mm * PT), round((450 - y_mm) * PT)))

    for x_mm, y_mm in ((160, 300), (100, 225), (160, 225), (43, 300), (277, 150), (100, 385)):
        assert pixel(x_mm, y_mm) == (255, 255, 255), (x_mm, y_mm)
    for x_mm, y_mm in ((156.5, 300), (47, 150), (100, 229.5), (272.5, 100)):
        assert pixel(x_mm, y_mm) != (255, 255, 255), (x_mm, y_mm)


def test_cut_marks_on_trim_lines_in_registration_colour(sheet):
    out, imposition = sheet
    expected = expected_card_marks()
    assert_segments(imposition.marks[0], expected)
    assert_segments(imposition.marks[1], expected)  # a centred block mirrors onto itself
    with pikepdf.open(out) as pdf:
        for number, page in enumerate(pdf.pages):
            registration = page.Resources.ColorSpace.InsertgenRegistration
            assert registration[0] == "/Separation" and registration[1] == "/All"
            ops = operations(page)
            start = next(i for i, (op, operands) in enumerate(ops)
                         if op == "CS" and operands == [pikepdf.Name.InsertgenRegistration])
            points = [[float(v) for v in operands] for op, operands in ops[start:] if op in ("m", "l")]
            assert_segments([(*a, *b) for a, b in zip(points[::2], points[1::2], strict=True)], expected)
            # No mark crosses a card's bleed.
            for a, b, c, d in imposition.marks[number]:
                for p in imposition.placements[number]:
                    x0, y0, x1, y1 = p.clip
                    assert max(a, c) < x0 or min(a, c) > x1 or max(b, d) < y0 or min(b, d) > y1


def test_backs_are_mirrored_for_work_and_turn(sheet):
    out, imposition = sheet
    front, back = imposition.placements
    width = 320 * PT
    for f, b in zip(front, back, strict=True):
        assert mm(b.trim) == mm((width - f.trim[2], f.trim[1], width - f.trim[0], f.trim[3]))
    # The card in column 0 (left) has its back in the right column of the back sheet.
    assert mm(back[0].trim)[0] == 166
    document = pdfium.PdfDocument(str(out))
    front_text, back_text = (document[i].get_textpage() for i in (0, 1))
    for f in front:
        x0, y0, x1, y1 = f.trim
        middle = (x0 + x1) / 2
        assert front_text.get_text_bounded(x0, y0, middle, y1).strip() == "FRONT"
        # The area behind FRONT, seen from the back of the turned sheet, holds BACK.
        assert back_text.get_text_bounded(width - middle, y0, width - x0, y1).strip() == "BACK"


def test_fronts_only_without_duplex(card, tmp_path):
    imposition = impose_cards(card, tmp_path / "fronts.pdf", duplex=False)
    assert len(imposition.placements) == 1
    with pikepdf.open(tmp_path / "fronts.pdf") as pdf:
        assert len(pdf.pages) == 1


def test_same_input_same_bytes(card, tmp_path):
    impose_cards(card, tmp_path / "a.pdf", sheet="A3")
    impose_cards(card, tmp_path / "b.pdf", sheet="a3")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_card_too_big_for_the_sheet(card, tmp_path):
    with pytest.raises(InsertgenError) as error:
        impose_cards(card, tmp_path / "x.pdf", sheet="A4", margin_mm=50)
    assert str(error.value) == (
        f"{card}: expected a card that fits the printable area of the A4 sheet, 110 x 197 mm "
        "(210 x 297 mm less 50 mm margins), in portrait or landscape; got a card of 111 x 154 mm "
        "with bleed")
    assert not (tmp_path / "x.pdf").exists()


def test_unknown_sheet(card, tmp_path):
    with pytest.raises(InsertgenError, match="unknown sheet 'B2': expected one of A4, A3, SRA3"):
        impose_cards(card, tmp_path / "x.pdf", sheet="B2")


# --- booklets ---------------------------------------------------------------------------


def spread_numbers(path):
    """Per output page, the page numbers printed on its left and right halves."""
    document = pdfium.PdfDocument(str(path))
    with pikepdf.open(path) as pdf:
        trims = [[float(v) for v in page.obj.TrimBox] for page in pdf.pages]
    numbers = []
    for page, (x0, y0, x1, y1) in zip(document, trims, strict=True):
        text = page.get_textpage()
        spine = (x0 + x1) / 2
        numbers.append((int(text.get_text_bounded(x0, y0, spine, y1)),
                        int(text.get_text_bounded(spine, y0, x1, y1))))
    return numbers


@pytest.mark.parametrize("count, expected", [
    (8, [(8, 1), (2, 7), (6, 3), (4, 5)]),
    (12, [(12, 1), (2, 11), (10, 3), (4, 9), (8, 5), (6, 7)]),
])
def test_booklet_page_order(booklet, tmp_path, count, expected):
    source = first_pages(booklet, count, tmp_path / "source.pdf")
    imposition = impose_booklet(source, tmp_path / "spreads.pdf")
    assert imposition.sheets == count // 4
    assert [(left.page, right.page) for left, right in imposition.placements] == expected
    assert spread_numbers(tmp_path / "spreads.pdf") == expected


def test_right_to_left_booklet_mirrors_every_spread(booklet, tmp_path):
    source = first_pages(booklet, 8, tmp_path / "source.pdf")
    expected = [(1, 8), (7, 2), (3, 6), (5, 4)]
    impose_booklet(source, tmp_path / "forced.pdf", rtl=True)
    assert spread_numbers(tmp_path / "forced.pdf") == expected
    with pikepdf.open(source, allow_overwriting_input=True) as pdf:
        pdf.Root.ViewerPreferences = pikepdf.Dictionary(Direction=pikepdf.Name.R2L)
        pdf.save(source)
    imposition = impose_booklet(source, tmp_path / "detected.pdf")
    assert [(left.page, right.page) for left, right in imposition.placements] == expected


def test_spread_boxes_clips_and_marks(booklet, tmp_path):
    imposition = impose_booklet(booklet, tmp_path / "spreads.pdf")
    slug = 6 + 1 / PT  # mark offset and length, plus 1 pt, as around a single page
    with pikepdf.open(tmp_path / "spreads.pdf") as pdf:
        assert pdf.check_pdf_syntax() == []
        assert len(pdf.pages) == 6
        for number, page in enumerate(pdf.pages):
            trim = mm([float(v) for v in page.obj.TrimBox])
            bleed = mm([float(v) for v in page.obj.BleedBox])
            media = mm([float(v) for v in page.obj.MediaBox])
            x0, y0, x1, y1 = trim
            assert (x1 - x0, y1 - y0) == pytest.approx((210, 148), abs=0.01)
            assert bleed == pytest.approx((x0 - 3, y0 - 3, x1 + 3, y1 + 3), abs=0.01)
            assert media == pytest.approx((0, 0, x1 + 3 + slug, y1 + 3 + slug), abs=0.01)
            assert (x0, y0) == pytest.approx((3 + slug, 3 + slug), abs=0.01)
            spine = x0 + 105
            left, right = imposition.placements[number]
            # Outer bleed kept, the spine edges cut at the trim, no gap between the pages.
            assert mm(left.clip) == pytest.approx((x0 - 3, y0 - 3, spine, y1 + 3), abs=0.01)
            assert mm(right.clip) == pytest.approx((spine, y0 - 3, x1 + 3, y1 + 3), abs=0.01)
            assert mm(left.trim)[2] == mm(right.trim)[0] == pytest.approx(spine, abs=0.01)
            # Crop marks at the four corners and fold marks at the spine, 1 mm outside the
            # 3 mm bleed, 5 mm long.
            assert_segments(imposition.marks[number], [
                (x0, y1 + 4, x0, y1 + 9), (x0, y0 - 4, x0, y0 - 9),
                (x1, y1 + 4, x1, y1 + 9), (x1, y0 - 4, x1, y0 - 9),
                (x0 - 4, y0, x0 - 9, y0), (x1 + 4, y0, x1 + 9, y0),
                (x0 - 4, y1, x0 - 9, y1), (x1 + 4, y1, x1 + 9, y1)])
            assert_segments(imposition.folds[number], [(spine, y1 + 4, spine, y1 + 9),
                                                       (spine, y0 - 4, spine, y0 - 9)])
            assert "/InsertgenRegistration" in page.Resources.ColorSpace


def test_booklet_page_count_must_be_a_multiple_of_four(booklet, tmp_path):
    source = first_pages(booklet, 10, tmp_path / "ten.pdf")
    with pytest.raises(InsertgenError) as error:
        impose_booklet(source, tmp_path / "x.pdf")
    assert str(error.value) == f"{source}: expected a page count that is a multiple of 4, got 10"


def test_cli_imposes_each_file_and_reports_the_ones_it_cannot(card, booklet, tmp_path):
    from tests.conftest import run_cli

    result = run_cli("impose", "cards", card, booklet, "--sheet", "a4", "--to", tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"wrote {tmp_path / 'card_sheet-a4.pdf'}: 2 card(s) up on A4, backs turned, 2 page(s) of "
        "297 x 210 mm for 1 press sheet(s), 28 mark(s)"]
    assert result.stderr.splitlines() == [
        f"error: {booklet}: expected a card of 1 or 2 pages (front, back), got 12; impose a "
        "manual with impose_booklet", "exit 1: 1 of 2 file(s) could not be imposed"]
    with pikepdf.open(tmp_path / "card_sheet-a4.pdf") as pdf:
        assert len(pdf.pages) == 2
    result = run_cli("impose", "booklet", booklet, "--rtl", "--to", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"wrote {tmp_path / 'booklet-12_spreads.pdf'}: printer spreads, first 1|12, 6 page(s) "
        f"of {round(impose_width_mm(tmp_path / 'booklet-12_spreads.pdf'))} x "
        f"{round(impose_height_mm(tmp_path / 'booklet-12_spreads.pdf'))} mm for 3 press sheet(s), "
        "60 mark(s)")


def impose_width_mm(path):
    with pikepdf.open(path) as pdf:
        box = [float(v) for v in pdf.pages[0].mediabox]
    return (box[2] - box[0]) / PT


def impose_height_mm(path):
    with pikepdf.open(path) as pdf:
        box = [float(v) for v in pdf.pages[0].mediabox]
    return (box[3] - box[1]) / PT
