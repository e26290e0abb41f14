"""The worker side of a build: run notebooks on a kernel that stays alive between them.

A fresh kernel and the imports of pandas, matplotlib and seaborn cost seconds per
notebook; a worker pays them once. Before each notebook the kernel's namespace is
reset (``reset(new_session=True)``) and its working directory set to the run's output
folder, so each notebook starts clean and writes where it should. The same task
function serves the local process pool and Dask workers.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

KERNEL_START_ATTEMPTS = 3
_STATE: dict = {}  # per worker process: the kernel manager and client


@dataclass
class Task:
    """One notebook run, everything a worker needs (picklable)."""

    dataset: str
    notebook: str            # path of the source notebook
    parameters: dict         # extra parameters (e.g. indikator)
    executed_name: str       # file name of the executed notebook
    page_file: str           # file name of the HTML page
    page_id: str
    title: str
    workdir: str             # the dataset's temporary output folder
    data_dir: str            # LKIP_DATA_DIR for the kernel
    key: str = ""            # incremental-build key (inputs hash)

    @property
    def run_id(self) -> str:
        return f"{self.dataset}/{self.executed_name}"


class NotebookFailed(Exception):
    """A cell raised: carries what the build reports to the user."""

    def __init__(self, executed: str, cell: int | None, ename: str, evalue: str, source: str):
        super().__init__(f"{executed}: {ename}: {evalue}")
        self.executed, self.cell, self.ename, self.evalue, self.source = executed, cell, ename, evalue, source

    def __reduce__(self):  # travels back from worker processes
        return (NotebookFailed, (self.executed, self.cell, self.ename, self.evalue, self.source))


def peak_rss_kb() -> int:
    """Peak resident memory of this process in KiB (0 where the OS does not tell)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS reports bytes


def _kernel_env(data_dir: str) -> dict:
    env = dict(os.environ)
    env["LKIP_DATA_DIR"] = data_dir
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def _start_kernel(data_dir: str):
    """Start a kernel, retrying when it dies at start (the port race of parallel kernel starts)."""
    from jupyter_client.manager import AsyncKernelManager
    from nbclient.util import run_sync

    last = None
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        if os.name == "posix":
            # IPC sockets in a private folder: no TCP ports to race for, nothing sent over the network
            import tempfile

            km = AsyncKernelManager(kernel_name="python3", transport="ipc",
                                    ip=os.path.join(tempfile.mkdtemp(prefix="lkip-kernel-"), "k"))
        else:
            km = AsyncKernelManager(kernel_name="python3")
        try:
            run_sync(km.start_kernel)(env=_kernel_env(data_dir))
            kc = km.client()
            kc.start_channels()
            run_sync(kc.wait_for_ready)(timeout=60)
            return km, kc
        except Exception as exc:  # noqa: BLE001 — any start failure is retried, then reported
            last = exc
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001
                pass
            time.sleep(0.2 * attempt)
    raise RuntimeError(f"kernel tidak dapat dijalankan setelah {KERNEL_START_ATTEMPTS} percobaan: {last}")


def _kernel(data_dir: str):
    if _STATE.get("data_dir") != data_dir and "km" in _STATE:
        shutdown()
    if "km" not in _STATE:
        _STATE["km"], _STATE["kc"] = _start_kernel(data_dir)
        _STATE["data_dir"] = data_dir
    return _STATE["km"], _STATE["kc"]


def shutdown() -> None:
    """Stop this worker's kernel (called when the worker ends)."""
    from nbclient.util import run_sync

    km, kc = _STATE.pop("km", None), _STATE.pop("kc", None)
    _STATE.pop("data_dir", None)
    if kc is not None:
        kc.stop_channels()
    if km is not None:
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 — best effort at exit
            pass


def _silent(kc, code: str) -> dict:
    """Run code in the kernel without touching the notebook; return user expressions."""
    from nbclient.util import run_sync

    reply = run_sync(kc.execute_interactive)(code, silent=True, store_history=False, timeout=60,
                                             user_expressions={"rss": "__import__('lkip_helpers.runner', "
                                                                      "fromlist=['x']).peak_rss_kb()"})
    return reply["content"].get("user_expressions", {})


def run(task: Task) -> dict:
    """Execute one notebook run and render its page; return its records (runs in a worker)."""
    from nbclient.exceptions import DeadKernelError

    try:
        return _run_once(task)
    except (DeadKernelError, RuntimeError):
        shutdown()  # a kernel that died (or never came up) is replaced once
        return _run_once(task)


def _run_once(task: Task) -> dict:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from .html import notebook_page
    from .paths import REGISTRY_DIR

    start = time.perf_counter()
    km, kc = _kernel(task.data_dir)
    work = Path(task.workdir)
    # a folder removed because another run of the dataset failed must not raise in the kernel's console
    _silent(kc, "get_ipython().reset(new_session=True)\nimport os\n"
                       f"try:\n    os.chdir({str(work)!r})\nexcept OSError:\n    pass")
    nb = load_notebook_node(task.notebook)  # papermill's loader: fills the metadata it relies on
    params = {"dataset": task.dataset, "output_dir": ".", **task.parameters}
    nb = parameterize_notebook(nb, params)
    for cell in nb.cells:  # papermill gives the injected cell a random id; a fixed one keeps runs identical
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
    client = NotebookClient(nb, km=km, kernel_name="python3", record_timing=False, timeout=900,
                            allow_errors=False)
    client.kc = kc
    executed = work / "notebooks" / task.executed_name
    try:
        client.execute(cleanup_kc=False)
    except CellExecutionError as exc:
        nbformat.write(nb, executed)
        cell = next((c for c in nb.cells if c.cell_type == "code" and any(
            o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        raise NotebookFailed(task.executed_name, cell.get("execution_count") if cell else None,
                             exc.ename, exc.evalue, cell.source if cell else "") from None
    nbformat.write(nb, executed)
    (work / "html" / task.page_file).write_text(notebook_page(executed, task.title), encoding="utf-8")
    registry = work / REGISTRY_DIR / f"{Path(task.executed_name).stem}.json"
    records = json.loads(registry.read_text(encoding="utf-8")) if registry.exists() else []
    rss = _silent(kc, "0").get("rss", {})
    kernel_kb = int(rss.get("data", {}).get("text/plain", "0")) if rss.get("status") == "ok" else 0
    worker_kb = peak_rss_kb()
    return {"task": asdict(task), "records": records, "seconds": time.perf_counter() - start,
            "worker": f"{os.uname().nodename}:{os.getpid()}", "peak_kernel_mb": kernel_kb / 1024,
            "peak_worker_mb": worker_kb / 1024}


def worker_init() -> None:
    """Process-pool initializer: stop the kernel when the worker process ends."""
    from multiprocessing import util

    util.Finalize(None, shutdown, exitpriority=10)
    sys.stdout.flush()
