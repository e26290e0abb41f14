"""``lkip build``: run the notebooks in order with papermill and write ``outputs/<dataset>/``.

Load and validate -> execute each notebook into a temporary folder -> render HTML ->
write manifest and index -> swap the temporary folder into place. A failure leaves
the previous outputs untouched, keeps the failed notebook under
``outputs/_gagal/<dataset>/`` and says which notebook and cell failed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
import shutil
import sys
import time
from pathlib import Path

from . import __version__, artifacts, paths
from .errors import LkipError
from .html import index_page, notebook_page, notebook_title
from .loading import check_dataset_id, load_dataset

FAILED_DIR = "_gagal"


class BuildError(LkipError):
    """A notebook failed; the message names it, the cell and where the failed notebook is."""


def notebooks() -> list[Path]:
    """The notebooks in run order (``NN_name.ipynb``)."""
    found = sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise LkipError(f"tidak ada notebook di {paths.NOTEBOOKS_DIR}")
    return found


def page_id(notebook: Path) -> str:
    """Artifact id of a notebook's HTML page, e.g. ``halaman-bab3-capaian``."""
    return "halaman-" + notebook.stem.split("_", 1)[1].replace("_", "-")


def is_per_indicator(notebook: Path) -> bool:
    """True for notebooks run once per indicator (their parameters cell sets ``indikator``)."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    return any(line.strip().startswith("indikator =") for c in params for line in c.source.splitlines())


@dataclass
class Run:
    """One execution of a notebook: which notebook, its extra parameters, and where its page goes."""

    notebook: Path
    parameters: dict
    executed_name: str
    page_file: str
    page_id: str
    title: str


def plan(ds, threshold: float = 100.0) -> list[Run]:
    """Every notebook run of a build, in order; per-indicator notebooks once per indicator below ``threshold``."""
    from .drilldown import below_threshold

    runs = []
    names = ds.indikator.set_index("indikator_id")["short_name"]
    for nb in notebooks():
        if is_per_indicator(nb):
            for ind in below_threshold(ds, threshold):
                runs.append(Run(nb, {"indikator": ind}, f"{nb.stem}--{ind}.ipynb", f"indikator-{ind}.html",
                                f"indikator-{ind}", f"Indikator: {names[ind]}"))
        else:
            runs.append(Run(nb, {}, nb.name, f"{nb.stem}.html", page_id(nb), notebook_title(nb)))
    return runs


def _log(msg: str) -> None:
    print(msg, flush=True)


def run_notebook(nb: Path, target: Path, dataset: str, output_dir: Path, extra: dict | None = None) -> None:
    """Execute one notebook with papermill; raise BuildError naming the failing cell."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    parameters = {"dataset": dataset, "output_dir": str(output_dir), **(extra or {})}
    try:
        pm.execute_notebook(str(nb), str(target), parameters=parameters,
                            kernel_name="python3", progress_bar=False, cwd=str(output_dir))
    except PapermillExecutionError as exc:
        failed = paths.outputs_dir() / FAILED_DIR / dataset
        failed.mkdir(parents=True, exist_ok=True)
        kept = failed / target.name
        if target.exists():
            shutil.copyfile(target, kept)
        first_line = (exc.source or "").strip().splitlines()[:1]
        raise BuildError(
            f"notebook {target.name} gagal pada sel [{exc.exec_count}] ({first_line[0] if first_line else ''}): "
            f"{exc.ename}: {exc.evalue}. Notebook yang gagal disimpan di {kept}; "
            f"output sebelumnya di {paths.output_dir(dataset)} tidak diubah.") from None


def build(dataset: str, threshold: float = 100.0) -> Path:
    """Build one dataset; return its output folder.

    Args:
        dataset: dataset id.
        threshold: indicators with capaian below this get a drill-down page.
    """
    check_dataset_id(dataset)
    ds = load_dataset(dataset)  # bad data stops here, before anything is written
    final = paths.output_dir(dataset)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".tmp-{dataset}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "notebooks").mkdir(parents=True)
    (tmp / "html").mkdir()
    runs = plan(ds, threshold)
    try:
        pages = []
        for i, run in enumerate(runs, start=1):
            start = time.perf_counter()
            label = Path(run.executed_name).stem
            _log(f"[{dataset}] {i}/{len(runs)} {label} …")
            executed = tmp / "notebooks" / run.executed_name
            run_notebook(run.notebook, executed, dataset, tmp, run.parameters)
            (tmp / "html" / run.page_file).write_text(notebook_page(executed, run.title), encoding="utf-8")
            pages.append({"id": run.page_id, "kind": "page", "title": run.title, "notebook": run.notebook.name,
                          "files": [f"html/{run.page_file}", f"notebooks/{run.executed_name}"], "file": run.page_file})
            _log(f"[{dataset}] {i}/{len(runs)} {label} selesai ({time.perf_counter() - start:.1f} s)")
        records = artifacts.collect(tmp)
        for r in records:
            r["notebook"] = f"{r['notebook'].split('--')[0]}.ipynb"
        index = {"id": "indeks", "kind": "page", "title": "Ringkasan dan daftar halaman", "notebook": None,
                 "files": ["html/index.html"]}
        all_records = records + [{k: v for k, v in p.items() if k != "file"} for p in pages] + [index]
        (tmp / "html" / "index.html").write_text(index_page(ds, pages, all_records), encoding="utf-8")
        write_manifest(tmp, ds, all_records)
        shutil.rmtree(tmp / artifacts.REGISTRY_DIR, ignore_errors=True)
        _swap(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(paths.outputs_dir() / FAILED_DIR / dataset, ignore_errors=True)
    _log(f"[{dataset}] selesai: {final / 'html' / 'index.html'}")
    return final


def write_manifest(folder: Path, ds, records: list[dict]) -> None:
    """``manifest.json``: every artifact with id, kind, title, notebook and files."""
    ids = [r["id"] for r in records]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise LkipError(f"artifact id ganda: {', '.join(dupes)}")
    manifest = {"dataset": ds.id, "title": ds.title, "year": ds.year, "synthetic": ds.synthetic,
                "generator": f"lkip_helpers {__version__}", "artifacts": records}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


def _swap(new: Path, final: Path) -> None:
    """Put ``new`` in place of ``final``; the old folder is removed only once the new one is there."""
    old = final.parent / f".old-{final.name}-{os.getpid()}"
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def build_many(datasets: list[str], force: bool = False, threshold: float = 100.0) -> int:
    """Build each dataset in turn; return the CLI exit code."""
    del force  # every build is complete for now; incremental builds come with the batch runner
    failures = 0
    for dataset in datasets:
        try:
            build(dataset, threshold)
        except LkipError as exc:
            failures += 1
            print(f"lkip: {exc}", file=sys.stderr, flush=True)
    return 2 if failures else 0
