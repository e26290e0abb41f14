"""lkip_helpers: everything the LKIP notebooks compute, in one tested package.

The folders follow the data's way through the program (see ARCHITECTURE.md):

    data/       read, check, write and start datasets (schema, loading, saving, Excel, new year, synth)
    analysis/   capaian per indicator and sasaran, anggaran, audit, plausibility, one indicator in depth
    report/     the report: its plan, tables, sentences, charts, pages, HTML, the Word/PDF document
    pipeline/   running the notebooks: plan, workers, kernels, publishing outputs
    capaian, numbers, errors, paths, files, palette   the pieces every layer uses
    notebook    what a notebook imports (setup, md); runs outside a build write to outputs/_jelajah/
    cli         the ``lkip`` command

Imports point down only: cli -> pipeline -> notebook -> report -> analysis -> data -> the
pieces every layer uses, each at the top of its module (``python tools/import_graph.py``).

Modules that lived at the top before the folders existed (``lkip_helpers.loading``,
``lkip_helpers.budget`` …) still import under their old names, for users' own scripts and
notebooks, with a ``FutureWarning`` naming the module to import instead; nothing in the
project uses them (``from lkip_helpers import laporan`` became ``from lkip_helpers.report
import laporan``).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import warnings

__version__ = "0.1.0"

# old flat module name -> where it lives now (users' scripts and old notebooks import the old names)
MOVED = {
    "schema": "data.schema",
    "safe_yaml": "data.safe_yaml",
    "safe_cells": "data.safe_cells",
    "completeness": "data.completeness",
    "loading": "data.loading",
    "saving": "data.saving",
    "excel": "data.excel",
    "newyear": "data.newyear",
    "blank": "data.blank",
    "synth": "data.synth",
    "kinerja": "analysis.kinerja",
    "budget": "analysis.anggaran",
    "sensitivity": "analysis.sensitivitas",
    "analysis.sensitivity": "analysis.sensitivitas",
    "analysis.headline": "analysis.ringkasan",
    "audit": "analysis.audit",
    "plausibility": "analysis.plausibility",
    "drilldown": "analysis.drilldown",
    "laporan": "report.laporan",
    "reports": "report.tables",
    "report_table": "report.report_table",
    "text": "report.text",
    "narrative": "report.narrative",
    "charts": "report.charts",
    "pages": "report.pages",
    "artifacts": "report.artifacts",
    "html": "report.html",
    "overview": "report.overview",
    "dokumen": "report.dokumen",
    "build": "pipeline.build",
    "runner": "pipeline.runner",
}


class _OldName:
    """Import ``lkip_helpers.<old>`` (and its submodules) as the module at its new place.

    A meta path finder and loader by its methods (not importlib.abc's bases: importing that
    module costs an unchanged rebuild, which imports this package, a tenth of its time).
    """

    @staticmethod
    def _new_name(fullname: str) -> str | None:
        """The module's name at its new place, or None when ``fullname`` is not an old name."""
        parts = fullname.split(".")
        if parts[0] != __name__:
            return None
        for n in range(len(parts) - 1, 0, -1):  # the longest old name it starts with
            old = ".".join(parts[1 : n + 1])
            if old in MOVED:
                return ".".join([__name__, MOVED[old], *parts[n + 1 :]])
        return None

    def find_spec(self, fullname, path=None, target=None):
        if self._new_name(fullname) is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        new = self._new_name(spec.name)
        # FutureWarning, not DeprecationWarning: shown by default, in a script as in a notebook
        warnings.warn(
            f"{spec.name} sudah dipindah ke {new}; ganti impornya (nama lama akan dihapus)", FutureWarning, stacklevel=2
        )
        return importlib.import_module(new)

    def exec_module(self, module):
        pass  # already executed at its new place


sys.meta_path.insert(0, _OldName())  # before the path finder, which would load a second copy of a submodule
