"""JupyterLab as ``make lab`` starts it (``jupyter lab … --config=tools/jupyter_server_config.py``).

Saving a notebook writes it as it is committed, nbstripout-style, so exploring never dirties
the repository nor makes ``lkip build`` re-run notebooks (it re-runs a notebook whose file
changed): code cells without outputs or execution counts, no per-cell view state (collapsed,
scrolled, timings), and — for a notebook that already exists on disk — its parameters cell
and its ``kernelspec``/``language_info`` as they were in the file. To change a default
parameter, edit the file outside this JupyterLab. Cells you add or edit are kept.

Self-contained (standard library only): the server loads this file, not the project.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

CELL_KEYS_DROPPED = ("collapsed", "scrolled", "execution", "ExecuteTime", "heading_collapsed", "hidden", "jupyter")
NOTEBOOK_KEYS_DROPPED = ("signature", "widgets")
NOTEBOOK_KEYS_KEPT = ("kernelspec", "language_info")  # rewritten by whichever kernel ran it: the file's stay


def _parameters_cell(nb: dict) -> dict | None:
    return next((c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])), None)


def _on_disk(contents_manager, path: str) -> dict | None:
    """The notebook as the file holds it now (None for a new one or one that does not read as JSON)."""
    root = Path(getattr(contents_manager, "root_dir", "") or ".")
    file = root.joinpath(*path.strip("/").split("/"))
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def strip_notebook(model: dict, path: str, contents_manager=None, **kwargs) -> None:
    """Pre-save hook: make ``model`` (a contents model about to be saved) the notebook as committed.

    Changes ``model["content"]`` in place; anything other than a notebook is left alone.
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    nb = model["content"]
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        for key in CELL_KEYS_DROPPED:
            cell.get("metadata", {}).pop(key, None)
    meta = nb.setdefault("metadata", {})
    for key in NOTEBOOK_KEYS_DROPPED:
        meta.pop(key, None)
    before = _on_disk(contents_manager, path) if contents_manager is not None else None
    if before is None:
        return
    for key in NOTEBOOK_KEYS_KEPT:
        if key in before.get("metadata", {}):
            meta[key] = before["metadata"][key]
        else:
            meta.pop(key, None)
    old, new = _parameters_cell(before), _parameters_cell(nb)
    if old is not None and new is not None:
        new["source"] = old.get("source", "")  # exploring another dataset or indicator is not a new default


c = get_config()  # noqa: F821 — defined by Jupyter when it loads this file
c.ContentsManager.pre_save_hook = strip_notebook
# traitlets applies the config twice, and jupyter_server then warns that the hook replaces itself
warnings.filterwarnings("ignore", message=r"Overriding existing pre_save_hook \(strip_notebook\)")
