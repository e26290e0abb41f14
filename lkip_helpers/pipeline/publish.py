"""A dataset's outputs, from its temporary folder into ``outputs/<dataset>/``, in one swap.

``start`` makes the temporary folder ``outputs/.tmp-<dataset>-<pid>`` and copies in the
outputs of reused runs; the workers write the others there. ``finish`` adds the document,
``html/index.html``, ``manifest.json`` and the build state (with every file it wrote), then swaps
the folder into place (``files.replace_folder``): a file the published folder held that this build
did not write — a notebook run by hand with ``output_dir`` pointed there — goes, and the build says
so in one line (``removed_line``); an unchanged dataset is cleaned the same way (``remove_strays``).
Before the swap, ``check_snapshot`` refuses a dataset whose files changed since the build read them.
``fail`` keeps the failed notebook under ``outputs/_gagal/<dataset>/`` and drops the temporary
folder: the previous outputs stay as they were. Across datasets: ``outputs/index.html`` and
``build-report.json``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
from pathlib import Path

from lkip_helpers import __version__, paths
from lkip_helpers.errors import LkipError, os_error_message
from lkip_helpers.files import real_place, replace_folder, write_atomic, write_text_atomic
from lkip_helpers.locks import process_alive
from lkip_helpers.pipeline.fingerprint import data_hash
from lkip_helpers.pipeline.plan import STATE_FILE, DatasetBuild, files_under
from lkip_helpers.pipeline.runner import DocumentTask, NotebookFailed, Task
from lkip_helpers.pipeline.stopping import uninterrupted
from lkip_helpers.report.overview import audit_count, write_overview

FAILED_DIR = "_gagal"  # outputs/_gagal/<dataset>/: the notebook that failed, kept for reading
REPORT_FILE = "build-report.json"  # outputs/: timings and memory of the last build (read by the benchmark)

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")


def _one_line(text: str) -> str:
    """A message for a terminal line: no colour codes (tracebacks from kernels carry them), no line breaks."""
    return " ".join(_ANSI.sub("", str(text)).split())


# --- one dataset ---------------------------------------------------------------------------------


def start(b: DatasetBuild) -> None:
    """Make the temporary folder and copy in the outputs of reused runs."""
    clean_stale(b.final)
    shutil.rmtree(b.tmp, ignore_errors=True)
    for sub in ("notebooks", "html", "tables", "figures", paths.REGISTRY_DIR):
        (b.tmp / sub).mkdir(parents=True, exist_ok=True)
    for prev in b.reused.values():
        for f in prev["files"]:
            (b.tmp / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(b.final / f, b.tmp / f)


def _runs(b: DatasetBuild) -> dict[str, dict]:
    """Every run of the dataset by executed name, in notebook order: reused, or just run."""
    runs = {}
    for t in b.tasks:
        if t.run_id in b.reused:
            runs[t.executed_name] = b.reused[t.run_id]
            continue
        res = b.results[t.run_id]
        files = sorted(
            {f for r in res["records"] for f in r["files"]} | {f"notebooks/{t.executed_name}", f"html/{t.page_file}"}
        )
        runs[t.executed_name] = {
            "key": t.key,
            "files": files,
            "records": res["records"],
            "page": {
                "id": t.page_id,
                "kind": "page",
                "title": t.title,
                "notebook": Path(t.notebook).name,
                "files": [f"html/{t.page_file}", f"notebooks/{t.executed_name}"],
            },
        }
    return runs


def document_tasks(b: DatasetBuild) -> list[DocumentTask]:
    """The documents (LKIP and verification note, Word and PDF) as one task for a worker, once the dataset's
    runs are done.

    They are composed from the data, not from the runs; they wait for the runs so that a dataset whose
    notebooks fail is not given documents, and so that they can reuse the figures the runs drew."""
    handover = b.tasks[0].handover if b.tasks else b""
    return [DocumentTask(b.dataset, str(b.tmp), str(paths.data_dir()), handover=handover)]


def finish(b: DatasetBuild) -> None:
    """Write the manifest, index and state (and the document, unless the workers wrote it); swap the folder
    into place."""
    # imported here, not at the top: they load pandas, and an unchanged rebuild needs only the standard library
    from lkip_helpers.report.front import index_page
    from lkip_helpers.report.html import write_package_marker

    runs, records, pages = _runs(b), [], []
    for t in b.tasks:
        run = runs[t.executed_name]
        for r in run["records"]:
            records.append({**r, "notebook": f"{r['notebook'].split('--')[0]}.ipynb"})
        pages.append({**run["page"], "file": run["page"]["files"][0].split("/", 1)[1]})
    if b.document and b.document_record:
        records += b.document_record  # written by the workers (document_tasks)
    elif b.document:
        from lkip_helpers.report.dokumen import write_documents  # Word and PDF libraries: only when asked for

        records += write_documents(b.tmp, b.ds, drawn=b.tmp / "figures")
    index = {
        "id": "indeks",
        "kind": "page",
        "title": "Ringkasan dan daftar halaman",
        "notebook": None,
        "files": ["html/index.html"],
    }
    all_records = records + [{k: v for k, v in p.items() if k != "file"} for p in pages] + [index]
    (b.tmp / "html" / "index.html").write_text(index_page(b.ds, pages, all_records), encoding="utf-8")
    write_package_marker(b.tmp / "html")  # beside the pages: they show their links to the rest of the report
    write_manifest(b.tmp, b.ds, all_records)
    shutil.rmtree(b.tmp / paths.REGISTRY_DIR, ignore_errors=True)
    written = files_under(b.tmp) | {STATE_FILE}  # everything the published folder will hold
    (b.tmp / STATE_FILE).write_text(
        json.dumps({"inputs": b.inputs, "runs": runs, "files": sorted(written)}, indent=1, ensure_ascii=False),
        encoding="utf-8",
    )
    b.removed = sorted(files_under(b.final) - written)  # what the swap drops: said by the caller (removed_line)
    check_snapshot(b)
    with uninterrupted():
        replace_folder(b.tmp, b.final)
    shutil.rmtree(paths.outputs_dir() / FAILED_DIR / b.dataset, ignore_errors=True)


def check_snapshot(b: DatasetBuild) -> None:
    """Refuse to publish when the dataset's files changed since the build read them (``b.inputs['data']``,
    taken when the build began with it): the runs may have read some files before the change and some after,
    and a report mixing the two must not be published."""
    if data_hash(b.dataset) != b.inputs.get("data"):
        raise LkipError(
            f"data {b.dataset} berubah selama build ({paths.dataset_dir(b.dataset)}), maka laporan tidak diterbitkan "
            f"agar tidak mencampur data lama dan baru; jalankan lagi lkip build {b.dataset}"
        )


def fail(b: DatasetBuild, task: Task | DocumentTask, exc: BaseException) -> None:
    """Keep the failed notebook, drop the temporary folder, describe what failed (one line)."""
    if isinstance(task, DocumentTask):
        what = str(exc) if isinstance(exc, LkipError) else f"dokumen LKIP gagal: {type(exc).__name__}: {exc}"
    elif isinstance(exc, NotebookFailed):
        first = exc.source.strip().splitlines()[:1]
        what = (
            f"notebook {task.executed_name} gagal pada sel [{exc.cell}] ({first[0] if first else ''}): "
            f"{exc.ename}: {exc.evalue}"
        )
    elif isinstance(exc, OSError):
        what = f"notebook {task.executed_name} gagal: {os_error_message(exc)}"
    else:
        what = f"notebook {task.executed_name} gagal: {type(exc).__name__}: {exc}"
    kept = None if isinstance(task, DocumentTask) else _keep_failed(b, task)
    where = f" Notebook yang gagal disimpan di {kept};" if kept else ""
    b.error = _one_line(f"{what}.{where} output sebelumnya di {b.final} tidak diubah.")
    # the dataset's runs still queued find their folder gone and are dropped (runner.Cancelled)
    shutil.rmtree(b.tmp, ignore_errors=True)


def _keep_failed(b: DatasetBuild, task: Task) -> Path | None:
    """Copy the failed notebook to ``_gagal/<dataset>/``, whole or not at all; return where."""
    src = b.tmp / "notebooks" / task.executed_name
    if not src.is_file():
        return None
    failed = paths.outputs_dir() / FAILED_DIR / b.dataset
    kept = failed / task.executed_name
    try:
        failed.mkdir(parents=True, exist_ok=True)
        write_atomic(kept, lambda part: shutil.copyfile(src, part))
        return kept
    except OSError:  # e.g. a full disk: the message says what failed; no half-written copy stays
        for folder in (failed, failed.parent):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty
        return None


def write_manifest(folder: Path, ds, records: list[dict]) -> None:
    """``manifest.json``: every artifact with id, kind, title, notebook and files, plus headline figures."""
    ids = [r["id"] for r in records]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise LkipError(f"id artefak ganda: {', '.join(dupes)}")
    angka_ringkasan = _angka_ringkasan(ds)
    angka_ringkasan.update(
        {
            "instansi": ds.agency,
            "wilayah": ds.region,
            "status": "draft" if ds.draft else "final",
            "n_temuan_audit": audit_count(folder, records),
        }
    )
    # strict JSON: a value not computable yet (a draft) is null, not NaN
    angka_ringkasan = {k: (None if isinstance(v, float) and v != v else v) for k, v in angka_ringkasan.items()}
    manifest = {
        "dataset": ds.id,
        "title": ds.title,
        "year": ds.year,
        "synthetic": ds.synthetic,
        "generator": f"lkip_helpers {__version__}",
        "headline": angka_ringkasan,
        "artifacts": records,
    }
    (folder / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, allow_nan=False), encoding="utf-8"
    )


def _angka_ringkasan(ds) -> dict:
    """Headline figures of the manifest; a figure the data cannot give yet (a draft) is None."""
    # imported here, not at the top: it loads pandas, and an unchanged rebuild needs only the standard library
    from lkip_helpers.analysis.ringkasan import angka_ringkasan

    return angka_ringkasan(ds).as_dict()


# --- what the build did not write -------------------------------------------------------------


def remove_strays(b: DatasetBuild) -> list[str]:
    """Remove from an unchanged dataset's published folder every file its last build did not write; return them.

    Folders left empty by that go too (only those: a folder the build made empty stays).
    """
    removed = b.strays()
    folders = set()
    for name in removed:
        path = b.final / name
        path.unlink(missing_ok=True)
        folders.update(p for p in path.parents if p != b.final and b.final in p.parents)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):  # deepest first
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty
    return removed


def removed_line(dataset: str, final: Path, removed: list[str], shown: int = 10) -> str:
    """The one line that says which files a build removed from a published folder because it did not write them.

    >>> removed_line("contoh-2023", Path("outputs/contoh-2023"), ["tables/a.csv"])
    '[contoh-2023] 1 file yang tidak ditulis lkip build dihapus dari outputs/contoh-2023: tables/a.csv'
    >>> removed_line("c", Path("o/c"), [f"f{i}" for i in range(4)], shown=2)
    '[c] 4 file yang tidak ditulis lkip build dihapus dari o/c: f0, f1 dan 2 lainnya'
    """
    names = ", ".join(removed[:shown]) + (f" dan {len(removed) - shown} lainnya" if len(removed) > shown else "")
    return f"[{dataset}] {len(removed)} file yang tidak ditulis lkip build dihapus dari {final.as_posix()}: {names}"


# --- what a killed build left ------------------------------------------------------------------


def clean_stale(final: Path) -> None:
    """Remove temporary folders left by builds of this dataset that were killed.

    For an ``outputs/<dataset>`` that is a symbolic link, also those beside the folder it points to (where
    its swap happens, ``files.real_place``).
    """
    for place in dict.fromkeys([final, real_place(final)]):
        _clean_beside(place)


def _clean_beside(final: Path) -> None:
    # .tmp-<dataset>-<pid> (DatasetBuild.tmp) and .old-<dataset>-<pid> (files.aside)
    pattern = re.compile(rf"^\.(tmp|old)-{re.escape(final.name)}-(\d+)$")
    if not final.parent.is_dir():
        return
    for p in final.parent.iterdir():
        m = pattern.match(p.name)
        if not m or int(m.group(2)) == os.getpid():
            continue
        old_enough = time.time() - p.lstat().st_mtime > 86400
        if not process_alive(int(m.group(2))) or (os.name != "posix" and old_enough):
            if m.group(1) == "old" and not final.exists() and not final.is_symlink():
                p.rename(final)  # a swap was interrupted between its two renames: restore the good outputs
            elif p.is_symlink():
                p.unlink()  # a link set aside by a build older than real_place: the folder it points to stays
            else:
                shutil.rmtree(p, ignore_errors=True)


# --- across datasets -----------------------------------------------------------------------------


def write_report(
    results: list[dict],
    jobs: int,
    scheduler: str,
    seconds: float,
    datasets: int = 0,
    failed: int = 0,
    cpu_seconds: float = 0.0,
) -> None:
    """Timings and memory per worker of the last build (read by the benchmark).

    Per worker (its process and its kernel): the highest peak of any run, and for the first and the
    last dataset it ran, that dataset's peak and the most it kept resident between two of its runs
    (``rss_between_mb``, where the OS tells): flat from first to last when nothing accumulates.
    Peaks twice: the two processes' resident sets added (``peak_*_mb``: pages both map, such as
    Python's own libraries, counted twice) and with shared pages counted once (``*_pss_mb``, PSS).
    """
    workers: dict[str, dict] = {}
    for r in results:  # in the order the runs finished
        w = workers.setdefault(r["worker"], {"runs": 0, "documents": 0, "peak_kernel_mb": 0.0, "peak_worker_mb": 0.0})
        kind = "documents" if r.get("kind") == "dokumen" else "runs"
        w[kind] += 1
        w["peak_kernel_mb"] = max(w["peak_kernel_mb"], r["peak_kernel_mb"])
        w["peak_worker_mb"] = max(w["peak_worker_mb"], r["peak_worker_mb"])
        dataset, peak = r["task"]["dataset"], round(r["peak_kernel_mb"] + r["peak_worker_mb"], 1)
        pss = round(peak - r.get("shared_mb", 0.0), 1)
        # the notebook runs and the Word/PDF documents apart: a PDF full of charts needs more than a run
        w[f"peak_{kind}_mb"] = max(w.get(f"peak_{kind}_mb", 0.0), peak)
        w[f"peak_{kind}_pss_mb"] = max(w.get(f"peak_{kind}_pss_mb", 0.0), pss)
        last = w.get("last")
        if last is None or last["dataset"] != dataset:
            last = w["last"] = {"dataset": dataset, "peak_mb": peak, "peak_pss_mb": pss}
            w.setdefault("first", last)  # the same record while the first dataset runs
        last["peak_mb"] = max(last["peak_mb"], peak)
        last["peak_pss_mb"] = max(last["peak_pss_mb"], pss)
        if "rss_between_mb" in r:
            last["rss_between_mb"] = round(max(last.get("rss_between_mb", 0.0), r["rss_between_mb"]), 1)
    report = {
        "jobs": jobs,
        "scheduler": scheduler,
        "seconds": round(seconds, 3),
        "runs": sum(r.get("kind") != "dokumen" for r in results),  # notebook runs (the documents are not counted)
        "datasets": datasets,
        "failed": failed,
        # what this process itself spent (planning each dataset, publishing it): work no worker can take
        # over, so it bounds how fast a cluster of any size can go
        "build_process_cpu_s": round(cpu_seconds, 3),
        "workers": workers,
    }
    out = paths.outputs_dir()
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out / REPORT_FILE, json.dumps(report, indent=1))


def write_outputs_index() -> None:
    """``outputs/index.html``: the overview of every built agency-year (see :mod:`lkip_helpers.report.overview`)."""
    write_overview()
