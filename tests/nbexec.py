"""Run the project's notebooks in this process, fast, for property tests.

The build runs every notebook in a Jupyter kernel and renders its page; a property
test over many generated datasets cannot afford that. This harness executes the same
code: each notebook is read and parameterised with papermill exactly as the build does
(:mod:`lkip_helpers.pipeline.runner`), then its code cells run one by one in an in-process
IPython shell whose namespace is reset before each notebook (as the build's kernel is),
with matplotlib on Agg and every display computed in all its formats (HTML, Markdown,
PNG), so a table or text that fails only when shown fails here too. ``06_indikator``
runs once per indicator the build would choose (:func:`lkip_helpers.analysis.drilldown.below_threshold`).
What it does not do: write the executed notebook and its HTML page.
"""

from __future__ import annotations

import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

_CELLS: dict[tuple[str, dict], list[str]] = {}


@dataclass
class Failure:
    """A notebook run that raised."""

    run: str  # e.g. ``03_bab3_capaian`` or ``06_indikator--stunting``
    cell: int  # 1-based number among the code cells (the injected parameters cell counts)
    source: str  # first line of the cell
    error: str  # exception type and message

    def __str__(self) -> str:
        return f"{self.run} sel [{self.cell}] ({self.source}): {self.error}"


def code_cells(notebook: Path, params: dict) -> list[str]:
    """The code cells of ``notebook`` after papermill's parameter injection (as the build runs them)."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    key = (str(notebook), notebook.stat().st_mtime_ns, tuple(sorted(params.items())))
    if key not in _CELLS:
        nb = parameterize_notebook(load_notebook_node(str(notebook)), params)
        _CELLS[key] = [c.source for c in nb.cells if c.cell_type == "code"]
    return _CELLS[key]


def _shell():
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False  # no history database in the user's home, shared by parallel tests
    shell = InteractiveShell.instance(config=config)
    shell.display_formatter.active_types = list(shell.display_formatter.formatters)  # html, markdown, png...
    return shell


def run_notebook(notebook: Path, params: dict) -> Failure | None:
    """Execute one notebook with ``params`` in a fresh namespace; the first failing cell, or None."""
    import matplotlib.pyplot as plt
    from IPython.utils.capture import capture_output

    main = sys.modules["__main__"]  # IPython puts its own namespace there; multiprocessing needs the real one back
    shell = _shell()
    shell.reset(new_session=True)
    name = notebook.stem + (f"--{params['indikator']}" if "indikator" in params else "")
    try:
        for n, source in enumerate(code_cells(notebook, params), 1):
            with capture_output(display=True):
                result = shell.run_cell(source, store_history=False, silent=False)
            err = result.error_before_exec or result.error_in_exec
            if err is not None:
                first = next((line for line in source.splitlines() if line.strip()), "")
                detail = "".join(traceback.format_exception_only(type(err), err)).strip()
                return Failure(name, n, first, detail)
    finally:
        plt.close("all")
        sys.modules["__main__"] = main
    return None


def run_all(
    dataset: str, output_dir: Path, threshold: float = 100.0, stop_first: bool = False, pick=None
) -> list[Failure]:
    """Run every notebook of the build for ``dataset`` (drill-downs included); return the failures.

    ``LKIP_DATA_DIR`` must point at the data folder holding ``dataset`` (as for a build).
    ``pick``: given the indicators the build would drill into, those to run (default: all of them).
    """
    from lkip_helpers.analysis.drilldown import below_threshold
    from lkip_helpers.data.loading import load_dataset
    from lkip_helpers.pipeline.build import is_per_indikator, notebooks

    failures: list[Failure] = []
    ds = load_dataset(dataset)
    cwd = os.getcwd()
    for nb in notebooks():
        runs = [{}]
        if is_per_indikator(nb):
            try:  # the build's plan chooses the drill-downs the same way
                chosen = below_threshold(ds, threshold)
                runs = [{"indikator": i} for i in (chosen if pick is None else pick(chosen))]
            except Exception as exc:  # noqa: BLE001 — a crash of the plan is a failure to report
                failures.append(Failure("rencana build (drilldown.below_threshold)", 0, "", repr(exc)))
                continue
        for extra in runs:
            out = Path(output_dir)
            out.mkdir(parents=True, exist_ok=True)
            try:
                os.chdir(out)  # the build's kernel works in the output folder
                failure = run_notebook(nb, {"dataset": dataset, "output_dir": ".", **extra})
            finally:
                os.chdir(cwd)
            if failure:
                failures.append(failure)
                if stop_first:
                    return failures
    return failures
