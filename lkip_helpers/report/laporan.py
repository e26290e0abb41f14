"""The report as a notebook calls it: ``laporan.render(ds, out, "bab3.capaian")``.

Notebooks import this module (``from lkip_helpers import laporan``). What it offers lives
where it belongs: the sections each agency's report has, and why others are left out
(:mod:`lkip_helpers.report.sections`); ``laporan.yml``, the numbers and titles an agency
gives them (:mod:`lkip_helpers.data.laporan_file`); each part put on the page
(:mod:`lkip_helpers.report.pages`).
"""

from __future__ import annotations

from lkip_helpers.data.laporan_file import ENTRY_KEYS, LAPORAN_FILE, PLACEHOLDERS, SPECS, Spec, load
from lkip_helpers.report.pages import PARTS, render
from lkip_helpers.report.sections import NOT_APPLICABLE, Artifact, Plan, missing, not_available_reason, plan

__all__ = [
    "ENTRY_KEYS",
    "LAPORAN_FILE",
    "NOT_APPLICABLE",
    "PARTS",
    "PLACEHOLDERS",
    "SPECS",
    "Artifact",
    "Plan",
    "Spec",
    "load",
    "missing",
    "not_available_reason",
    "plan",
    "render",
]
