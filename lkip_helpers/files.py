"""Putting files and folders in place whole or not at all.

A full disk, a crash or Ctrl-C must never leave half a file, half a dataset or half
the outputs: what is written goes to a temporary name beside its place (the same file
system) and is renamed in only when complete. Renames only, no shell: the same on Windows.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path


def aside(final: Path, pid: int | None = None) -> Path:
    """Where ``replace_folder`` keeps the previous ``final`` while the new one moves in.

    The name carries the process id, so a folder left by a process that was killed can be
    recognised (and put back) by the next one.

    >>> aside(Path("outputs") / "pmd-ntt-2023", 42).name
    '.old-pmd-ntt-2023-42'
    """
    return final.parent / f".old-{final.name}-{os.getpid() if pid is None else pid}"


def real_place(final: Path) -> Path:
    """The folder a swap replaces: ``final`` itself, or the folder its symbolic link points to.

    A swap at the link would replace the link with a real folder (the new outputs on the wrong disk, and
    the old ones left under a name no one looks at).
    """
    return final.resolve() if final.is_symlink() else final


def replace_folder(new: Path, final: Path) -> None:
    """Put folder ``new`` in place of ``final`` (which may not exist yet).

    The previous ``final`` is renamed aside (``aside``), ``new`` renamed in, and only then
    the previous one removed. If ``new`` cannot move in, the previous folder goes back and
    the error is raised: ``final`` holds either the old folder or the new one, whole. Killed
    between the two renames, the previous folder waits under its ``aside`` name.
    ``new`` and ``final`` must be on one file system (renames, not copies).

    A ``final`` that is a symbolic link (e.g. to a folder on another disk) stays a link: the swap
    happens at the folder it points to (``new`` must then be on that folder's file system, see
    ``real_place``).
    """
    final = real_place(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    old = aside(final)
    had_old = final.exists()
    if had_old:
        final.rename(old)
    try:
        new.rename(final)
    except BaseException:  # also Ctrl-C between the two renames: the previous folder goes back
        if had_old:
            old.rename(final)
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_atomic(path: Path, fill: Callable[[Path], object]) -> None:
    """Write ``path`` whole or not at all: ``fill`` writes a temporary file beside it, which then replaces it.

    The temporary file keeps ``path``'s suffix (a writer may check it, e.g. ``.xlsx``).
    """
    path = Path(path)
    part = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    try:
        fill(part)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write a UTF-8 text file whole or not at all (a full disk must not leave half a file)."""
    write_atomic(path, lambda part: part.write_text(text, encoding="utf-8"))
