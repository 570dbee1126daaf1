"""Incremental builds: an unchanged document is not rendered again, a changed input re-renders
exactly the documents that read it, and the cache survives a killed build.

One build of the sample catalog (with its own picture for the clock, its own copy of a layout
and its own copy of a font) is made once; each test copies the catalog and its output, changes
one input, builds again and compares the documents rendered with the ones that read it.
The key holds a digest of the code that renders and checks a document (rule packs included),
so the builds run a snapshot of the code taken once: edits to this checkout while the tests
run do not change the keys under them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, SAMPLE_DOCUMENTS, manifest

ALL = set(SAMPLE_DOCUMENTS)
CLOCK = {p for p in ALL if p.startswith("TS-CLK/")}
PICTURE = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="400" height="400">
  <circle cx="50" cy="50" r="40" fill="device-cmyk(0 0 0 0.8)"/>
</svg>
"""
ARABIC = "NotoSansArabic-Regular.ttf"


def fonts_conf(folder: Path) -> Path:
    """A fontconfig file with the system's fonts and ``folder/fonts`` (a copy of the Arabic
    face the ar documents are set in)."""
    fonts = folder / "fonts"
    fonts.mkdir(exist_ok=True)
    conf = folder / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{fonts}</dir>
  <cachedir>{folder / "fc-cache"}</cachedir>
</fontconfig>
""")
    return conf


def snapshot(target: Path) -> Path:
    """A copy of the code and its data (package, layouts, locales), to run the builds with."""
    for name in ("generator", "layouts", "locales"):
        shutil.copytree(ROOT / name, target / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return target


CODE: Path | None = None


def environment(conf: Path) -> dict[str, str]:
    return dict(os.environ, FONTCONFIG_FILE=str(conf), PYTHONPATH=str(CODE))


def build(catalog: Path, out: Path, *extra: str, conf: Path) -> dict:
    """``insertgen build --format json`` with ``conf`` as the fontconfig file."""
    result = subprocess.run([sys.executable, "-m", "generator", "build", str(catalog), "--out",
                             str(out), "--jobs", "1", "--format", "json", *extra],
                            capture_output=True, text=True, cwd=CODE, env=environment(conf),
                            timeout=600)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    summary["stderr"] = result.stderr
    return summary


def rendered(summary: dict) -> set[str]:
    return {f["path"] for f in summary["files"] if f["rendered"]}


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """The sample catalog with a picture for the clock, its own copy of the card-85x55
    layout and a catalog font folder, built once: (folder, summary)."""
    global CODE
    base = tmp_path_factory.mktemp("cache")
    CODE = snapshot(base / "code")
    catalog = base / "sample"
    shutil.copytree(FIXTURES / "sample", catalog)
    (catalog / "images" / "dial.svg").write_text(PICTURE)
    clock = catalog / "products" / "clock.yaml"
    clock.write_text(clock.read_text().replace(
        "documents:", "images:\n  - {file: images/dial.svg, alt: The clock}\ndocuments:", 1))
    shutil.copytree(ROOT / "layouts" / "card-85x55", catalog / "layouts" / "card-85x55")
    conf = fonts_conf(base)
    arabic = next(Path("/usr/share/fonts").rglob(ARABIC), None)
    if arabic is None:
        pytest.skip(f"{ARABIC} is not installed (fonts-noto-core)")
    shutil.copy(arabic, base / "fonts" / ARABIC)
    summary = build(catalog, base / "out", conf=conf)
    assert rendered(summary) == ALL and summary["reused"] == 0
    return base, summary


@pytest.fixture
def copy(first, tmp_path):
    """A private copy of the first build's catalog, output and fonts: (catalog, out, conf)."""
    base, _ = first
    for name in ("sample", "out", "fonts"):
        shutil.copytree(base / name, tmp_path / name)
    return tmp_path / "sample", tmp_path / "out", fonts_conf(tmp_path)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_nothing_changed_renders_nothing_and_keeps_files_and_manifest(copy):
    catalog, out, conf = copy
    before = (out / "manifest.json").read_bytes()
    stamps = {p: (out / p).stat().st_mtime_ns for p in ALL}
    summary = build(catalog, out, conf=conf)
    assert rendered(summary) == set()
    assert (summary["rendered"], summary["reused"], summary["ok"]) == (0, 8, 8)
    assert "built 8 of 8 documents, 8 unchanged (not rendered again)" in summary["stderr"]
    assert (out / "manifest.json").read_bytes() == before
    assert {p: (out / p).stat().st_mtime_ns for p in ALL} == stamps


def test_manifest_findings_are_carried_over(copy, first):
    catalog, out, conf = copy
    summary = build(catalog, out, conf=conf)
    assert summary["reused"] == 8
    # The fallback warnings of the fr, it and es texts, and every other finding, as before.
    assert [f["findings"] for f in summary["files"]] == [f["findings"] for f in first[1]["files"]]
    assert summary["findings"]["warning"] > 0


def test_a_changed_picture_renders_the_documents_that_print_it(copy):
    catalog, out, conf = copy
    edit(catalog / "images" / "dial.svg", 'r="40"', 'r="30"')
    # The 85 x 55 mm card prints no product picture (show_image: false).
    assert rendered(build(catalog, out, conf=conf)) == CLOCK - {"TS-CLK/TS-CLK_card-85x55_en.pdf"}


def test_a_changed_translation_renders_the_documents_in_that_language(copy):
    catalog, out, conf = copy
    po = catalog / "locales" / "de" / "TS-FAN.po"
    text = po.read_text(encoding="utf-8")
    start = text.index('msgstr "', text.index('msgid "Clean the grille'))
    po.write_text(text[:start] + 'msgstr "Gitter nur trocken abwischen."' +
                  text[text.index("\n", start):], encoding="utf-8")
    summary = build(catalog, out, conf=conf)
    assert rendered(summary) == {"TS-FAN/TS-FAN_card-a6_de.pdf",
                                 "TS-FAN/TS-FAN_card-eu-multi_en-de-fr-it-es.pdf"}
    assert summary["reused"] == 6


def test_a_changed_layout_renders_the_documents_of_that_layout(copy):
    catalog, out, conf = copy
    stylesheet = catalog / "layouts" / "card-85x55" / "card.css.j2"
    stylesheet.write_text(stylesheet.read_text() + "\n.qr { opacity: 1 }\n")
    assert rendered(build(catalog, out, conf=conf)) == {"TS-CLK/TS-CLK_card-85x55_en.pdf"}


def test_changed_brand_colours_render_the_documents_printed_in_them(copy):
    catalog, out, conf = copy
    edit(catalog / "brand.yaml", "cmyk: [100, 50, 0, 0]", "cmyk: [100, 40, 0, 0]")
    # The e-mail card is a screen PDF in the brand's RGB colour, which did not change.
    assert rendered(build(catalog, out, conf=conf)) == ALL - {"TS-CLK/TS-CLK_email_en.pdf"}
    edit(catalog / "brand.yaml", 'rgb: "#0060b0"', 'rgb: "#0050a0"')
    assert rendered(build(catalog, out, conf=conf)) == {"TS-CLK/TS-CLK_email_en.pdf"}


def test_a_changed_font_file_renders_the_documents_set_in_it(copy):
    catalog, out, conf = copy
    with open(out.parent / "fonts" / ARABIC, "ab") as font:
        font.write(b"\0" * 16)  # trailing bytes: a different file, the same face
    assert rendered(build(catalog, out, conf=conf)) == {"TS-FAN/TS-FAN_card-a6_ar.pdf"}


def test_a_changed_profile_renders_the_documents_printed_with_it(copy):
    catalog, out, conf = copy
    edit(catalog / "products" / "clock.yaml", "profile: screen", "profile: print-x4")
    summary = build(catalog, out, conf=conf)
    assert rendered(summary) == {"TS-CLK/TS-CLK_email_en.pdf"}
    assert manifest(out)["TS-CLK/TS-CLK_email_en.pdf"]["pdf_variant"] == "pdf/x-4"


def test_force_renders_everything(copy):
    catalog, out, conf = copy
    summary = build(catalog, out, "--force", conf=conf)
    assert rendered(summary) == ALL and summary["reused"] == 0


def test_a_file_edited_or_removed_after_the_build_is_rendered_again(copy):
    catalog, out, conf = copy
    edited, removed = "TS-FAN/TS-FAN_card-a6_en.pdf", "TS-FAN/TS-FAN_card-a6_ja.pdf"
    with open(out / edited, "ab") as pdf:
        pdf.write(b"%% appended\n")
    (out / removed).unlink()
    assert rendered(build(catalog, out, conf=conf)) == {edited, removed}
    entries = manifest(out)
    for path in (edited, removed):
        assert entries[path]["sha256"] == hashlib.sha256((out / path).read_bytes()).hexdigest()


def test_a_damaged_cache_is_ignored(copy):
    catalog, out, conf = copy
    (out / ".insertgen-cache.json").write_text('{"format": 1, "documents": {"TS-F')
    summary = build(catalog, out, conf=conf)
    assert rendered(summary) == ALL
    assert rendered(build(catalog, out, conf=conf)) == set()


def test_a_killed_build_leaves_a_cache_that_claims_only_finished_documents(copy):
    catalog, _, conf = copy
    out = catalog.parent / "killed"
    process = subprocess.Popen([sys.executable, "-m", "generator", "-q", "build", str(catalog),
                                "--out", str(out), "--jobs", "1"], cwd=CODE,
                               env=environment(conf),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cache = out / ".insertgen-cache.json"
    deadline = time.monotonic() + 300
    while not cache.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    claimed = json.loads(cache.read_text())["documents"]
    assert claimed and set(claimed) < ALL
    for path, entry in claimed.items():
        assert entry["sha256"] == hashlib.sha256((out / path).read_bytes()).hexdigest()
    summary = build(catalog, out, conf=conf)
    assert {f["path"] for f in summary["files"] if f["reused"]} == set(claimed)
    assert rendered(summary) == ALL - set(claimed)


# --- the stages before rendering are kept too ----------------------------------------------


def test_unchanged_inputs_skip_loading_and_preparing(catalog, tmp_path, monkeypatch):
    """In one process (so the code cannot change under the test): a rebuild with nothing
    changed neither loads the catalog nor prepares a document; a changed translation file
    loads the catalog again and prepares only its product's documents."""
    from generator import build as orchestrator
    from generator import incremental

    out = tmp_path / "out"
    options = orchestrator.BuildOptions(catalog=catalog, out=out, jobs=1, quiet=True)
    first = orchestrator.run_build(options)
    assert first.rendered == ALL and first.exit_code == 0
    loads, prepared = [], []
    load, prepare = incremental.load_catalog, orchestrator.prepare
    monkeypatch.setattr(incremental, "load_catalog",
                        lambda *a, **k: loads.append(1) or load(*a, **k))
    monkeypatch.setattr(orchestrator, "prepare",
                        lambda c, planned, o: prepared.append(planned.path) or prepare(c, planned, o))
    again = orchestrator.run_build(options)
    assert (loads, prepared, again.rendered, again.reused) == ([], [], set(), ALL)
    assert [d.to_dict() for d in again.documents] == [d.to_dict() for d in first.documents]
    po = catalog / "locales" / "de" / "TS-FAN.po"
    po.write_text(po.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # same entries
    third = orchestrator.run_build(options)
    assert loads == [1]
    assert set(prepared) == {p for p in ALL if p.startswith("TS-FAN/")}
    assert third.rendered == set()  # the same HTML: the files are kept


def test_a_failed_document_with_unchanged_inputs_is_not_rendered_again(catalog, tmp_path):
    from conftest import rgb_artwork

    from generator import build as orchestrator

    rgb_artwork(catalog)  # the clock's picture has text too small to print
    out = tmp_path / "out"
    options = orchestrator.BuildOptions(catalog=catalog, out=out, products=("TS-CLK",), jobs=1,
                                        quiet=True)
    first = orchestrator.run_build(options)
    failed = "TS-CLK/TS-CLK_card-4x6_en.pdf"
    assert failed in {d.path for d in first.documents if d.status == "failed"}
    before = (out / "manifest.json").read_bytes()
    again = orchestrator.run_build(options)
    assert (again.rendered, again.reused, again.exit_code) == (set(), CLOCK, 1)
    assert (out / "manifest.json").read_bytes() == before
    assert (out / "_failed" / failed).is_file() and not (out / failed).exists()
    (out / "_failed" / failed).unlink()  # the marked copy gone: rendered again, and kept
    third = orchestrator.run_build(options)
    assert third.rendered == {failed} and (out / "_failed" / failed).is_file()


class _Planted:
    """A pickle that would write a file when read: what someone could drop into OUT/."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (Path(self.marker), "ran"))


def test_the_memo_unpickles_only_what_this_user_wrote(tmp_path, monkeypatch):
    import pickle

    from generator import cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    cache._memo_secret.cache_clear()
    memo = cache.Memo(tmp_path / "out")
    memo.put("document", "A/a.pdf", "k1", {"html": "<p>ok</p>"})
    assert memo.get("document", "A/a.pdf", "k1") == {"html": "<p>ok</p>"}
    assert memo.get("document", "A/a.pdf", "k2") is None  # another key: a miss
    secret = tmp_path / "home-cache" / "insertgen" / "memo.key"
    assert secret.stat().st_mode & 0o777 == 0o600
    # A file planted with the right header but no valid HMAC is never unpickled.
    marker = tmp_path / "ran.txt"
    planted = memo._file("document", "B/b.pdf")
    head = cache.Memo.MAGIC + b"k1\n"
    planted.write_bytes(head + b"0" * 64 + b"\n" + pickle.dumps(_Planted(str(marker))))
    assert memo.get("document", "B/b.pdf", "k1") is None
    assert not marker.exists()
    # What another user's secret signed is a miss too.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-user"))
    cache._memo_secret.cache_clear()
    assert memo.get("document", "A/a.pdf", "k1") is None
    cache._memo_secret.cache_clear()
