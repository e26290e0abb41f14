"""Shared fixtures: the default dataset, and a scratch copy of it to break."""

from __future__ import annotations

import re
import shutil
import sys

# jsonschema (under nbformat) builds rfc3987-syntax's IRI grammar when it is imported: ~2.5 s of CPU in
# every test process, for the "iri" string format that no notebook schema uses. Without it jsonschema
# leaves that one format unchecked. Kernels and `lkip` subprocesses that tests start are not affected.
sys.modules.setdefault("rfc3987_syntax", None)

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from lkip_helpers import paths  # noqa: E402
from lkip_helpers.data.loading import load_dataset  # noqa: E402

# Fixtures that run a real build: every test that uses one is slow (make check skips it).
BUILD_FIXTURES = {"built", "hostile_build", "fixture_build"}


def pytest_collection_modifyitems(items):
    for item in items:
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


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
    """Printed value lookup: printed(table, row, column) -> float.

    row: an id (indikator, kode rekening, jenis belanja, kabupaten), or 'rata-rata'/'total' for the
    whole subject; column: a metric, or capaian_<year>_pct.
    """
    t = ds.nilai_tercetak
    ids = ["indikator_id", "sasaran_id", "kode_rekening", "jenis_id", "kabupaten"]
    plain = t[t[["basis", "label", "about_table", "group"]].isna().all(axis=1)]

    def get(table, row, column):
        m = re.match(r"capaian_(\d{4})_pct$", column)
        metric, year = ("capaian_pct", int(m.group(1))) if m else (column, ds.year)
        f = plain[(plain["report_table"] == table) & (plain["year"] == year)]
        if row in ("rata-rata", "total"):
            f = f[f[ids].isna().all(axis=1)]
            metric = "rata_rata_capaian_pct" if row == "rata-rata" and metric == "capaian_pct" else metric
        else:
            f = f[(f[ids].fillna("") == row).any(axis=1)]
        v = f[f["metric"] == metric]["value"]
        assert len(v) == 1, (table, row, column, len(v))
        return float("nan") if v.iloc[0] is pd.NA else float(v.iloc[0])

    return get


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """One real build of the default dataset into a temporary outputs folder; returns that folder."""
    import os

    from lkip_helpers.pipeline.build import build

    root = tmp_path_factory.mktemp("outputs")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LKIP_OUTPUTS_DIR", str(root))
        build(paths.DEFAULT_DATASET)
        assert os.environ["LKIP_OUTPUTS_DIR"] == str(root)
    return root / paths.DEFAULT_DATASET


def build_edited_copy(root, edit, **build_args):
    """Copy the default dataset under ``root/data``, apply ``edit(folder)``, check it validates, build it.

    Returns (outputs folder of the dataset, data folder); LKIP_DATA_DIR/LKIP_OUTPUTS_DIR point at
    ``root`` only while this runs.
    """
    from lkip_helpers.cli import main
    from lkip_helpers.pipeline.build import build

    data = root / "data" / paths.DEFAULT_DATASET
    shutil.copytree(paths.dataset_dir(paths.DEFAULT_DATASET), data)
    edit(data)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LKIP_DATA_DIR", str(root / "data"))
        mp.setenv("LKIP_OUTPUTS_DIR", str(root / "outputs"))
        assert main(["validate"]) == 0  # such text is valid data: it is shown safely, not refused
        out = build(paths.DEFAULT_DATASET, **build_args)
    return out, data


@pytest.fixture(autouse=True)
def _real_main_module():
    """Give ``sys.modules['__main__']`` back after each test.

    An IPython ``InteractiveShell`` puts its own namespace module there (without ``__spec__``), and
    multiprocessing's spawn, used by later builds in the same run, then fails on it.
    """
    import sys

    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main
