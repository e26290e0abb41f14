"""The report as a notebook calls it: ``laporan.render(ds, out, "bab3.capaian")``.

Notebooks import this module (``from lkip_helpers.report import laporan``; its old flat name
still imports, with a FutureWarning). ``render`` puts one part of the report
on the page and returns what it showed (:class:`Shown`: the tables and the figures' data,
by artifact id), so the next cell can filter, re-plot or export it; ``help(laporan.render)``
lists the parts.

What it offers lives where it belongs: the report's parts, each declared once with the data it
needs (:mod:`lkip_helpers.report.bagian`, ``BAGIAN``); which of them this agency's report has,
numbered and titled (:mod:`lkip_helpers.report.sections`); ``laporan.yml``, the numbers and
titles an agency gives them (:mod:`lkip_helpers.report.laporan_file`); each page of parts
(:mod:`lkip_helpers.report.pages`).

An exploration in four lines — load, pick an indicator, plot it against its linked budget (a new
cell of any notebook, or a script; README, "Papermill dan skrip")::

    ds, out = setup(DATASET, None, "jelajah")  # writes to outputs/_jelajah/, not the published folder
    hasil = laporan.render(ds, out, "indikator", indikator=ID)  # ID: an indikator_id of indikator.csv
    kegiatan = hasil[f"indikator-{ID}-kegiatan"].frame  # supporting kegiatan, their budget and outputs
    kegiatan.plot.barh(x="output", y=["capaian_pct", "serapan_pct"])
"""

from __future__ import annotations

from lkip_helpers.report.bagian import BAGIAN, Bagian
from lkip_helpers.report.laporan_file import ENTRY_KEYS, LAPORAN_FILE, PLACEHOLDERS, load
from lkip_helpers.report.pages import PARTS, Shown, render
from lkip_helpers.report.sections import NOT_APPLICABLE, Artifact, Plan, missing, not_available_reason, plan

__all__ = [
    "BAGIAN",
    "ENTRY_KEYS",
    "LAPORAN_FILE",
    "NOT_APPLICABLE",
    "PARTS",
    "PLACEHOLDERS",
    "Artifact",
    "Bagian",
    "Plan",
    "Shown",
    "load",
    "missing",
    "not_available_reason",
    "plan",
    "render",
]


def __dir__() -> list[str]:  # completion on this module offers what it exports (not ``annotations``)
    return sorted(__all__)
