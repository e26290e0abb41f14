"""`make lab`: the notebooks' kernel is this environment. Notebooks run as opened, with their default
parameters, in tests/test_jelajah.py."""

from __future__ import annotations

import sys
from pathlib import Path


def test_python3_kernel_is_the_projects():
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert Path(spec.resource_dir).resolve().is_relative_to(Path(sys.prefix).resolve()), spec.resource_dir
    # a bare "python" is replaced by the Jupyter server's own interpreter, i.e. this environment's
    exe = spec.argv[0]
    assert exe in ("python", "python3") or Path(exe).resolve() == Path(sys.executable).resolve(), exe
