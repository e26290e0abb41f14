"""What a notebook's first code cell needs: load, style, where to write, and a banner.

Notebooks stay thin: ``ds, out = setup(dataset, output_dir, "03_bab3_capaian")``, and
``md(text)`` for the narrative (:func:`lkip_helpers.report.artifacts.md`).
"""

from __future__ import annotations

from IPython.display import HTML, display

from lkip_helpers.analysis.drilldown import INDIKATOR_ID
from lkip_helpers.data.loading import Dataset, check_dataset_id, load_dataset
from lkip_helpers.errors import LkipError
from lkip_helpers.report.artifacts import Outputs, md, set_current
from lkip_helpers.report.charts import apply_style
from lkip_helpers.report.front import banner

__all__ = ["md", "setup"]


def setup(dataset: str, output_dir: str | None, notebook: str, variant: str | None = None) -> tuple[Dataset, Outputs]:
    """Validate parameters, load the dataset, set the chart style, show the banner.

    Args:
        variant: for notebooks run once per item (the drill-down per indicator): the item,
            so that each run records its artifacts separately.
    """
    check_dataset_id(dataset)
    if variant is not None:  # part of a file name (the artifact registry): same rule as indicator ids
        if not isinstance(variant, str) or not INDIKATOR_ID.fullmatch(variant):
            raise LkipError(f"parameter tidak sah: {variant!r}; hanya huruf kecil, angka dan '-' (contoh: indikator-1)")
    ds = load_dataset(dataset)
    apply_style()
    out = Outputs(
        dataset, output_dir, notebook if variant is None else f"{notebook}--{variant}", missing=ds.missing_text
    )
    set_current(out)  # md() records narrative text in this notebook's document stream
    display(HTML(banner(ds)))
    return ds, out
