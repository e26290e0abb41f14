"""`lkip new`: next year's draft from the default dataset validates, keeps the history, and builds."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import DRAFT

from lkip_helpers import paths
from lkip_helpers.analysis import kinerja
from lkip_helpers.cli import main
from lkip_helpers.data import completeness
from lkip_helpers.data.loading import load_dataset
from lkip_helpers.data.newyear import new_dataset

NEW = DRAFT


@pytest.fixture(scope="module")
def data_root(tmp_path_factory):
    """A data folder with the default dataset and its 2024 draft (made once for the module)."""
    root = tmp_path_factory.mktemp("data")
    shutil.copytree(paths.dataset_dir(paths.DEFAULT_DATASET), root / paths.DEFAULT_DATASET)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LKIP_DATA_DIR", str(root))
        new_dataset(NEW, paths.DEFAULT_DATASET, 2024)
    return root


@pytest.fixture()
def env(data_root, tmp_path, monkeypatch):
    monkeypatch.setenv("LKIP_DATA_DIR", str(data_root))
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path / "outputs"))
    return data_root


@pytest.fixture()
def draft(env):
    return load_dataset(NEW)


@pytest.mark.slow
def test_validate_passes_and_lists_what_remains(env, capsys):
    assert main(["validate", NEW]) == 0
    out = capsys.readouterr().out
    assert f"{NEW}: valid" in out and "DRAF" in out
    for item in (
        "realisasi.realisasi: 18 dari",
        "target.target: 18 dari",
        "anggaran.pagu_rp:",
        "anggaran.realisasi_rp:",
        "belanja_jenis.anggaran_rp:",
        "narasi: belum ada baris",
        "nilai_tercetak: belum ada baris",
    ):
        assert item in out, (item, out)
    assert "Perlu diperiksa (disalin dari pmd-ntt-2023): dokumen_perencanaan" in out


def test_final_dataset_prints_no_remaining(env, capsys):
    assert main(["validate", paths.DEFAULT_DATASET]) == 0
    assert "DRAF" not in capsys.readouterr().out


def test_draft_metadata(draft):
    d = draft.meta["dataset"]
    assert draft.draft and draft.year == 2024 and d["status"] == "draft"
    assert d["source_document"] == "(belum ada — draf)" and d["carried_from"] == paths.DEFAULT_DATASET
    assert "PK 2023 sebagai titik awal" in draft.meta["tables"]["dokumen_perencanaan"]["notes"]
    assert draft.missing_text == "belum diisi"


def test_carries_the_frame_and_empties_the_year(draft, ds):
    for name in (
        "sasaran",
        "indikator",
        "dokumen_perencanaan",
        "sasaran_kegiatan",
        "wilayah",
        "unit_organisasi",
        "pegawai_total",
        "pegawai",
        "capaian_historis",
    ):
        pd.testing.assert_frame_equal(draft.tables[name], ds.tables[name], check_exact=True)
    assert list(draft.anggaran["kode_rekening"]) == list(ds.anggaran["kode_rekening"])
    assert draft.anggaran[["pagu_rp", "realisasi_rp"]].isna().all().all()
    assert draft.belanja_jenis[["anggaran_rp", "realisasi_rp"]].isna().all().all()
    for name in ("narasi", "nilai_tercetak", "lomba_desa", "hadiah_lomba_pkk"):
        assert draft.tables[name].empty, name


def test_old_years_stay_and_the_new_year_waits(draft, ds):
    old = draft.target[draft.target["year"] <= ds.year].reset_index(drop=True)
    pd.testing.assert_frame_equal(old, ds.target.reset_index(drop=True))
    new_pk = draft.target[(draft.target["year"] == 2024) & (draft.target["basis"] == "pk")]
    last_pk = ds.target[(ds.target["year"] == ds.year) & (ds.target["basis"] == "pk")]
    assert set(new_pk["indikator_id"]) == set(last_pk["indikator_id"])
    assert new_pk["target"].isna().all()  # the RPJMD 2018-2023 has no 2024 target to copy
    new_real = draft.realisasi[draft.realisasi["year"] == 2024]
    assert set(new_real["indikator_id"]) == set(last_pk["indikator_id"]) and new_real["realisasi"].isna().all()


def test_last_years_realisasi_joins_the_tren(draft, ds):
    t = kinerja.tren(draft).set_index(["indikator_id", "year"])
    assert round(t.loc[("bumdes-aktif", 2023), "capaian_pct"], 2) == 98.40  # 1476 of 1500
    assert t.loc[("bumdes-aktif", 2023), "sumber"] == "dihitung"
    assert round(t.loc[("bumdes-aktif", 2018), "capaian_pct"], 2) == 184.58  # published history
    assert pd.isna(t.loc[("bumdes-aktif", 2024), "capaian_pct"])
    years = kinerja.yearly_average(draft).set_index("year")["rata_rata_capaian_pct"]
    assert 2024 not in years.index and round(years[2023], 2) == 82.32


@pytest.mark.slow
def test_rpjmd_target_is_copied_when_known(env, capsys):
    path = paths.dataset_dir(paths.DEFAULT_DATASET) / "target.csv"
    text = path.read_text(encoding="utf-8")
    try:
        path.write_text(text + "bumdes-aktif,2024,rpjmd,1550,Tabel 3.3\r\n", encoding="utf-8", newline="")
        assert main(["new", "pmd-ntt-2024b", "--from", paths.DEFAULT_DATASET, "--year", "2024"]) == 0
        out = capsys.readouterr().out
        assert "draf LKIP 2024 dibuat" in out and "lkip template pmd-ntt-2024b" in out
        t = load_dataset("pmd-ntt-2024b").target.set_index(["indikator_id", "year", "basis"])["target"]
        assert t[("bumdes-aktif", 2024, "pk")] == 1550 and pd.isna(t[("alat-ttg", 2024, "pk")])
    finally:
        path.write_text(text, encoding="utf-8", newline="")
        shutil.rmtree(paths.dataset_dir("pmd-ntt-2024b"), ignore_errors=True)


def test_new_refuses_to_overwrite_and_bad_years(env, capsys):
    assert main(["new", NEW, "--from", paths.DEFAULT_DATASET]) == 2
    assert "sudah ada" in capsys.readouterr().err
    assert main(["new", "pmd-ntt-2022", "--from", paths.DEFAULT_DATASET, "--year", "2022"]) == 2
    assert "harus sesudah" in capsys.readouterr().err
    assert not paths.dataset_dir("pmd-ntt-2022").exists()
    assert not [p for p in env.iterdir() if p.name.startswith(".")]  # no staging folder left behind


def test_blanks_are_errors_in_a_final_dataset(scratch, capsys):
    path = scratch / "anggaran.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",8211600,8211600", ",,8211600"), encoding="utf-8")
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert "anggaran.csv, baris 6, kolom 'pagu_rp'" in err and "harus berisi pagu_rp" in err and "status: draft" in err
    meta = scratch / "metadata.yml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("  year: 2023\n", "  year: 2023\n  status: draft\n"), encoding="utf-8"
    )
    assert main(["validate"]) == 0
    assert "anggaran.pagu_rp: 1 dari 32 baris belum diisi" in capsys.readouterr().out


def test_unknown_status_is_refused(scratch, capsys):
    meta = scratch / "metadata.yml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("  year: 2023\n", "  year: 2023\n  status: hampir\n"), encoding="utf-8"
    )
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert "kunci 'dataset.status': tertulis 'hampir'" in err and "draft, final" in err, err


def test_remaining_summary(draft):
    assert completeness.summary(draft) == "106 sel belum diisi di 6 kolom; 4 tabel belum berisi baris"


def test_build_of_the_draft_shows_what_is_missing(draft_build):
    out = draft_build / "outputs" / NEW  # the session's build of the draft (made from the default dataset as here)
    index = (out / "html" / "index.html").read_text(encoding="utf-8")
    summary = (out / "html" / "00_ringkasan_eksekutif.html").read_text(encoding="utf-8")
    audit = (out / "html" / "05_audit_konsistensi.html").read_text(encoding="utf-8")
    for page in (index, summary, audit):
        assert "DRAF — data belum lengkap" in page and "106 sel belum diisi" in page
        assert "belum diisi" in page
    assert "realisasinya <strong>belum diisi</strong>" in summary
    assert "Belum ada angka tercetak untuk diperiksa" in audit
    assert not list((out / "html").glob("indikator-*.html"))  # nothing measured, so nothing below target
    t31 = pd.read_csv(out / "tables" / "tabel-3.1.csv")
    assert t31["realisasi"].isna().all() and t31["capaian_pct"].isna().all()
    t35 = pd.read_csv(out / "tables" / "tabel-3.5.csv").dropna(subset=["indikator_id"]).set_index("indikator_id")
    assert round(t35.loc["bumdes-aktif", "capaian_2023"], 2) == 98.40
