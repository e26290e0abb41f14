"""Running a build's notebooks on workers that each keep one kernel, and the progress lines.

Three kinds of workers: a local process pool (``local``), a Dask ``LocalCluster``
(``dask``), or a Dask cluster of its own (``tcp://HOST:PORT``). Those of a cluster of its
own need not see our folders: a task carries its dataset's files and notebook
(``remote_payload``) and its outputs come back as bytes (``runner.run_remote``). A run waits
for the notebooks it reads (``metadata.lkip.after``); the first failure of a dataset drops
its other runs, and other datasets go on. Workers never outlive the build: stopped at
once when it is interrupted, and watching it when it is killed (``runner.watch_main``).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import platform
import sys
import time
from collections import Counter, OrderedDict, deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import replace
from pathlib import Path

from lkip_helpers import paths
from lkip_helpers.errors import LkipError, os_error_message
from lkip_helpers.locks import DatasetLock
from lkip_helpers.pipeline import publish, runner, template
from lkip_helpers.pipeline.fingerprint import data_hash
from lkip_helpers.pipeline.plan import DatasetBuild, depends_on
from lkip_helpers.pipeline.runner import DocumentTask, Task, write_files
from lkip_helpers.pipeline.stopping import children_ignore_sigint

CONNECT_TIMEOUT_S = 30  # how long to wait for a remote Dask scheduler
SLOTS_REFRESH_S = 5.0  # how often a Dask cluster is asked how many workers it has


def log(msg: str) -> None:
    """One progress line, at once (a log file or CI reads it as it comes).

    A reader that went away (``lkip build | head -1``) does not stop the build: its progress lines go
    nowhere, and the exit code still says whether every dataset was published.
    """
    try:
        print(msg, flush=True)
    except BrokenPipeError:
        _stdout_gone()


def _stdout_gone() -> None:
    """Point stdout at the null device: later lines, and the flush at exit, do not fail on the closed pipe."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):  # stdout replaced (tests) or already closed
        pass


# what the fork server imports before it forks a local build's workers (nbclient, papermill, the HTML exporter)
FORKSERVER_PRELOAD = ["__main__", "lkip_helpers.pipeline.preload"]


def _drop_sync_cancel_error(record: logging.LogRecord) -> bool:
    """Drop the one traceback distributed's ``sync`` prints when Ctrl-C lands while it waits (a NameError on
    ``future`` inside distributed, reported by tornado's logger): the build is stopping anyway and says so."""
    exc = record.exc_info[1] if record.exc_info else None
    return not (isinstance(exc, NameError) and "'future'" in str(exc))


class Executor:
    """A pool of workers, each keeping one kernel: local processes or a Dask cluster."""

    def __init__(self, jobs: int, scheduler: str):
        self.scheduler = scheduler
        self.jobs = jobs
        self.warming: list = []  # kept: a Dask future no one holds is cancelled
        self.template: template.Template | None = None
        # several kernels on Linux: forked from one kernel template (see warm)
        self.fork_kernels = scheduler == "local" and jobs > 1 and template.available()
        if scheduler == "local":
            methods = multiprocessing.get_all_start_methods()
            # forkserver/spawn: workers start clean rather than inheriting the planner's memory
            ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            if self.fork_kernels and ctx.get_start_method() == "forkserver":
                # the workers' imports too are made once, by the fork server, while the template makes the
                # kernels'; a worker would otherwise make them while its own kernel started
                ctx.set_forkserver_preload(FORKSERVER_PRELOAD)
            # each worker watches this process: killed outright, we still leave no worker or kernel behind
            self.pool = ProcessPoolExecutor(
                max_workers=jobs, mp_context=ctx, initializer=runner.worker_init, initargs=(os.getpid(),)
            )
        else:
            try:  # imported only when asked for: distributed is large, and optional
                from distributed import Client, LocalCluster
            except ImportError:
                raise LkipError("scheduler Dask memerlukan paket 'distributed' (pip install distributed)") from None
            logging.getLogger("tornado.application").addFilter(_drop_sync_cancel_error)
            if scheduler == "dask":
                with children_ignore_sigint():
                    self.cluster = LocalCluster(
                        n_workers=jobs,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        silence_logs=logging.ERROR,
                    )
                self.client = Client(self.cluster)
                # the cluster's processes are ours: they go when this process goes, however it ends
                self.client.run(runner.watch_main, os.getpid())
                self.client.run(runner.watch_main, os.getpid(), nanny=True)
            else:
                # a cluster of its own: its workers need not see our folders, and are not ours to stop
                self.cluster = None
                try:
                    self.client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
                except OSError as exc:
                    raise LkipError(
                        f"tidak dapat terhubung ke scheduler Dask {scheduler} dalam {CONNECT_TIMEOUT_S} detik: {exc}"
                    ) from None
        self.remote = scheduler.startswith("tcp://")
        self._slots, self._slots_at = jobs, -SLOTS_REFRESH_S
        self.build_id = f"{platform.node()}:{os.getpid()}:{time.time_ns()}"

    def slots(self) -> int:
        """How many tasks the workers run at once: ``jobs`` here, the threads of a Dask cluster's workers
        (asked of its scheduler at most every few seconds: workers come and go)."""
        if self.scheduler == "local":
            return self.jobs
        now = time.monotonic()
        if now - self._slots_at > SLOTS_REFRESH_S:
            workers = self.client.scheduler_info().get("workers", {}).values()
            self._slots, self._slots_at = max(1, sum(w.get("nthreads", 1) for w in workers)), now
        return self._slots

    def warm(self, data_dir: str, modules: list[str]) -> None:
        """Have each local worker start its kernel and import ``modules`` now (best effort, not waited for).

        On Linux with several local workers the kernels are forked from a kernel template that imports
        ``modules`` once (:mod:`lkip_helpers.pipeline.template`). A remote cluster's workers keep their
        kernels between builds; they are not asked.
        """
        if self.scheduler == "local":
            if self.fork_kernels:  # the kernels' imports made once, in the template
                try:
                    self.template = template.Template(modules, self.jobs, runner._kernel_env(data_dir))
                except OSError:
                    pass  # the workers start their kernels the usual way
            path = self.template.socket if self.template else None
            self.warming = [self.pool.submit(runner.warm, data_dir, modules, path) for _ in range(self.jobs)]
        elif not self.remote:
            self.warming = [
                self.client.submit(
                    runner.warm,
                    data_dir,
                    modules,
                    workers=[w],
                    allow_other_workers=False,
                    pure=False,
                    key=f"lkip-warm-{i}-{time.time_ns()}",
                )
                for i, w in enumerate(self.client.scheduler_info()["workers"])
            ]

    def submit(self, task: Task, payload: dict | None = None):
        """Start one run; ``payload`` (remote workers only) carries its files, see ``remote_payload``."""
        if self.scheduler == "local":
            return self.pool.submit(runner.run, task)
        key = f"lkip-{task.run_id}-{time.time_ns()}"
        if self.remote:
            # its workers load the dataset from the payload: the handed-over tables would only travel
            task = replace(task, build_id=self.build_id, handover=b"")
            return self.client.submit(runner.run_remote, task, payload, pure=False, key=key)
        return self.client.submit(runner.run, task, pure=False, key=key)

    def wait_any(self, futures):
        if self.scheduler == "local":
            return wait(list(futures), return_when=FIRST_COMPLETED).done
        # Dask: poll instead of blocking in distributed's sync(), where a Ctrl-C arriving at the wrong
        # moment makes its event loop print a traceback (a NameError inside distributed)
        while True:
            done = {f for f in futures if f.done()}
            if done:
                return done
            time.sleep(0.05)

    def cancel(self, fut) -> bool:
        """Drop a run not started yet; False if it already runs."""
        return fut.cancel()

    def close(self, hard: bool = False) -> None:
        """Stop the workers: after their runs (``hard=False``), or at once with their kernels."""
        if self.template is not None:
            self.template.stop()
            self.template = None
        if self.scheduler == "local":
            if hard:
                # SIGTERM: each worker kills its kernel's process group, then exits (runner.worker_init)
                procs = list((getattr(self.pool, "_processes", None) or {}).values())
                for p in procs:
                    with contextlib.suppress(Exception):
                        p.terminate()
                deadline = time.monotonic() + 5
                for p in procs:
                    p.join(max(0.1, deadline - time.monotonic()))
                    if p.is_alive():
                        p.kill()
                        p.join(2)
            self.pool.shutdown(wait=True, cancel_futures=True)
        elif hard:
            with contextlib.suppress(Exception):  # runs beside a busy task; a kernel left would exit with its worker
                if self.remote:  # a shared cluster: only this build's runs stop (the queued ones go with
                    self.client.run(runner.stop_build, self.build_id)  # our client, below); its workers stay
                else:
                    self.client.run(runner.stop_now)
            with contextlib.suppress(Exception):
                self.client.close(timeout=5)
            if self.cluster is not None:
                with contextlib.suppress(Exception):
                    self.cluster.close(timeout=10)
        else:
            if self.scheduler == "dask":
                self.client.run(runner.shutdown)
            self.client.close()
            if self.cluster is not None:
                self.cluster.close()


def remote_payload(b: DatasetBuild, t: Task, needs: set[str]) -> dict:
    """What a worker without our folders needs for one run: the dataset's files, the notebook's JSON,
    the outputs of the notebooks it reads (``metadata.lkip.after``, already in ``b.tmp``) and the
    fingerprint of our lkip_helpers. A dataset is small (tens of kB), so each task carries it whole.
    """
    folder = paths.dataset_dir(b.dataset)
    data = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    inputs = {}
    for u in b.tasks:
        if Path(u.notebook).stem not in needs:
            continue
        run = b.reused.get(u.run_id) or b.results.get(u.run_id)
        names = {f for r in run["records"] for f in r["files"]} | {
            f"notebooks/{u.executed_name}",
            f"html/{u.page_file}",
        }
        inputs.update({f: (b.tmp / f).read_bytes() for f in sorted(names) if (b.tmp / f).is_file()})
    return {
        "data": data,
        "data_digest": b.inputs["data"],
        "notebook": Path(t.notebook).read_text(encoding="utf-8"),
        "inputs": inputs,
        "helpers": b.inputs["helpers"],
    }


QUEUED_PER_WORKER = 2  # runs waiting per worker (here, not yet sent) before the next dataset is planned


def execute(builds: list[DatasetBuild], ex: Executor) -> list[dict]:
    """Plan, run and publish each dataset, in turn, on ``ex``; return the results of the runs.

    A dataset is planned (its data loaded and checked) only when the workers have few runs left
    queued, so they start at once and a batch never waits for all of its datasets to be checked.
    Once a dataset's runs are done its document is written by two workers (Word and PDF at once;
    by this process when the workers do not see our folders), then it is published
    (``publish.finish``): a long batch puts out each dataset as it completes. A run waits for the
    notebooks it reads (``metadata.lkip.after``). A dataset's first failure is recorded at once
    (``publish.fail``): its folder goes, so its runs still queued are dropped by the workers.
    """
    waiting = deque(builds)
    pending: OrderedDict[str, tuple[DatasetBuild, Task | DocumentTask]] = OrderedDict()
    running: dict = {}
    left: Counter = Counter()  # per dataset: its tasks not finished yet
    needs: dict[str, set[str]] = {}
    results: list[dict] = []
    progress = Progress(len(builds))
    held: dict[str, DatasetLock | None] = {}  # the locks of the datasets being built

    def blocked(t: Task | DocumentTask) -> bool:
        """A run waits while a notebook it reads from (same dataset) is still to run or running."""
        if isinstance(t, DocumentTask):
            return False
        active = [x for _, x in [*pending.values(), *running.values()] if isinstance(x, Task)]
        return any(x.dataset == t.dataset and Path(x.notebook).stem in needs[t.notebook] for x in active)

    def queue(b: DatasetBuild, tasks: list, first: bool = False) -> None:
        for t in tasks:
            pending[t.run_id] = (b, t)
            if first:  # a dataset's last tasks go before other datasets' runs: it is done sooner
                pending.move_to_end(t.run_id, last=False)
        left[b.dataset] += len(tasks)

    def ended(b: DatasetBuild) -> None:
        lock = held.pop(b.dataset, None)
        if lock is not None:
            lock.release()
        progress.dataset_ended(failed=bool(b.error))

    def plan(b: DatasetBuild) -> None:
        try:
            held[b.dataset] = _lock(b.dataset)  # no lkip import or lkip new writes the dataset while it builds
            # what the build reads, fingerprinted under the lock and before it is read: publish compares (check_snapshot)
            b.inputs["data"] = data_hash(b.dataset)
            b.plan()
        except LkipError as exc:
            b.error = str(exc)
            ended(b)
            return
        publish.start(b)
        if b.reused:
            log(f"[{b.dataset}] {len(b.pending)} notebook dijalankan, {len(b.reused)} tidak berubah")
        for t in b.pending:
            needs.setdefault(t.notebook, set(depends_on(Path(t.notebook))))
        queue(b, b.pending)
        if not b.pending:
            runs_done(b)

    def runs_done(b: DatasetBuild) -> None:
        if b.document and not ex.remote:
            queue(b, publish.document_tasks(b), first=True)
        else:
            finish(b)

    def finish(b: DatasetBuild) -> None:
        try:
            publish.finish(b)
        except OSError as exc:  # e.g. a full disk: this dataset keeps its previous outputs
            b.error = f"{os_error_message(exc)}. Output sebelumnya di {b.final} tidak diubah."
        except LkipError as exc:  # the document, written here for workers that do not see our folders
            b.error = f"{exc}. Output sebelumnya di {b.final} tidak diubah."
        else:
            if b.removed:
                log(publish.removed_line(b.dataset, b.final, b.removed))
            log(f"[{b.dataset}] selesai: {b.final / 'html' / 'index.html'}")
        b.ds = None  # a long batch keeps only the datasets still building
        ended(b)

    def loop() -> None:
        while waiting or pending or running:
            slots = ex.slots()
            while waiting and len(pending) < QUEUED_PER_WORKER * slots:
                plan(waiting.popleft())
            for rid, (b, t) in list(pending.items()):
                if b.error:
                    pending.pop(rid)
                    continue
                if len(running) >= 2 * slots:  # one running and one queued per worker: the rest wait here, in order
                    break
                if not blocked(t):
                    pending.pop(rid)
                    payload = remote_payload(b, t, needs[t.notebook]) if ex.remote else None
                    running[ex.submit(t, payload)] = (b, t)
            if not running:
                if not pending:
                    continue  # more datasets to plan, or none: the loop ends
                # nothing runs and every run left waits for another: the notebooks' metadata.lkip.after make a
                # circle; every dataset would meet it, so none is built further
                for b in [*(b for b, _ in pending.values()), *waiting]:
                    b.error = b.error or "notebook saling menunggu: metadata lkip.after membentuk lingkaran"
                break
            for fut in ex.wait_any(running):
                b, t = running.pop(fut)
                try:
                    res = fut.result()
                    if "outputs" in res and not b.error:  # a remote run: its files come back as bytes
                        write_files(b.tmp, res.pop("outputs"))
                except Exception as exc:  # noqa: BLE001 — any failure is reported for its dataset
                    if b.error:  # the dataset already failed: its other runs (Cancelled or not) are dropped quietly
                        continue
                    publish.fail(b, t, exc)
                    log(f"[{t.dataset}] {_name(t)} GAGAL")
                    ended(b)
                    for other, (ob, _) in list(running.items()):  # its runs not started yet are dropped
                        if ob is b and ex.cancel(other):
                            running.pop(other)
                    continue
                if b.error:
                    continue
                results.append(res)
                left[b.dataset] -= 1
                if isinstance(t, DocumentTask):
                    b.document_record = res["record"]
                    log(f"[{t.dataset}] {_name(t)} ditulis ({res['seconds']:.1f} s)")
                    if not left[b.dataset]:
                        finish(b)
                    continue
                b.results[t.run_id] = res
                log(f"[{t.dataset}] {len(b.results)}/{len(b.pending)} {_name(t)} selesai ({res['seconds']:.1f} s)")
                if not left[b.dataset]:
                    runs_done(b)

    try:
        loop()
    finally:  # interrupted, or datasets left unbuilt (a circle of notebooks): their locks go too
        for lock in held.values():
            if lock is not None:
                lock.release()
    return results


def _lock(dataset: str) -> DatasetLock | None:
    """Take the dataset's lock for this build; None when the data folder is read-only to us (then no lkip of
    ours writes it either, and the snapshot still catches a change made some other way)."""
    try:
        return DatasetLock(dataset, "lkip build").acquire()
    except OSError:
        return None


def _name(t: Task | DocumentTask) -> str:
    """How a progress line names a task: the executed notebook, or the documents."""
    return "dokumen LKIP" if isinstance(t, DocumentTask) else Path(t.executed_name).stem


class Progress:
    """One line per finished dataset of a batch: done / total, failed, time left. Plain lines, no
    carriage returns, so a log file (CI) reads as well as a terminal."""

    def __init__(self, datasets: int):
        self.n = datasets
        self.done = self.failed = 0
        self.start = time.perf_counter()

    def dataset_ended(self, failed: bool = False) -> None:
        self.done += 1
        self.failed += failed
        if self.n < 2:
            return
        # datasets are planned as the batch goes, so the time left comes from the datasets done so far
        left = (time.perf_counter() - self.start) / self.done * (self.n - self.done)
        log(
            f"[batch] {self.done}/{self.n} dataset selesai, {self.failed} gagal, "
            f"perkiraan sisa {int(left // 60)} mnt {int(left % 60):02d} dtk"
        )
