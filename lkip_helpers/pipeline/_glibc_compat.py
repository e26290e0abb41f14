"""The one call into the C library, in one place: glibc's ``mallopt`` (a build process's side of
``MALLOC_MMAP_THRESHOLD_``, see ``runner._kernel_env``). Elsewhere than glibc it does nothing."""

from __future__ import annotations

import sys

M_MMAP_THRESHOLD = -3


def fix_mmap_threshold(size: int) -> None:
    """Allocations of ``size`` bytes or more get pages of their own, which go back to the OS when freed."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes  # here: only the build's worker processes need it

        ctypes.CDLL("libc.so.6").mallopt(M_MMAP_THRESHOLD, size)
    except (OSError, AttributeError):  # another C library (musl): it has no such threshold to keep
        pass
