"""`lkip build`: manifest, artifacts, key numbers against the report, leadership HTML, failures."""

import json
import re
import shutil

import nbformat
import pandas as pd
import pytest

from lkip_helpers import paths
from lkip_helpers.cli import main
from lkip_helpers.pipeline import build as build_mod
from lkip_helpers.report import tables as reports

REQUIRED_IDS = (
    ["ringkasan-eksekutif"]
    + [f"tabel-2.{i}" for i in range(1, 5)]
    + [f"tabel-3.{i}" for i in range(1, 14)]
    + [f"gambar-1.{i}" for i in range(1, 4)]
)


# Every artifact id the default dataset had before its report structure moved into laporan.yml.
KEPT_IDS = [
    "ringkasan-eksekutif",
    "grafik-capaian-indikator",
    "gambar-1.1",
    "gambar-1.2",
    "gambar-1.3",
    "grafik-penempatan-kontrak",
    "tabel-3.11",
    "grafik-desa-kelurahan",
    "tabel-2.1",
    "tabel-2.2",
    "tabel-2.3",
    "tabel-2.4",
    "perubahan-pk",
    "tabel-3.1",
    "tabel-3.2",
    "tabel-3.3",
    "tabel-3.4",
    "tabel-3.5",
    "grafik-tren-indikator",
    "grafik-tren-rata-rata",
    "tabel-3.6",
    "tabel-3.7",
    "tabel-3.8",
    "tabel-3.9",
    "tabel-3.10",
    "penyebab-dan-rencana",
    "tabel-3.12",
    "tabel-3.13",
    "grafik-serapan-program",
    "anggaran-vs-capaian",
    "grafik-anggaran-vs-capaian",
    "audit-konsistensi",
    "sensitivitas-rata-rata",
    "grafik-sensitivitas-rata-rata",
    "kontribusi-rata-rata-2022",
    "grafik-kontribusi-2022",
]
PRINTED_TITLES = {
    "tabel-3.7": "Ringkasan Target, Realisasi dan Capaian IKU Sasaran Program 1",
    "tabel-3.10": "Capaian Sasaran Kegiatan — Sasaran Program 2",
    "tabel-3.11": "Rekapitulasi Jumlah Desa dan Kelurahan di NTT Tahun 2023",
    "tabel-3.1": "Capaian Kinerja Terhadap Target dalam Perjanjian Kinerja Perubahan Tahun 2023",
    "tabel-3.5": "Perbandingan Capaian Kinerja Tahun 2018–2023 dengan Target RPJMD",
}


@pytest.fixture(scope="module")
def manifest(built):
    return json.loads((built / "manifest.json").read_text(encoding="utf-8"))


def test_manifest_lists_every_required_artifact(built, manifest):
    by_id = {a["id"]: a for a in manifest["artifacts"]}
    for artifact_id in REQUIRED_IDS:
        assert artifact_id in by_id, artifact_id
    assert len(by_id) == len(manifest["artifacts"])
    for a in manifest["artifacts"]:
        assert a["kind"] in ("table", "figure", "page", "document") and a["title"]
        for f in a["files"]:
            assert (built / f).is_file(), f
    assert {a["kind"] for a in manifest["artifacts"]} == {"table", "figure", "page", "document"}
    for a in manifest["artifacts"]:
        if a["kind"] == "table":
            assert a["files"] == [f"tables/{a['id']}.csv", f"tables/{a['id']}.xlsx"]
        if a["kind"] == "figure":
            assert [f.rsplit(".", 1)[1] for f in a["files"]] == ["png", "svg", "csv"]


def test_default_dataset_keeps_its_artifact_ids_and_titles(built, manifest):
    by_id = {a["id"]: a for a in manifest["artifacts"]}
    assert [i for i in by_id if i in KEPT_IDS] == KEPT_IDS  # all of them, in the report's order
    for artifact_id, title in PRINTED_TITLES.items():
        assert by_id[artifact_id]["title"] == title
    pages = [i for i, a in by_id.items() if a["kind"] == "page" and i.startswith("indikator-")]
    assert all(f"{p}-fakta" in by_id for p in pages)
    # the tables per sasaran program show the indicator laporan.yml names, not every IKU of the sasaran
    t37 = pd.read_csv(built / "tables" / "tabel-3.7.csv")
    assert list(t37["indikator_id"]) == ["bumdes-aktif"]


# The key numbers are those of the table functions the notebooks call (milliseconds on the loaded
# dataset); the build writes their data as tables/<id>.csv, checked once below.


def test_tabel_3_1_key_numbers(ds, printed):
    t = reports.capaian(ds).data
    rows = t.dropna(subset=["indikator_id"]).set_index("indikator_id")
    assert len(rows) == 9
    for ind, value in rows["capaian_pct"].items():
        assert round(value, 2) == printed("Tabel 3.1", ind, "capaian_pct"), ind
    assert round(t["capaian_pct"].iloc[-1], 2) == printed("Tabel 3.1", "rata-rata", "capaian_pct") == 82.32
    assert rows.loc["bumdes-aktif", "target"] == 1500 and rows.loc["bumdes-aktif", "realisasi"] == 1476


def test_tabel_3_5_key_numbers(ds, printed):
    t = reports.tren(ds).data
    avg = t.iloc[-1]
    rows = t.dropna(subset=["indikator_id"]).set_index("indikator_id")
    # 2023 and 2021 agree with the report; 2018-2020 are inputs as printed
    assert round(avg["capaian_2023"], 2) == 82.32
    assert round(avg["capaian_2021"], 2) == printed("Tabel 3.5", "rata-rata", "capaian_2021_pct") == 129.04
    assert rows.loc["bumdes-aktif", "capaian_2018"] == 184.58
    assert pd.isna(rows.loc["lembaga-adat", "capaian_2018"])
    # the report divides 2018's five values by six (82,41); the data give 98,89
    assert round(avg["capaian_2018"], 2) == 98.89
    assert printed("Tabel 3.5", "rata-rata", "capaian_2018_pct") == 82.41


def test_tabel_3_12_and_3_13_key_numbers(ds, printed):
    t12 = reports.belanja_jenis(ds).data.set_index("jenis_id")
    assert t12.loc["jumlah-belanja", "anggaran_rp"] == 9_051_591_780
    assert t12.loc["jumlah-belanja", "realisasi_rp"] == 7_401_465_357
    assert round(t12.loc["belanja-barang-jasa", "serapan_pct"], 2) == printed(
        "Tabel 3.12", "belanja-barang-jasa", "serapan_pct"
    )
    t13 = reports.anggaran(ds).data.set_index("kode_rekening")
    assert len(t13) == 48
    for kode in ("2.13", "2.13.01", "2.13.02", "2.13.04", "2.13.05", "2.13.01.1.08", "2.13.04.1.01"):
        assert t13.loc[kode, "pagu_rp"] == printed("Tabel 3.13", kode, "pagu_rp"), kode
        assert t13.loc[kode, "realisasi_rp"] == printed("Tabel 3.13", kode, "realisasi_rp"), kode
        assert round(t13.loc[kode, "serapan_pct"], 2) == printed("Tabel 3.13", kode, "serapan_pct"), kode


def test_built_tables_hold_the_key_numbers(built):
    """What the build adds: the CSV files, read back (kode rekening as text, the average row last)."""
    t31 = pd.read_csv(built / "tables" / "tabel-3.1.csv")
    assert len(t31) == 10 and round(t31["capaian_pct"].iloc[-1], 2) == 82.32
    assert t31.set_index("indikator_id").loc["bumdes-aktif", "realisasi"] == 1476
    t35 = pd.read_csv(built / "tables" / "tabel-3.5.csv")
    assert round(t35["capaian_2021"].iloc[-1], 2) == 129.04 and round(t35["capaian_2018"].iloc[-1], 2) == 98.89
    t12 = pd.read_csv(built / "tables" / "tabel-3.12.csv").set_index("jenis_id")
    assert t12.loc["jumlah-belanja", "realisasi_rp"] == 7_401_465_357
    t13 = pd.read_csv(built / "tables" / "tabel-3.13.csv", dtype={"kode_rekening": str}).set_index("kode_rekening")
    assert len(t13) == 48 and t13.loc["2.13.01.1.08", "pagu_rp"] == 1_552_936_160
    assert round(t13.loc["2.13.04", "serapan_pct"], 2) == 25.21


def test_xlsx_has_display_formats(built):
    from openpyxl import load_workbook

    ws = load_workbook(built / "tables" / "tabel-3.13.xlsx").active
    header = [c.value for c in ws[2]]
    pagu_col = header.index("Pagu (Rp)") + 1
    cell = ws.cell(row=3, column=pagu_col)
    assert cell.value == 9_051_591_780 and cell.number_format == "#,##0"
    assert ws.freeze_panes == "A3"


def test_leadership_html(built):
    pages = sorted((built / "html").glob("*.html"))
    names = [p.name for p in pages]
    assert names[:6] == [
        "00_ringkasan_eksekutif.html",
        "01_bab1_pendahuluan.html",
        "02_bab2_perencanaan.html",
        "03_bab3_capaian.html",
        "04_anggaran.html",
        "05_audit_konsistensi.html",
    ]
    assert "index.html" in names and len([n for n in names if n.startswith("indikator-")]) == 6
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", text), page.name  # nothing from outside
        assert "<script" not in text
        assert "lkip_helpers import" not in text and "output_dir = " not in text  # no code, no parameters
        assert 'name="viewport"' in text
    body = (built / "html" / "03_bab3_capaian.html").read_text(encoding="utf-8")
    assert body.count('src="data:image/png;base64,') >= 2
    assert "82,32" in body and "1.476" in body and "98,40" in body  # Indonesian number format
    index = (built / "html" / "index.html").read_text(encoding="utf-8")
    assert "82,32%" in index and "81,77%" in index and 'href="03_bab3_capaian.html"' in index


def test_executed_notebooks_kept(built):
    nb = nbformat.read(built / "notebooks" / "03_bab3_capaian.ipynb", as_version=4)
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert all(c.get("execution_count") for c in nb.cells if c.cell_type == "code" and c.source.strip())


@pytest.mark.slow
def test_failing_notebook_keeps_previous_outputs(tmp_path, monkeypatch, capsys):
    books = tmp_path / "notebooks"
    books.mkdir()
    shutil.copy(paths.NOTEBOOKS_DIR / "02_bab2_perencanaan.ipynb", books)
    bad = nbformat.read(paths.NOTEBOOKS_DIR / "02_bab2_perencanaan.ipynb", as_version=4)
    bad.cells.append(nbformat.v4.new_code_cell('raise RuntimeError("sengaja gagal")'))
    nbformat.write(bad, books / "05_rusak.ipynb")
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", books)
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path / "outputs"))
    previous = tmp_path / "outputs" / "pmd-ntt-2023"
    previous.mkdir(parents=True)
    (previous / "manifest.json").write_text("hasil lama", encoding="utf-8")

    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert "05_rusak.ipynb" in err and "RuntimeError: sengaja gagal" in err and "sel [" in err
    assert "Traceback" not in err
    assert (previous / "manifest.json").read_text(encoding="utf-8") == "hasil lama"
    assert sorted(p.name for p in previous.iterdir()) == ["manifest.json"]
    kept = tmp_path / "outputs" / build_mod.FAILED_DIR / "pmd-ntt-2023" / "05_rusak.ipynb"
    assert kept.is_file() and "sengaja gagal" in kept.read_text(encoding="utf-8")
    assert not list((tmp_path / "outputs").glob(".tmp-*"))


def test_bad_data_stops_before_any_notebook(scratch, capsys):
    (scratch / "realisasi.csv").write_text("indikator_id,year\n", encoding="utf-8")
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert "realisasi.csv" in err and "kolom wajib tidak ada" in err
    assert not (scratch.parent.parent / "outputs" / "pmd-ntt-2023").exists()
