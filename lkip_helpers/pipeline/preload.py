"""Imported once by the fork server that a local build's workers are forked from: each worker then
starts with what a run needs (nbclient, papermill, the HTML exporter and its templates) instead of
importing it itself."""

from lkip_helpers.pipeline import runner

runner._worker_imports()
