"""The kernel template: a worker's kernel forked from one process that imported it all once.

Real processes throughout: a template started as a build starts it, a worker's kernel started through
jupyter_client as a build's worker starts it, a worker killed with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lkip_helpers import paths
from lkip_helpers.locks import process_alive
from lkip_helpers.pipeline import runner, template

pytestmark = pytest.mark.skipif(not template.available(), reason="kernels are forked on Linux only")

ONLY_THE_TEMPLATE = "lkip_helpers.report.laporan"  # a fresh kernel has not imported it before its first cell


def test_only_our_kernel_from_this_interpreter_is_forked():
    py = sys.executable
    ours = [py, "-Xfrozen_modules=off", "-m", "lkip_helpers.pipeline.kernel", "-f", "/tmp/k.json"]
    assert template.kernel_args(ours) == ["-f", "/tmp/k.json"]
    assert template.kernel_args([py, "-m", "ipykernel_launcher", "-f", "/tmp/k.json"]) is None
    assert template.kernel_args(["/elsewhere/bin/python", *ours[1:]]) is None
    assert template.kernel_args(["R", "--slave", "-e", "IRkernel::main()"]) is None
    assert template.kernel_args([py, "-m"]) is None


def _expressions(kc, **expr: str) -> dict:
    from jupyter_core.utils import run_sync

    reply = run_sync(kc.execute_interactive)("import os, sys", silent=True, timeout=60, user_expressions=expr)
    return {k: v["data"]["text/plain"] for k, v in reply["content"]["user_expressions"].items()}


@pytest.fixture()
def kernel_template():
    env = runner._kernel_env(str(paths.data_dir()))
    t = template.Template([ONLY_THE_TEMPLATE], 2, env)  # two: it is still there while the test looks
    yield t
    runner.shutdown()
    t.stop()


@pytest.mark.slow
def test_a_workers_kernel_is_forked_from_the_template(kernel_template):
    runner._STATE["template"] = kernel_template.socket
    km, kc = runner._start_kernel(str(paths.data_dir()))
    pid = runner._STATE["kernel_pid"]
    seen = _expressions(
        kc,
        imported=f"{ONLY_THE_TEMPLATE!r} in sys.modules",
        parent="os.getppid()",
        session="os.getsid(0) == os.getpid()",
        worker="os.environ.get('JPY_PARENT_PID')",
        data="os.environ.get('LKIP_DATA_DIR')",
        cwd="os.getcwd()",
    )
    assert seen["imported"] == "True"  # imported by the template, not by this kernel
    assert int(seen["parent"]) == kernel_template.proc.pid
    assert seen["session"] == "True"  # a session of its own, as jupyter_client starts a kernel
    assert seen["worker"] == repr(str(os.getpid()))
    assert seen["data"] == repr(str(paths.data_dir()))
    assert seen["cwd"] == repr(os.getcwd())
    from jupyter_core.utils import run_sync

    assert run_sync(km.is_alive)()  # through the Popen-like handle of the forked kernel
    runner.shutdown()  # jupyter_client's own shutdown, then the process group killed
    deadline = time.monotonic() + 10
    while process_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_alive(pid)


@pytest.mark.slow
def test_without_a_template_the_kernel_starts_as_usual(tmp_path):
    runner._STATE["template"] = str(tmp_path / "no-template")
    try:
        runner._start_kernel(str(paths.data_dir()))
        cmd = Path(f"/proc/{runner._STATE['kernel_pid']}/cmdline").read_bytes()
        assert b"lkip_helpers.pipeline.kernel" in cmd
        assert "template" not in runner._STATE  # asked once only
    finally:
        runner.shutdown()


WORKER = """
import sys, time
from lkip_helpers.pipeline import runner
runner._STATE["template"] = sys.argv[1]
runner._start_kernel(sys.argv[2])
print(runner._STATE["kernel_pid"], flush=True)
time.sleep(600)
"""


@pytest.mark.slow
def test_a_forked_kernel_goes_when_its_worker_is_killed(kernel_template):
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, kernel_template.socket, str(paths.data_dir())],
        stdout=subprocess.PIPE,
        text=True,
        cwd=paths.PROJECT_ROOT,
    )
    try:
        kernel = int(worker.stdout.readline())
        assert process_alive(kernel)
        parent = int(Path(f"/proc/{kernel}/stat").read_text().rsplit(")", 1)[1].split()[1])
        assert parent == kernel_template.proc.pid  # not the worker's child: ipykernel would not see it go
        worker.send_signal(signal.SIGKILL)  # no clean-up of its own
        worker.wait(10)
        deadline = time.monotonic() + 10
        while process_alive(kernel) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not process_alive(kernel)
    finally:
        if worker.poll() is None:
            worker.kill()


def test_a_template_that_cannot_listen_leaves_nothing(tmp_path, monkeypatch):
    """A TMPDIR too long for a socket's path: no template (the build goes without), no folder left."""
    import tempfile

    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    with pytest.raises(OSError):
        template.Template(["json"], 1, dict(os.environ))
    assert not list(deep.iterdir())
