"""Shared fixtures: the default dataset, and a scratch copy of it to break."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

# jsonschema (under nbformat) builds rfc3987-syntax's IRI grammar when it is imported: ~2.5 s of CPU in
# every test process, for the "iri" string format that no notebook schema uses. Without it jsonschema
# leaves that one format unchecked. Kernels and `lkip` subprocesses that tests start are not affected.
sys.modules.setdefault("rfc3987_syntax", None)

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from lkip_helpers import paths  # noqa: E402
from lkip_helpers.data.loading import load_dataset  # noqa: E402

# Fixtures that run a real build: every test that uses one is slow (make check skips it).
BUILD_FIXTURES = {"built", "hostile_build", "fixture_build", "draft_build"}


COPY_MARK = "LKIP_TEST_DATA_COPY"  # the copy of data/ a test process of this run made (its children inherit it)


def pytest_configure(config):
    """Every test process reads the datasets from its own copy of ``data/``.

    A build takes the dataset's lock in the data folder (``data/.<dataset>.lock``): test processes
    running side by side (pytest-xdist) would refuse each other's builds of the same dataset, and a
    test killed halfway would leave a lock in the project. The processes pytest-xdist starts inherit
    the environment of the one that starts them, so each makes its own copy again. A LKIP_DATA_DIR the
    user set is kept; a test that removes it reads the project's own folder.
    """
    import os
    import tempfile

    _preload_the_fork_server()
    given = os.environ.get("LKIP_DATA_DIR")
    if given is not None and given != os.environ.get(COPY_MARK):
        return
    copy = Path(tempfile.mkdtemp(prefix="lkip-test-data-")) / "data"
    shutil.copytree(paths.PROJECT_ROOT / "data", copy, ignore=shutil.ignore_patterns(".*"))
    config._lkip_data_copy = copy.parent
    os.environ["LKIP_DATA_DIR"] = os.environ[COPY_MARK] = str(copy)


def _preload_the_fork_server() -> None:
    """A test process builds many times, and its fork server, started by the first build, serves them all.

    ``lkip build`` preloads the server with what workers import only for several local workers (one
    worker imports while its kernel starts). Set here, a first build with one worker does not leave every
    later build's workers to import it all again (~1 s of CPU each).
    """
    import multiprocessing

    from lkip_helpers.pipeline.executors import FORKSERVER_PRELOAD

    if "forkserver" in multiprocessing.get_all_start_methods():
        multiprocessing.get_context("forkserver").set_forkserver_preload(FORKSERVER_PRELOAD)


def pytest_unconfigure(config):
    import os

    copy = getattr(config, "_lkip_data_copy", None)
    if copy is not None:
        os.environ.pop("LKIP_DATA_DIR", None)
        os.environ.pop(COPY_MARK, None)
        shutil.rmtree(copy, ignore_errors=True)


# The test files that take longest in `make test` (its --durations), longest first: handed to the test
# processes first, so that none is left running one of them alone at the end. Order only: within a file the
# tests keep theirs, and no test depends on another file's.
LONGEST_FIRST = (
    "test_batch.py",
    "test_papermill_docs.py",
    "test_any_agency_build.py",
    "test_safe_outputs.py",
    "test_validate_guarantees_build.py",
    "test_processes.py",
    "test_lock_and_leftovers.py",
    "test_distributed.py",
    "test_bagikan.py",
    "test_browser.py",
    "test_jelajah.py",
    "test_excel.py",
    "test_first_day.py",
    "test_document.py",
)


def pytest_collection_modifyitems(items):
    for item in items:
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, once per test file that asks for it (tests/chromium.py)."""
    import chromium

    with chromium.running() as b:
        yield b


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
def template_xlsx(tmp_path_factory):
    """``lkip template`` of the default dataset, written once per test process (copy it to change it)."""
    from lkip_helpers.cli import main

    path = tmp_path_factory.mktemp("template") / "lkip.xlsx"
    assert main(["template", paths.DEFAULT_DATASET, str(path)]) == 0
    return path


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


FIXTURES = Path(__file__).parent / "fixtures"  # other agencies' datasets, small, for tests only
FIXTURE = "dinkes-lembahhijau-2023"
DRAFT = "pmd-ntt-2024"  # next year's draft of the default dataset (draft_build)


def made_once(tmp_path_factory, worker_id: str, name: str, make) -> Path:
    """``make(folder)`` once per test run, shared by the test processes; returns the folder.

    With pytest-xdist each process has its own session: the first to come makes it (under a file
    lock), the others wait and read the same folder. Tests only read it (copy it to change it).
    """
    from filelock import FileLock

    if worker_id == "master":  # one test process
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    root = tmp_path_factory.getbasetemp().parent / "shared"
    root.mkdir(exist_ok=True)
    folder, done = root / name, root / f"{name}.done"
    with FileLock(str(root / f"{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


def _build_into(dataset: str, data: Path | None = None, **build_args):
    """A ``make`` for :func:`made_once`: build ``dataset`` into ``folder/outputs``, from a copy of it under
    ``folder/data`` when ``data`` (a data folder) is given, else from LKIP_DATA_DIR."""

    def make(folder: Path) -> None:
        from lkip_helpers.pipeline.build import build

        with pytest.MonkeyPatch.context() as mp:
            if data is not None:
                shutil.copytree(data / dataset, folder / "data" / dataset)  # its lock goes there, not in tests/
                mp.setenv("LKIP_DATA_DIR", str(folder / "data"))
            mp.setenv("LKIP_OUTPUTS_DIR", str(folder / "outputs"))
            build(dataset, **build_args)  # raises BuildError on any failing notebook

    return make


@pytest.fixture(scope="session")
def built(tmp_path_factory, worker_id):
    """One real build of the default dataset into a temporary outputs folder; returns its dataset folder."""
    folder = made_once(tmp_path_factory, worker_id, "built", _build_into(paths.DEFAULT_DATASET, jobs=2))
    return folder / "outputs" / paths.DEFAULT_DATASET


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory, worker_id):
    """One real build (--jobs 1) of the fixture agency (tests/fixtures); returns its dataset folder."""
    make = _build_into(FIXTURE, FIXTURES, jobs=1)
    return made_once(tmp_path_factory, worker_id, "fixture-build", make) / "outputs" / FIXTURE


@pytest.fixture(scope="session")
def draft_build(tmp_path_factory, worker_id):
    """One real build (--jobs 1) of next year's draft of the default dataset (``lkip new``: pmd-ntt-2024);
    returns its root: ``outputs/`` and ``data/`` (the default dataset and the draft; read them only)."""

    def make(root: Path) -> None:
        from lkip_helpers.data.newyear import new_dataset
        from lkip_helpers.pipeline.build import build

        shutil.copytree(paths.dataset_dir(paths.DEFAULT_DATASET), root / "data" / paths.DEFAULT_DATASET)
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("LKIP_DATA_DIR", str(root / "data"))
            mp.setenv("LKIP_OUTPUTS_DIR", str(root / "outputs"))
            new_dataset(DRAFT, paths.DEFAULT_DATASET, 2024)
            build(DRAFT, jobs=1)

    return made_once(tmp_path_factory, worker_id, "draft-build", make)


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory, worker_id):
    """One real build (--jobs 1) of the hostile copy of the default dataset (tests/hostile.py); returns its
    root: ``outputs/`` and ``data/`` (read them only)."""
    import hostile

    return made_once(tmp_path_factory, worker_id, "hostile", lambda root: build_edited_copy(root, hostile.edit, jobs=1))


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
