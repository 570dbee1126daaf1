"""Hostile input and reproducible output: nothing outside the catalog reaches a PDF, only safe
link schemes survive, layout names are names, and the same input gives the same bytes whatever
the worker count, the filters, the working directory or the environment."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pikepdf
import pytest
from conftest import FIXTURES, ROOT, run_cli

PROMO = FIXTURES / "solicit" / "layouts" / "promo-card"


def _clock_only(catalog, layout: str) -> None:
    """The clock product prints one document, with ``layout``."""
    clock = catalog / "products" / "clock.yaml"
    text = clock.read_text(encoding="utf-8")
    head, rest = text.split("documents:\n", 1)
    rest = rest[rest.index("card:"):]
    clock.write_text(f"{head}documents:\n  - layout: {layout}\n    locales: [en]\n"
                     f"    marketplace: amazon-de\n{rest}", encoding="utf-8")


@pytest.fixture
def catalog(tmp_path):
    target = tmp_path / "sample"
    shutil.copytree(FIXTURES / "sample", target)
    return target


def _layout(catalog, name: str, body: str):
    layout = catalog / "layouts" / name
    shutil.copytree(PROMO, layout)
    template = layout / "card.html.j2"
    template.write_text(template.read_text(encoding="utf-8").replace(
        '<p class="promo">Loved it? Rate us ★★★★★ on Amazon!</p>', body), encoding="utf-8")
    _clock_only(catalog, name)
    return layout


def test_a_symlink_out_of_the_catalog_is_refused_and_fails_only_its_document(catalog, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:do-not-print", encoding="utf-8")
    layout = _layout(catalog, "leaky-card", '<p>{% include "leaky-card/x.j2" %}</p>')
    (layout / "x.j2").symlink_to(secret)
    out = tmp_path / "out"
    result = run_cli("build", catalog, "--out", out)
    assert result.returncode == 1
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    status = {d["path"]: d["status"] for d in manifest["documents"]}
    assert status.pop("TS-CLK/TS-CLK_leaky-card_en.pdf") == "failed"
    assert set(status.values()) == {"ok"}  # the other product still builds
    assert f"refused to read template 'leaky-card/x.j2': it leads to {secret}" in result.stderr
    assert not (out / "TS-CLK" / "TS-CLK_leaky-card_en.pdf").exists()
    for pdf in out.rglob("*.pdf"):
        assert b"do-not-print" not in pdf.read_bytes()


def test_a_layout_name_is_a_name_not_a_path(catalog):
    _clock_only(catalog, "../../etc")
    result = run_cli("validate", catalog)
    assert result.returncode == 2
    assert "products/clock.yaml:" in result.stdout + result.stderr
    assert "documents[0].layout" in result.stdout + result.stderr


def test_only_https_mailto_and_tel_links_reach_the_pdf(catalog, tmp_path):
    links = ["javascript:alert(1)", "file:///etc/passwd", "https://support.testa.example/faq",
             "mailto:help@testa.example", "tel:+4930123456"]
    _layout(catalog, "linked-card", "<p>" + " ".join(
        f'<a style="color: inherit; text-decoration: none" href="{link}">{n}</a>'
        for n, link in enumerate(links)) + "</p>")
    out = tmp_path / "out"
    result = run_cli("build", catalog, "--out", out, "--product", "TS-CLK")
    assert result.returncode == 0, result.stderr
    targets = []
    with pikepdf.open(out / "TS-CLK" / "TS-CLK_linked-card_en.pdf") as pdf:
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                if "/A" in annotation and "/URI" in annotation.A:
                    targets.append(str(annotation.A.URI))
    assert "javascript:alert(1)" not in targets and "file:///etc/passwd" not in targets
    assert {"https://support.testa.example/faq", "mailto:help@testa.example",
            "tel:+4930123456"} <= set(targets)
    assert ("expected links to https:, mailto: or tel: addresses, got a link to "
            "'javascript:alert(1)': it was dropped from the PDF (the text stays)") in result.stderr


def _hashes(out) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*.pdf"))}


def test_builds_are_byte_identical_whatever_the_jobs_filters_and_environment(catalog, tmp_path):
    one, two, filtered = tmp_path / "one", tmp_path / "two", tmp_path / "filtered"
    assert run_cli("build", catalog, "--out", one, "--jobs", "1").returncode == 0
    # Another working directory, time zone, language, hash seed and catalog path.
    moved = tmp_path / "elsewhere" / "catalog"
    shutil.copytree(catalog, moved)
    env = {**os.environ, "TZ": "Pacific/Kiritimati", "LANG": "ja_JP.UTF-8",
           "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "generator", "build", str(moved), "--out",
                             str(two), "--jobs", "2"], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    assert _hashes(one) == _hashes(two)
    assert run_cli("build", catalog, "--out", filtered, "--product", "TS-FAN",
                   "--locale", "de").returncode == 0
    part = _hashes(filtered)
    assert part and all(_hashes(one)[path] == digest for path, digest in part.items())
