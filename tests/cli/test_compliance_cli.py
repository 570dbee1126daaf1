"""`insertgen compliance scan` and `insertgen check`, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import FIXTURES, run_cli

SOLICIT = FIXTURES / "solicit"


def scan(*args: str, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "compliance", "scan", *args],
                          input=stdin, capture_output=True, text=True, timeout=120)


def test_scan_jsonl_gives_one_object_per_line_in_order():
    lines = ["Please leave us a 5-star review!", "", "Remove the battery cover.",
             "Happy? Review us on Amazon. Any questions? Email us."]
    result = scan("--lang", "en", "--format", "jsonl", stdin="\n".join(lines) + "\n")
    assert result.returncode == 1, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == lines
    assert [r["clean"] for r in records] == ["", "", "Remove the battery cover.",
                                             "Any questions? Email us."]
    assert records[1]["findings"] == [] and records[2]["findings"] == []
    first = records[0]["findings"]
    assert set(first[0]) == {"rule", "category", "start", "end", "match", "message"}
    assert {f["category"] for f in first} >= {"solicit", "positive_only"}
    for finding in first:
        assert lines[0][finding["start"]:finding["end"]] == finding["match"]


def test_scan_exit_codes_and_text_format(tmp_path):
    clean = scan("--lang", "en", stdin="Change the filter every 90 days.\n")
    assert clean.returncode == 0
    assert clean.stdout == ""
    assert clean.stderr.strip() == ("0 of 1 line(s) ask for reviews; 0 sentence(s) removed; "
                                    "0 suspect(s) kept for a person to look at")
    draft = tmp_path / "draft.txt"
    draft.write_text("Danke für Ihren Kauf!\nBitte bewerten Sie uns mit fünf Sternen.\n",
                     encoding="utf-8")
    found = run_cli("compliance", "scan", "--lang", "de", draft)
    assert found.returncode == 1
    [line] = found.stdout.splitlines()
    assert line.startswith(f"{draft}:2:28: positive_only: removed \"Bitte bewerten Sie uns mit fünf "
                           "Sternen.\"")


def test_scan_profile_neutral_allowed():
    text = "Please leave an honest review on Amazon.\nGive us five stars!\n"
    result = scan("--lang", "en", "--profile", "neutral-allowed", "--format", "jsonl", stdin=text)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0]["findings"] == [] and records[0]["clean"] == records[0]["text"]
    assert records[1]["clean"] == ""
    assert result.returncode == 1


def test_scan_takes_the_codes_as_written():
    for lang, text in (("zh-Hans", "如果满意，请给我们五星好评！"),
                       ("pt-BR", "Deixe 5 estrelas para a gente!")):
        result = scan("--lang", lang, "--format", "jsonl", stdin=text + "\n")
        assert json.loads(result.stdout)["clean"] == "", lang


def test_scan_unknown_language_is_a_usage_error():
    result = scan("--lang", "xx", stdin="hello\n")
    assert result.returncode == 2
    assert 'Invalid value for --lang: expected one of ar, de, en' in result.stderr
    assert 'got "xx"' in result.stderr


def test_check_reports_without_rendering(tmp_path):
    result = run_cli("check", SOLICIT, cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert ('products/kettle.yaml:14:12: card.message: removed "Leave a review and we will send '
            'you a free descaler.": offers something of value for a review or rating (rule '
            'en.review-for-benefit, matched "review and we will send you a free") (in '
            'SO-KTL/SO-KTL_card-a6_en.pdf for amazon-de, SO-KTL/SO-KTL_us_en.pdf for amazon-us) '
            '[warning]') in lines
    assert ("products/lamp.yaml:13:13: card.headline: expected some text left once review "
            "solicitation is removed, got nothing: rewrite this text without it (in "
            "SO-LMP/SO-LMP_card-a6_en.pdf for amazon-de, SO-LMP/SO-LMP_qr_en.pdf for review-qr)"
            ) in lines
    assert any(line.startswith("brand.yaml:27:12: marketplaces.review-qr.support.url: expected a "
                               "URL that is safe to print") for line in lines)
    assert any(line.startswith("layouts/promo-card/card.html.j2:4: template text: expected text "
                               "without review solicitation") for line in lines)
    # A translator's file that no document prints yet is checked as well.
    assert any(line.startswith('locales/fr/SO-KTL.po:16: card.tips[1]: removed "Laissez-nous '
                               'un avis 5 étoiles sur Amazon !"') for line in lines)
    assert "8 document(s) checked" in result.stderr
    assert not list(tmp_path.iterdir()), "check writes nothing"


def test_check_json_and_sarif():
    data = json.loads(run_cli("check", SOLICIT, "--format", "json").stdout)
    removed = [f for f in data["findings"] if f.get("action") == "removed"
               and f["source"] == "locales/de/SO-KTL.yaml"]
    assert {f["field"] for f in removed} >= {"card.message", "card.tips[1]", "card.tips[3]"}
    message = next(f for f in removed if f["field"] == "card.message")
    assert message["locale"] == "de" and message["sku"] == "SO-KTL"
    assert message["category"] == "incentive" and message["rule"].startswith("de.")
    assert message["before"].startswith("Stimmt etwas nicht?")
    assert message["after"] == ("Stimmt etwas nicht? Kontaktieren Sie uns zuerst, wir ersetzen das "
                                "Gerät kostenlos.")
    sarif = json.loads(run_cli("check", SOLICIT, "--format", "sarif").stdout)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert run["tool"]["driver"]["name"] == "insertgen"
    result = next(r for r in run["results"] if r["ruleId"] == "en.review-for-benefit")
    assert result["level"] == "warning"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "tests/fixtures/solicit/products/kettle.yaml",
                                            "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 14, "startColumn": 12}
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {"en.review-for-benefit"}


def test_check_of_a_clean_catalog(sample):
    result = run_cli("check", sample, "--format", "json")
    assert result.returncode == 0, result.stdout
    data = json.loads(result.stdout)
    assert not [f for f in data["findings"] if f["code"].startswith("compliance.")]


def test_scan_reports_a_suspect_and_strict_fails_on_it():
    line = "Tell us about your experience with the kettle."
    result = scan("--lang", "en", stdin=line + "\n")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        f'<stdin>:1:1: suspect: kept "{line}": asks to share an opinion or experience '
        "(publicly?) (rule en.suspect.share-opinion)"]
    assert "1 suspect(s) kept for a person to look at" in result.stderr
    assert scan("--lang", "en", "--strict", stdin=line + "\n").returncode == 1
