"""Notebooks you can continue from (issue #24, item 3): ``render`` returns what it showed; the helpers say
what they take and return; completion offers what a module exports, not what it imports."""

from __future__ import annotations

import inspect
import pydoc
import re
import warnings

import pandas as pd
import pytest

from lkip_helpers import notebook, paths
from lkip_helpers.report import laporan, pages
from lkip_helpers.report.report_table import ReportTable


@pytest.fixture()
def ds_out(tmp_path, monkeypatch):
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path))
    return notebook.setup(paths.DEFAULT_DATASET, None, "jelajah")


def _registered(out) -> dict[str, str]:
    return {r["id"]: r["kind"] for r in out.records}


def check_returns_what_it_showed(shown, out, before: set[str]) -> None:
    """Every table and figure the part registered is returned, in order, a table as its ReportTable and a
    figure as the data its CSV holds."""
    made = {k: v for k, v in _registered(out).items() if k not in before}
    assert list(shown) == list(made)
    for id, kind in made.items():
        value = shown[id]
        if kind == "table":
            assert isinstance(value, ReportTable) and value.id == id
            assert shown.titles[id] == value.title
        else:
            assert isinstance(value, pd.DataFrame)
            written = pd.read_csv(out.root / "figures" / f"{id}.csv")
            assert len(written) == len(value) and list(written.columns) == [str(c) for c in value.columns]
        assert isinstance(shown.frames()[id], pd.DataFrame)


def test_capaian_returns_its_table(ds_out):
    ds, out = ds_out
    shown = laporan.render(ds, out, "bab3.capaian")
    assert list(shown) == ["tabel-3.1"]  # Tabel 3.1 of the report
    frame = shown["tabel-3.1"].frame.set_index("indikator_id")
    # kerja sama desa: realisasi 37,74 of target 100 (Tabel 3.1 of the LKIP)
    assert frame.loc["kerjasama-desa", "realisasi"] == 37.74 and frame.loc["kerjasama-desa", "target"] == 100
    assert round(frame.loc["kerjasama-desa", "capaian_pct"], 2) == 37.74
    # the next cell can filter it: the indicators below target
    below = frame[frame["capaian_pct"] < 100].index.dropna().tolist()
    assert set(below) == {
        "bumdes-aktif",
        "alat-ttg",
        "posyandu-aktif",
        "desa-persiapan-register",
        "status-desa-berkembang",
        "kerjasama-desa",
    }


def test_indikator_returns_tables_and_figure_data(ds_out):
    ds, out = ds_out
    shown = laporan.render(ds, out, "indikator", indikator="kerjasama-desa")
    assert list(shown) == [
        "indikator-kerjasama-desa-fakta",
        "indikator-kerjasama-desa-tren",
        "indikator-kerjasama-desa-kegiatan",
        "indikator-kerjasama-desa-penyebab",
    ]
    check_returns_what_it_showed(shown, out, set())
    tren = shown["indikator-kerjasama-desa-tren"]  # a figure: the data it was drawn from
    assert tren.set_index("year").loc[2023, "capaian_pct"] == pytest.approx(37.74)
    kegiatan = shown["indikator-kerjasama-desa-kegiatan"].frame
    assert kegiatan["kode_rekening"].iloc[0] == "2.13.02.1.01.03" and kegiatan["pagu_rp"].iloc[0] == 44_132_080
    text = repr(shown)
    assert "indikator-kerjasama-desa-kegiatan" in text and "Sub-kegiatan Pendukung, Anggaran dan Output" in text
    assert " at 0x" not in text  # no memory address: an output stays the same from run to run


def test_section_left_out_is_absent_and_text_only_part_is_empty(ds_out):
    ds, out = ds_out
    shown = laporan.render(ds, out, "bab4")
    assert shown == {} and "tidak ada tabel atau grafik" in repr(shown)
    assert pages._SHOWING == []  # nothing left recording after a render
    with pytest.raises(ValueError, match="bagian halaman tidak dikenal"):
        laporan.render(ds, out, "bab9")
    assert pages._SHOWING == []


@pytest.mark.slow
@pytest.mark.parametrize("part", [p for p in pages.PARTS if p != "indikator"])
def test_every_part_returns_what_it_registered(part, ds_out):
    ds, out = ds_out
    before = set(_registered(out))
    shown = laporan.render(ds, out, part)
    check_returns_what_it_showed(shown, out, before)


# --- help and completion ------------------------------------------------------------------------


def test_help_on_render_lists_every_part():
    text = pydoc.render_doc(laporan.render, renderer=pydoc.plaintext)
    listed = text.split("Parts (", 1)[1]
    for part in pages.PARTS:
        assert re.search(rf"^ +{re.escape(part)} +[A-Z]", listed, re.M), part  # the part, then what it shows
    assert "Returns:" in text and "Shown" in text


@pytest.mark.parametrize("module", [laporan, notebook, pages])
def test_public_helpers_say_what_they_take_and_return(module):
    for name in module.__all__:
        obj = getattr(module, name)
        if not callable(obj) or isinstance(obj, dict):
            continue
        doc = inspect.getdoc(obj)
        assert doc and len(doc.split()) >= 5, f"{module.__name__}.{name}"
    for name in ("setup", "scratch_dir"):
        doc = inspect.getdoc(getattr(notebook, name))
        assert "Args:" in doc and "Returns:" in doc, name


def _completions(expr: str) -> set[str]:
    from IPython.core.completer import provisionalcompleter
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    shell.run_cell("import lkip_helpers.notebook as nbk\nfrom lkip_helpers.report import laporan", store_history=False)
    with provisionalcompleter():
        return {c.text.lstrip(".") for c in shell.Completer.completions(expr, len(expr))}


@pytest.mark.parametrize(("expr", "module"), [("laporan.", laporan), ("nbk.", notebook)])
def test_completion_offers_what_the_module_exports(expr, module):
    offered = _completions(expr)
    assert offered == set(module.__all__), offered ^ set(module.__all__)
    assert "annotations" not in offered and "display" not in offered


def test_the_old_name_is_the_same_module():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # the warning itself: tests/test_naming.py
        from lkip_helpers import laporan as old

    assert old is laporan and old.render is pages.render
