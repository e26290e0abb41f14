"""All filesystem locations, from one place.

Paths are resolved from this file, never from the current directory, so notebooks
and the CLI behave the same wherever they are started from. ``LKIP_DATA_DIR`` and
``LKIP_OUTPUTS_DIR`` override the defaults (tests and batch runs use them).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from lkip_helpers.errors import DataError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
DEFAULT_DATASET = "pmd-ntt-2023"
REGISTRY_DIR = ".artifacts"  # inside an output folder: what each notebook run wrote
TEMPLATE_DOCX = "template.docx"  # in a dataset's folder: the agency's letterhead and styles for the Word draft
_DATASET_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def data_dir() -> Path:
    """Folder holding one sub-folder per dataset (agency-year)."""
    return Path(os.environ.get("LKIP_DATA_DIR", PROJECT_ROOT / "data")).resolve()


def outputs_dir() -> Path:
    """Folder where builds write, one sub-folder per dataset."""
    return Path(os.environ.get("LKIP_OUTPUTS_DIR", PROJECT_ROOT / "outputs")).resolve()


def dataset_dir(dataset: str) -> Path:
    """Folder of one dataset, e.g. ``data/pmd-ntt-2023``."""
    return data_dir() / dataset


def output_dir(dataset: str) -> Path:
    """Build output folder of one dataset, e.g. ``outputs/pmd-ntt-2023``."""
    return outputs_dir() / dataset


def list_datasets() -> list[str]:
    """Ids of every dataset folder (a folder with a metadata.yml)."""
    root = data_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "metadata.yml").is_file())


def check_dataset_id(dataset: str) -> str:
    """Return ``dataset`` if it is a safe folder name, else raise.

    >>> check_dataset_id("pmd-ntt-2023")
    'pmd-ntt-2023'
    """
    if not isinstance(dataset, str) or not _DATASET_ID.fullmatch(dataset):  # fullmatch: '$' alone lets 'x\n' through
        raise DataError(
            data_dir(),
            f"id dataset tidak sah: {dataset!r}; gunakan huruf kecil, angka, '-', '_' atau '.' (contoh: pmd-ntt-2023)",
        )
    return dataset


def check_output(path: Path | str, option: str) -> Path:
    """``path`` as a file a command may write: never inside the data folder, which the user owns.

    Raises:
        DataError: the path lies in ``data/`` (e.g. ``--csv data/x/realisasi.csv`` would overwrite a table).
    """
    target = Path(path)
    data = data_dir()
    try:
        target.resolve().relative_to(data)
    except ValueError:
        return target
    raise DataError(
        target,
        f"{option} tidak boleh menulis ke dalam folder data ({data}): berkas di sana adalah data instansi; "
        "pilih tempat lain, mis. outputs/ atau folder kerja Anda",
    )
