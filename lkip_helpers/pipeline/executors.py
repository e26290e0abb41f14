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
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import replace
from pathlib import Path

from lkip_helpers import paths
from lkip_helpers.errors import LkipError
from lkip_helpers.pipeline import publish, runner
from lkip_helpers.pipeline.plan import DatasetBuild, depends_on
from lkip_helpers.pipeline.runner import Task, write_files
from lkip_helpers.pipeline.stopping import children_ignore_sigint

CONNECT_TIMEOUT_S = 30  # how long to wait for a remote Dask scheduler


def log(msg: str) -> None:
    """One progress line, at once (a log file or CI reads it as it comes)."""
    print(msg, flush=True)


class Executor:
    """A pool of workers, each keeping one kernel: local processes or a Dask cluster."""

    def __init__(self, jobs: int, scheduler: str):
        self.scheduler = scheduler
        self.jobs = jobs
        self.warming: list = []  # kept: a Dask future no one holds is cancelled
        if scheduler == "local":
            methods = multiprocessing.get_all_start_methods()
            # forkserver/spawn: workers start clean rather than inheriting the planner's memory
            ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            # each worker watches this process: killed outright, we still leave no worker or kernel behind
            self.pool = ProcessPoolExecutor(
                max_workers=jobs, mp_context=ctx, initializer=runner.worker_init, initargs=(os.getpid(),)
            )
        else:
            try:  # imported only when asked for: distributed is large, and optional
                from distributed import Client, LocalCluster
            except ImportError:
                raise LkipError("scheduler Dask memerlukan paket 'distributed' (pip install distributed)") from None
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
        self.build_id = f"{platform.node()}:{os.getpid()}:{time.time_ns()}"

    def warm(self, data_dir: str, modules: list[str]) -> None:
        """Have each local worker start its kernel and import ``modules`` now (best effort, not waited for).

        A remote cluster's workers keep their kernels between builds; they are not asked.
        """
        if self.scheduler == "local":
            self.warming = [self.pool.submit(runner.warm, data_dir, modules) for _ in range(self.jobs)]
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


def execute(builds: list[DatasetBuild], ex: Executor) -> list[dict]:
    """Run every pending task on ``ex``, respecting notebook dependencies; record results or failures.

    A dataset's first failure is recorded at once (``publish.fail``): its folder goes, so its runs
    still queued are dropped by the workers.
    """
    pending = {t.run_id: (b, t) for b in builds for t in b.pending}
    if not pending:
        return []
    needs = {nb: set(depends_on(Path(nb))) for nb in {t.notebook for _, t in pending.values()}}

    def blocked(t: Task) -> bool:
        """A run waits while a notebook it reads from (same dataset) is still to run or running."""
        active = [x for _, x in pending.values()] + [x for _, x in running.values()]
        return any(x.dataset == t.dataset and Path(x.notebook).stem in needs[t.notebook] for x in active)

    total = len(pending)
    done_count = 0
    results = []
    running = {}
    progress = Progress(Counter(t.dataset for _, t in pending.values()))
    while pending or running:
        for rid, (b, t) in list(pending.items()):
            if b.error:
                pending.pop(rid)
                continue
            if not blocked(t):
                pending.pop(rid)
                running[ex.submit(t, remote_payload(b, t, needs[t.notebook]) if ex.remote else None)] = (b, t)
        if not running:
            break
        for fut in ex.wait_any(running):
            b, t = running.pop(fut)
            done_count += 1
            name = Path(t.executed_name).stem
            try:
                res = fut.result()
                if "outputs" in res and not b.error:  # a remote run: its files come back as bytes
                    write_files(b.tmp, res.pop("outputs"))
            except Exception as exc:  # noqa: BLE001 — any failure is reported for its dataset
                if b.error:  # the dataset already failed: its other runs (Cancelled or not) are dropped quietly
                    continue
                publish.fail(b, t, exc)
                log(f"[{t.dataset}] {done_count}/{total} {name} GAGAL")
                progress.dataset_ended(t.dataset, done_count, total, failed=True)
                for other, (ob, _) in list(running.items()):  # its runs not started yet are dropped
                    if ob is b and ex.cancel(other):
                        running.pop(other)
                continue
            if b.error:
                continue
            b.results[t.run_id] = res
            results.append(res)
            log(f"[{t.dataset}] {done_count}/{total} {name} selesai ({res['seconds']:.1f} s)")
            progress.run_ended(t.dataset, done_count, total)
    return results


class Progress:
    """One line per finished dataset of a batch: done / total, failed, time left. Plain lines, no
    carriage returns, so a log file (CI) reads as well as a terminal."""

    def __init__(self, runs_left: Counter):
        self.runs_left = runs_left
        self.n = len(runs_left)
        self.done = self.failed = 0
        self.start = time.perf_counter()

    def run_ended(self, dataset: str, runs_done: int, runs_total: int) -> None:
        self.runs_left[dataset] -= 1
        if self.runs_left[dataset] == 0:
            self.dataset_ended(dataset, runs_done, runs_total)

    def dataset_ended(self, dataset: str, runs_done: int, runs_total: int, failed: bool = False) -> None:
        self.runs_left[dataset] = 0
        self.done += 1
        self.failed += failed
        if self.n < 2:
            return
        # from runs rather than datasets: datasets differ in size, runs far less
        left = (time.perf_counter() - self.start) / runs_done * (runs_total - runs_done)
        log(
            f"[batch] {self.done}/{self.n} dataset selesai, {self.failed} gagal, "
            f"perkiraan sisa {int(left // 60)} mnt {int(left % 60):02d} dtk"
        )
