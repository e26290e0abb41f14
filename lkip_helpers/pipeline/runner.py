"""The worker side of a build: run notebooks on a kernel that stays alive between them.

A fresh kernel and the imports of pandas, matplotlib and seaborn cost seconds per
notebook; a worker pays them once, and makes its own imports while its kernel starts.
Before each notebook the kernel's namespace is reset (``reset(new_session=True)``) and its
working directory set to the run's output folder, so each notebook starts clean and
writes where it should; the dataset comes with the task as the build checked it
(``loading.adopt``), so a kernel neither reads nor checks it again. ``run`` serves the
local process pool and Dask workers that see the build's folders; ``run_remote`` serves
workers that do not (``--scheduler tcp://``): the task brings the dataset's files and the
notebook, and the run's outputs go back as bytes.
"""

from __future__ import annotations

import ast
import atexit
import gc
import json
import os
import platform
import shutil
import signal
import sys
import threading
import time
import uuid
from base64 import b64encode
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from lkip_helpers.errors import LkipError
from lkip_helpers.paths import REGISTRY_DIR
from lkip_helpers.pipeline import template
from lkip_helpers.pipeline._glibc_compat import fix_mmap_threshold
from lkip_helpers.pipeline._jupyter_compat import launch_through
from lkip_helpers.pipeline.fingerprint import helpers_hash
from lkip_helpers.pipeline.kernel import refuse_imports, tidy, when_gone
from lkip_helpers.report.html import exporter, notebook_page

# jupyter_client, nbclient, nbformat, papermill and distributed are imported in the functions that use them: the
# build imports this module (Task) while it plans, and an unchanged rebuild needs only the standard library

KERNEL_START_ATTEMPTS = 3
# Time limits grow with the work (rows of the dataset's CSV tables): they catch a hung kernel, never a big agency.
CELL_BASE_S, DOCUMENT_BASE_S = 900, 120  # one notebook cell; the Word and PDF documents of a dataset
PER_ROW_S = 0.05  # per data row (100.000 budget rows: +83 min; 5.000 indicators: +4 min), measured ~10x below
WATCH_INTERVAL_S = 0.5  # how often a worker checks that the build that started it is still there
_STATE: dict = {}  # per worker process: the kernel manager and client


@atexit.register
def _close_client() -> None:
    """Close the kernel client's sockets while Python still has its modules: left to the garbage collector
    at exit, zmq prints a traceback (a Dask worker stopped with its build after ``stop_now``)."""
    kc = _STATE.pop("kc", None)
    if kc is not None:
        try:
            kc.stop_channels()
        except Exception:  # noqa: BLE001 — best effort at exit
            pass


KEEP_DATASETS = 2  # datasets a remote worker keeps materialised (as loading keeps two in a kernel's memory)


@dataclass
class Task:
    """One notebook run, everything a worker needs (picklable)."""

    dataset: str
    notebook: str  # path of the source notebook
    parameters: dict  # extra parameters (e.g. indikator)
    executed_name: str  # file name of the executed notebook
    page_file: str  # file name of the HTML page
    page_id: str
    title: str
    workdir: str  # the dataset's temporary output folder
    data_dir: str  # LKIP_DATA_DIR for the kernel
    key: str = ""  # incremental-build key (inputs hash)
    build_id: str = ""  # the build that sent it (a shared cluster serves several)
    handover: bytes = field(default=b"", repr=False)  # the dataset as the build loaded it (loading.adopt)

    @property
    def run_id(self) -> str:
        return f"{self.dataset}/{self.executed_name}"


@dataclass
class DocumentTask:
    """A dataset's LKIP and verification note (Word and PDF), written in a worker's kernel from the dataset
    once its runs are done, reusing the figures they drew (picklable)."""

    dataset: str
    workdir: str
    data_dir: str
    handover: bytes = field(default=b"", repr=False)

    @property
    def run_id(self) -> str:
        return f"{self.dataset}/dokumen"


class NotebookFailed(Exception):
    """A cell raised: carries what the build reports to the user."""

    def __init__(self, executed: str, cell: int | None, ename: str, evalue: str, source: str):
        super().__init__(f"{executed}: {ename}: {evalue}")
        self.executed, self.cell, self.ename, self.evalue, self.source = executed, cell, ename, evalue, source

    def __reduce__(self):  # travels back from worker processes
        return (NotebookFailed, (self.executed, self.cell, self.ename, self.evalue, self.source))


class Cancelled(Exception):
    """The run's folder is gone (its dataset already failed): the run is dropped, never run elsewhere."""

    def __init__(self, run_id: str, workdir: str = ""):
        super().__init__(
            f"{run_id} dibatalkan: folder kerja {workdir} tidak ada (dataset ini sudah gagal, "
            "atau worker tidak dapat melihat folder ini)"
            if workdir
            else f"{run_id} dibatalkan"
        )
        self.run_id, self.workdir = run_id, workdir

    def __reduce__(self):
        return (Cancelled, (self.run_id, self.workdir))


def peak_rss_kb() -> int:
    """Peak resident memory of this process in KiB (0 where the OS does not tell)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS reports bytes


def _reset_peak(pid: int | str) -> bool:
    """Start a new peak-memory reading for process ``pid`` (Linux: /proc/PID/clear_refs); False elsewhere."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as f:
            f.write("5")  # 5: reset the peak resident set size (VmHWM) to the current one
        return True
    except OSError:
        return False


def _memory_mb(pid: int | str) -> tuple[float, float] | None:
    """(peak since the last reset, resident now) of process ``pid`` in MB, from /proc (None elsewhere)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            fields = dict(line.split(":", 1) for line in f if line.startswith(("VmHWM", "VmRSS")))
        return int(fields["VmHWM"].split()[0]) / 1024, int(fields["VmRSS"].split()[0]) / 1024
    except (OSError, KeyError, ValueError):
        return None


def _kernel_env(data_dir: str) -> dict:
    env = dict(os.environ)
    env["LKIP_DATA_DIR"] = data_dir
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # glibc raises its mmap threshold each time a big buffer (a figure's pixels) is freed, so later
    # buffers come from the heap and stay resident after use; a fixed threshold (its default, 128 KiB)
    # gives them back at once and keeps a kernel's memory flat from dataset to dataset
    env.setdefault("MALLOC_MMAP_THRESHOLD_", str(128 * 1024))
    return env


# Imported through nbformat -> jsonschema only for a format check nbformat never asks for, and it
# compiles a grammar at import (~2 s and ~15 MB per worker): a worker goes without it.
_UNUSED_IMPORTS = ("rfc3987_syntax",)


def _lean() -> None:
    """Keep modules this worker never uses from being imported (jsonschema then skips that optional check)."""
    refuse_imports(*_UNUSED_IMPORTS)


def _worker_imports() -> None:
    """What this worker needs for a run (done while its kernel starts): nbclient, papermill, the HTML exporter."""
    _lean()
    _fixed_mmap_threshold()
    import nbclient  # noqa: F401
    import papermill.parameterize  # noqa: F401

    exporter()  # loading its templates costs more than converting a page
    gc.freeze()  # what the imports made stays: the collection after each run (tidy) need not walk it


def _fixed_mmap_threshold() -> None:
    """This process's side of MALLOC_MMAP_THRESHOLD_ (see _kernel_env): the pages of a big notebook go back
    to the OS after its run (glibc only; elsewhere nothing to do)."""
    if _STATE.get("mmap_threshold"):
        return
    _STATE["mmap_threshold"] = True
    fix_mmap_threshold(128 * 1024)


def _start_kernel(data_dir: str, meanwhile=None, first: str = ""):
    """Start a kernel, retrying when it dies at start (the port race of parallel kernel starts).

    ``meanwhile()`` runs once while the kernel process starts up (this worker's own imports).
    ``first``: code sent before the kernel answers (its imports): it runs as soon as the kernel is up,
    instead of after the handshake that checks the kernel is ready, which then answers behind it.
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync  # not nbclient's copy: importing nbclient takes a second

    last = None
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        import tempfile

        # connection file (and on POSIX the IPC sockets) in a private folder, removed with the kernel
        sockets = tempfile.mkdtemp(prefix="lkip-kernel-")
        conn = os.path.join(sockets, "kernel.json")
        if os.name == "posix":
            # IPC sockets: no TCP ports to race for, nothing sent over the network
            km = AsyncKernelManager(
                kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "k"), connection_file=conn
            )
        else:
            km = AsyncKernelManager(kernel_name="python3", connection_file=conn)
        _our_kernel(km)
        forked = _from_template(km)
        _STATE["sockets"] = sockets
        try:
            if forked and meanwhile is not None:
                meanwhile, todo = None, meanwhile
                todo()  # while the template still imports: it forks the kernel only once that is done
            # jupyter_client starts the kernel in a session of its own (Ctrl-C in a terminal does not reach
            # it) and tells it our pid: ipykernel exits when this worker is gone (JPY_PARENT_PID); a kernel
            # forked from the template does the same (see `_become_kernel` in template.py)
            run_sync(km.start_kernel)(env=_kernel_env(data_dir))
            _STATE["kernel_pid"] = _kernel_pid(km)
            kc = km.client()
            kc.start_channels()
            if first:
                kc.execute(first, silent=True, store_history=False)
            if meanwhile is not None:
                meanwhile, todo = None, meanwhile
                todo()
            run_sync(kc.wait_for_ready)(timeout=60)
            return km, kc
        except Exception as exc:  # noqa: BLE001 — any start failure is retried, then reported
            last = exc
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001
                pass
            _kill_kernel()
            time.sleep(0.2 * attempt)
    raise RuntimeError(f"kernel tidak dapat dijalankan setelah {KERNEL_START_ATTEMPTS} percobaan: {last}")


def _our_kernel(km) -> None:
    """Start the kernel with lkip_helpers.pipeline.kernel rather than ipykernel_launcher (the same kernel,
    without IPython's history, and one the template can fork); a kernel spec started some other way is
    left as it is."""
    argv = list(km.kernel_spec.argv)
    for i, arg in enumerate(argv[:-1]):
        if arg == "-m" and argv[i + 1] == "ipykernel_launcher":
            argv[i + 1] = "lkip_helpers.pipeline.kernel"
            km.kernel_spec.argv = argv
            return


def _from_template(km) -> bool:
    """Have ``km`` fork its kernel from the build's kernel template, when this worker was given one and
    has not used it yet (one kernel each; see :mod:`lkip_helpers.pipeline.template`)."""
    path = _STATE.pop("template", None)
    if not path:
        return False

    def fork(cmd: list[str], env: dict, cwd: str | None):
        pid = template.fork_kernel(path, cmd, env, cwd)
        return None if pid is None else template.Forked(pid)

    launch_through(km, fork)
    return True


def _kernel(data_dir: str, meanwhile=None, first: str = ""):
    if _STATE.get("stopping") or _STATE.get("current") in _STATE.get("stopped", ()):
        raise Cancelled("kernel")  # the build is being stopped: no new kernel
    if _STATE.get("data_dir") != data_dir and "km" in _STATE:
        shutdown()
    if "km" not in _STATE:
        _STATE.pop("handed", None)
        _STATE["km"], _STATE["kc"] = _start_kernel(data_dir, meanwhile, first)
        _STATE["data_dir"] = data_dir
    return _STATE["km"], _STATE["kc"]


def _kernel_pid(km) -> int | None:
    proc = getattr(getattr(km, "provisioner", None), "process", None)
    return getattr(proc, "pid", None)


def _kill_kernel() -> None:
    """Kill this worker's kernel and everything it started, at once, and remove its socket folder.

    Safe from a signal handler or the watchdog thread: no messages to the kernel, no waiting on it.
    """
    pid = _STATE.pop("kernel_pid", None)
    if pid:
        try:
            if os.name == "posix":
                os.killpg(pid, signal.SIGKILL)  # the kernel leads its own process group (its own session)
            else:
                os.kill(pid, signal.SIGTERM)  # Windows: TerminateProcess
        except (ProcessLookupError, PermissionError, OSError):
            pass
    sockets = _STATE.pop("sockets", None)
    if sockets:
        shutil.rmtree(sockets, ignore_errors=True)


def stop_now() -> None:
    """The build was interrupted: kill this worker's kernel now and start no other (Dask workers)."""
    _STATE["stopping"] = True
    _kill_kernel()


def stop_build(build_id: str) -> None:
    """A build on a shared cluster was interrupted: drop its queued runs, kill the kernel only if it runs one.

    Other builds' runs on this worker go on; the worker stays (it is not ours to stop).
    """
    _STATE.setdefault("stopped", set()).add(build_id)
    if _STATE.get("current") == build_id:
        _kill_kernel()


def shutdown() -> None:
    """Stop this worker's kernel (called when the worker ends)."""
    from jupyter_core.utils import run_sync

    km, kc = _STATE.pop("km", None), _STATE.pop("kc", None)
    _STATE.pop("data_dir", None)
    _STATE.pop("handed", None)  # a new kernel is handed its dataset again
    if kc is not None:
        kc.stop_channels()
    if km is not None:
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 — best effort at exit
            pass
    _kill_kernel()  # whatever a polite shutdown left, and the socket folder


def warm(data_dir: str, modules: list[str], template_socket: str | None = None) -> None:
    """Start this worker's kernel and import ``modules`` in it and what a run needs here (best effort).

    Sent while the build plans. The worker imports its own modules while the kernel process starts;
    the kernel's imports are sent with the start (see ``_start_kernel``), so a kernel already there
    has them. A module that is not one (``from lkip_helpers import x``) is skipped. The objects the
    imports made are then frozen: the collection that resets the namespace before each run skips them.
    ``template_socket``: the build's kernel template, to fork the kernel from.
    """
    if template_socket and "km" not in _STATE:
        _STATE["template"] = template_socket
    try:
        _kernel(
            data_dir,
            meanwhile=_worker_imports,
            first=f"from lkip_helpers.pipeline.kernel import import_all\nimport_all({modules!r})\nimport gc\ngc.freeze()",
        )
    except Exception:  # noqa: BLE001 — a kernel that does not start is retried, and reported, by the first run
        pass
    _worker_imports()  # done already unless the kernel was there before


def allowance(task: Task | DocumentTask, base_s: float) -> tuple[int, str]:
    """Seconds allowed for ``task`` (``base_s`` + :data:`PER_ROW_S` per data row) and how, in words."""
    rows = 0
    for f in (Path(task.data_dir) / task.dataset).glob("*.csv"):
        try:
            with f.open("rb") as fh:
                rows += max(0, sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b"")) - 1)
        except OSError:
            pass  # unreadable here (a remote worker): the base alone
    seconds = int(base_s + PER_ROW_S * rows) + 1  # whole seconds: NotebookClient takes an int
    shown = f"{PER_ROW_S}".replace(".", ",")
    return seconds, f"batas {base_s:.0f} detik + {shown} detik per baris data x {rows} baris = {seconds:.0f} detik"


def _ignore(msg) -> None:
    """An output of silent code: the reply says what went wrong, in one line."""


def _silent(kc, code: str, timeout: float = 60, what: str = "", **user_expressions: str) -> dict:
    """Run code in the kernel without touching the notebook; return the reply (status, user expressions).

    ``what``: the work waited for, named with the time limit when it does not end in ``timeout`` seconds.
    """
    from jupyter_core.utils import run_sync

    try:
        reply = run_sync(kc.execute_interactive)(  # output_hook: an error's traceback is not printed to the terminal
            code,
            silent=True,
            store_history=False,
            timeout=timeout,
            user_expressions=user_expressions,
            output_hook=_ignore,
        )
    except TimeoutError:
        raise LkipError(f"{what or 'perintah di kernel'} tidak selesai dalam {timeout:.0f} detik") from None
    return reply["content"]


def _shared_mb(pid: int | str) -> float:
    """Of process ``pid``'s resident memory, what other processes map too and is counted in theirs as
    well (RSS − PSS, /proc/PID/smaps_rollup: the pages of Python, its libraries and the files both
    the worker and its kernel load). 0 where the OS does not tell."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            fields = dict(line.split(":", 1) for line in f if line.startswith(("Rss:", "Pss:")))
        return max(0, int(fields["Rss"].split()[0]) - int(fields["Pss"].split()[0])) / 1024
    except (OSError, KeyError, ValueError):
        return 0.0


def _run_memory(kc) -> dict:
    """Memory of this worker and its kernel for the run that just ended (MB).

    Linux: the peak since the run began (``_reset_peak``), and what was resident when it began,
    after the previous run was tidied away (``_enter``): a leak shows as that growing from dataset
    to dataset; ``shared_mb``: what of the two is shared pages (``_shared_mb``), so the peaks less it
    count each physical page once (PSS). Elsewhere: the peak since the process started, asked of
    the kernel itself.
    """
    kernel_pid = _STATE.get("kernel_pid") or "none"
    kernel, worker = _memory_mb(kernel_pid), _memory_mb("self")
    between = _STATE.pop("resident_mb", None)
    if kernel and worker and between is not None:
        return {
            "peak_kernel_mb": kernel[0],
            "peak_worker_mb": worker[0],
            "rss_between_mb": between,
            "shared_mb": round(_shared_mb(kernel_pid) + _shared_mb("self"), 1),
        }
    rss = _silent(kc, "0", rss="__import__('lkip_helpers.pipeline.runner', fromlist=['x']).peak_rss_kb()")
    rss = rss.get("user_expressions", {}).get("rss", {})
    kernel_kb = int(rss.get("data", {}).get("text/plain", "0")) if rss.get("status") == "ok" else 0
    return {"peak_kernel_mb": kernel_kb / 1024, "peak_worker_mb": peak_rss_kb() / 1024}


def run(task: Task | DocumentTask) -> dict:
    """Execute one notebook run and render its page, or write one form of the document; return its
    records (runs in a worker)."""
    from nbclient.exceptions import DeadKernelError

    if not Path(task.workdir).is_dir():
        raise Cancelled(task.run_id, task.workdir)  # its dataset failed and its folder is gone: no kernel needed
    once = _document_once if isinstance(task, DocumentTask) else _run_once
    try:
        return once(task)
    except (DeadKernelError, RuntimeError):
        shutdown()  # a kernel that died (or never came up) is replaced once
        return once(task)


def _enter(kc, task: Task | DocumentTask) -> None:
    """Make the kernel ready for ``task``: in its folder, with its dataset, a clean namespace, a new peak-memory reading.

    Into the run's own folder first (the previous one may be gone), then a clean namespace; a folder
    that is gone means the dataset failed meanwhile: the run is dropped, never run in whatever folder
    the kernel was in before (that may belong to another dataset still building). The dataset as the
    build checked it, so the kernel need not read and check it again (before the reset, which then
    clears the names this used); sent once while this kernel lives: loading keeps it, and loads the
    files again should they change.
    """
    handed = hash(task.handover)
    data = b64encode(task.handover) if _STATE.get("handed") != handed else b""
    adopt = f"from lkip_helpers.data.loading import adopt\nadopt(__import__('base64').b64decode({data!r}))\n"
    # the previous run's garbage collected and freed pages given back (kernel.tidy), here and in the kernel:
    # what a worker keeps between runs is only what it needs, and it is measured now
    moved = _silent(
        kc,
        f"import os\nos.chdir({task.workdir!r})\n{adopt if data else ''}get_ipython().reset(new_session=True)\n"
        "__import__('lkip_helpers.pipeline.kernel').pipeline.kernel.tidy()",
    )
    if moved.get("status") != "ok":
        raise Cancelled(task.run_id, task.workdir)
    _STATE["handed"] = handed
    tidy()
    kernel, worker = _memory_mb(_STATE.get("kernel_pid") or "none"), _memory_mb("self")
    if kernel and worker:
        _STATE["resident_mb"] = kernel[1] + worker[1]
    for pid in (_STATE.get("kernel_pid"), "self"):  # this run's own peak memory (see _run_memory)
        if pid:
            _reset_peak(pid)


def _document_once(task: DocumentTask) -> dict:
    start = time.perf_counter()
    _, kc = _kernel(task.data_dir)
    _enter(kc, task)
    seconds, why = allowance(task, DOCUMENT_BASE_S)
    reply = _silent(
        kc,
        "from lkip_helpers.report.dokumen import write_from_build\n"
        f"_lkip_record = write_from_build({task.workdir!r}, {task.dataset!r})",
        timeout=seconds,
        what=f"{task.run_id}: menulis dokumen Word dan PDF ({why})",
        record="_lkip_record",
    )
    if reply.get("status") != "ok":
        what = reply.get("evalue", "")
        raise LkipError(what if reply.get("ename") == "LkipError" else f"{reply.get('ename')}: {what}")
    shown = reply["user_expressions"]["record"]["data"]["text/plain"]  # the repr of a JSON string
    return _result(task, start, kc, kind="dokumen", record=json.loads(ast.literal_eval(shown)))


def _run_once(task: Task) -> dict:
    _lean()
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    start = time.perf_counter()
    km, kc = _kernel(task.data_dir)
    work = Path(task.workdir)
    _enter(kc, task)
    nb = load_notebook_node(task.notebook)  # papermill's loader: fills the metadata it relies on
    params = {"dataset": task.dataset, "output_dir": ".", **task.parameters}
    nb = parameterize_notebook(nb, params)
    for cell in nb.cells:  # papermill gives the injected cell a random id; a fixed one keeps runs identical
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
    seconds, why = allowance(task, CELL_BASE_S)
    client = NotebookClient(nb, km=km, kernel_name="python3", record_timing=False, timeout=seconds, allow_errors=False)
    client.kc = kc
    executed = work / "notebooks" / task.executed_name
    try:
        client.execute(cleanup_kc=False)
    except CellTimeoutError:
        raise LkipError(f"{task.run_id}: satu sel notebook tidak selesai dalam {seconds:.0f} detik ({why})") from None
    except CellExecutionError as exc:
        nbformat.write(nb, executed)
        cell = next(
            (
                c
                for c in nb.cells
                if c.cell_type == "code" and any(o.get("output_type") == "error" for o in c.get("outputs", []))
            ),
            None,
        )
        raise NotebookFailed(
            task.executed_name,
            cell.get("execution_count") if cell else None,
            exc.ename,
            exc.evalue,
            cell.source if cell else "",
        ) from None
    nbformat.write(nb, executed)
    del nb, client  # the page is made from the file: one copy of a big notebook in memory, not two
    (work / "html" / task.page_file).write_text(notebook_page(executed, task.title), encoding="utf-8")
    records = _read_json(work / REGISTRY_DIR / f"{Path(task.executed_name).stem}.json")
    return _result(task, start, kc, records=records)


def _result(task: Task | DocumentTask, start: float, kc, **what) -> dict:
    """What a task sends back: the task (without its dataset), ``what`` it made, its time, worker and memory."""
    return {
        "task": asdict(replace(task, handover=b"")),
        **what,
        "seconds": time.perf_counter() - start,
        "worker": f"{platform.node()}:{os.getpid()}",
        **_run_memory(kc),
    }


def _read_json(path: Path) -> list:
    """What a run registered (its artifacts); empty when it registered nothing."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


# --- workers that do not see the build's folders ---------------------------------------------

_RUN_LOCK = threading.Lock()  # one kernel per worker: a worker started with several threads runs one at a time


def run_remote(task: Task, payload: dict) -> dict:
    """Run ``task`` in this worker's own folder; return its result with every file it wrote as bytes.

    ``payload``: ``data`` (the dataset's files, relative path -> bytes) and its ``data_digest``,
    ``notebook`` (the notebook's JSON text), ``inputs`` (outputs of the runs it reads, path -> bytes)
    and ``helpers`` (fingerprint of the build's lkip_helpers). The dataset stays materialised
    between runs while its digest is unchanged, so the kernel's loaded dataset is reused; the
    run's own folder is removed afterwards.
    """

    with _RUN_LOCK:
        if task.build_id in _STATE.get("stopped", ()):
            raise Cancelled(task.run_id)
        if "helpers" not in _STATE:
            _STATE["helpers"] = helpers_hash()
        if payload["helpers"] != _STATE["helpers"]:
            raise LkipError(
                f"lkip_helpers di worker {platform.node()} berbeda dengan milik build ini; "
                "pasang versi yang sama di semua worker"
            )
        root = _remote_root()
        data = root / "data"
        known = _STATE.setdefault("datasets", {})  # dataset -> digest of the files materialised, oldest first
        if known.get(task.dataset) != payload["data_digest"]:
            shutil.rmtree(data / task.dataset, ignore_errors=True)
            known.pop(task.dataset, None)
            write_files(data / task.dataset, payload["data"])
            known[task.dataset] = payload["data_digest"]
            while len(known) > KEEP_DATASETS:  # a worker serving a whole province keeps only the latest
                shutil.rmtree(data / known.pop(next(iter(known))), ignore_errors=True)
        notebook = root / "notebooks" / Path(task.notebook).name
        notebook.parent.mkdir(parents=True, exist_ok=True)
        notebook.write_text(payload["notebook"], encoding="utf-8")
        work = root / "runs" / uuid.uuid4().hex

        for sub in ("notebooks", "html", "tables", "figures", REGISTRY_DIR):
            (work / sub).mkdir(parents=True, exist_ok=True)
        write_files(work, payload["inputs"])
        _STATE["current"] = task.build_id
        try:
            res = run(replace(task, notebook=str(notebook), workdir=str(work), data_dir=str(data), handover=b""))
            res["task"] = asdict(replace(task, handover=b""))
            res["outputs"] = {
                p.relative_to(work).as_posix(): p.read_bytes()
                for p in sorted(work.rglob("*"))
                if p.is_file() and p.relative_to(work).as_posix() not in payload["inputs"]
            }
            return res
        finally:
            _STATE.pop("current", None)
            shutil.rmtree(work, ignore_errors=True)


def _remote_root() -> Path:
    """This worker's private folder (inside Dask's scratch space when there is one), removed at exit."""
    if "remote_root" not in _STATE:
        import atexit
        import tempfile

        base = None
        try:
            from distributed import get_worker

            base = get_worker().local_directory
        except (ImportError, ValueError):
            pass
        root = Path(tempfile.mkdtemp(prefix="lkip-worker-", dir=base))
        atexit.register(shutil.rmtree, root, True)
        atexit.register(shutdown)  # runs first: the kernel goes before its folder
        _STATE["remote_root"] = root
    return _STATE["remote_root"]


def safe_relative(name: str) -> bool:
    """True for a relative path that stays inside its folder (files travel between machines by name)."""
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts and "\\" not in name


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """Write files received by name (a task's dataset, a remote run's outputs) under ``folder``."""
    for name, content in files.items():
        if not safe_relative(name):
            raise ValueError(f"nama file tidak sah dalam tugas: {name!r}")
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


# --- a worker never outlives the build that started it -----------------------------------------


def _die(code: int) -> None:
    _kill_kernel()
    os._exit(code)


def watch_main(main_pid: int) -> None:
    """Exit this process (and kill its kernel) within a second of ``main_pid`` ending.

    Started in every worker (local pool initializer, or ``Client.run`` on Dask workers and nannies of a
    LocalCluster): a build killed with SIGKILL cannot clean up, so its workers clean up after themselves.
    """
    if _STATE.get("watching") == main_pid:
        return
    _STATE["watching"] = main_pid
    when_gone(main_pid, lambda: _die(1), "lkip-watch-main", WATCH_INTERVAL_S)


def worker_init(main_pid: int | None = None) -> None:
    """Process-pool initializer: kernel stopped when the worker ends; worker ends when the build ends."""
    from multiprocessing import util

    # Ctrl-C reaches the whole process group: the build decides, and stops its workers itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        # asked to stop (the build was interrupted): kill the kernel first, then go, without a traceback.
        # A Python handler would wait for the main thread, which sits in a C call while a cell runs; so
        # SIGTERM is blocked in every thread (threads started later inherit this) and taken by one that waits.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})

        def on_term():
            signum = signal.sigwait({signal.SIGTERM})
            _die(128 + signum)

        threading.Thread(target=on_term, name="lkip-sigterm", daemon=True).start()
    util.Finalize(None, shutdown, exitpriority=10)
    if main_pid:
        watch_main(main_pid)
    sys.stdout.flush()
