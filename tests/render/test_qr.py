"""The QR code on the back is vector and decodes, with a real decoder, to the support URL."""

from __future__ import annotations

import pikepdf
import pypdfium2 as pdfium
import pytest
import zxingcpp

from generator.render.qr import QUIET_ZONE, qr_matrix, qr_svg


@pytest.mark.parametrize("path, url", [
    ("TS-FAN/TS-FAN_card-a6_ja.pdf", "https://support.testa.example/amazon-de/TS-FAN?lang=ja"),
    ("TS-CLK/TS-CLK_card-85x55_en.pdf", "https://support.testa.example/amazon-de/TS-CLK?lang=en"),
])
def test_qr_decodes_to_support_url(built, path, url):
    out, _, _ = built
    pdf = pdfium.PdfDocument(str(out / path))
    try:
        image = pdf[1].render(scale=300 / 72).to_pil()
    finally:
        pdf.close()
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode] == [url]


def test_qr_is_vector_not_raster(built):
    out, _, _ = built
    with pikepdf.open(out / "TS-FAN/TS-FAN_card-a6_en.pdf") as pdf:
        back = pdf.pages[1]
        assert len(back.get_images()) == 0
        # ... and it is drawn as filled paths ('f' operators), in CMYK.
        operators = [str(op.operator) for op in pikepdf.parse_content_stream(back)]
        assert operators.count("f") >= 1


def test_qr_svg_is_one_path_with_quiet_zone():
    svg = str(qr_svg("https://example.com/a", "device-cmyk(0 0 0 1)"))
    size = len(qr_matrix("https://example.com/a")) + 2 * QUIET_ZONE
    assert svg.count("<path") == 1
    assert f'viewBox="0 0 {size} {size}"' in svg
    assert 'fill="device-cmyk(0 0 0 1)"' in svg
