"""The kernel template (Linux): one process that imports what a build's kernels import, from which the
local workers' first kernels are forked instead of each starting afresh and importing it all again.

Before its first notebook every kernel imports ipykernel, pandas, matplotlib, seaborn and lkip_helpers,
about a second of CPU; with every core running a kernel, a cold build pays that second once per core.
The template pays it once. A worker sends it the command and environment jupyter_client would start its
kernel with; the template forks, and the child becomes that kernel: a session of its own, the worker's
environment and folder, the same ``lkip_helpers.pipeline.kernel`` entry point. After ``count`` kernels
the template exits, so it holds no memory for the rest of the build. A kernel it does not start (the
template missing, broken, slow to answer, or gone) is started the usual way: only slower.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

from lkip_helpers.locks import process_alive
from lkip_helpers.pipeline import kernel
from lkip_helpers.pipeline._jupyter_compat import bench_off
from lkip_helpers.pipeline.stopping import children_ignore_sigint

MODULE = "lkip_helpers.pipeline.template"
REPLY_WAIT_S = 60.0  # how long a worker waits for its kernel (the template answers once its imports are done)
WATCH_S = 0.5  # how often the template checks that the build that started it is still there


def available() -> bool:
    """Kernels can be forked here: Linux (macOS forbids forking after some of its libraries loaded)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and not bench_off("template")


class Template:
    """The build's side: start the template process (its socket already listening, so a worker asking
    early waits in the queue), and stop it when the build ends."""

    def __init__(self, modules: list[str], count: int, env: dict):
        import subprocess
        import tempfile

        self.folder = tempfile.mkdtemp(prefix="lkip-template-")
        self.socket = os.path.join(self.folder, "s")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(self.socket)
            listener.listen(16)
            with children_ignore_sigint():  # Ctrl-C is for the build, which stops the template itself
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", MODULE, str(listener.fileno()), str(os.getpid()), str(count), *modules],
                    env=env,
                    stdin=subprocess.DEVNULL,
                    pass_fds=(listener.fileno(),),
                )
        except OSError:  # e.g. a TMPDIR too long for a socket's path: the caller goes without
            self.proc = None
            self.stop()
            raise
        finally:
            listener.close()  # the template's now

    def stop(self) -> None:
        import shutil

        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


# --- the worker's side -------------------------------------------------------------------------


def fork_kernel(path: str, cmd: list[str], env: dict, cwd: str | None) -> int | None:
    """Ask the template at ``path`` for a kernel started as ``cmd`` would be; its pid, or None (start it
    the usual way): a command the template does not run, or no template to answer."""
    args = kernel_args(cmd)
    if args is None:
        return None
    request = json.dumps({"argv": args, "env": env, "cwd": cwd or os.getcwd()}).encode()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(REPLY_WAIT_S)
            s.connect(path)
            s.sendall(request)
            s.shutdown(socket.SHUT_WR)
            answer = _read_all(s)
    except OSError:  # gone, or served its kernels already
        return None
    return int(answer) if answer.isdigit() else None


def kernel_args(cmd: list[str]) -> list[str] | None:
    """The kernel's own arguments when ``cmd`` is this interpreter running our kernel module (what the
    template can become); None for any other command (another interpreter, another kernel)."""
    try:
        i = cmd.index("-m")
    except ValueError:
        return None
    same_python = os.path.realpath(cmd[0]) == os.path.realpath(sys.executable)
    if not same_python or cmd[i + 1 : i + 2] != ["lkip_helpers.pipeline.kernel"]:
        return None
    return cmd[i + 2 :]


class Forked:
    """A forked kernel as jupyter_client's provisioner handles a ``Popen``: the template, not this worker,
    is its parent, so it is polled through its pid (a zombie counts as gone) and signalled by pid."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and not process_alive(self.pid):
            self.returncode = 0  # its exit status went to the template
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import subprocess

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


# --- the template process ----------------------------------------------------------------------


def _read_all(s: socket.socket) -> str:
    chunks = []
    while chunk := s.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks).decode()


def _prepare(modules: list[str]) -> None:
    """Import what a kernel imports, in the order and environment a kernel does."""
    import gc

    # as ipykernel sets it before any notebook runs: matplotlib reads it when imported
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    kernel.import_all(["ipykernel.kernelapp", *modules])
    gc.collect()
    gc.freeze()  # what the imports made: neither collected nor copied page by page in the kernels


def _become_kernel(request: dict) -> int:
    """In the forked child: the kernel ``request`` describes, run until it ends; its exit code."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel's own children are its to wait for
    os.setsid()  # a session of its own, as jupyter_client starts a kernel
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    worker = int(request["env"].get("JPY_PARENT_PID") or 0)
    if worker:
        kernel.exit_with(worker)  # its parent is the template: ipykernel would not see the worker go
    try:
        # ipykernel read JPY_PARENT_PID when the template imported it (none then): 1 says "no parent to
        # watch" (exit_with watches the worker) without its note for kernels started by hand
        kernel.launch([*request["argv"], "--IPKernelApp.parent_handle=1"])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    return 0


def _fork(request: dict, listener: socket.socket, conn: socket.socket) -> int | None:
    import threading

    if threading.active_count() > 1:  # forking copies one thread only: not safe with others running
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        listener.close()
        conn.close()
        code = _become_kernel(request)
    except BaseException:  # noqa: BLE001 — never return into the template's loop
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _reap(signum=None, frame=None) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if not pid:
            return


def main(argv: list[str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # as the kernel's launcher: the working folder off sys.path (ipykernel puts it back in the kernel)
    if sys.path[0] == "" or Path(sys.path[0]) == Path.cwd():
        del sys.path[0]
    fd, build, count, modules = int(argv[0]), int(argv[1]), int(argv[2]), argv[3:]
    listener = socket.socket(fileno=fd)  # bound and listening already (Template)
    signal.signal(signal.SIGCHLD, _reap)
    _prepare(modules)
    listener.settimeout(WATCH_S)
    served = 0
    while served < count and process_alive(build):
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            continue
        with conn:
            try:
                conn.settimeout(REPLY_WAIT_S)
                pid = _fork(json.loads(_read_all(conn)), listener, conn)
                served += 1
                conn.sendall(str(pid or "").encode())
            except (OSError, ValueError, KeyError):
                continue  # that worker starts its kernel itself
    listener.close()


if __name__ == "__main__":
    main(sys.argv[1:])
