"""Stopping a build on request: Ctrl-C (SIGINT) or SIGTERM raise ``Interrupted`` in the build.

The build then stops its workers and their kernels and removes its temporary folders;
``lkip`` exits 130 (SIGINT) or 143 (SIGTERM), the shell's 128 + signal number. A swap of
folders already begun is never cut in half: the request waits for its end.
"""

from __future__ import annotations

import contextlib
import signal
import threading


class Interrupted(KeyboardInterrupt):
    """The build was asked to stop (Ctrl-C or SIGTERM); ``exit_code`` is the shell's 128 + signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
        self.exit_code = 128 + signum


_critical = {"depth": 0, "pending": None}


def _on_signal(signum, frame) -> None:
    if _critical["depth"]:
        _critical["pending"] = signum  # a swap of folders is never cut in half; stop right after it
        return
    for sig in _STOP_SIGNALS:  # one request is enough: the clean-up itself must not be interrupted
        signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signum)


_STOP_SIGNALS = [signal.SIGINT] + ([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])


@contextlib.contextmanager
def stoppable():
    """While building, Ctrl-C and SIGTERM raise ``Interrupted`` (SIGTERM would otherwise kill us unclean)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach only the main thread: a build run from a thread is stopped by its caller
        return
    old = {sig: signal.signal(sig, _on_signal) for sig in _STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def uninterrupted():
    """A step that must finish once begun (renaming folders); a stop request waits for its end."""
    _critical["depth"] += 1
    try:
        yield
    finally:
        _critical["depth"] -= 1
        signum, _critical["pending"] = _critical["pending"], None
        if signum is not None and not _critical["depth"]:
            _on_signal(signum, None)


@contextlib.contextmanager
def children_ignore_sigint():
    """Processes started meanwhile ignore Ctrl-C (they inherit SIG_IGN): the build stops them itself.

    Dask's worker processes would otherwise each print a KeyboardInterrupt traceback. A Ctrl-C in
    this short window (the cluster starting) is not seen; the next one is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
