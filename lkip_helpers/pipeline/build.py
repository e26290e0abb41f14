"""``lkip build``: run the notebooks of one or many datasets and write ``outputs/<dataset>/``.

The way of a build, one module each: ``plan`` (which runs; skip what has not changed,
``fingerprint``) -> ``executors`` (the runs on parallel workers, ``runner`` on their side)
-> ``publish`` (per dataset: document, manifest and index, then one swap into place).
A notebook re-runs only when its inputs changed: the notebook, the dataset's files, its
parameters, or ``lkip_helpers``. A failure leaves that dataset's previous outputs untouched
and keeps the failed notebook under ``outputs/_gagal/<dataset>/``; the dataset's other runs
are dropped and other datasets go on. The no-op path uses only the standard library, so an
unchanged rebuild answers in well under a second. Workers start their kernels while the plan
is made. On a cluster of its own (``--scheduler tcp://``) a task carries its dataset's files
and notebook and returns its outputs as bytes: no shared disk.

Stopping: Ctrl-C (SIGINT) or SIGTERM stops the workers and their kernels, removes the
temporary folders and leaves the previous outputs as they were; ``lkip`` then exits 130
(SIGINT) or 143 (SIGTERM), the shell's 128 + signal number (``stopping``). A build killed
outright (SIGKILL) cannot clean up: its workers notice within a second and stop with their
kernels, and the next build removes the temporary folder it left.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import time
from pathlib import Path

from lkip_helpers import paths
from lkip_helpers.errors import LkipError
from lkip_helpers.pipeline import publish
from lkip_helpers.pipeline.executors import CONNECT_TIMEOUT_S, Executor, execute, log, remote_payload
from lkip_helpers.pipeline.fingerprint import data_hash, helpers_hash
from lkip_helpers.pipeline.plan import (
    STATE_FILE,
    DatasetBuild,
    depends_on,
    is_per_indikator,
    notebook_imports,
    notebook_title,
    notebooks,
    page_id,
)
from lkip_helpers.pipeline.publish import FAILED_DIR, REPORT_FILE, write_manifest, write_outputs_index
from lkip_helpers.pipeline.stopping import Interrupted, stoppable

__all__ = [  # what users, the benchmark and the tests import from here
    "CONNECT_TIMEOUT_S",
    "FAILED_DIR",
    "REPORT_FILE",
    "STATE_FILE",
    "BuildError",
    "DatasetBuild",
    "Interrupted",
    "build",
    "build_many",
    "data_hash",
    "depends_on",
    "helpers_hash",
    "is_per_indikator",
    "notebook_imports",
    "notebook_title",
    "notebooks",
    "page_id",
    "remote_payload",
    "write_manifest",
    "write_outputs_index",
]


class BuildError(LkipError):
    """A notebook failed; the message names it, the cell and where the failed notebook is."""


def build_many(
    datasets: list[str],
    force: bool = False,
    threshold: float = 100.0,
    jobs: int | None = None,
    scheduler: str = "local",
    document: bool = True,
) -> int:
    """Build datasets (only what changed unless ``force``); return the CLI exit code.

    Raises ``Interrupted`` on Ctrl-C or SIGTERM, after stopping workers and kernels and removing the
    temporary folders (previous outputs untouched).
    """
    if scheduler not in ("local", "dask") and not scheduler.startswith("tcp://"):
        raise LkipError(f"scheduler tidak dikenal: {scheduler!r}; gunakan local, dask atau tcp://HOST:PORT")
    with stoppable():
        return _build_many(datasets, force, threshold, jobs, scheduler, document)


def _build_many(
    datasets: list[str], force: bool, threshold: float, jobs: int | None, scheduler: str, document: bool
) -> int:
    start, cpu = time.perf_counter(), time.process_time()
    jobs = jobs or os.cpu_count() or 1
    builds, failures = [], 0
    for dataset in dict.fromkeys(datasets):
        paths.check_dataset_id(dataset)
        if not paths.dataset_dir(dataset).is_dir():
            print(f"lkip: dataset {dataset!r} tidak ditemukan di {paths.data_dir()}", file=sys.stderr, flush=True)
            failures += 1
            continue
        b = DatasetBuild(dataset, threshold, force, document)
        publish.clean_stale(b.final)  # folders left by a killed build go even when nothing needs rebuilding
        if b.up_to_date():
            removed = publish.remove_strays(b)  # e.g. a notebook run by hand with output_dir pointed there
            if removed:
                log(publish.removed_line(dataset, b.final, removed))
            log(f"[{dataset}] tidak berubah — dilewati ({paths.output_dir(dataset) / 'html' / 'index.html'})")
            continue
        builds.append(b)
    ex = None
    results = []
    try:
        if builds:
            # workers start their kernels and import what the notebooks import while the first plan is made
            ex = Executor(max(1, min(jobs, len(builds) * len(notebooks()))), scheduler)
            # (and, when they will write documents, the Word and PDF libraries: every dataset then finds the
            # kernel as the one before left it, and memory reads the same from the first dataset to the last)
            documents = ["lkip_helpers.report.dokumen"] if any(b.document for b in builds) else []
            ex.warm(str(paths.data_dir()), notebook_imports() + documents)
            results = execute(builds, ex)
            # all done (or nothing ran: bad data, all reused): local workers and their kernels hold nothing
            # worth a polite shutdown, so they are stopped at once; a Dask cluster's are closed in its own way
            ex.close(hard=scheduler == "local" or not results)
            ex = None
    finally:
        if ex is not None:
            ex.close(hard=True)  # interrupted or broken: workers and kernels are stopped at once
        for b in builds:
            shutil.rmtree(b.tmp, ignore_errors=True)
    for b in builds:
        if b.error:
            failures += 1
            print(f"lkip: {b.error}", file=sys.stderr, flush=True)
    if any(not b.error for b in builds):
        write_outputs_index()
        publish.write_report(
            results, jobs, scheduler, time.perf_counter() - start, len(builds), failures, time.process_time() - cpu
        )
    return 2 if failures else 0


def build(
    dataset: str,
    threshold: float = 100.0,
    force: bool = True,
    jobs: int | None = None,
    scheduler: str = "local",
    document: bool = True,
) -> Path:
    """Build one dataset (python API); raise BuildError on failure; return its output folder."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = build_many(
            [dataset], force=force, threshold=threshold, jobs=jobs, scheduler=scheduler, document=document
        )
    if code:
        raise BuildError(err.getvalue().strip().removeprefix("lkip: "))
    return paths.output_dir(dataset)
