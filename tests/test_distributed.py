"""A real Dask cluster whose workers share no folder with the build: outputs identical to a local build.

A ``dask scheduler`` and two ``dask worker`` processes are started as separate commands, each in
an empty working folder of its own. They build the small fixture agency (tests/fixtures). The workers'
own data folder (their LKIP_DATA_DIR) holds a decoy: the same dataset with a narrative, so a worker
reading any folder but what the task brought would produce other pages than the session's local build
of it (``fixture_build``), which the cluster's outputs must equal byte for byte. Every process is
stopped in ``finally`` with bounded waits, and none is left afterwards (found by an environment marker,
as in test_processes).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import FIXTURE, FIXTURES

from lkip_helpers.cli import main
from lkip_helpers.pipeline.build import STATE_FILE

START_DEADLINE_S = 120
STOP_DEADLINE_S = 15
BIN = Path(sys.executable).parent
DECOY = "Saran tambahan yang hanya ada di folder data pekerja"  # a narrative only the workers' folder has


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _hashes(folder: Path) -> dict[str, str]:
    """Every output file but the build state (it records this build's own inputs), as in test_batch."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != STATE_FILE
    }


def _stop(procs: list[subprocess.Popen]) -> None:
    """SIGTERM each process group, then SIGKILL what is left; every wait bounded."""
    for p in procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + STOP_DEADLINE_S
    for p in procs:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait(5)


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="process groups and /proc")
def test_two_worker_cluster_without_shared_folders_matches_local_build(tmp_path, monkeypatch, fixture_build):
    from distributed import Client
    from test_processes import _wait_gone  # the same "no process of ours left" check

    assert not (FIXTURES / FIXTURE / "narasi.csv").exists()  # the decoy adds the only narrative
    decoy = tmp_path / "data-pekerja"
    shutil.copytree(FIXTURES / FIXTURE, decoy / FIXTURE)
    (decoy / FIXTURE / "narasi.csv").write_text(
        f"narasi_id,section,kind,sasaran_id,indikator_id,text\nn99,Bab IV,saran,,,{DECOY}\n", encoding="utf-8"
    )
    shutil.copytree(FIXTURES / FIXTURE, tmp_path / "data" / FIXTURE)  # the build's own (its lock goes there)
    monkeypatch.setenv("LKIP_DATA_DIR", str(tmp_path / "data"))

    marker = f"lkip-dist-{uuid.uuid4().hex}"
    env = {**os.environ, "LKIP_DATA_DIR": str(decoy), "LKIP_OUTPUTS_DIR": str(tmp_path / "outputs-pekerja")}
    env.update(LKIP_TEST_MARKER=marker, PYTHONUNBUFFERED="1")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs: list[subprocess.Popen] = []
    logs = []

    def start(name: str, args: list[str]) -> None:
        cwd = tmp_path / name
        cwd.mkdir()
        log = (tmp_path / f"{name}.log").open("wb")
        logs.append(log)
        procs.append(
            subprocess.Popen(
                [str(BIN / "dask"), *args],
                cwd=cwd,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    try:
        start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"])
        for i in (1, 2):
            start(
                f"worker{i}",
                [
                    "worker",
                    address,
                    "--host",
                    "127.0.0.1",
                    "--nthreads",
                    "1",
                    "--nworkers",
                    "1",
                    "--no-dashboard",
                    "--local-directory",
                    str(tmp_path / f"worker{i}"),
                    "--death-timeout",
                    "60",
                ],
            )
        with Client(address, timeout=START_DEADLINE_S) as probe:
            probe.wait_for_workers(2, timeout=START_DEADLINE_S)
            workers = probe.scheduler_info()["workers"]
            assert len(workers) == 2

        monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path / "cluster"))
        assert main(["build", FIXTURE, "--scheduler", address, "--force"]) == 0
        # each worker works in its own folder (under its --local-directory) and removes each run's folder
        runs = list(tmp_path.glob("worker*/**/lkip-worker-*/runs"))
        assert runs and not [p for r in runs for p in r.iterdir()]
    finally:
        _stop(procs)
        for log in logs:
            log.close()

    local = _hashes(fixture_build)  # the session's build: one local worker
    cluster = _hashes(tmp_path / "cluster" / FIXTURE)
    assert len(local) > 60 and any(k.startswith("figures/") and k.endswith(".png") for k in local)
    assert any(k.startswith("notebooks/06_indikator--") for k in local)  # drill-downs too
    assert cluster.keys() == local.keys(), sorted(set(cluster) ^ set(local))[:10]
    diff = sorted(k for k in local if local[k] != cluster[k])
    assert not diff, diff[:10]
    # the pages come from the data the tasks carried to the workers, not from the workers' own folders
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "cluster" / FIXTURE / "html").glob("*.html"))
    assert DECOY not in pages
    assert not (tmp_path / "outputs-pekerja").exists()
    report = json.loads((tmp_path / "cluster" / "build-report.json").read_text(encoding="utf-8"))
    assert report["scheduler"] == address and len(report["workers"]) == 2  # both workers ran notebooks
    assert not _wait_gone(marker)


def test_files_from_a_worker_stay_inside_the_build_folder(tmp_path):
    from lkip_helpers.pipeline.runner import write_files

    write_files(tmp_path / "out", {"tables/a.csv": b"x", "notebooks/b.ipynb": b"{}"})
    assert (tmp_path / "out" / "tables" / "a.csv").read_bytes() == b"x"
    for bad in ("../escape.txt", "tables/../../escape.txt", str(tmp_path / "abs.txt"), "", "a\\..\\b"):
        with pytest.raises(ValueError):
            write_files(tmp_path / "out", {bad: b"x"})
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path / "abs.txt").exists()


def test_batch_progress_is_one_plain_line_per_dataset(capsys):
    from lkip_helpers.pipeline.executors import Progress

    progress = Progress(3)
    progress.dataset_ended()
    progress.dataset_ended(failed=True)
    progress.dataset_ended()
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[:2] for line in lines] == [
        ["[batch] 1/3 dataset selesai", " 0 gagal"],
        ["[batch] 2/3 dataset selesai", " 1 gagal"],
        ["[batch] 3/3 dataset selesai", " 1 gagal"],
    ]
    Progress(1).dataset_ended()
    assert capsys.readouterr().out == ""  # one dataset: its own lines say enough
    assert lines[-1].endswith("perkiraan sisa 0 mnt 00 dtk") and "\r" not in "".join(lines)
