"""Failures stay local: refused resources, missing glyphs and overflow fail one document only."""

from __future__ import annotations

from conftest import manifest, run_cli


def test_missing_glyph_fails_that_document_only(catalog, tmp_path):
    path = catalog / "locales" / "de" / "TS-FAN.po"
    path.write_text(path.read_text().replace("trockenen Tuch", "trockenen Tuch \U0001F32C"))
    out = tmp_path / "out"
    result = run_cli("build", catalog, "--out", out, "--product", "TS-FAN",
                     "--locale", "de", "--locale", "en")
    assert result.returncode == 1
    docs = manifest(out)
    failed = docs["TS-FAN/TS-FAN_card-a6_de.pdf"]
    assert failed["status"] == "failed"
    assert not (out / "TS-FAN/TS-FAN_card-a6_de.pdf").exists()
    glyph = [f for f in failed["findings"] if f["code"] == "glyph.missing"]
    assert glyph[0]["message"] == (
        "TS-FAN: de: card.tips[0]: expected characters the fonts Noto Sans can draw, got "
        "'\U0001F32C' (U+1F32C WIND BLOWING FACE) which none of them has")
    assert glyph[0]["source"] == "locales/de/TS-FAN.po" and glyph[0]["line"] == 24
    assert docs["TS-FAN/TS-FAN_card-a6_en.pdf"]["status"] == "ok"
    assert docs["TS-FAN/TS-FAN_card-eu-multi_en-de-fr-it-es.pdf"]["status"] == "failed"
    assert "built 1 of 3 documents, 2 failed" in result.stderr


def test_network_and_outside_resources_are_refused(catalog, tmp_path):
    override = catalog / "layouts" / "card-85x55"
    override.mkdir(parents=True)
    (override / "card.html.j2").write_text(
        '{% extends "shared/card.html.j2" %}{% block front %}'
        '<img src="https://example.com/pixel.png"><img src="file:///etc/hostname">'
        '{{ super() }}{% endblock %}')
    out = tmp_path / "out"
    result = run_cli("build", catalog, "--out", out, "--product", "TS-CLK")
    assert result.returncode == 1
    docs = manifest(out)
    bad = docs["TS-CLK/TS-CLK_card-85x55_en.pdf"]
    assert bad["status"] == "failed"
    messages = sorted(f["message"] for f in bad["findings"] if f["code"] == "render.resource-refused")
    assert messages == [
        "refused to read a resource: /etc/hostname is outside the catalog and the built-in layouts",
        "refused to read a resource: https://example.com/pixel.png is a network address",
    ]
    assert docs["TS-CLK/TS-CLK_card-4x6_en.pdf"]["status"] == "ok"


def test_overflowing_text_fails_with_its_measure(catalog, tmp_path):
    path = catalog / "products" / "clock.yaml"
    path.write_text(path.read_text().replace(
        "headline: Thanks for picking the Tick clock!",
        "headline: " + "Thanks for picking the Tick clock, it will serve you well for years. " * 6))
    out = tmp_path / "out"
    result = run_cli("build", catalog, "--out", out, "--product", "TS-CLK")
    assert result.returncode == 1
    small = manifest(out)["TS-CLK/TS-CLK_card-85x55_en.pdf"]
    assert small["status"] == "failed"
    [overflow] = [f for f in small["findings"] if f["code"] == "fit.overflow"]
    assert (overflow["source"], overflow["line"], overflow["field"]) == ("products/clock.yaml", 17,
                                                                        "card.headline")
    assert overflow["message"].startswith("the front side of TS-CLK/TS-CLK_card-85x55_en.pdf "
                                          "overflows its safe zone by ")
    assert 3 < overflow["overflow_mm"] < 8 and overflow["lines"] == 9
    # The A6 card's headline may take three lines, not fifteen.
    a6 = manifest(out)["TS-CLK/TS-CLK_email_en.pdf"]
    [lines] = [f for f in a6["findings"] if f["code"] == "fit.lines"]
    assert lines["message"] == ("expected at most 3 lines for card.headline on "
                                "TS-CLK/TS-CLK_email_en.pdf, got 15: shorten this en text")


def test_same_input_gives_identical_bytes(catalog, tmp_path):
    hashes = []
    for name in ("one", "two"):
        out = tmp_path / name
        result = run_cli("build", catalog, "--out", out, "--product", "TS-FAN", "--locale", "ja",
                         "--jobs", "1")
        assert result.returncode == 0, result.stderr
        hashes.append((out / "TS-FAN/TS-FAN_card-a6_ja.pdf").read_bytes())
    assert hashes[0] == hashes[1]
