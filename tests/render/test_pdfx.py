"""PDF/X as built: a print-x1a manual without transparency groups or links and with the Info keys,
transparency under X-1a refused with the document, page and what, and the output intent chosen
per market (the brand's own profile first)."""

from __future__ import annotations

import re
import shutil

import pikepdf
import pytest

from generator.catalog import load_catalog
from generator.catalog.layouts import BUILTIN_LAYOUTS, PROFILES
from generator.render.resources import ICC_DIR, market_country, output_intent
from tests.conftest import FIXTURES, manifest, run_cli

MANUAL = FIXTURES / "manual"


def _objects(pdf: pikepdf.Pdf):
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            yield obj.stream_dict
        elif isinstance(obj, pikepdf.Dictionary):
            yield obj


@pytest.fixture(scope="module")
def x1a(tmp_path_factory):
    """The manual catalog built with print-x1a: its English manual, a copy of its layout with
    headings at 50 % opacity, and a manual for a US marketplace."""
    catalog = tmp_path_factory.mktemp("x1a") / "manual"
    shutil.copytree(MANUAL, catalog)
    brand = catalog / "brand.yaml"
    brand.write_text(brand.read_text(encoding="utf-8") + "profile: print-x1a\n", encoding="utf-8")
    faded = catalog / "layouts" / "manual-faded"
    shutil.copytree(BUILTIN_LAYOUTS / "manual-a6", faded)
    css = faded / "manual.css.j2"
    css.write_text(css.read_text(encoding="utf-8") + "\nh2 { opacity: .5 }\n", encoding="utf-8")
    brand.write_text(brand.read_text(encoding="utf-8").replace("marketplaces:\n", (
        "marketplaces:\n  amazon-us:\n    name: Amazon.com\n    support: {url: "
        "\"https://support.testa.example/{marketplace}/{sku}\", timezone: America/New_York}\n"),
        1), encoding="utf-8")
    heater = catalog / "products" / "heater.yaml"
    heater.write_text(heater.read_text(encoding="utf-8").replace("documents:\n", (
        "documents:\n  - id: faded\n    layout: manual-faded\n    locales: [en]\n"
        "    marketplace: amazon-de\n  - id: us\n    layout: manual-half-letter\n"
        "    locales: [en]\n    marketplace: amazon-us\n"), 1), encoding="utf-8")
    out = tmp_path_factory.mktemp("x1a-out")
    result = run_cli("build", catalog, "--out", out, "--locale", "en", "--jobs", "2")
    return out, manifest(out), result


def test_an_x1a_manual_has_no_transparency_groups_or_links_and_the_info_keys(x1a):
    out, entries, _ = x1a
    entry = entries["TS-HTR/TS-HTR_manual_en.pdf"]
    assert entry["status"] == "ok", entry["findings"]
    assert not [f for f in entry["findings"] if f["code"].startswith("preflight.")]
    with pikepdf.open(out / "TS-HTR/TS-HTR_manual_en.pdf") as pdf:
        assert pdf.pdf_version == "1.4"
        assert not [d for d in _objects(pdf) if "/Group" in d or "/SMask" in d]
        assert not [page for page in pdf.pages if "/Annots" in page.obj]
        # Only device CMYK and the registration colour: no ICC or Lab space declared unused.
        spaces = {str(space[0]) for d in _objects(pdf)
                  if isinstance(d.get("/ColorSpace"), pikepdf.Dictionary)
                  for space in d.ColorSpace.values()}
        assert spaces == {"/Separation"}
        info = pdf.docinfo
        assert str(info.GTS_PDFXVersion) == "PDF/X-1a:2003"
        assert str(info.GTS_PDFXConformance) == "PDF/X-1a:2003"
        assert info.Trapped == pikepdf.Name("/False")
        assert {"/Title", "/CreationDate", "/ModDate"} <= set(info.keys())
        [intent] = pdf.Root.OutputIntents
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"  # amazon-de
        assert str(intent.RegistryName) == "http://www.color.org"
        assert str(intent.Info) == "FOGRA39 coated (insertgen)"
        assert intent.DestOutputProfile.read_bytes() == (ICC_DIR / "FOGRA39-coated.icc").read_bytes()
    checked = run_cli("preflight", "--profile", "print-x1a", out / "TS-HTR/TS-HTR_manual_en.pdf")
    assert checked.returncode == 0, checked.stdout
    assert "0 errors, 0 warnings" in checked.stderr


def test_a_manual_for_the_us_market_prints_to_gracol(x1a):
    out, entries, _ = x1a
    assert entries["TS-HTR/TS-HTR_us_en.pdf"]["status"] == "ok"
    with pikepdf.open(out / "TS-HTR/TS-HTR_us_en.pdf") as pdf:
        [intent] = pdf.Root.OutputIntents
        assert str(intent.OutputConditionIdentifier) == "CGATS TR 006"
        assert str(intent.OutputCondition).startswith("Commercial offset lithography to GRACoL 2006")
        assert intent.DestOutputProfile.read_bytes() == \
            (ICC_DIR / "GRACoL2006-coated.icc").read_bytes()


def test_transparency_under_x1a_is_refused_naming_the_document_page_and_what(x1a):
    out, entries, result = x1a
    entry = entries["TS-HTR/TS-HTR_faded_en.pdf"]
    assert entry["status"] == "failed"
    # One finding for the pages that share what is transparent.
    messages = [f["message"] for f in entry["findings"] if f["code"] == "render.transparency"]
    assert len(messages) == 1, messages
    assert re.fullmatch(r"expected no transparency in a PDF/X-1a file, got an opacity of 0\.5 on "
                        r"pages \d+(, \d+)+: remove it from the layout \(opacity, rgba\(\) colours, "
                        r"blend modes, masks, pictures with an alpha channel\) or print with "
                        r"print-x4, which allows transparency", messages[0]), messages[0]
    assert f"TS-HTR/TS-HTR_faded_en.pdf: {messages[0]}" in result.stderr
    assert not (out / "TS-HTR/TS-HTR_faded_en.pdf").exists()
    assert result.returncode == 1


def test_an_x4_card_names_its_version_in_info_and_has_no_links(built):
    out, _, _ = built
    with pikepdf.open(out / "TS-FAN/TS-FAN_card-a6_en.pdf") as pdf:
        assert str(pdf.docinfo.GTS_PDFXVersion) == "PDF/X-4"
        assert pdf.open_metadata().get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"
        assert not [page for page in pdf.pages if "/Annots" in page.obj]
        assert str(pdf.Root.OutputIntents[0].OutputConditionIdentifier) == "FOGRA39"
    # The screen edition keeps its links (the phone dialled in E.164) and is no PDF/X.
    with pikepdf.open(out / "TS-CLK/TS-CLK_email_en.pdf") as pdf:
        assert "/GTS_PDFXVersion" not in pdf.docinfo and "/OutputIntents" not in pdf.Root
        links = [str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", []) if "/A" in a]
        assert links == ["tel:+4930123456"]


MARKETS = """  amazon-us:
    name: Amazon.com
    support: {url: "https://support.testa.example/{marketplace}/{sku}", timezone: America/New_York}
  amazon-uk:
    name: Amazon.co.uk
    support: {url: "https://support.testa.example/{marketplace}/{sku}"}
  amazon-jp:
    name: Amazon.co.jp
    support: {url: "https://support.testa.example/{marketplace}/{sku}", timezone: Asia/Tokyo}
  shop:
    name: Our own shop
    support: {url: "https://support.testa.example/{marketplace}/{sku}", timezone: America/Toronto}
"""


def _with_markets(catalog):
    brand = catalog / "brand.yaml"
    brand.write_text(brand.read_text(encoding="utf-8").replace(
        "marketplaces:\n", "marketplaces:\n" + MARKETS, 1), encoding="utf-8")
    return load_catalog(catalog)


def test_the_output_intent_follows_the_market(catalog):
    loaded = _with_markets(catalog)
    x4 = PROFILES["print-x4"]
    chosen = {key: output_intent(loaded, x4, key) for key in loaded.brand.marketplaces}
    assert {key: (i.identifier, i.registry) for key, i in chosen.items()} == {
        "amazon-de": ("FOGRA39", "http://www.color.org"),
        "amazon-us": ("CGATS TR 006", "http://www.color.org"),
        "amazon-uk": ("FOGRA39", "http://www.color.org"),
        "amazon-jp": ("FOGRA39", "http://www.color.org"),  # no free Japan Color data
        "shop": ("CGATS TR 006", "http://www.color.org"),  # Canada, from the time zone
    }
    assert chosen["amazon-us"].icc == str(ICC_DIR / "GRACoL2006-coated.icc")
    assert chosen["amazon-us"].info == "GRACoL 2006 coated, CGATS TR 006 (insertgen)"
    assert [market_country(k, loaded.brand.marketplaces[k]) for k in ("amazon-uk", "shop")] == \
        ["GB", "CA"]
    assert output_intent(loaded, PROFILES["screen"], "amazon-us") is None


def test_the_brands_own_profile_always_wins(catalog):
    shutil.copy(ICC_DIR / "GRACoL2006-coated.icc", catalog / "images" / "printer.icc")
    brand = catalog / "brand.yaml"
    brand.write_text(brand.read_text(encoding="utf-8") + "output_intent: images/printer.icc\n",
                     encoding="utf-8")
    loaded = _with_markets(catalog)
    for key in ("amazon-de", "amazon-us", "amazon-jp"):
        intent = output_intent(loaded, PROFILES["print-x1a"], key)
        assert intent.icc == str((catalog / "images" / "printer.icc").resolve())
        assert (intent.identifier, intent.registry) == ("Custom", None)
        assert intent.condition == intent.info == "GRACoL 2006 coated, CGATS TR 006 (insertgen)"


def test_groups_go_where_they_change_nothing_and_stay_where_opacity_needs_them():
    """Centred SVG text is drawn in a transparency group of opaque content: it goes. An element at 50 %
    opacity is one group painted at half opacity, so its overlapping parts do not show through
    each other: that group stays (in PDF/X-4, which allows transparency)."""
    import io

    from weasyprint import HTML

    from generator.render import pdfx

    svg = ("<svg xmlns='http://www.w3.org/2000/svg' width='40' height='20'>"
           "<text x='20' y='15' font-size='12' text-anchor='middle'>12</text></svg>")
    html = ('<style>@page { size: 80mm 40mm; margin: 5mm }</style>'
            f'<img src="data:image/svg+xml;utf8,{svg}">'
            '<p style="opacity: .5; background: device-cmyk(0 1 0 0)">Faded <b style="background: '
            'device-cmyk(1 0 0 0)">over</b></p>')

    def groups(finisher=None) -> dict[str, bool]:
        data = HTML(string=html).write_pdf(finisher=finisher)
        with pikepdf.open(io.BytesIO(data)) as pdf:
            content = pdf.pages[0].Contents.read_bytes()
            return {name: "/Group" in form for name, form in pdf.pages[0].Resources.XObject.items()
                    if f"{name} Do".encode() in content or form.get("/Subtype") == "/Form"}

    before = groups()
    assert len(before) == 2 and all(before.values())
    found: dict = {}
    after = groups(lambda document, pdf: found.update(pdfx.remove_opaque_groups(pdf)))
    assert sorted(after.values()) == [False, True]
    assert found == {1: ["an opacity of 0.5"]}
