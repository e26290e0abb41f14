"""Shared fixtures: the default dataset, and a scratch copy of it to break."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from lkip_helpers import paths
from lkip_helpers.loading import load_dataset


@pytest.fixture(scope="session")
def ds():
    return load_dataset(paths.DEFAULT_DATASET)


@pytest.fixture()
def scratch(tmp_path, monkeypatch):
    """A copy of the default dataset under a temporary data dir; returns its folder."""
    root = tmp_path / "data"
    shutil.copytree(paths.dataset_dir(paths.DEFAULT_DATASET), root / paths.DEFAULT_DATASET)
    monkeypatch.setenv("LKIP_DATA_DIR", str(root))
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path / "outputs"))
    return root / paths.DEFAULT_DATASET


@pytest.fixture(scope="session")
def printed(ds):
    """Printed value lookup: printed(table, row, column) -> float."""
    t = ds.nilai_tercetak.set_index(["report_table", "row_ref", "column"])["value"]

    def get(table, row, column):
        v = t.loc[(table, row, column)]
        return float("nan") if v is pd.NA else float(v)

    return get


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """One real build of the default dataset into a temporary outputs folder; returns that folder."""
    import os

    from lkip_helpers.build import build

    root = tmp_path_factory.mktemp("outputs")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LKIP_OUTPUTS_DIR", str(root))
        build(paths.DEFAULT_DATASET)
        assert os.environ["LKIP_OUTPUTS_DIR"] == str(root)
    return root / paths.DEFAULT_DATASET
