"""The kernel a build runs its notebooks in: ipykernel, started as ``python -m ipykernel_launcher``
starts it, but without IPython's history file (or forked from the kernel template,
:mod:`lkip_helpers.pipeline.template`, which then calls :func:`launch`).
"""

import gc
import os
import sys
import threading
import time
from pathlib import Path

from lkip_helpers.locks import process_alive


def refuse_imports(*names: str) -> list[str]:
    """Make ``import name`` fail for each of ``names`` not imported yet: the libraries that try them
    then go without the optional parts a build never uses. Returns those refused (``allow_imports``)."""
    refused = [name for name in names if name not in sys.modules]
    sys.modules.update(dict.fromkeys(refused))
    return refused


def allow_imports(names: list[str]) -> None:
    """Undo ``refuse_imports`` for ``names`` (a module imported meanwhile stays)."""
    for name in names:
        if name in sys.modules and sys.modules[name] is None:
            del sys.modules[name]


def tidy() -> None:
    """Between two runs: collect the last run's garbage (figures and frames form reference cycles that
    wait for the collector), so what a kernel keeps between runs is only what it needs."""
    gc.collect()


def launch(args: list[str]) -> None:
    """Run ipykernel with ``args`` (``-f CONNECTION_FILE``), as ``python -m ipykernel_launcher`` would,
    without IPython's history."""
    # IPython's history: a build's cells are nobody's history, and every kernel of every build
    # would add each of them to the one SQLite file in ~/.ipython, committing cell by cell, two or
    # more kernels at a time waiting on its lock
    sys.argv = [__file__, *args, "--HistoryManager.enabled=False"]

    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


def when_gone(pid: int, then, name: str, interval_s: float = 1.0) -> None:
    """Call ``then()`` (which ends this process) as soon as process ``pid`` is gone: a thread polls it."""

    def watch():
        while process_alive(pid):
            time.sleep(interval_s)
        then()

    threading.Thread(target=watch, name=name, daemon=True).start()


def exit_with(pid: int) -> None:
    """Exit as soon as process ``pid`` is gone: a kernel forked by the template has the template for
    parent, so ipykernel's own watch of its parent would miss its worker going."""
    when_gone(pid, lambda: os._exit(1), "lkip-watch-worker")


def import_all(names: list[str]) -> None:
    """Import each module of ``names`` ahead of the notebooks; one that fails is left for the notebook
    that imports it to report (``from lkip_helpers import x``: not a module, skipped)."""
    import importlib

    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 — reported where a notebook imports it
            pass


if __name__ == "__main__":
    # as ipykernel_launcher: the working folder off sys.path while ipykernel loads (it puts it back)
    if sys.path[0] == "" or Path(sys.path[0]) == Path.cwd():
        del sys.path[0]
    launch(sys.argv[1:])
