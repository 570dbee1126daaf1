"""The distributed build: the sample catalogs rendered by the workers of a Dask LocalCluster
(two worker processes, one thread each) give the files of a local build, byte for byte."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import SAMPLE_DOCUMENTS, rgb_artwork, run_cli

from generator import cluster as dask_executor
from generator.build import BuildOptions, run_build

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler():
    """The address of a LocalCluster kept for this module's tests."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as local:
        yield local.scheduler_address


def dask_build(catalog: Path, out: Path, scheduler: str):
    return run_build(BuildOptions(catalog=catalog, out=out, executor="dask", scheduler=scheduler,
                                  quiet=True))


def files(out: Path) -> dict[str, bytes]:
    """Every file a build wrote (the cache's own keys and the memo aside), by path."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not any(part.startswith(".insertgen") for part in p.parts)}


def test_a_dask_build_writes_the_files_of_a_local_build(built, sample, scheduler, tmp_path):
    result = dask_build(sample, tmp_path / "out", scheduler)
    local, remote = files(built[0]), files(tmp_path / "out")
    assert sorted(remote) == sorted(local) and "manifest.json" in remote
    assert [name for name in remote if remote[name] != local[name]] == []
    assert result.exit_code == 0 and sorted(result.rendered) == SAMPLE_DOCUMENTS
    # The cache does not care who rendered: a local build of the same folder renders nothing.
    again = run_build(BuildOptions(catalog=sample, out=tmp_path / "out", jobs=1, quiet=True))
    assert again.rendered == set() and sorted(again.reused) == SAMPLE_DOCUMENTS


def _both_builds(catalog: Path, tmp_path: Path, scheduler: str, product: str):
    """The files of one product built here (in this process) and on the cluster."""
    options = {"catalog": catalog, "products": (product,), "quiet": True}
    run_build(BuildOptions(out=tmp_path / "local", jobs=1, **options))
    run_build(BuildOptions(out=tmp_path / "dask", executor="dask", scheduler=scheduler, **options))
    return files(tmp_path / "local"), files(tmp_path / "dask")


def test_a_failed_documents_marked_copy_is_the_same(catalog, scheduler, tmp_path):
    # The clock's picture has text too small to print: its cards fail, and their marked
    # copies and findings are written under _failed/ by this process from the workers' bytes.
    rgb_artwork(catalog)
    local, remote = _both_builds(catalog, tmp_path, scheduler, "TS-CLK")
    assert "_failed/TS-CLK/TS-CLK_card-4x6_en.pdf" in remote
    assert "_failed/TS-CLK/TS-CLK_card-4x6_en.json" in remote
    assert sorted(remote) == sorted(local)
    assert [name for name in remote if remote[name] != local[name]] == []


@pytest.mark.xfail(strict=True, reason=(
    "WeasyPrint names a raster picture's XObject by the md5 of its absolute URL, and a worker "
    "reads the picture from its own folder: the pages are the same, the resource names are "
    "not (a location-free base URL in generator.render.pdf would fix it)"))
def test_a_raster_picture_gives_the_same_bytes(catalog, scheduler, tmp_path):
    rgb_artwork(catalog)  # the fan's picture is an RGB PNG
    local, remote = _both_builds(catalog, tmp_path, scheduler, "TS-FAN")
    assert sorted(remote) == sorted(local)
    assert [name for name in remote if remote[name] != local[name]] == []


class _KillOnce(distributed.WorkerPlugin):
    """Ends the worker process as it starts rendering the third document of a build, once."""

    def __init__(self, marker: str):
        self.marker = marker

    def transition(self, key, start, finish, **kwargs):
        if finish != "executing" or not str(key).endswith("-2") or "insertgen-render" not in str(key):
            return
        try:
            os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return
        os._exit(1)


def test_a_lost_workers_document_is_rendered_by_another(sample, built, scheduler, tmp_path):
    local_out = built[0]
    marker = tmp_path / "killed"
    with distributed.Client(scheduler, set_as_default=False) as client:
        client.register_plugin(_KillOnce(str(marker)), name="kill-once")
        try:
            result = dask_build(sample, tmp_path / "out", scheduler)
        finally:
            client.unregister_worker_plugin("kill-once")
    assert marker.exists()  # a worker died rendering a document
    assert result.exit_code == 0 and sorted(result.rendered) == SAMPLE_DOCUMENTS
    local, remote = files(local_out), files(tmp_path / "out")
    assert [name for name in local if remote.get(name) != local[name]] == []


def test_a_worker_of_another_insertgen_is_refused(sample, scheduler, tmp_path, monkeypatch):
    with distributed.Client(scheduler, set_as_default=False) as client:
        workers = client.run(dask_executor.rendering_tools)  # the workers' own, as they are
    tools = dict(next(iter(workers.values())), insertgen="0.0.1")
    monkeypatch.setattr(dask_executor, "rendering_tools", lambda: tools)
    with pytest.raises(dask_executor.InsertgenError) as error:
        dask_build(sample, tmp_path / "out", scheduler)
    assert re.fullmatch(r"the Dask worker tcp://127\.0\.0\.1:\d+ has insertgen 0\.1\.0, this "
                        r"build insertgen 0\.0\.1: install the same insertgen and WeasyPrint on "
                        r"every worker", str(error.value))
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("address", "message"), [
    ("tcp://127.0.0.1:1", "cannot reach the Dask scheduler at tcp://127.0.0.1:1: connection "
                          "refused (nothing listens on port 1)"),
    ("127.0.0.1:8786/x", "--scheduler 127.0.0.1:8786/x: expected an address like "
                         "tcp://HOST:8786, got \"127.0.0.1:8786/x\""),
])
def test_a_bad_scheduler_address_is_one_line_and_writes_nothing(sample, tmp_path, address, message):
    out = tmp_path / "out"
    result = run_cli("build", sample, "--out", out, "--executor", "dask", "--scheduler", address)
    assert result.returncode == 2
    assert result.stderr == f"error: {message}\n"
    assert not out.exists()


def test_a_scheduler_without_workers_is_one_line():
    with distributed.LocalCluster(n_workers=0, processes=False, protocol="tcp",
                                  dashboard_address=":0") as empty:
        executor = dask_executor.DaskExecutor(empty.scheduler_address, timeout=1)
        with pytest.raises(dask_executor.InsertgenError) as error:
            executor.__enter__()
    assert str(error.value) == (
        f"the Dask scheduler at {empty.scheduler_address} has no workers after 1 s: start them "
        f"with `dask worker {empty.scheduler_address} --nthreads 1`")
