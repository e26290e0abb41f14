"""A build checks a dataset once; its kernels take it as checked (loading.load_for_handover / adopt).

The kernels must then see exactly the dataset a load of the same files gives, never an older
one, and a load that warned is never handed over (the notebook shows the warning itself).
"""

from __future__ import annotations

import os

import pandas as pd
import pytest

from lkip_helpers import paths
from lkip_helpers.data import loading


@pytest.fixture()
def fresh(monkeypatch):
    """Empty caches (as in a new kernel), restored afterwards."""
    monkeypatch.setattr(loading, "_LOADED", {})
    monkeypatch.setattr(loading, "_HANDOVER", {})


def _same(a, b) -> None:
    assert (a.id, a.path, a.meta) == (b.id, b.path, b.meta)
    assert list(a.tables) == list(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True)
        assert a.tables[name].attrs == b.tables[name].attrs, name


def test_an_adopted_dataset_is_the_one_loading_gives_and_is_not_read_again(scratch, fresh, monkeypatch):
    planned, data = loading.load_for_handover(paths.DEFAULT_DATASET)
    assert data
    loading._LOADED.clear()  # a new kernel
    loading.adopt(data)

    def no_reading(folder):
        raise AssertionError("the kernel read the dataset again")

    monkeypatch.setattr(loading, "_load", no_reading)
    adopted = loading.load_dataset(paths.DEFAULT_DATASET)
    assert adopted is not planned and adopted.cache == {}
    monkeypatch.undo()
    loading._LOADED.clear()
    _same(adopted, loading.load_dataset(paths.DEFAULT_DATASET, root=scratch))


def test_changed_files_are_read_again(scratch, fresh):
    _, data = loading.load_for_handover(paths.DEFAULT_DATASET)
    loading._LOADED.clear()
    target = scratch / "target.csv"
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    target.write_text("".join(lines[:-1]), encoding="utf-8")  # one target fewer
    os.utime(target, ns=(1, 1))
    loading.adopt(data)
    assert not loading._LOADED  # not taken: the files are not the ones the build checked
    assert len(loading.load_dataset(paths.DEFAULT_DATASET).target) == len(lines) - 2


def test_a_load_that_warned_is_not_handed_over_and_still_warns(scratch, fresh):
    meta = scratch / "metadata.yml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("id: pmd-ntt-2023", "id: nama-lain"), encoding="utf-8")
    with pytest.warns(UserWarning, match="berbeda dengan nama folder"):
        ds, data = loading.load_for_handover(paths.DEFAULT_DATASET)
    assert data == b"" and ds.id == paths.DEFAULT_DATASET


def test_bad_bytes_are_ignored(fresh):
    loading.adopt(b"not a dataset")
    assert not loading._LOADED
