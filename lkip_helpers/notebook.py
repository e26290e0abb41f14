"""What a notebook's first code cell needs: load, style, where to write, and a banner.

Notebooks stay thin: ``ds, out = setup(dataset, output_dir, "03_bab3_capaian")``.
"""

from __future__ import annotations

import html
import re

from IPython.display import HTML, Markdown, display

from lkip_helpers.data.loading import Dataset, check_dataset_id, load_dataset
from lkip_helpers.errors import LkipError
from lkip_helpers.report.artifacts import Outputs, current, set_current
from lkip_helpers.report.charts import apply_style


def setup(dataset: str, output_dir: str | None, notebook: str, variant: str | None = None) -> tuple[Dataset, Outputs]:
    """Validate parameters, load the dataset, set the chart style, show the banner.

    Args:
        variant: for notebooks run once per item (the drill-down per indicator): the item,
            so that each run records its artifacts separately.
    """
    check_dataset_id(dataset)
    if variant is not None:  # part of a file name (the artifact registry): same rule as indicator ids
        from lkip_helpers.analysis.drilldown import INDICATOR_ID

        if not isinstance(variant, str) or not INDICATOR_ID.fullmatch(variant):
            raise LkipError(f"parameter tidak sah: {variant!r}; hanya huruf kecil, angka dan '-' (contoh: indikator-1)")
    ds = load_dataset(dataset)
    apply_style()
    out = Outputs(
        dataset, output_dir, notebook if variant is None else f"{notebook}--{variant}", missing=ds.missing_text
    )
    set_current(out)  # md() records narrative text in this notebook's document stream
    display(HTML(banner(ds)))
    return ds, out


def banner(ds: Dataset) -> str:
    """Header naming agency, year and source; warns when the data are synthetic or a draft (and what remains)."""
    from lkip_helpers.report.html import draft_notice

    d = ds.meta["dataset"]
    parts = [
        f'<div class="lkip-banner"><strong>{html.escape(ds.title)}</strong><br>'
        f"<span>Dataset <code>{html.escape(ds.id)}</code> · Sumber: {html.escape(str(d['source_document']))}</span>"
    ]
    if ds.synthetic:
        parts.append(
            '<p class="lkip-warning">DATA SINTETIS — bukan data instansi yang sebenarnya; '
            "hanya untuk uji dan benchmark.</p>"
        )
    parts.append(draft_notice(ds))
    parts.append("</div>")
    return "".join(parts)


def md(text: str) -> None:
    """Show narrative text computed from the data (Markdown); it also goes into the LKIP document.

    Nothing in it becomes an outside link: data text in it is already escaped
    (``narrative._e``); as a second line of defence, bare ``http:``-style schemes,
    ``www.`` and ``@`` outside code spans are escaped too.
    """
    text = no_autolinks(text)
    out = current()
    if out is not None:
        out.text(text)
    display(Markdown(text))


_CODE_SPAN = re.compile(r"(`[^`]*`)")
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|file|mailto|javascript|vbscript|data)(?=:)|\bwww(?=\.)|(?<!\\)@")


def no_autolinks(text: str) -> str:
    r"""Markdown with the starts of autolinks escaped (code spans untouched).

    >>> print(no_autolinks("lihat http://x.id, www.x.id, a@b.id, `http://kode`"))
    lihat http\://x.id, www\.x.id, a\@b.id, `http://kode`
    """
    parts = _CODE_SPAN.split(text)
    return "".join(
        p if i % 2 else _AUTOLINK.sub(lambda m: (m.group(0) + "\\") if m.group(0) != "@" else "\\@", p)
        for i, p in enumerate(parts)
    )
