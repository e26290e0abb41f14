"""The kernel a build runs its notebooks in: ipykernel, started as ``python -m ipykernel_launcher``
starts it, but without its debugger and without IPython's history file.

Nothing attaches a debugger to a build's kernel, and loading one (debugpy, pydevd) costs
each kernel some 8 MB and a tenth of a second. JupyterLab's own kernels keep theirs.
"""

import gc
import sys
from pathlib import Path


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
    """Between two runs: collect the last run's garbage and give freed memory back to the OS.

    Figures and frames form reference cycles that wait for the collector; and glibc keeps freed heap
    pages resident until asked (``malloc_trim``), so without this a kernel's memory creeps up from
    dataset to dataset. Elsewhere than glibc only the collection happens.
    """
    gc.collect()
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # another C library (musl): nothing to trim
            pass


if __name__ == "__main__":
    # as ipykernel_launcher: the working folder off sys.path while ipykernel loads (it puts it back)
    if sys.path[0] == "" or Path(sys.path[0]) == Path.cwd():
        del sys.path[0]
    refuse_imports("debugpy")  # ipykernel then starts without its debugger
    # nor IPython's history: a build's cells are nobody's history, and every kernel of every build
    # would add each of them to the one SQLite file in ~/.ipython, committing cell by cell, two or
    # more kernels at a time waiting on its lock
    sys.argv.append("--HistoryManager.enabled=False")

    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
