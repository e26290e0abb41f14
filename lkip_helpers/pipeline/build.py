"""``lkip build``: run the notebooks of one or many datasets and write ``outputs/<dataset>/``.

Plan -> skip what has not changed -> execute the rest on parallel workers (a local
process pool or Dask) -> per dataset: write manifest and index, then swap the new
folder into place. A notebook re-runs only when its inputs changed: the notebook,
the dataset's files, its parameters, or ``lkip_helpers``. A failure leaves that
dataset's previous outputs untouched and keeps the failed notebook under
``outputs/_gagal/<dataset>/``; the dataset's other runs are dropped and other datasets
go on. The no-op path uses only the standard library, so an unchanged rebuild answers in
well under a second. Workers start their kernels while the plan is made. On a cluster of
its own (``--scheduler tcp://``) a task carries its dataset's files and notebook and
returns its outputs as bytes (``remote_payload``, ``runner.run_remote``): no shared disk.

Stopping: Ctrl-C (SIGINT) or SIGTERM stops the workers and their kernels, removes the
temporary folders and leaves the previous outputs as they were; ``lkip`` then exits 130
(SIGINT) or 143 (SIGTERM), the shell's 128 + signal number. A build killed outright
(SIGKILL) cannot clean up: its workers notice within a second and stop with their kernels,
and the next build removes the temporary folder it left.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from lkip_helpers import __version__, paths
from lkip_helpers.errors import LkipError, os_error_message
from lkip_helpers.pipeline.runner import NotebookFailed, Task, process_alive, write_files

FAILED_DIR = "_gagal"
STATE_FILE = ".build-state.json"
REPORT_FILE = "build-report.json"
CONNECT_TIMEOUT_S = 30  # how long to wait for a remote Dask scheduler
_HELPERS = Path(__file__).resolve().parent.parent  # the whole package: its code is an input of every run


class BuildError(LkipError):
    """A notebook failed; the message names it, the cell and where the failed notebook is."""


class Interrupted(KeyboardInterrupt):
    """The build was asked to stop (Ctrl-C or SIGTERM); ``exit_code`` is the shell's 128 + signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
        self.exit_code = 128 + signum


def _log(msg: str) -> None:
    print(msg, flush=True)


_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")


def _one_line(text: str) -> str:
    """A message for a terminal line: no colour codes (tracebacks from kernels carry them), no line breaks."""
    return " ".join(_ANSI.sub("", str(text)).split())


# --- stopping on request -------------------------------------------------------------------

_critical = {"depth": 0, "pending": None}


def _on_signal(signum, frame) -> None:
    if _critical["depth"]:
        _critical["pending"] = signum  # a swap of folders is never cut in half; stop right after it
        return
    for sig in _STOP_SIGNALS:  # one request is enough: the clean-up itself must not be interrupted
        signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signum)


_STOP_SIGNALS = [signal.SIGINT] + ([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])


@contextlib.contextmanager
def _stoppable():
    """While building, Ctrl-C and SIGTERM raise ``Interrupted`` (SIGTERM would otherwise kill us unclean)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach only the main thread: a build run from a thread is stopped by its caller
        return
    old = {sig: signal.signal(sig, _on_signal) for sig in _STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def _uninterrupted():
    """A step that must finish once begun (renaming folders); a stop request waits for its end."""
    _critical["depth"] += 1
    try:
        yield
    finally:
        _critical["depth"] -= 1
        signum, _critical["pending"] = _critical["pending"], None
        if signum is not None and not _critical["depth"]:
            _on_signal(signum, None)


@contextlib.contextmanager
def _children_ignore_sigint():
    """Processes started meanwhile ignore Ctrl-C (they inherit SIG_IGN): the build stops them itself.

    Dask's worker processes would otherwise each print a KeyboardInterrupt traceback. A Ctrl-C in
    this short window (the cluster starting) is not seen; the next one is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _write_atomic(path: Path, text: str) -> None:
    """Write a text file whole or not at all (a full disk must not leave half a file)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# --- inputs and their fingerprints (stdlib only) ----------------------------------------


def _digest(files: list[Path], root: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(f.relative_to(root).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def helpers_hash() -> str:
    """Fingerprint of the package code: any change re-runs every notebook."""
    return _digest([p for p in _HELPERS.rglob("*.py")], _HELPERS)


def data_hash(dataset: str) -> str:
    folder = paths.dataset_dir(dataset)
    return _digest([p for p in folder.rglob("*") if p.is_file()], folder)


def notebooks() -> list[Path]:
    """The notebooks in run order (``NN_name.ipynb``)."""
    found = sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise LkipError(f"tidak ada notebook di {paths.NOTEBOOKS_DIR}")
    return found


def _nb_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def notebook_title(path: Path) -> str:
    """The first Markdown heading of a notebook."""
    for cell in _nb_json(path)["cells"]:
        if cell["cell_type"] == "markdown":
            for line in _source(cell).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def is_per_indicator(path: Path) -> bool:
    """True for notebooks run once per indicator (their parameters cell sets ``indikator``)."""
    cells = [c for c in _nb_json(path)["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    return any(line.strip().startswith("indikator =") for c in cells for line in _source(c).splitlines())


def depends_on(path: Path) -> list[str]:
    """Notebooks (stems) whose outputs this one reads: ``metadata.lkip.after`` in the notebook."""
    return list(_nb_json(path).get("metadata", {}).get("lkip", {}).get("after", []))


def notebook_imports() -> list[str]:
    """The ``lkip_helpers`` modules the notebooks import (a worker imports them before its first run)."""
    pattern = re.compile(r"^\s*from (lkip_helpers(?:\.\w+)*) import ([\w, ]+)|^\s*import (lkip_helpers[\w.]*)", re.M)
    found = set()
    for nb in notebooks():
        for cell in _nb_json(nb)["cells"]:
            for m in pattern.finditer(_source(cell)) if cell["cell_type"] == "code" else ():
                if m.group(3):
                    found.add(m.group(3))
                elif m.group(1) == "lkip_helpers":  # from lkip_helpers import charts, kinerja: modules
                    found.update(f"lkip_helpers.{n.strip()}" for n in m.group(2).split(",") if n.strip())
                else:
                    found.add(m.group(1))
    return sorted(found)


def page_id(path: Path) -> str:
    """Artifact id of a notebook's HTML page, e.g. ``halaman-bab3-capaian``."""
    return "halaman-" + path.stem.split("_", 1)[1].replace("_", "-")


# --- one dataset's build ------------------------------------------------------------------


@dataclass
class DatasetBuild:
    """Everything about building one dataset: inputs, plan, previous state, results."""

    dataset: str
    threshold: float
    force: bool
    document: bool = True  # also write dokumen/lkip-<dataset>.docx and .pdf
    final: Path = field(init=False)
    tmp: Path = field(init=False)
    inputs: dict = field(default_factory=dict)
    old: dict = field(default_factory=dict)
    tasks: list[Task] = field(default_factory=list)
    reused: dict = field(default_factory=dict)  # run_id -> previous run record
    results: dict = field(default_factory=dict)  # run_id -> worker result
    error: str = ""

    def __post_init__(self):
        self.final = paths.output_dir(self.dataset)
        self.tmp = self.final.parent / f".tmp-{self.dataset}-{os.getpid()}"

    def up_to_date(self) -> bool:
        """Stdlib-only check: same inputs as the last good build and every file still there."""
        nbs = notebooks()
        self.inputs = {
            "data": data_hash(self.dataset),
            "helpers": helpers_hash(),
            "notebooks": _digest(nbs, paths.NOTEBOOKS_DIR),
            "threshold": self.threshold,
            "document": self.document,
            "version": __version__,
        }
        state = self.final / STATE_FILE
        if not state.is_file() or not (self.final / "manifest.json").is_file():
            return False
        try:
            self.old = json.loads(state.read_text(encoding="utf-8"))
        except ValueError:
            return False
        if self.force or self.old.get("inputs") != self.inputs:
            return False
        return all((self.final / f).is_file() for run in self.old["runs"].values() for f in run["files"])

    def plan(self) -> None:
        """Validate the data, list every run, and decide which can be reused."""
        from lkip_helpers.analysis.drilldown import below_threshold
        from lkip_helpers.data.loading import load_for_handover

        # bad data stops here, before anything is written; the kernels take the dataset as loaded here
        self.ds, handover = load_for_handover(self.dataset)
        names = self.ds.indikator.set_index("indikator_id")["short_name"]
        data_dir = str(paths.data_dir())
        nb_hash = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in notebooks()}
        for nb in notebooks():
            if is_per_indicator(nb):
                variants = [
                    (
                        {"indikator": i},
                        f"{nb.stem}--{i}.ipynb",
                        f"indikator-{i}.html",
                        f"indikator-{i}",
                        f"Indikator: {names[i]}",
                    )
                    for i in below_threshold(self.ds, self.threshold)
                ]
            else:
                variants = [({}, nb.name, f"{nb.stem}.html", page_id(nb), notebook_title(nb))]
            for params, executed, page, pid, title in variants:
                key = hashlib.sha256(
                    json.dumps(
                        [nb_hash[nb], self.inputs["data"], self.inputs["helpers"], params, __version__], sort_keys=True
                    ).encode()
                ).hexdigest()
                self.tasks.append(
                    Task(self.dataset, str(nb), params, executed, page, pid, title, str(self.tmp), data_dir, key)
                )
        for t in self.tasks:
            t.handover = handover
        previous = self.old.get("runs", {}) if not self.force else {}
        for t in self.tasks:
            prev = previous.get(t.executed_name)
            if prev and prev["key"] == t.key and all((self.final / f).is_file() for f in prev["files"]):
                self.reused[t.run_id] = prev

    def start(self) -> None:
        """Make the temporary folder and copy in the outputs of reused runs."""
        _clean_stale(self.final)
        shutil.rmtree(self.tmp, ignore_errors=True)
        for sub in ("notebooks", "html", "tables", "figures", paths.REGISTRY_DIR):
            (self.tmp / sub).mkdir(parents=True, exist_ok=True)
        for prev in self.reused.values():
            for f in prev["files"]:
                (self.tmp / f).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(self.final / f, self.tmp / f)

    @property
    def pending(self) -> list[Task]:
        return [t for t in self.tasks if t.run_id not in self.reused]

    def finish(self) -> None:
        """Write manifest, index and state; swap into place."""
        from lkip_helpers.report.dokumen import read_stream, write_documents
        from lkip_helpers.report.html import index_page

        runs, records, pages = {}, [], []
        for t in self.tasks:
            if t.run_id in self.reused:
                run = self.reused[t.run_id]
            else:
                res = self.results[t.run_id]
                files = sorted(
                    {f for r in res["records"] for f in r["files"]}
                    | {f"notebooks/{t.executed_name}", f"html/{t.page_file}"}
                )
                run = {
                    "key": t.key,
                    "files": files,
                    "records": res["records"],
                    "stream": read_stream(self.tmp, t.executed_name),
                    "page": {
                        "id": t.page_id,
                        "kind": "page",
                        "title": t.title,
                        "notebook": Path(t.notebook).name,
                        "files": [f"html/{t.page_file}", f"notebooks/{t.executed_name}"],
                    },
                }
            for r in run["records"]:
                records.append({**r, "notebook": f"{r['notebook'].split('--')[0]}.ipynb"})
            pages.append({**run["page"], "file": run["page"]["files"][0].split("/", 1)[1]})
            runs[t.executed_name] = run
        if self.document:
            records += write_documents(self.tmp, self.ds, [(t, runs[t.executed_name]) for t in self.tasks])
        index = {
            "id": "indeks",
            "kind": "page",
            "title": "Ringkasan dan daftar halaman",
            "notebook": None,
            "files": ["html/index.html"],
        }
        all_records = records + [{k: v for k, v in p.items() if k != "file"} for p in pages] + [index]
        (self.tmp / "html" / "index.html").write_text(index_page(self.ds, pages, all_records), encoding="utf-8")
        write_manifest(self.tmp, self.ds, all_records)
        shutil.rmtree(self.tmp / paths.REGISTRY_DIR, ignore_errors=True)
        (self.tmp / STATE_FILE).write_text(
            json.dumps({"inputs": self.inputs, "runs": runs}, indent=1, ensure_ascii=False), encoding="utf-8"
        )
        with _uninterrupted():
            _swap(self.tmp, self.final)
        shutil.rmtree(paths.outputs_dir() / FAILED_DIR / self.dataset, ignore_errors=True)

    def fail(self, task: Task, exc: BaseException) -> None:
        """Keep the failed notebook, drop the temporary folder, describe what failed (one line)."""
        if isinstance(exc, NotebookFailed):
            first = exc.source.strip().splitlines()[:1]
            what = (
                f"notebook {task.executed_name} gagal pada sel [{exc.cell}] ({first[0] if first else ''}): "
                f"{exc.ename}: {exc.evalue}"
            )
        elif isinstance(exc, OSError):
            what = f"notebook {task.executed_name} gagal: {os_error_message(exc)}"
        else:
            what = f"notebook {task.executed_name} gagal: {type(exc).__name__}: {exc}"
        kept = self._keep_failed(task)
        where = f" Notebook yang gagal disimpan di {kept};" if kept else ""
        self.error = _one_line(f"{what}.{where} output sebelumnya di {self.final} tidak diubah.")
        # the dataset's runs still queued find their folder gone and are dropped (runner.Cancelled)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _keep_failed(self, task: Task) -> Path | None:
        """Copy the failed notebook to ``_gagal/<dataset>/``, whole or not at all; return where."""
        src = self.tmp / "notebooks" / task.executed_name
        if not src.is_file():
            return None
        failed = paths.outputs_dir() / FAILED_DIR / self.dataset
        kept = failed / task.executed_name
        part = failed / f".{task.executed_name}.{os.getpid()}.tmp"
        try:
            failed.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, part)
            os.replace(part, kept)
            return kept
        except OSError:  # e.g. a full disk: the message says what failed; no half-written copy stays
            part.unlink(missing_ok=True)
            for folder in (failed, failed.parent):
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only when empty
            return None


def write_manifest(folder: Path, ds, records: list[dict]) -> None:
    """``manifest.json``: every artifact with id, kind, title, notebook and files, plus headline figures."""
    from lkip_helpers.report.overview import audit_count

    ids = [r["id"] for r in records]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise LkipError(f"artifact id ganda: {', '.join(dupes)}")
    headline = _headline(ds)
    headline.update(
        {
            "instansi": ds.agency,
            "wilayah": ds.region,
            "status": "draft" if ds.draft else "final",
            "n_temuan_audit": audit_count(folder, records),
        }
    )
    # strict JSON: a value not computable yet (a draft) is null, not NaN
    headline = {k: (None if isinstance(v, float) and v != v else v) for k, v in headline.items()}
    manifest = {
        "dataset": ds.id,
        "title": ds.title,
        "year": ds.year,
        "synthetic": ds.synthetic,
        "generator": f"lkip_helpers {__version__}",
        "headline": headline,
        "artifacts": records,
    }
    (folder / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, allow_nan=False), encoding="utf-8"
    )


def _headline(ds) -> dict:
    """Headline figures of the manifest; a figure the data cannot give yet (a draft) is None."""
    from lkip_helpers.analysis import anggaran, kinerja

    m = kinerja.measured(ds)
    headline = {
        "rata_rata_capaian_pct": None,
        "n_indikator": int(len(m)),
        "n_tercapai": None,
        "pagu_rp": None,
        "realisasi_rp": None,
        "serapan_pct": None,
    }
    if len(m):
        _, overall = kinerja.sasaran_summary(ds)
        headline["rata_rata_capaian_pct"] = round(overall, 4)
        if m["capaian_pct"].notna().any():  # nothing measured yet: how many reached target is unknown
            headline["n_tercapai"] = int(m["tercapai"].sum())
    tree = anggaran.anggaran_tree(ds)
    if (tree["depth"] == 0).any():
        pagu, real, serapan = anggaran.total(ds)
        headline.update(pagu_rp=pagu, realisasi_rp=real, serapan_pct=round(serapan, 4))
    return headline


def _swap(new: Path, final: Path) -> None:
    """Put ``new`` in place of ``final``; the old folder is removed only once the new one is there."""
    old = final.parent / f".old-{final.name}-{os.getpid()}"
    had_old = final.exists()
    if had_old:
        final.rename(old)
    try:
        new.rename(final)
    except OSError:
        if had_old:
            old.rename(final)  # the previous outputs go back where they were
        raise
    shutil.rmtree(old, ignore_errors=True)


def _clean_stale(final: Path) -> None:
    """Remove temporary folders left by builds of this dataset that were killed."""
    pattern = re.compile(rf"^\.(tmp|old)-{re.escape(final.name)}-(\d+)$")
    if not final.parent.is_dir():
        return
    for p in final.parent.iterdir():
        m = pattern.match(p.name)
        if not m or int(m.group(2)) == os.getpid():
            continue
        old_enough = time.time() - p.stat().st_mtime > 86400
        if not process_alive(int(m.group(2))) or (os.name != "posix" and old_enough):
            if m.group(1) == "old" and not final.exists():
                p.rename(final)  # a swap was interrupted between its two renames: restore the good outputs
            else:
                shutil.rmtree(p, ignore_errors=True)


# --- scheduling ------------------------------------------------------------------------------


class _Executor:
    """A pool of workers, each keeping one kernel: local processes or a Dask cluster."""

    def __init__(self, jobs: int, scheduler: str):
        self.scheduler = scheduler
        self.jobs = jobs
        self.warming: list = []  # kept: a Dask future no one holds is cancelled
        if scheduler == "local":
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from lkip_helpers.pipeline.runner import worker_init

            methods = multiprocessing.get_all_start_methods()
            # forkserver/spawn: workers start clean rather than inheriting the planner's memory
            ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            # each worker watches this process: killed outright, we still leave no worker or kernel behind
            self.pool = ProcessPoolExecutor(
                max_workers=jobs, mp_context=ctx, initializer=worker_init, initargs=(os.getpid(),)
            )
        else:
            try:
                from distributed import Client, LocalCluster
            except ImportError:
                raise LkipError("scheduler Dask memerlukan paket 'distributed' (pip install distributed)") from None
            if scheduler == "dask":
                import logging

                from lkip_helpers.pipeline.runner import watch_main

                with _children_ignore_sigint():
                    self.cluster = LocalCluster(
                        n_workers=jobs,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        silence_logs=logging.ERROR,
                    )
                self.client = Client(self.cluster)
                # the cluster's processes are ours: they go when this process goes, however it ends
                self.client.run(watch_main, os.getpid())
                self.client.run(watch_main, os.getpid(), nanny=True)
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
        from lkip_helpers.pipeline.runner import warm

        if self.scheduler == "local":
            self.warming = [self.pool.submit(warm, data_dir, modules) for _ in range(self.jobs)]
        elif not self.remote:
            self.warming = [
                self.client.submit(
                    warm,
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
        from lkip_helpers.pipeline.runner import run, run_remote

        if self.scheduler == "local":
            return self.pool.submit(run, task)
        key = f"lkip-{task.run_id}-{time.time_ns()}"
        if self.remote:
            return self.client.submit(run_remote, replace(task, build_id=self.build_id), payload, pure=False, key=key)
        return self.client.submit(run, task, pure=False, key=key)

    def wait_any(self, futures):
        if self.scheduler == "local":
            from concurrent.futures import FIRST_COMPLETED, wait

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
            from lkip_helpers.pipeline.runner import stop_build, stop_now

            with contextlib.suppress(Exception):  # runs beside a busy task; a kernel left would exit with its worker
                if self.remote:  # a shared cluster: only this build's runs stop (the queued ones go with
                    self.client.run(stop_build, self.build_id)  # our client, below); its workers stay
                else:
                    self.client.run(stop_now)
            with contextlib.suppress(Exception):
                self.client.close(timeout=5)
            if self.cluster is not None:
                with contextlib.suppress(Exception):
                    self.cluster.close(timeout=10)
        else:
            if self.scheduler == "dask":
                from lkip_helpers.pipeline.runner import shutdown

                self.client.run(shutdown)
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


def _execute(builds: list[DatasetBuild], ex: _Executor) -> list[dict]:
    """Run every pending task on ``ex``, respecting notebook dependencies; record results or failures."""
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
    progress = _Progress(Counter(t.dataset for _, t in pending.values()))
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
                b.fail(t, exc)
                _log(f"[{t.dataset}] {done_count}/{total} {name} GAGAL")
                progress.dataset_ended(t.dataset, done_count, total, failed=True)
                for other, (ob, _) in list(running.items()):  # its runs not started yet are dropped
                    if ob is b and ex.cancel(other):
                        running.pop(other)
                continue
            if b.error:
                continue
            b.results[t.run_id] = res
            results.append(res)
            _log(f"[{t.dataset}] {done_count}/{total} {name} selesai ({res['seconds']:.1f} s)")
            progress.run_ended(t.dataset, done_count, total)
    return results


class _Progress:
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
        _log(
            f"[batch] {self.done}/{self.n} dataset selesai, {self.failed} gagal, "
            f"perkiraan sisa {int(left // 60)} mnt {int(left % 60):02d} dtk"
        )


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
    with _stoppable():
        return _build_many(datasets, force, threshold, jobs, scheduler, document)


def _build_many(
    datasets: list[str], force: bool, threshold: float, jobs: int | None, scheduler: str, document: bool
) -> int:
    from lkip_helpers.paths import check_dataset_id

    start = time.perf_counter()
    jobs = jobs or os.cpu_count() or 1
    builds, failures = [], 0
    for dataset in dict.fromkeys(datasets):
        check_dataset_id(dataset)
        if not paths.dataset_dir(dataset).is_dir():
            print(f"lkip: dataset {dataset!r} tidak ditemukan di {paths.data_dir()}", file=sys.stderr, flush=True)
            failures += 1
            continue
        b = DatasetBuild(dataset, threshold, force, document)
        _clean_stale(b.final)  # folders left by a killed build go even when nothing needs rebuilding
        if b.up_to_date():
            _log(f"[{dataset}] tidak berubah — dilewati ({paths.output_dir(dataset) / 'html' / 'index.html'})")
            continue
        builds.append(b)
    ex = None
    try:
        if builds:
            # workers start their kernels and import what the notebooks import while the plan is made
            ex = _Executor(max(1, min(jobs, len(builds) * len(notebooks()))), scheduler)
            ex.warm(str(paths.data_dir()), notebook_imports())
        for b in builds:
            try:
                b.plan()
            except LkipError as exc:
                b.error = str(exc)
                continue
            b.start()
            if b.reused:
                _log(f"[{b.dataset}] {len(b.pending)} notebook dijalankan, {len(b.reused)} tidak berubah")
        ready = [b for b in builds if not b.error]
        results = _execute(ready, ex) if ex else []
        if ex:
            # nothing ran (bad data, all reused): the warming workers are stopped at once, not waited for
            ex.close(hard=not any(b.pending for b in ready))
            ex = None
        for b in builds:
            if not b.error:
                try:
                    b.finish()
                except OSError as exc:  # e.g. a full disk: this dataset keeps its previous outputs
                    b.error = f"{os_error_message(exc)}. Output sebelumnya di {b.final} tidak diubah."
                    continue
                _log(f"[{b.dataset}] selesai: {b.final / 'html' / 'index.html'}")
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
        _write_report(results, jobs, scheduler, time.perf_counter() - start, len(builds), failures)
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
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = build_many(
            [dataset], force=force, threshold=threshold, jobs=jobs, scheduler=scheduler, document=document
        )
    if code:
        raise BuildError(err.getvalue().strip().removeprefix("lkip: "))
    return paths.output_dir(dataset)


def _write_report(
    results: list[dict], jobs: int, scheduler: str, seconds: float, datasets: int = 0, failed: int = 0
) -> None:
    """Timings and peak memory per worker of the last build (read by the benchmark)."""
    workers: dict[str, dict] = {}
    for r in results:  # in the order the runs finished
        w = workers.setdefault(r["worker"], {"runs": 0, "peak_kernel_mb": 0.0, "peak_worker_mb": 0.0})
        w["runs"] += 1
        w["peak_kernel_mb"] = max(w["peak_kernel_mb"], r["peak_kernel_mb"])
        w["peak_worker_mb"] = max(w["peak_worker_mb"], r["peak_worker_mb"])
        # peak so far after the worker's first dataset and after its last: equal when memory stays flat
        seen = {"dataset": r["task"]["dataset"], "peak_mb": round(r["peak_kernel_mb"] + r["peak_worker_mb"], 1)}
        if w.get("first", seen)["dataset"] == seen["dataset"]:
            w["first"] = seen
        w["last"] = seen
    report = {
        "jobs": jobs,
        "scheduler": scheduler,
        "seconds": round(seconds, 3),
        "runs": len(results),
        "datasets": datasets,
        "failed": failed,
        "workers": workers,
    }
    out = paths.outputs_dir()
    out.mkdir(parents=True, exist_ok=True)
    _write_atomic(out / REPORT_FILE, json.dumps(report, indent=1))


def write_outputs_index() -> None:
    """``outputs/index.html``: the overview of every built agency-year (see :mod:`lkip_helpers.report.overview`)."""
    from lkip_helpers.report.overview import write_overview

    write_overview()
