"""Fingerprints of a build's inputs: the package code, a dataset's files, the notebooks.

Standard library only: an unchanged rebuild compares fingerprints and stops, in well
under a second. A remote worker compares ``helpers_hash`` with the build's own, so both
run the same code.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from lkip_helpers import paths

HELPERS_DIR = Path(__file__).resolve().parent.parent  # the whole package: its code is an input of every run


def digest(files: list[Path], root: Path) -> str:
    """SHA-256 over the files' paths (relative to ``root``) and contents, in a fixed order."""
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(f.relative_to(root).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def helpers_hash() -> str:
    """Fingerprint of the package code: any change re-runs every notebook."""
    return digest([p for p in HELPERS_DIR.rglob("*.py")], HELPERS_DIR)


def data_hash(dataset: str) -> str:
    """Fingerprint of every file in ``data/<dataset>/``."""
    folder = paths.dataset_dir(dataset)
    return digest([p for p in folder.rglob("*") if p.is_file()], folder)


def notebooks_hash(notebooks: list[Path]) -> str:
    """Fingerprint of the notebooks a build runs."""
    return digest(notebooks, paths.NOTEBOOKS_DIR)
