"""What a notebook's first code cell needs: load, style, where to write, and a banner.

Notebooks stay thin: ``ds, out = setup(dataset, output_dir, "03_bab3_capaian")``, and
``md(text)`` for the narrative (:func:`lkip_helpers.report.artifacts.md`).

Where a run writes: ``lkip build`` always passes ``output_dir`` (its temporary folder, moved
into ``outputs/<dataset>/`` when the whole dataset succeeded). A run any other way —
JupyterLab, plain papermill, nbclient — leaves ``output_dir`` at ``None`` and writes to the
scratch folder ``outputs/_jelajah/<dataset>/`` (:func:`scratch_dir`), so exploring never
adds files to what a build published. An explicit ``output_dir`` is used as given.
"""

from __future__ import annotations

from pathlib import Path

from IPython.display import HTML, display

from lkip_helpers import paths
from lkip_helpers.analysis.drilldown import INDIKATOR_ID
from lkip_helpers.data.loading import Dataset, check_dataset_id, load_dataset
from lkip_helpers.errors import LkipError
from lkip_helpers.report.artifacts import Outputs, md, set_current
from lkip_helpers.report.charts import apply_style
from lkip_helpers.report.front import banner

__all__ = ["SCRATCH_DIR", "md", "scratch_dir", "setup"]

SCRATCH_DIR = "_jelajah"  # outputs/_jelajah/<dataset>/: runs outside `lkip build` (outputs/ is git-ignored)


def __dir__() -> list[str]:  # completion on this module offers what it exports, not what it imports
    return sorted(__all__)


def scratch_dir(dataset: str) -> Path:
    """The folder a notebook run outside ``lkip build`` writes to when given no ``output_dir``.

    Args:
        dataset: dataset id, e.g. ``"pmd-ntt-2023"`` (checked: a safe folder name).

    Returns:
        ``outputs/_jelajah/<dataset>`` under the outputs folder (``LKIP_OUTPUTS_DIR`` if set);
        not created here.
    """
    return paths.outputs_dir() / SCRATCH_DIR / check_dataset_id(dataset)


def setup(dataset: str, output_dir: str | None, notebook: str, variant: str | None = None) -> tuple[Dataset, Outputs]:
    """Validate parameters, load the dataset, set the chart style, show the banner.

    Args:
        dataset: dataset id (a folder of ``data/``), e.g. ``"pmd-ntt-2023"``.
        output_dir: where tables, figures and the record of artifacts go; ``None`` (any run
            outside ``lkip build``) means the scratch folder ``outputs/_jelajah/<dataset>/``
            (:func:`scratch_dir`), never the published ``outputs/<dataset>/``.
        notebook: the notebook's file stem (``"03_bab3_capaian"``); its artifacts are recorded under it.
        variant: for notebooks run once per item (the drill-down per indicator): the item,
            so that each run records its artifacts separately.

    Returns:
        ``(ds, out)``: the loaded :class:`~lkip_helpers.data.loading.Dataset` and the
        :class:`~lkip_helpers.report.artifacts.Outputs` that
        :func:`lkip_helpers.report.laporan.render` writes through.

    Raises:
        LkipError: a bad dataset id or variant, or data that do not load (the message names file, row and column).
    """
    check_dataset_id(dataset)
    if variant is not None:  # part of a file name (the artifact registry): same rule as indicator ids
        if not isinstance(variant, str) or not INDIKATOR_ID.fullmatch(variant):
            raise LkipError(f"parameter tidak sah: {variant!r}; hanya huruf kecil, angka dan '-' (contoh: indikator-1)")
    ds = load_dataset(dataset)
    apply_style()
    scratch = not output_dir  # None (or papermill's -p output_dir "")
    root = scratch_dir(dataset) if scratch else Path(output_dir)
    out = Outputs(dataset, root, notebook if variant is None else f"{notebook}--{variant}", missing=ds.missing_text)
    set_current(out)  # md() records narrative text in this notebook's document stream
    display(HTML(banner(ds)))
    if scratch:
        md(
            f"*Jelajah: tabel dan grafik ditulis ke `{_shown_path(root)}`, bukan ke laporan terbitan "
            f"`{_shown_path(paths.output_dir(dataset))}` (hanya `lkip build` yang menulis ke sana).*"
        )
    return ds, out


def _shown_path(path: Path) -> str:
    """``path`` relative to the project when inside it (shorter to read), else absolute; with a final slash."""
    try:
        shown = path.resolve().relative_to(paths.PROJECT_ROOT)
    except ValueError:
        shown = path
    return f"{shown.as_posix()}/"
