"""Every touch of jupyter_client's and ipykernel's private parts, in one place.

Tested against the versions pinned in pyproject.toml; ``tests/test_compat_contracts.py`` fails, naming
the library and what to check, when a new version moves one of them. Imports nothing at the top: a
kernel imports this before ipykernel, and a build's planning before jupyter_client.
"""

from __future__ import annotations

import os

BENCH_OFF = "LKIP_BENCH_OFF"  # bench-only switch (benchmarks/bench_build.py --mechanisms); never for users


def bench_off(mechanism: str) -> bool:
    """True when ``make bench`` measures the build without ``mechanism`` (``LKIP_BENCH_OFF=a,b``)."""
    return mechanism in os.environ.get(BENCH_OFF, "").split(",")


def launch_through(km, fork) -> None:
    """Have ``km`` (an ``AsyncKernelManager``) start its kernel with ``fork(cmd, env, cwd)`` -> a
    Popen-like handle with ``pid``, or None to start it the usual way.

    jupyter_client offers no public hook between the command it builds and the process it starts:
    ``_async_launch_kernel`` is that step. Afterwards the provisioner holds what its own
    ``launch_kernel`` records (process, pid, process group, folder) and the manager loads the
    connection info as it does after a launch.
    """
    usual = km._async_launch_kernel

    async def launch(kernel_cmd: list[str], **kw) -> None:
        env = dict(kw.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher: the kernel goes with us
        process = fork(kernel_cmd, env, kw.get("cwd"))
        if process is None:
            return await usual(kernel_cmd, **kw)
        prov = km.provisioner
        prov.process, prov.pid, prov.pgid = process, process.pid, process.pid  # the kernel leads its session
        prov.cwd = kw.get("cwd") or os.getcwd()
        km._reconcile_connection_info(prov.connection_info)

    km._async_launch_kernel = launch
