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
from conftest import FIXTURES, ROOT, manifest, run_cli

PROMO = FIXTURES / "solicit" / "layouts" / "promo-card"


def _clock_only(catalog, layout: str) -> None:
    """The clock product prints one document, with ``layout``."""
    clock = catalog / "products" / "clock.yaml"
    text = clock.read_text(encoding="utf-8")
    head, rest = text.split("documents:\n", 1)
    rest = rest[rest.index("card:"):]
    clock.write_text(f"{head}documents:\n  - layout: {layout}\n    locales: [en]\n"
                     f"    marketplace: amazon-de\n{rest}", encoding="utf-8")




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


def test_a_catalog_file_that_links_out_of_the_catalog_is_refused(catalog):
    (catalog / "products" / "evil.yaml").symlink_to("/etc/passwd")
    result = run_cli("validate", catalog)
    assert result.returncode == 2
    assert ("products/evil.yaml: expected a file inside the catalog, got a link to /etc/passwd"
            in result.stdout + result.stderr)
    assert "root:" not in result.stdout + result.stderr


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
    clock = catalog / "products" / "clock.yaml"  # a screen file: print files keep no links
    clock.write_text(clock.read_text(encoding="utf-8").replace(
        "    marketplace: amazon-de\n", "    marketplace: amazon-de\n    profile: screen\n", 1),
        encoding="utf-8")
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


# --- bad input: an error with its place, never a traceback, a hang or a blow-up ------------

def _append(path, text):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _bomb(catalog):
    lines = ['x0: &x0 ["a","a","a","a","a","a","a","a","a","a"]']
    lines += [f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 10) + "]" for i in range(1, 8)]
    _append(catalog / "products" / "clock.yaml", "\n".join(lines) + "\n")


def _fifo(catalog):
    os.mkfifo(catalog / "products" / "zz-pipe.yaml")


def _wording(catalog):
    po = catalog / "locales" / "de" / "LC_MESSAGES" / "insertgen.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(b'msgid ""\nmsgstr ""\n"Language: de\\n"\n\nmsgid "Support"\nmsgstr "Hilfe \xff"\n')


def _duplicate(catalog):
    _append(catalog / "locales" / "de" / "TS-FAN.po",
            '\nmsgctxt "TS-FAN|name"\nmsgid "Breeze Desk Fan"\nmsgstr "Zweiter Name"\n')


BAD_INPUT = {
    "nul byte": (lambda c: _replace(c / "products" / "clock.yaml", "Tick Wall Clock",
                                    "Tick\x00Clock"),
                 "products/clock.yaml:2:", "expected printable text, got the character #x0000"),
    "deep nesting": (lambda c: _append(c / "products" / "clock.yaml",
                                       "deep: " + "[" * 1000 + "]" * 1000 + "\n"),
                     "products/clock.yaml:", "expected at most 40 levels of nesting"),
    "alias bomb": (_bomb, "products/clock.yaml:", "(aliases included), got more"),
    "huge integer": (lambda c: _append(c / "products" / "clock.yaml",
                                       "warranty_years: " + "9" * 5000 + "\n"),
                     "products/clock.yaml:", "expected a number of at most 30 digits, got 5000"),
    "lone surrogate": (lambda c: _replace(c / "products" / "clock.yaml", "name: Tick Wall Clock",
                                          'name: "Tick \\ud800 Clock"'),
                       "products/clock.yaml:2:7", "lone surrogate"),
    "a pipe as a product": (_fifo, "products/zz-pipe.yaml",
                            "cannot read the file: expected a regular file, got a named pipe"),
    "long SKU": (lambda c: _replace(c / "products" / "clock.yaml", "sku: TS-CLK",
                                    "sku: " + "S" * 300),
                 "products/clock.yaml:1:", "sku"),
    "format width in the support URL": (
        lambda c: _replace(c / "brand.yaml", "{marketplace}/{sku}", "{marketplace}/{sku:>99999999}"),
        "brand.yaml:", "expected placeholders without a format or conversion"),
    "missing manual picture": (
        lambda c: _replace(c / "products" / "clock.yaml", "card:",
                           "manual:\n  setup:\n    - text: Hang it up.\n"
                           "      image: images/nope.svg\ncard:"),
        "products/clock.yaml:", 'manual.setup[0].image: expected a picture file that exists, '
                                'got "images/nope.svg"'),
    "an output intent that is no ICC profile": (
        lambda c: (_append(c / "brand.yaml", "output_intent: images/fake.icc\n"),
                   (c / "images" / "fake.icc").write_bytes(b"not a profile" * 10)),
        "brand.yaml:", "expected an ICC profile (a file with the 'acsp' signature)"),
    "an RGB output intent": (
        lambda c: (_append(c / "brand.yaml", "output_intent: images/rgb.icc\n"),
                   shutil.copy("/usr/share/color/icc/ghostscript/srgb.icc",
                               c / "images" / "rgb.icc")),
        "brand.yaml:", "expected a CMYK ICC profile for the print output intent, got a RGB"),
    "a non-UTF-8 wording file": (_wording, "locales/de/LC_MESSAGES/insertgen.po:1:1",
                                 "expected UTF-8 text, got an undecodable byte"),
    "a duplicate msgctxt": (_duplicate, "locales/de/TS-FAN.po:",
                            'expected each msgctxt once, got "TS-FAN|name" again (first at line'),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_bad_input_gets_its_place_and_exit_2(catalog, case):
    mutate, place, message = BAD_INPUT[case]
    mutate(catalog)
    result = subprocess.run([sys.executable, "-m", "generator", "validate", str(catalog)],
                            capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode in (1, 2), output
    [line] = [line for line in output.splitlines() if message in line] or [output]
    assert line.startswith(place), line


def test_check_without_a_brand_file_says_why(tmp_path):
    result = run_cli("check", tmp_path)
    assert result.returncode == 2
    assert "got no brand.yaml (create one with `insertgen init" in result.stdout + result.stderr


# --- faults: nothing lost, nothing stale ----------------------------------------------------



def test_a_killed_build_leaves_a_true_manifest_and_the_next_cleans_up(catalog, tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", str(catalog),
                                "--out", str(out), "--jobs", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import time
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if any(d["status"] == "ok" for d in manifest(out).values()):
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    process.kill()
    process.wait()
    entries = manifest(out)
    assert any(d["status"] == "ok" for d in entries.values())
    for path, entry in entries.items():
        if entry["status"] == "ok":
            data = (out / path).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], path
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*.pdf")}
    assert on_disk <= {p for p, e in entries.items() if e["status"] == "ok"}
    leftover = out / "TS-CLK" / ".TS-CLK_card-a6_en.pdf.4242.tmp"
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"half a pdf")
    assert run_cli("build", catalog, "--out", out).returncode == 0
    assert not leftover.exists()
    assert all(e["status"] == "ok" for e in manifest(out).values())


def test_failed_and_invalid_products_do_not_leave_files_looking_current(catalog, tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", catalog, "--out", out).returncode == 0
    before = manifest(out)
    # The fan's multi-language card now fails (its template cannot be read) ...
    layout = catalog / "layouts" / "card-eu-multi"
    shutil.copytree(ROOT / "layouts" / "card-eu-multi", layout)
    (layout / "layout.yaml").write_text((layout / "layout.yaml").read_text().replace(
        "template: ", "template: missing-"))
    # ... and the clock no longer validates.
    _replace(catalog / "products" / "clock.yaml", "model: WC-2", "model: WC-2\ncolour: red")
    result = run_cli("build", catalog, "--out", out)
    assert result.returncode == 2
    after = manifest(out)
    eu = "TS-FAN/TS-FAN_card-eu-multi_en-de-fr-it-es.pdf"
    assert after[eu]["status"] == "failed" and not (out / eu).exists()
    assert (out / "_stale" / eu).is_file()
    for path in (p for p in before if p.startswith("TS-CLK/")):
        assert after[path]["status"] == "failed", path
        assert not (out / path).exists() and (out / "_stale" / path).is_file()
    assert "expected product TS-CLK to validate, got errors" in result.stderr
    assert after["TS-FAN/TS-FAN_card-a6_en.pdf"]["status"] == "ok"


def test_an_output_path_that_cannot_be_written_is_a_clear_error(catalog, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "TS-CLK").write_text("a file where a folder must go")
    (out / "manifest.json").mkdir()
    result = run_cli("build", catalog, "--out", out)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"cannot write {out}/TS-CLK/TS-CLK_card-85x55_en.pdf" in result.stderr
    assert f"error: cannot write the manifest {out}/manifest.json" in result.stderr
    assert (out / "TS-FAN" / "TS-FAN_card-a6_en.pdf").is_file()  # the rest is built


def test_fallback_text_keeps_its_own_direction_and_stays_inside_the_card(catalog, tmp_path):
    """Arabic card, English tips (no Arabic translation of them): the tips are laid out left
    to right with their bullets inside the safe zone, so preflight passes."""
    (catalog / "locales" / "ar" / "TS-FAN.yaml").write_text("name: مروحة المكتب بريز\n",
                                                           encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", catalog, "--out", out, "--product", "TS-FAN", "--locale", "ar")
    assert result.returncode == 0, result.stderr
    assert "card.tips[0]" in result.stderr  # the fallback is reported
    [entry] = [d for d in manifest(out).values() if d["locales"] == ["ar"]]
    assert entry["status"] == "ok"
    assert not [f for f in entry["findings"] if f["code"].startswith("preflight")]
