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
kernels, and the next build (or ``lkip build --bersihkan``) removes the temporary folders it left:
its processes' all lie under ``<TMPDIR>/lkip-build-<pid>/`` (``scratch``).

One dataset, one writer: a build holds the dataset's lock (``locks``, shared with ``lkip import`` and
``lkip new``) from its plan to its swap, and refuses to publish when the dataset's files changed under
it all the same (``publish.check_snapshot``). A folder under ``data/`` that is no dataset is said in
one line; the batch goes on. A closed stdout (``| head``) does not stop it (``executors.log``).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import sys
import time
from pathlib import Path

from lkip_helpers import locks, paths
from lkip_helpers.errors import LkipError
from lkip_helpers.files import real_place
from lkip_helpers.pipeline import publish, scratch
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
    with stoppable(), scratch.build_folder():  # every temporary folder of the build's processes in one place
        return _build_many(datasets, force, threshold, jobs, scheduler, document)


def dataset_folders() -> list[str]:
    """``lkip build --all``: every folder under ``data/`` but hidden ones (staging folders), sorted.

    Unlike ``paths.list_datasets``, a folder that is no dataset (a bad name, no metadata.yml) is listed:
    the batch says so in one line and goes on with the others (``build_many``).
    """
    root = paths.data_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def _not_a_dataset(dataset: str) -> str | None:
    """Why ``data/<dataset>`` cannot be built, in one line; None when it can be tried."""
    folder = paths.data_dir() / dataset
    try:
        paths.check_dataset_id(dataset)
    except LkipError:
        suggestion = re.sub(r"[^a-z0-9._-]+", "-", dataset.lower()).strip("-._") or "dinkes-contoh-2024"
        return (
            f"folder {folder} dilewati: id dataset tidak sah: {dataset!r}; ganti nama foldernya dengan huruf kecil, "
            f"angka, '-', '_' atau '.' (mis. {suggestion})"
        )
    if not folder.is_dir():
        return f"dataset {dataset!r} tidak ditemukan di {paths.data_dir()}"
    if not (folder / "metadata.yml").is_file():
        return (
            f"folder {folder} dilewati: tidak ada metadata.yml, jadi bukan dataset; tambahkan metadata.yml "
            "(lihat lkip new) atau pindahkan folder itu keluar dari folder data"
        )
    return None


def _outputs_place(b: DatasetBuild) -> str | None:
    """Stage ``b`` beside the folder its outputs go to; why it cannot be built there (one line), or None.

    An ``outputs/<dataset>`` that is a symbolic link (to another disk) is written through: the new outputs are
    made beside the folder it points to and swapped in there (``files.replace_folder``); the link stays.
    """
    if not b.final.is_symlink():
        return None
    target = real_place(b.final)
    if not target.is_dir():
        return (
            f"{b.final} adalah tautan ke {target}, yang tidak ada atau bukan folder; buat folder itu, "
            "atau hapus tautannya agar lkip build membuat folder biasa"
        )
    b.tmp = target.parent / f".tmp-{target.name}-{os.getpid()}"  # same file system as the target: a rename
    return None


def _build_many(
    datasets: list[str], force: bool, threshold: float, jobs: int | None, scheduler: str, document: bool
) -> int:
    start, cpu = time.perf_counter(), time.process_time()
    jobs = jobs or os.cpu_count() or 1
    builds, failures, reused = [], 0, 0
    for dataset in dict.fromkeys(datasets):
        why = _not_a_dataset(dataset)  # said, and the batch goes on with the other datasets
        if why is None:
            b = DatasetBuild(dataset, threshold, force, document)
            publish.clean_stale(b.final)  # folders left by a killed build go even when nothing needs rebuilding
            why = _outputs_place(b)
        if why is not None:
            print(f"lkip: {why}", file=sys.stderr, flush=True)
            failures += 1
            continue
        if b.up_to_date():
            removed = publish.remove_strays(b)  # e.g. a notebook run by hand with output_dir pointed there
            if removed:
                log(publish.removed_line(dataset, b.final, removed))
            log(f"[{dataset}] tidak berubah — dilewati ({paths.output_dir(dataset) / 'html' / 'index.html'})")
            reused += 1
            continue
        try:
            locks.check_free(dataset)  # held by an lkip import, say: said now, before any worker starts
        except LkipError as exc:
            print(f"lkip: {exc}", file=sys.stderr, flush=True)
            failures += 1
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
    published = any(not b.error for b in builds)
    if published or reused and not (paths.outputs_dir() / "index.html").is_file():
        write_outputs_index()  # also when only reused datasets are there and the overview is not
    if published:
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
