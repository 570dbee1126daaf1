"""The EU multi-language card speaks every language of the card on its back too: each label in
every language (each wording once), the opening hours in each language's own words, and a QR
code that can lead to a choice of the card's languages (``{locales}`` in the support URL)."""

from __future__ import annotations

import pypdfium2 as pdfium
import zxingcpp

from generator.build import BuildOptions, plan, prepare
from generator.catalog import load_catalog
from generator.render.pdf import Renderer

MULTI = "TS-FAN/TS-FAN_card-eu-multi_en-de-fr-it-es.pdf"


def page_text(path, index) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return pdf[index].get_textpage().get_text_range()
    finally:
        pdf.close()


def test_back_labels_and_hours_in_every_language(built):
    out, _, _ = built
    back = " ".join(page_text(out / MULTI, 1).split())
    for labels in ("Scan for help · Für Hilfe scannen · Scannez pour obtenir de l’aide",
                   "Web ", "E-mail · E-Mail ",
                   "Phone · Telefon · Téléphone · Telefono · Teléfono",
                   "Opening hours · Servicezeiten · Horaires · Orari · Horario",
                   "Help in your language · Hilfe in Ihrer Sprache"):
        assert labels in back
    # One row of hours per language, in that language's words and clock.
    for row in ("EN Mon–Fri 9:00 AM–5:00 PM", "DE Mo.–Fr. 09:00–17:00", "FR lun.–ven. 09:00–17:00",
                "IT lun–ven 09:00–17:00", "ES lun–vie 9:00–17:00"):
        assert row in back
    assert "Model · Modell · Modèle · Modello · Modelo:" in back


def qr_text(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        image = document[1].render(scale=300 / 72).to_pil()
    finally:
        document.close()
    return [r.text for r in zxingcpp.read_barcodes(image)
            if r.format == zxingcpp.BarcodeFormat.QRCode]


def test_qr_leads_to_a_choice_of_the_card_languages(catalog, tmp_path):
    brand = catalog / "brand.yaml"
    brand.write_text(brand.read_text().replace("?lang={locale}", "?lang={locales}"))
    loaded = load_catalog(catalog)
    plans = {p.path: p for p in plan(loaded, BuildOptions(catalog=catalog, out=tmp_path))}
    renderer = Renderer()
    codes = {}
    for path in (MULTI, "TS-FAN/TS-FAN_card-a6_de.pdf"):
        job = prepare(loaded, plans[path], tmp_path)
        assert job is not None, plans[path].findings
        codes[path] = qr_text(renderer.render(job.render).pdf)
    assert codes == {
        MULTI: ["https://support.testa.example/amazon-de/TS-FAN?lang=en,de,fr,it,es"],
        "TS-FAN/TS-FAN_card-a6_de.pdf": ["https://support.testa.example/amazon-de/TS-FAN?lang=de"],
    }
