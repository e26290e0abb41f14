"""One dataset, one writer; leave nothing behind (issue #26, items 2 and 7).

A build and an ``lkip import`` or ``lkip new`` of one dataset exclude each other through
``data/.<dataset>.lock``; a build refuses to publish when the dataset's files changed under it;
every temporary folder of a build lives under ``<TMPDIR>/lkip-build-<pid>/`` and goes with it (or
with the next build, or ``lkip build --bersihkan``, when the build was killed); a symbolic link
``outputs/<dataset>`` stays a link; ``--all`` goes on past a folder that is no dataset; a closed
stdout (``| head -1``) neither stops a build nor hides that it failed.

The locks these tests write are written by hand, in the format a refusal must be able to read
(pid, host, start time, command): the holder is a process the test starts (alive) or one that has
ended (dead).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import FIXTURE, FIXTURES

from lkip_helpers import paths
from lkip_helpers.cli import main
from lkip_helpers.files import replace_folder
from lkip_helpers.pipeline import build as build_module
from lkip_helpers.pipeline import publish

DS = paths.DEFAULT_DATASET
DEADLINE_S = 600  # a loaded machine (tests run beside other work) may take long for a build


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lkip: "), err
    return lines[0]


def _dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


@pytest.fixture()
def live_pid():
    """A process that runs for the whole test: the holder of a lock the test writes."""
    p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    yield p.pid
    p.kill()
    p.wait()


@pytest.fixture()
def private_tmp(monkeypatch):
    """A short TMPDIR of the test's own (kernels' socket paths have a length limit), for this process too."""
    tmp = Path(tempfile.mkdtemp(prefix="lkp-", dir="/tmp"))
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    yield tmp
    shutil.rmtree(tmp, ignore_errors=True)


def _hold(dataset: str, pid: int, started: float | None = None, command: str = "lkip build") -> Path:
    """Write the lock of ``dataset`` as process ``pid`` would."""
    lock = paths.data_dir() / f".{dataset}.lock"
    record = {
        "pid": pid,
        "host": socket.gethostname(),
        "started": time.time() if started is None else started,
        "command": command,
    }
    lock.write_text(json.dumps(record), encoding="utf-8")
    return lock


NEW = ["new", "dinkes-baru-2024", "--year", "2024", "--agency", "Dinas Kesehatan", "--region", "Kabupaten Contoh"]


# ---------------------------------------------------------------- one dataset, one writer


def test_import_is_refused_while_a_build_holds_the_dataset(scratch, live_pid, tmp_path, capsys):
    before = _hashes(scratch)
    lock = _hold(DS, live_pid)
    held = lock.read_bytes()
    assert main(["import", str(tmp_path / "t.xlsx"), DS, "--force"]) == 2
    line = _one_line_error(capsys)
    assert f"proses {live_pid}" in line and "lkip build" in line and str(lock) in line and "tunggu" in line, line
    assert _hashes(scratch) == before
    assert lock.read_bytes() == held  # the holder's lock is not ours to take


def test_new_is_refused_while_another_process_holds_the_dataset(scratch, live_pid, capsys):
    _hold("dinkes-baru-2024", live_pid, command="lkip import")
    assert main(NEW) == 2
    line = _one_line_error(capsys)
    assert f"proses {live_pid}" in line and "lkip import" in line, line
    assert not (scratch.parent / "dinkes-baru-2024").exists()


@pytest.mark.parametrize("holder", ["ended", "number-reused"])
def test_a_lock_whose_process_is_gone_is_taken_over(scratch, holder, capsys):
    if holder == "ended":
        lock = _hold("dinkes-baru-2024", _dead_pid())
    else:  # this process has the lock's pid, but started long after the lock was written: not its holder
        if not Path("/proc/self/stat").exists():
            pytest.skip("needs Linux /proc to tell when a process started")
        lock = _hold("dinkes-baru-2024", os.getpid(), started=1_000_000.0)
    assert main(NEW) == 0, capsys.readouterr().err
    assert (scratch.parent / "dinkes-baru-2024" / "metadata.yml").is_file()
    assert not lock.exists()  # taken over, then dropped when the command ended
    assert not list(scratch.parent.glob(".*.lock*"))


def test_a_build_is_refused_while_an_import_holds_the_dataset(scratch, live_pid, capsys):
    lock = _hold(DS, live_pid, command="lkip import")
    assert main(["build", "--jobs", "1"]) == 2
    line = _one_line_error(capsys)
    assert f"proses {live_pid}" in line and "lkip import" in line, line
    outputs = paths.outputs_dir()
    assert not outputs.exists() or not [p for p in outputs.iterdir() if p.name in (DS, "index.html")]  # nothing ran
    assert lock.exists()


def test_a_lock_is_held_once_and_dropped_by_its_holder_only(scratch):
    from lkip_helpers.locks import DatasetLock, LockHeld

    with DatasetLock(DS, "lkip import") as first:
        with pytest.raises(LockHeld, match=f"proses {os.getpid()}"):
            DatasetLock(DS, "lkip build").acquire()
        assert first.path.exists()
    assert not first.path.exists()


@pytest.mark.slow
def test_data_changed_during_the_build_is_not_published(tmp_path, monkeypatch, capsys):
    """A CSV edited by hand (no lock stops that) between the runs and the swap: the report would mix both.
    On the small fixture agency: any dataset would do."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / FIXTURE, data / FIXTURE)
    monkeypatch.setenv("LKIP_DATA_DIR", str(data))
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path / "outputs"))
    previous = paths.outputs_dir() / FIXTURE
    previous.mkdir(parents=True)
    (previous / "manifest.json").write_text("hasil lama", encoding="utf-8")
    finish = publish.finish

    def edited_meanwhile(b):
        with (data / FIXTURE / "realisasi.csv").open("a", encoding="utf-8") as f:
            f.write("\n")  # any change of the files' bytes
        finish(b)

    monkeypatch.setattr(publish, "finish", edited_meanwhile)
    assert main(["build", FIXTURE, "--jobs", "2", "--no-document", "--threshold", "0"]) == 2
    line = _one_line_error(capsys)
    assert "berubah selama build" in line and "tidak diterbitkan" in line and "tidak diubah" in line, line
    assert [p.name for p in previous.iterdir()] == ["manifest.json"]
    assert (previous / "manifest.json").read_text(encoding="utf-8") == "hasil lama"
    assert sorted(p.name for p in paths.outputs_dir().iterdir()) == [FIXTURE]  # no .tmp-, no _gagal
    assert not list(data.glob(".*.lock"))


@pytest.mark.slow
def test_an_import_during_a_build_never_gives_a_report_of_mixed_data(tmp_path, private_tmp):
    """The race of the issue, for real: ``lkip import t.xlsx x --force`` while ``lkip build x`` runs.

    Also: what a build killed with -9 left is removed by this build, and this one leaves nothing in TMPDIR.
    """
    import openpyxl

    from lkip_helpers.pipeline.fingerprint import digest

    data, outputs = tmp_path / "data", tmp_path / "outputs"
    shutil.copytree(paths.dataset_dir(DS), data / DS)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LKIP_")}
    env.update(LKIP_DATA_DIR=str(data), LKIP_OUTPUTS_DIR=str(outputs), PYTHONUNBUFFERED="1", TMPDIR=str(private_tmp))
    lkip = [sys.executable, "-m", "lkip_helpers.cli"]
    workbook = tmp_path / "t.xlsx"
    subprocess.run([*lkip, "template", DS, str(workbook)], env=env, check=True, capture_output=True)
    wb = openpyxl.load_workbook(workbook)
    assert wb["realisasi"]["A3"].value == "bumdes-aktif"
    wb["realisasi"]["C3"] = 1500  # other data than the build reads
    wb.save(workbook)
    dead = _dead_pid()  # what a build killed with -9 left behind
    (private_tmp / f"lkip-build-{dead}" / "lkip-kernel-abc").mkdir(parents=True)
    (outputs / f".tmp-{DS}-{dead}" / "html").mkdir(parents=True)
    before = _hashes(data / DS)

    build = subprocess.Popen(
        [*lkip, "build", DS, "--force", "--jobs", "2", "--no-document", "--threshold", "0"],
        env=env,
        cwd=paths.PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lock = data / f".{DS}.lock"
        deadline = time.monotonic() + DEADLINE_S
        while not lock.exists() and build.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert lock.exists(), "the build never took its lock"
        imported = subprocess.run(
            [*lkip, "import", str(workbook), DS, "--force"], env=env, capture_output=True, text=True, timeout=300
        )
        _, err = build.communicate(timeout=DEADLINE_S)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
    now = digest([p for p in (data / DS).rglob("*") if p.is_file()], data / DS)
    if build.returncode == 0:  # what is published was made from the data as they are, never from a mix
        state = json.loads((outputs / DS / publish.STATE_FILE).read_text(encoding="utf-8"))
        assert state["inputs"]["data"] == now
    # here the import is the one refused: one line naming the build and what to do
    assert imported.returncode == 2, imported.stdout + imported.stderr
    lines = imported.stderr.strip().splitlines()
    assert len(lines) == 1 and f"proses {build.pid}" in lines[0] and "tunggu" in lines[0], lines
    assert _hashes(data / DS) == before
    assert build.returncode == 0 and "Traceback" not in err, err
    assert not lock.exists()
    # nothing left: not the dead build's folders, nor any of this build's
    assert not (private_tmp / f"lkip-build-{dead}").exists()
    assert not [p.name for p in private_tmp.iterdir() if p.name.startswith(("lkip-", "pymp-"))]
    assert not [p.name for p in outputs.iterdir() if p.name.startswith((".tmp-", ".old-"))]


# ---------------------------------------------------------------- leave nothing behind


def test_bersihkan_removes_what_dead_processes_left_and_says_so(scratch, private_tmp, live_pid, capsys):
    dead = _dead_pid()
    outputs = paths.outputs_dir()
    (outputs / DS).mkdir(parents=True)
    (outputs / DS / "manifest.json").write_text("hasil", encoding="utf-8")
    gone = [
        private_tmp / f"lkip-build-{dead}",  # a build killed with -9: its kernels' sockets, its pymp-*
        outputs / f".tmp-{DS}-{dead}",  # its outputs half made
        outputs / f".old-{DS}-{dead}",  # the outputs it was replacing (the new ones are in place)
        scratch.parent / f".tmp-{DS}-{dead}",  # an lkip import killed while it staged the workbook
    ]
    for folder in gone:
        (folder / "x").mkdir(parents=True)
    gone.append(_hold(DS, dead))  # its lock
    kept = [private_tmp / f"lkip-build-{live_pid}", outputs / f".tmp-{DS}-{live_pid}"]  # a build still running
    for folder in kept:
        folder.mkdir(parents=True)
    kept.append(_hold("dinkes-baru-2024", live_pid))

    assert main(["build", "--bersihkan"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("5 sisa proses lkip yang terhenti dihapus: "), out
    for p in gone:
        assert not p.exists() and str(p) in out[0], p
    for p in kept:
        assert p.exists() and str(p) not in out[0], p
    assert (outputs / DS / "manifest.json").read_text(encoding="utf-8") == "hasil"  # nothing built
    assert main(["build", "--bersihkan"]) == 0
    assert capsys.readouterr().out.strip() == "tidak ada sisa proses lkip yang terhenti"


@pytest.mark.slow
def test_a_build_killed_with_9_leaves_its_temporary_folders_in_one_place_for_the_next(tmp_path, private_tmp):
    """kill -9 of the build: it cleans nothing up; what it left in TMPDIR is its one folder, which
    ``lkip build --bersihkan`` (as the next build) removes with its lock."""
    data, outputs = tmp_path / "data", tmp_path / "outputs"
    shutil.copytree(paths.dataset_dir(DS), data / DS)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LKIP_")}
    env.update(LKIP_DATA_DIR=str(data), LKIP_OUTPUTS_DIR=str(outputs), TMPDIR=str(private_tmp))
    lkip = [sys.executable, "-m", "lkip_helpers.cli"]
    build = subprocess.Popen(
        [*lkip, "build", DS, "--force", "--jobs", "2", "--no-document", "--threshold", "0"],
        env=env,
        cwd=paths.PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    ours = private_tmp / f"lkip-build-{build.pid}"
    try:
        deadline = time.monotonic() + DEADLINE_S
        lock = data / f".{DS}.lock"  # taken when the plan begins, while the workers start their kernels

        def mid_way() -> bool:
            return lock.exists() and bool(list(ours.glob("lkip-kernel-*")))

        while not mid_way() and build.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert mid_way(), "no kernel started, or no lock taken"
        os.kill(build.pid, signal.SIGKILL)  # the main process only: nobody is left to clean up for it
        build.wait(timeout=30)
        time.sleep(3)  # its workers notice within a second and stop with their kernels
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGKILL)
    assert [p.name for p in private_tmp.iterdir()] == [ours.name]  # what it left: one folder, named after it
    assert lock.exists()
    done = subprocess.run([*lkip, "build", "--bersihkan"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert str(ours) in done.stdout and f".{DS}.lock" in done.stdout, done.stdout
    assert not list(private_tmp.iterdir())
    assert not lock.exists()


# ---------------------------------------------------------------- a symbolic link outputs/<dataset>


def test_a_swap_through_a_symbolic_link_keeps_the_link(tmp_path):
    target = tmp_path / "disk2" / "lkip-pmd"
    target.mkdir(parents=True)
    (target / "f.txt").write_text("lama", encoding="utf-8")
    link = tmp_path / "outputs" / DS
    link.parent.mkdir()
    link.symlink_to(target)
    new = tmp_path / "disk2" / ".tmp-lkip-pmd-1"  # staged beside the target: the same disk
    new.mkdir()
    (new / "f.txt").write_text("baru", encoding="utf-8")
    replace_folder(new, link)
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert (target / "f.txt").read_text(encoding="utf-8") == "baru"
    assert sorted(p.name for p in link.parent.iterdir()) == [DS]
    assert sorted(p.name for p in target.parent.iterdir()) == ["lkip-pmd"]


def test_a_symbolic_link_to_nowhere_is_refused(scratch, capsys):
    link = paths.outputs_dir() / DS
    link.parent.mkdir(parents=True)
    link.symlink_to(scratch.parent.parent / "disk-yang-tidak-terpasang" / DS)
    assert main(["build", "--jobs", "1"]) == 2
    line = _one_line_error(capsys)
    assert f"{link} adalah tautan ke" in line and "buat folder itu" in line, line
    assert link.is_symlink() and sorted(p.name for p in link.parent.iterdir()) == [DS]


@pytest.mark.slow
def test_a_linked_outputs_folder_is_written_through_and_a_closed_stdout_does_not_stop_the_build(tmp_path, private_tmp):
    """``lkip build x --force | head -1`` with ``outputs/x`` a link to another disk: the build completes, exit
    0 only because it published; the link stays, its folder holds the new outputs, nothing is left aside.
    On the small fixture agency: any dataset would do."""
    data, outputs, disk = tmp_path / "data", tmp_path / "outputs", tmp_path / "disk2"
    shutil.copytree(FIXTURES / FIXTURE, data / FIXTURE)
    (disk / "lkip-pmd").mkdir(parents=True)
    (disk / "lkip-pmd" / "manifest.json").write_text("hasil lama", encoding="utf-8")
    outputs.mkdir()
    (outputs / FIXTURE).symlink_to(disk / "lkip-pmd")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LKIP_")}
    env.update(LKIP_DATA_DIR=str(data), LKIP_OUTPUTS_DIR=str(outputs), PYTHONUNBUFFERED="1", TMPDIR=str(private_tmp))
    build = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lkip_helpers.cli",
            "build",
            FIXTURE,
            "--force",
            "--jobs",
            "2",
            "--no-document",
            "--threshold",
            "0",
        ],
        env=env,
        cwd=paths.PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = build.stdout.readline()  # what `| head -1` reads, before it closes the pipe
        build.stdout.close()
        err = build.stderr.read()
        build.wait(timeout=DEADLINE_S)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
    assert first.startswith(f"[{FIXTURE}]"), (first, err)
    assert build.returncode == 0 and "Traceback" not in err, err
    assert (outputs / FIXTURE).is_symlink() and (outputs / FIXTURE).resolve() == (disk / "lkip-pmd").resolve()
    manifest = json.loads((disk / "lkip-pmd" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["dataset"] == FIXTURE
    assert (disk / "lkip-pmd" / "html" / "index.html").is_file()
    assert sorted(p.name for p in disk.iterdir()) == ["lkip-pmd"]  # no .tmp-, no .old-
    assert not [p.name for p in outputs.iterdir() if p.name.startswith((".tmp-", ".old-"))]


# ---------------------------------------------------------------- --all past a folder that is no dataset


def test_build_all_builds_the_datasets_past_folders_that_are_none(scratch, monkeypatch, capsys):
    """The runs themselves are replaced: what is checked is which datasets the batch goes on to build."""
    (scratch.parent / "My Data").mkdir()
    (scratch.parent / "My Data" / "metadata.yml").write_text("id: x\n", encoding="utf-8")
    (scratch.parent / "arsip").mkdir()
    built = []

    class Workers:
        def __init__(self, *args):
            pass

        def warm(self, *args):
            pass

        def close(self, hard=False):
            pass

    def execute(builds, ex):
        built.extend(b.dataset for b in builds)
        return []

    monkeypatch.setattr(build_module, "Executor", Workers)
    monkeypatch.setattr(build_module, "execute", execute)
    monkeypatch.setattr(build_module, "write_outputs_index", lambda: None)
    monkeypatch.setattr(publish, "write_report", lambda *a, **k: None)
    assert main(["build", "--all", "--jobs", "1"]) == 2
    assert built == [DS]
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 2, lines
    assert "My Data" in lines[0] and "id dataset tidak sah" in lines[0] and "my-data" in lines[0], lines
    assert "arsip" in lines[1] and "metadata.yml" in lines[1], lines
