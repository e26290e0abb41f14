"""Processes we start are processes we stop: Ctrl-C, SIGTERM and kill -9 of a real build.

Each build runs as ``python -m lkip_helpers.cli build`` in a process group of its own, with
an outputs folder and a TMPDIR (where kernels keep their sockets) made for the test. Every
process the build starts (forkserver, workers, kernels) inherits its environment, so "no
process left" is checked by looking for any process whose environment names that outputs
folder, not only for the children we saw: a kernel started a moment before the signal is
found too. Every wait is bounded.
"""

from __future__ import annotations

import hashlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from lkip_helpers import paths

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")]

START_DEADLINE_S = 300   # a loaded machine may take long to finish its first notebook
STOP_DEADLINE_S = 20     # "within a few seconds": generous, it only catches a build that ignores the signal
GONE_DEADLINE_S = 20


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _ours(marker: str) -> list[int]:
    """Pids of live processes (not zombies) whose environment holds ``marker``."""
    found = []
    needle = marker.encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle not in (entry / "environ").read_bytes():
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue  # gone meanwhile, or not ours to read
        if state not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def _wait_gone(marker: str) -> list[int]:
    deadline = time.monotonic() + GONE_DEADLINE_S
    left = _ours(marker)
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = _ours(marker)
    return left


def _cmdlines(pids: list[int]) -> list[str]:
    out = []
    for pid in pids:
        try:
            out.append(f"{pid}: " + Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120])
        except OSError:
            pass
    return out


@pytest.fixture()
def stage(built, tmp_path):
    """Previous outputs (a copy of a real build), a private TMPDIR, and the environment for a build."""
    outputs = tmp_path / "outputs"
    shutil.copytree(built, outputs / paths.DEFAULT_DATASET)
    tmp = Path(tempfile.mkdtemp(prefix="lkp-", dir="/tmp"))  # short: kernels' IPC socket paths have a length limit
    env = {k: v for k, v in os.environ.items() if k != "LKIP_DATA_DIR"}
    env.update(LKIP_OUTPUTS_DIR=str(outputs), PYTHONUNBUFFERED="1", TMPDIR=str(tmp))
    yield {"outputs": outputs, "tmp": tmp, "env": env, "marker": f"LKIP_OUTPUTS_DIR={outputs}\0",
           "before": _hashes(outputs / paths.DEFAULT_DATASET)}
    for pid in _ours(f"LKIP_OUTPUTS_DIR={outputs}\0"):  # never leave a stray build to the next test
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    shutil.rmtree(tmp, ignore_errors=True)


def _start_and_wait_for_a_notebook(stage) -> tuple[subprocess.Popen, list[str]]:
    """Start ``lkip build --force --jobs 2``; return once a notebook has finished (the build is mid-way)."""
    proc = subprocess.Popen([sys.executable, "-m", "lkip_helpers.cli", "build", "--force", "--jobs", "2"],
                            env=stage["env"], cwd=paths.PROJECT_ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    seen, deadline = [], time.monotonic() + START_DEADLINE_S
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        seen.append(line.rstrip())
        if "selesai (" in line:
            break
    if not any("selesai (" in line for line in seen) or proc.poll() is not None:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the build never got mid-way:\n" + "\n".join(seen))
    assert len(_ours(stage["marker"])) >= 3, "expected the build, its workers and kernels to be running"
    proc.lines, proc.seen = lines, seen  # type: ignore[attr-defined]
    return proc, seen


def _rest(proc) -> list[str]:
    out = []
    while True:
        try:
            out.append(proc.lines.get_nowait().rstrip())
        except queue.Empty:
            return out


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_signal_to_the_group_stops_the_build_and_keeps_previous_outputs(stage, signum, code):
    proc, seen = _start_and_wait_for_a_notebook(stage)
    os.killpg(proc.pid, signum)  # what Ctrl-C in a terminal does (SIGINT), or a service manager (SIGTERM)
    try:
        proc.wait(timeout=STOP_DEADLINE_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(f"the build ignored the signal for {STOP_DEADLINE_S} s")
    time.sleep(0.2)
    printed = seen + _rest(proc)
    assert proc.returncode == code, printed
    assert not any("Traceback" in line for line in printed), "\n".join(printed)
    assert printed[-1].startswith("lkip: dihentikan"), printed[-3:]
    assert _hashes(stage["outputs"] / paths.DEFAULT_DATASET) == stage["before"]
    left_folders = [p.name for p in stage["outputs"].iterdir() if p.name.startswith((".tmp-", ".old-"))]
    assert not left_folders
    assert not list(stage["outputs"].glob(f"_gagal/{paths.DEFAULT_DATASET}/*"))
    left = _wait_gone(stage["marker"])
    assert not left, _cmdlines(left)
    assert not list(stage["tmp"].iterdir()), "kernel socket folders left behind"


def test_kill_9_of_the_build_leaves_no_worker_or_kernel(stage):
    proc, _ = _start_and_wait_for_a_notebook(stage)
    workers_and_kernels = [p for p in _ours(stage["marker"]) if p != proc.pid]
    assert any(b"ipykernel" in Path(f"/proc/{p}/cmdline").read_bytes() for p in workers_and_kernels)
    os.kill(proc.pid, signal.SIGKILL)  # the main process only: nobody is left to clean up for it
    proc.wait(timeout=30)
    left = _wait_gone(stage["marker"])
    assert not left, _cmdlines(left)
    assert _hashes(stage["outputs"] / paths.DEFAULT_DATASET) == stage["before"]
