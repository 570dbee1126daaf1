"""``serve``: the live preview of a catalog in the browser."""

from __future__ import annotations

import ipaddress
import logging
from pathlib import Path

import click

from generator.cli.common import BRAND_FILE, CATALOG_ARG, examples, fail, quiet
from generator.findings import InsertgenError

LOOPBACK = "127.0.0.1"


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command(epilog=examples(
    "insertgen serve mybrand/                       # then open http://127.0.0.1:8000/",
    "insertgen serve mybrand/ --port 8080 --out .preview/     # kept: the next start is quick",
    "insertgen serve mybrand/ --host 0.0.0.0        # reachable from other machines"))
@CATALOG_ARG
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default=LOOPBACK, show_default=True,
              help="Address to listen on; anything but loopback lets other machines in.")
@click.option("--dpi", type=click.IntRange(min=36, max=300), default=100, show_default=True,
              help="Resolution of the page pictures.")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to render into, kept with its build cache so the next serve starts "
                   "from it (default: a temporary folder, removed on exit).")
def serve(catalog: Path, port: int, host: str, dpi: int, out: Path | None) -> None:
    """Preview CATALOG in the browser: every document's pages with their guides and findings,
    re-rendered as you save a product, translation, layout or picture."""
    if not (catalog / BRAND_FILE).is_file():
        fail(InsertgenError(f"{catalog}: expected a catalog folder with {BRAND_FILE}, got none "
                            f"(create one with `insertgen init {catalog}`)"))
    if not is_loopback(host):
        click.echo(f"warning: listening on {host}: anyone who can reach this machine sees the "
                   "catalog and its files (no password); use --host 127.0.0.1 to keep it local",
                   err=True)
    import uvicorn

    from generator.serve import create_app

    shown = f"[{host}]" if ":" in host else host
    click.echo(f"insertgen serve: {catalog} on http://{shown}:{port}/ (Ctrl+C stops)", err=True)
    logging.basicConfig(level=logging.WARNING if quiet() else logging.INFO,
                        format="insertgen serve: %(message)s")
    app = create_app(catalog, dpi=dpi, scratch=out)

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame) -> None:  # Ctrl+C: let go of open pages first
            app.state.closing()
            super().handle_exit(sig, frame)

    config = uvicorn.Config(app, host=host, port=port, log_level="warning" if quiet() else "info",
                            access_log=False, timeout_graceful_shutdown=2)
    try:
        Server(config).run()
    except OSError as error:
        fail(InsertgenError(f"cannot listen on {host}:{port}: {error.strerror or error}"))
