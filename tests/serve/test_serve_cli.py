"""``insertgen serve`` on the command line: what it refuses and what it warns about."""

from __future__ import annotations

import subprocess
import sys

from generator.cli.serve import is_loopback


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True,
                          text=True, timeout=120)


def test_a_folder_without_a_brand_file_is_refused(tmp_path):
    result = run("serve", str(tmp_path / "none"))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: {tmp_path / 'none'}: expected a catalog folder with brand.yaml, got none "
        f"(create one with `insertgen init {tmp_path / 'none'}`)")


def test_help_names_the_options():
    result = run("serve", "--help")
    assert result.returncode == 0
    for option in ("--port", "--host", "--dpi", "127.0.0.1"):
        assert option in result.stdout


def test_only_loopback_addresses_count_as_local():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert not is_loopback("example.org") and not is_loopback("::")


def test_another_host_than_loopback_is_served_with_a_warning(preview_catalog, monkeypatch):
    import uvicorn
    from click.testing import CliRunner

    from generator.cli import main

    served = {}
    monkeypatch.setattr(uvicorn.Server, "run", lambda server, sockets=None: served.update(
        host=server.config.host, port=server.config.port))
    result = CliRunner().invoke(main, ["serve", str(preview_catalog), "--host", "0.0.0.0",
                                       "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert served["host"] == "0.0.0.0" and served["port"] == 8123
    assert result.stderr.startswith(
        "warning: listening on 0.0.0.0: anyone who can reach this machine sees the catalog")
    local = CliRunner().invoke(main, ["serve", str(preview_catalog)])
    assert "warning" not in local.stderr and served["host"] == "127.0.0.1"
