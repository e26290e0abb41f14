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
from conftest import FIXTURE, FIXTURES

from lkip_helpers import paths

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")]

START_DEADLINE_S = 300  # a loaded machine may take long to finish its first notebook
STOP_DEADLINE_S = 20  # "within a few seconds": generous, it only catches a build that ignores the signal
GONE_DEADLINE_S = 20


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


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
    yield {
        "outputs": outputs,
        "tmp": tmp,
        "env": env,
        "marker": f"LKIP_OUTPUTS_DIR={outputs}\0",
        "before": _hashes(outputs / paths.DEFAULT_DATASET),
    }
    for pid in _ours(f"LKIP_OUTPUTS_DIR={outputs}\0"):  # never leave a stray build to the next test
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    shutil.rmtree(tmp, ignore_errors=True)


def _start_and_wait_for_a_notebook(stage, *extra: str) -> tuple[subprocess.Popen, list[str]]:
    """Start ``lkip build --force --jobs 2``; return once a notebook has finished (the build is mid-way)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "lkip_helpers.cli", "build", "--force", "--jobs", "2", *extra],
        env=stage["env"],
        cwd=paths.PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_read_lines, args=(proc.stdout, lines), daemon=True).start()
    seen, deadline = [], time.monotonic() + START_DEADLINE_S
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:  # end of output
            break
        seen.append(line.rstrip())
        if "selesai (" in line:
            break
    if not any("selesai (" in line for line in seen) or proc.poll() is not None:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the build never got mid-way:\n" + "\n".join(seen))
    assert len(_ours(stage["marker"])) >= 3, "expected the build, its workers and kernels to be running"
    proc.lines, proc.seen = lines, seen  # type: ignore[attr-defined]
    return proc, seen


def _read_lines(stream, lines: queue.Queue) -> None:
    """Every line of ``stream`` into ``lines``, then None: the end of output."""
    for line in stream:
        lines.put(line)
    lines.put(None)


def _rest(proc) -> list[str]:
    """The lines the build printed after those already seen, up to the end of its output (a bounded wait)."""
    out, deadline = [], time.monotonic() + GONE_DEADLINE_S
    while time.monotonic() < deadline:
        try:
            line = proc.lines.get(timeout=0.5)
        except queue.Empty:
            continue
        if line is None:
            break
        out.append(line.rstrip())
    return out


@pytest.mark.parametrize(
    "signum, code, scheduler",
    [(signal.SIGINT, 130, "local"), (signal.SIGTERM, 143, "local"), (signal.SIGINT, 130, "dask")],
    ids=["SIGINT", "SIGTERM", "SIGINT-dask"],
)
def test_signal_to_the_group_stops_the_build_and_keeps_previous_outputs(stage, signum, code, scheduler):
    if scheduler == "dask":
        pytest.importorskip("distributed")
    proc, seen = _start_and_wait_for_a_notebook(stage, "--scheduler", scheduler)
    os.killpg(proc.pid, signum)  # what Ctrl-C in a terminal does (SIGINT), or a service manager (SIGTERM)
    try:
        proc.wait(timeout=STOP_DEADLINE_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(f"the build ignored the signal for {STOP_DEADLINE_S} s")
    printed = seen + _rest(proc)  # waits for the end of its output, not for a guessed while
    assert proc.returncode == code, printed
    assert not any("Traceback" in line for line in printed), "\n".join(printed)
    assert printed[-1].startswith("lkip: dihentikan"), printed[-3:]
    assert _hashes(stage["outputs"] / paths.DEFAULT_DATASET) == stage["before"]
    left_folders = [p.name for p in stage["outputs"].iterdir() if p.name.startswith((".tmp-", ".old-"))]
    assert not left_folders
    assert not list(stage["outputs"].glob(f"_gagal/{paths.DEFAULT_DATASET}/*"))
    left = _wait_gone(stage["marker"])
    assert not left, _cmdlines(left)
    # (Dask keeps its own dask-scratch-space there, as after any Dask run)
    assert not list(stage["tmp"].glob("lkip-kernel-*")), "kernel socket folders left behind"
    assert not list(stage["tmp"].glob("*.json")), "kernel connection files left behind"


def test_kill_9_of_the_build_leaves_no_worker_or_kernel(stage):
    proc, _ = _start_and_wait_for_a_notebook(stage)
    workers_and_kernels = [p for p in _ours(stage["marker"]) if p != proc.pid]
    # a kernel is running: started as lkip_helpers.pipeline.kernel (ipykernel without its debugger), or
    # forked from the kernel template, whose command line it keeps
    assert any(
        b"pipeline.kernel" in cmd or b"pipeline.template" in cmd
        for cmd in (Path(f"/proc/{p}/cmdline").read_bytes() for p in workers_and_kernels)
    )
    os.kill(proc.pid, signal.SIGKILL)  # the main process only: nobody is left to clean up for it
    proc.wait(timeout=30)
    left = _wait_gone(stage["marker"])
    assert not left, _cmdlines(left)
    assert _hashes(stage["outputs"] / paths.DEFAULT_DATASET) == stage["before"]


@pytest.mark.slow
def test_a_worker_stopped_with_its_build_exits_without_a_traceback(tmp_path):
    """What a Dask worker does when its build is interrupted (``stop_now``), then ends: no zmq traceback
    from the kernel client's sockets on the way out (seen on Ctrl-C of a ``--scheduler dask`` build)."""
    code = (
        "from lkip_helpers.pipeline import runner\n"
        f"runner._kernel({str(paths.data_dir())!r})\n"
        "runner.stop_now()\n"
        "print('selesai')\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0 and done.stdout == "selesai\n", done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr


def test_kill_9_of_the_build_while_its_kernel_template_imports_leaves_nothing(stage):
    """Killed at its start: the kernel template (and any kernel it forked meanwhile) goes too."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "lkip_helpers.cli", "build", "--force", "--jobs", "2"],
        env=stage["env"],
        cwd=paths.PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + START_DEADLINE_S
    while not any(b"pipeline.template" in c.encode() for c in _cmdlines(_ours(stage["marker"]))):
        if proc.poll() is not None or time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("no kernel template seen")
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    left = _wait_gone(stage["marker"])
    assert not left, _cmdlines(left)
    assert _hashes(stage["outputs"] / paths.DEFAULT_DATASET) == stage["before"]


# ------------------------------------------------ a failing notebook fails its own dataset only


def _notebook(path: Path, *code: str) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('dataset = "pmd-ntt-2023"\noutput_dir = None')
    params.metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Uji"), params] + [nbformat.v4.new_code_cell(c) for c in code]
    nbformat.write(nb, path)
    return path


def _task(nb: Path, dataset: str, workdir: Path):
    from lkip_helpers.pipeline.runner import Task

    return Task(
        dataset, str(nb), {}, "uji.ipynb", "uji.html", "halaman-uji", "Uji", str(workdir), str(paths.data_dir()), ""
    )


def test_a_run_never_runs_in_a_folder_that_is_not_its_own(tmp_path):
    """The kernel's last folder may belong to another dataset; a run whose own folder is gone is dropped."""
    from lkip_helpers.pipeline import runner

    nb = _notebook(tmp_path / "uji.ipynb", "from pathlib import Path\nPath('ditulis.txt').write_text(dataset)")
    folders = {name: tmp_path / name for name in ("a", "b", "c")}
    for name in ("a", "c"):
        for sub in ("notebooks", "html"):
            (folders[name] / sub).mkdir(parents=True)
    try:
        runner.run(_task(nb, "ds-a", folders["a"]))
        assert (folders["a"] / "ditulis.txt").read_text() == "ds-a"
        # ds-b failed and its folder is gone: the kernel still sits in ds-a's folder
        with pytest.raises(runner.Cancelled):
            runner.run(_task(nb, "ds-b", folders["b"]))
        with pytest.raises(runner.Cancelled):  # gone between the worker's check and the kernel's chdir
            runner._run_once(_task(nb, "ds-b", folders["b"]))
        assert (folders["a"] / "ditulis.txt").read_text() == "ds-a"
        assert not folders["b"].exists()
        # the kernel's folder removed under it (its dataset failed): the next dataset's run still works
        shutil.rmtree(folders["a"])
        runner.run(_task(nb, "ds-c", folders["c"]))
        assert (folders["c"] / "ditulis.txt").read_text() == "ds-c"
    finally:
        runner.shutdown()


def test_failing_notebook_fails_its_dataset_only(tmp_path, monkeypatch, capsys):
    from lkip_helpers.cli import main
    from lkip_helpers.pipeline.build import FAILED_DIR, is_per_indikator

    # the small fixture agency and a copy of it (the notebooks' code is what fails, not the data)
    data, outputs, books = tmp_path / "data", tmp_path / "outputs", tmp_path / "notebooks"
    shutil.copytree(FIXTURES / FIXTURE, data / FIXTURE)
    meta = data / FIXTURE / "metadata.yml"
    shutil.copytree(data / FIXTURE, data / "rusak-2023")
    (data / "rusak-2023" / "metadata.yml").write_text(
        meta.read_text(encoding="utf-8").replace(f"  id: {FIXTURE}\n", ""), encoding="utf-8"
    )
    shutil.copytree(paths.NOTEBOOKS_DIR, books)
    # runs first; fails for one dataset only, once another run of that dataset has written its notebook
    # into the dataset's folder (the kernel's working folder), so that the dataset's other runs are under
    # way when it fails. The wait is bounded: past the deadline it fails all the same.
    _notebook(
        books / "00_aa_rusak.ipynb",
        "import time\nfrom pathlib import Path\n"
        "if dataset == 'rusak-2023':\n"
        "    deadline = time.monotonic() + 120\n"
        "    while time.monotonic() < deadline and not list(Path('notebooks').glob('*.ipynb')):\n"
        "        time.sleep(0.05)\n"
        "    raise RuntimeError('sengaja gagal')",
    )
    previous = outputs / "rusak-2023"
    previous.mkdir(parents=True)
    (previous / "manifest.json").write_text("hasil lama", encoding="utf-8")
    monkeypatch.setenv("LKIP_DATA_DIR", str(data))
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(outputs))
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", books)

    rc = main(["build", "rusak-2023", FIXTURE, "--threshold", "0", "--jobs", "2"])
    out, err = capsys.readouterr()
    assert rc == 2, err
    assert "\x1b" not in err and "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.startswith("lkip:")]
    assert len(lines) == 1, err  # one dataset failed, one message
    assert "00_aa_rusak.ipynb" in lines[0] and "RuntimeError: sengaja gagal" in lines[0], lines
    assert "getcwd" not in err and "FileNotFoundError" not in err, err
    # the failing dataset: previous outputs as they were, only the failed notebook kept
    assert sorted(p.name for p in previous.iterdir()) == ["manifest.json"]
    assert (previous / "manifest.json").read_text(encoding="utf-8") == "hasil lama"
    assert sorted(p.name for p in (outputs / FAILED_DIR / "rusak-2023").iterdir()) == ["00_aa_rusak.ipynb"]
    # the other dataset completed, every run of it
    good = outputs / FIXTURE
    assert (good / "manifest.json").is_file() and (good / "html" / "index.html").is_file()
    assert f"[{FIXTURE}] selesai:" in out
    expected = {nb.name for nb in books.glob("[0-9][0-9]_*.ipynb") if not is_per_indikator(nb)}  # threshold 0
    assert {nb.name for nb in (good / "notebooks").glob("*.ipynb")} == expected
    assert not list(outputs.glob(".tmp-*")) and not list(outputs.glob(".old-*"))
    assert not list(outputs.glob(f"{FAILED_DIR}/rusak-2023/.*"))
