"""Extracted text per locale: the wording a buyer reads, in their language and script."""

from __future__ import annotations

import pikepdf
import pypdfium2 as pdfium
import pytest


def page_text(path, index):
    pdf = pdfium.PdfDocument(str(path))
    try:
        return pdf[index].get_textpage().get_text_range()
    finally:
        pdf.close()


@pytest.mark.parametrize("locale, front, back", [
    ("en", ["Thank you for choosing Breeze Desk Fan!", "Contact us first"],
     ["Scan for help", "Clean the grille with a dry cloth.", "Warranty: 2 years"]),
    ("de", ["Breeze Tischventilator", "Kontaktieren Sie uns zuerst"],
     ["Reinigen Sie das Gitter mit einem trockenen Tuch.", "Für Hilfe scannen"]),
    ("ja", ["ブリーズ卓上扇風機", "まずはご連絡ください"],
     ["グリルは乾いた布で掃除してください。", "保証期間：2年"]),
    # pdfium returns Arabic lam-alef ligatures decomposed, so match words without them.
    ("ar", ["مروحة المكتب بريز", "تواصل معنا"],
     ["الشبكة بقطعة قماش"]),
])
def test_text_per_locale(built, locale, front, back):
    out, _, _ = built
    path = out / f"TS-FAN/TS-FAN_card-a6_{locale}.pdf"
    text_front = " ".join(page_text(path, 0).split())
    text_back = " ".join(page_text(path, 1).split())
    for expected in front:
        assert expected in text_front
    for expected in back:
        assert expected in text_back


def test_multi_language_card_has_every_language(built):
    out, _, _ = built
    text = " ".join(page_text(out / "TS-FAN/TS-FAN_card-eu-multi_en-de-fr-it-es.pdf", 0).split())
    for phrase in ("Contact us first", "Kontaktieren Sie uns zuerst", "Contactez-nous d’abord",
                   "Contattaci prima di tutto", "Contáctanos primero"):
        assert phrase in text


@pytest.mark.parametrize("locale, phone", [("de", "030 123456"), ("en", "+49 30 123456"),
                                           ("ja", "+49 30 123456")])
def test_support_channels_as_the_buyer_uses_them(built, locale, phone):
    out, _, _ = built
    path = out / f"TS-FAN/TS-FAN_card-a6_{locale}.pdf"
    back = " ".join(page_text(path, 1).split())
    # The phone as dialled from the market (German readers of amazon-de: national) ...
    assert phone in back and "+4930123456" not in back
    # ... the short support address, the QR code keeps the rest (tests/render/test_qr.py).
    assert "support.testa.example/amazon-de/TS-FAN" in back and "lang=" not in back
    front = " ".join(page_text(path, 0).split())
    assert front.endswith("support.testa.example/amazon-de/TS-FAN") and "?" not in front
    # ... and a print file carries no links (PDF/X: no annotations inside the trim).
    with pikepdf.open(path) as pdf:
        assert not [a for page in pdf.pages for a in page.get("/Annots", [])]
