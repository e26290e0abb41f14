"""Leave nothing behind: every temporary folder of a build under one folder named after its process.

A build makes temporary folders in three places: beside the outputs (``outputs/.tmp-<dataset>-<pid>``,
the folder swapped into place, and ``.old-<dataset>-<pid>`` during the swap: they must share the
outputs' file system), and in the system's temporary folder (the kernels' sockets ``lkip-kernel-*``,
the kernel template's ``lkip-template-*``, multiprocessing's ``pymp-*``, Dask's scratch space). The
latter all go under ``<tmp>/lkip-build-<pid>/``: the build points ``TMPDIR`` (its workers, kernels
and the fork server inherit it) and ``tempfile.tempdir`` there. Kept short: the kernels' IPC sockets
and the fork server's live in it, and a socket's path has at most 104 bytes on macOS (108 on Linux).

A build removes its own folder when it ends; killed outright (SIGKILL), it cannot, and the next build
removes every such folder whose process is gone (``sweep``), as ``lkip build --bersihkan`` does with
everything dead processes left (``leftovers``).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from lkip_helpers import locks, paths
from lkip_helpers.pipeline import publish

PREFIX = "lkip-build-"
SOCKET_PATH_MAX = 104  # bytes of an AF_UNIX socket path (macOS; Linux allows 108)
SOCKET_TAIL = 40  # what goes below the build's folder: e.g. pymp-xxxxxxxx/listener-xxxxxxxx
_OURS = re.compile(rf"^{PREFIX}(\d+)$")
_BESIDE = re.compile(r"^\.(tmp|old)-(.+)-(\d+)$")  # outputs/.tmp-<dataset>-<pid>, .old-<dataset>-<pid>
_AT_EXIT: set[str] = set()


def base() -> Path:
    """The system's temporary folder (or /tmp when that path leaves sockets too little room)."""
    root = Path(tempfile.gettempdir())
    if len(os.fsencode(root)) + len(PREFIX) + 8 + SOCKET_TAIL >= SOCKET_PATH_MAX and Path("/tmp").is_dir():
        return Path("/tmp")
    return root


def _dead(path: Path, pid: int) -> bool:
    """The process that named ``path`` after itself is gone (a process that started after ``path`` was
    last changed only reuses the number)."""
    if pid == os.getpid():
        return False
    try:
        since = path.lstat().st_mtime
    except OSError:
        return False
    return not locks.process_alive(pid, since)


def sweep() -> list[Path]:
    """Remove what builds killed outright left (their process gone); return what went.

    ``<tmp>/lkip-build-<pid>/`` and, beside the outputs, ``.tmp-<dataset>-<pid>`` (an interrupted swap's
    ``.old-<dataset>-<pid>`` is put back in place when the dataset's folder is missing: ``publish.clean_stale``).
    """
    removed = []
    root = base()
    with contextlib.suppress(OSError):
        for p in root.iterdir():
            m = _OURS.match(p.name)
            if m and _dead(p, int(m.group(1))):
                shutil.rmtree(p, ignore_errors=True)
                if not p.exists():
                    removed.append(p)
    out = paths.outputs_dir()
    with contextlib.suppress(OSError):
        dead = [(p, m.group(2)) for p in out.iterdir() if (m := _BESIDE.match(p.name)) and _dead(p, int(m.group(3)))]
        for name in dict.fromkeys(name for _, name in dead):
            publish.clean_stale(out / name)
        removed += [p for p, _ in dead if not p.exists() and not p.is_symlink()]  # removed, or put back in place
    return removed


def leftovers() -> list[Path]:
    """``lkip build --bersihkan``: everything dead lkip processes left; return what went.

    What ``sweep`` removes, plus stale dataset locks (``data/.<dataset>.lock``) and the staging folders of
    an ``lkip import`` or ``lkip new`` that was killed (``data/.tmp-<dataset>-<pid>``).
    """
    removed = sweep()
    data = paths.data_dir()
    with contextlib.suppress(OSError):
        for p in list(data.iterdir()):
            m = _BESIDE.match(p.name)
            if m and m.group(1) == "tmp" and _dead(p, int(m.group(3))):
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
    return removed + locks.remove_stale()


def _remove_at_exit(folder: str) -> None:
    """Remove ``folder`` when this process ends, after multiprocessing removed its ``pymp-*`` inside it."""
    if folder in _AT_EXIT:
        return
    _AT_EXIT.add(folder)
    import multiprocessing.util  # its finalisers run at exit in order: ours after its own (priority -100)

    multiprocessing.util.Finalize(None, shutil.rmtree, args=(folder, True), exitpriority=-101)


@contextlib.contextmanager
def build_folder() -> Iterator[Path]:
    """Point ``TMPDIR`` and ``tempfile.tempdir`` at ``<tmp>/lkip-build-<pid>/`` while a build runs.

    Afterwards its content goes, except multiprocessing's ``pymp-*``: the fork server, kept by this process
    for its next build, listens there; it goes when this process ends.
    """
    sweep()
    folder = base() / f"{PREFIX}{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a temporary folder we cannot write: the build goes on as before, and says so if it must
        yield folder
        return
    saved = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = os.environ["TMPDIR"] = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = saved[0]
        if saved[1] is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved[1]
        kept = False
        for p in list(folder.iterdir()) if folder.is_dir() else []:
            if p.name.startswith("pymp-"):
                kept = True
            elif p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
        if kept:
            _remove_at_exit(str(folder))
        else:
            with contextlib.suppress(OSError):
                folder.rmdir()
