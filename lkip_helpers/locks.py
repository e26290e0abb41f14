"""One dataset, one writer: a lock file that ``lkip build``, ``lkip import`` and ``lkip new`` take.

The lock of dataset ``x`` is ``data/.x.lock``: beside the dataset folder, not in it (a file in it
would be part of the dataset's fingerprint), and where both a build and an import can write. It
holds the holder's pid, host, start time and command, so a refusal can name who holds it. A lock
whose process is gone (on this host) is stale: the next taker removes it. Standard library only:
an unchanged rebuild takes and drops its locks in microseconds.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from pathlib import Path

from lkip_helpers import paths
from lkip_helpers.errors import LkipError

STARTING_S = 5.0  # an empty lock younger than this is being written by its taker this instant


class LockHeld(LkipError):
    """Another process holds the dataset's lock; the message names it and what to do."""


def lock_path(dataset: str) -> Path:
    """Where the lock of ``dataset`` lives: ``data/.<dataset>.lock``.

    >>> lock_path("contoh-2023").name
    '.contoh-2023.lock'
    """
    return paths.data_dir() / f".{dataset}.lock"


def _start_time(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch), where the OS tells (Linux /proc); else None."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/stat", encoding="ascii") as f:
            boot = next(int(line.split()[1]) for line in f if line.startswith("btime "))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def process_alive(pid: int, since: float | None = None) -> bool:
    """True while process ``pid`` runs (a zombie counts as gone).

    ``since``: when the owner of a file was known to run. A process that started later only reuses
    the number (after a reboot, or a busy machine's wrap-around): not the owner.
    """
    if pid <= 0:
        return False
    if os.name != "posix":
        import ctypes  # Windows only: the process table is asked through kernel32

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000 | 0x00100000, False, pid)  # QUERY_LIMITED_INFORMATION | SYNCHRONIZE
        if not handle:
            return False
        try:
            return kernel32.WaitForSingleObject(handle, 0) == 0x102  # WAIT_TIMEOUT: still running
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            if f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                return False
    except OSError:
        pass  # no /proc (macOS): kill(pid, 0) said it is there
    started = _start_time(pid) if since is not None else None
    return started is None or started <= since + 2.0  # 2 s: clock ticks and rounding


def _read(path: Path) -> dict | None:
    """The holder a lock file names; None when it is empty or unreadable (being written, or garbled)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("pid"), int) else None


def _stale(path: Path, holder: dict | None) -> bool:
    """A lock no live process holds: its process is gone from this host, or it stayed empty too long."""
    if holder is None:
        try:
            return time.time() - path.stat().st_mtime > STARTING_S
        except OSError:
            return False  # gone meanwhile: the next attempt creates it
    if holder.get("host") != socket.gethostname():
        return False  # another machine's process (a shared data folder): only its owner can tell
    return not process_alive(holder["pid"], float(holder.get("started") or 0) or None)


def _held_line(dataset: str, path: Path, holder: dict | None) -> str:
    """The one line that says who holds the lock and what to do."""
    if holder is None:
        return f"dataset {dataset} sedang dikunci oleh proses lain ({path}); tunggu sebentar lalu jalankan lagi"
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(holder.get("started") or 0)))
    return (
        f"dataset {dataset} sedang dipakai oleh {holder.get('command', 'lkip')} (proses {holder['pid']} di "
        f"{holder.get('host', '?')}, sejak {since}); tunggu sampai selesai lalu jalankan lagi, atau hapus {path} "
        "bila proses itu sudah tidak berjalan"
    )


def _take_over(path: Path, holder: dict | None) -> None:
    """Remove a stale lock; never one that a third process took over meanwhile."""
    aside = path.with_name(f"{path.name}.stale-{os.getpid()}")
    try:
        os.replace(path, aside)  # atomic: of two takers, one moves it
    except FileNotFoundError:
        return
    if _read(aside) == holder:
        aside.unlink(missing_ok=True)
        return
    # what was moved is a live lock taken over by someone else meanwhile: it goes back
    with contextlib.suppress(OSError):
        os.link(aside, path)
    aside.unlink(missing_ok=True)


class DatasetLock:
    """The lock of one dataset, held from ``acquire`` to ``release`` (or as a ``with`` block)."""

    def __init__(self, dataset: str, command: str):
        self.dataset = dataset
        self.path = lock_path(dataset)
        self.record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": time.time(),
            "command": command,
        }
        self.held = False

    def acquire(self) -> DatasetLock:
        """Take the lock; raise ``LockHeld`` (one line) when a live process holds it, OSError when it cannot be
        written (e.g. a read-only data folder)."""
        for _ in range(10):  # each round removes one stale lock or takes the lock
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = _read(self.path)
                if not _stale(self.path, holder):
                    raise LockHeld(_held_line(self.dataset, self.path, holder)) from None
                _take_over(self.path, holder)
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(self.record, f)
            self.held = True
            return self
        raise LockHeld(_held_line(self.dataset, self.path, _read(self.path)))

    def release(self) -> None:
        """Drop the lock, only if it is still ours (a lock judged stale and taken over is not ours to remove)."""
        if not self.held:
            return
        self.held = False
        if _read(self.path) == self.record:
            with contextlib.suppress(OSError):
                self.path.unlink()

    def __enter__(self) -> DatasetLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def hold(dataset: str, command: str) -> DatasetLock:
    """``with hold(dataset, "lkip import"):``: write the dataset only while no other lkip process does.

    The data folder is made if missing (a first ``lkip import`` or ``lkip new``).
    """
    paths.data_dir().mkdir(parents=True, exist_ok=True)
    return DatasetLock(dataset, command)


def check_free(dataset: str) -> None:
    """Raise ``LockHeld`` when a live process holds the dataset's lock (without taking it): a build asks
    before it starts its workers, and takes the lock when it begins with the dataset."""
    path = lock_path(dataset)
    if path.exists():
        holder = _read(path)
        if not _stale(path, holder):
            raise LockHeld(_held_line(dataset, path, holder))


def remove_stale() -> list[Path]:
    """Remove every stale lock in the data folder; return them."""
    removed = []
    root = paths.data_dir()
    if not root.is_dir():
        return removed
    for p in sorted(root.glob(".*.lock")):
        holder = _read(p)
        if _stale(p, holder):
            _take_over(p, holder)
            removed.append(p)
    return removed
