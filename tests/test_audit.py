"""The consistency audit: finds the report's real slips, and nothing else."""

import csv
import json

import pandas as pd
import pytest

from lkip_helpers.audit import audit, printed_decimals
from lkip_helpers.cli import main
from lkip_helpers.loading import load_dataset
from lkip_helpers.numbers import format_number

# Reviewed one by one against the seed: each is a genuine inconsistency of the report.
EXPECTED_NUMERIC = {
    ("Ringkasan Eksekutif", "indikator", "jumlah_tercapai"), ("Ringkasan Eksekutif", "indikator", "jumlah_belum_tercapai"),
    ("Ringkasan Eksekutif", "ss-kemiskinan", "rata_rata_capaian_pct"),
    ("Bab 3.1", "indikator", "jumlah_tercapai"), ("Bab 3.1", "indikator", "jumlah_belum_tercapai"),
    ("Tabel 3.2", "pkk-aktif", "capaian_2022_pct"), ("Tabel 3.2", "lembaga-adat", "capaian_2022_pct"),
    ("Tabel 3.2", "status-desa-berkembang", "capaian_2022_pct"), ("Tabel 3.2", "kerjasama-desa", "capaian_2022_pct"),
    ("Tabel 3.2", "rata-rata", "capaian_2022_pct"),
    ("Bab 3.3", "rata-rata-tabel-3-2", "capaian_2022_pct"), ("Bab 3.3", "rata-rata-tabel-3-3", "capaian_2022_pct"),
    ("Bab 3.3", "rata-rata-tabel-3-3", "penurunan_pct"),
    ("Tabel 3.3", "pkk-aktif", "capaian_2022_pct"), ("Tabel 3.3", "pkk-aktif", "peningkatan_pct"),
    ("Tabel 3.3", "status-desa-berkembang", "capaian_2022_pct"), ("Tabel 3.3", "status-desa-berkembang", "peningkatan_pct"),
    ("Tabel 3.3", "kerjasama-desa", "capaian_2022_pct"), ("Tabel 3.3", "rata-rata", "capaian_2022_pct"),
    ("Tabel 3.3", "rata-rata", "peningkatan_pct"),
    ("Tabel 3.5", "pkk-aktif", "capaian_2022_pct"), ("Tabel 3.5", "status-desa-berkembang", "capaian_2022_pct"),
    ("Tabel 3.5", "kerjasama-desa", "capaian_2022_pct"),
    ("Tabel 3.5", "rata-rata", "capaian_2018_pct"), ("Tabel 3.5", "rata-rata", "capaian_2019_pct"),
    ("Tabel 3.5", "rata-rata", "capaian_2020_pct"), ("Tabel 3.5", "rata-rata", "capaian_2022_pct"),
    ("Bab 3.5", "kegiatan-rendah", "capaian_min_pct"),
    ("Tabel 3.10", "ikk-penataan-desa", "capaian_pct"), ("Tabel 3.10", "ikk-lomba-desa", "capaian_pct"),
    ("Bab 3.6", "ikk-sasaran-program-1", "jumlah_belum_tercapai"), ("Bab 3.6", "ikk-pkk", "serapan_pct"),
    ("Bab 3.6", "ikk-sasaran-program-2", "jumlah_indikator"),
    ("Bab IV", "indikator-1", "jumlah_tercapai"), ("Bab IV", "indikator-1", "jumlah_belum_tercapai"),
    ("Bab IV", "indikator-2", "jumlah_tercapai"), ("Bab IV", "indikator-2", "jumlah_belum_tercapai"),
    ("Bab IV", "indikator-tercapai", "capaian_min_pct"),
}


@pytest.fixture(scope="module")
def result(ds):
    return audit(ds)


def _keys(findings, jenis="angka"):
    f = findings[findings["jenis"] == jenis]
    return set(zip(f["report_table"], f["row_ref"], f["column"]))


def test_flags_exactly_the_reports_inconsistencies(result):
    findings, checked = result
    assert _keys(findings) == EXPECTED_NUMERIC
    assert int((checked["status"] == "sesuai").sum()) == 299


def test_issue_examples(result):
    findings, _ = result
    f = findings.set_index(["report_table", "row_ref", "column"])
    s1 = f.loc[("Ringkasan Eksekutif", "ss-kemiskinan", "rata_rata_capaian_pct")]
    assert s1["reported"] == 96.65 and round(s1["recomputed"], 2) == 94.65
    for year in (2018, 2019):
        row = f.loc[("Tabel 3.5", "rata-rata", f"capaian_{year}_pct")]
        assert "dibagi 6, seharusnya dibagi 5" in row["cause"]
    assert round(f.loc[("Tabel 3.5", "rata-rata", "capaian_2018_pct"), "recomputed"], 2) == 98.89
    assert "target baris lain" in f.loc[("Tabel 3.3", "status-desa-berkembang", "capaian_2022_pct"), "cause"]
    assert "truncation" in f.loc[("Tabel 3.5", "rata-rata", "capaian_2020_pct"), "cause"]
    assert "2.13.04" in f.loc[("Tabel 3.10", "ikk-penataan-desa", "capaian_pct"), "cause"]


def test_no_false_alarms_where_the_report_is_right(result):
    findings, checked = result
    assert not any(t == "Tabel 3.13" for t, _, _ in _keys(findings))
    assert not any(t == "Tabel 3.1" for t, _, _ in _keys(findings))
    t31 = checked[checked["report_table"] == "Tabel 3.1"]
    assert len(t31) == 10 and (t31["status"] == "sesuai").all()
    assert (checked[checked["report_table"] == "Tabel 3.13"]["status"] == "sesuai").all()
    # Bab 3.4 counts 6 indicators above 75 % of the RPJMD target: that is right
    assert ("Bab 3.4", "indikator", "jumlah_tercapai") not in _keys(findings)


def test_referential_checks(result):
    findings, _ = result
    refs = findings[findings["jenis"] == "rujukan"].set_index("row_ref")
    assert "Rote Tengah" in refs.loc["lomba-desa-3", "cause"]
    assert "tidak ada dalam Perjanjian Kinerja" in refs.loc["ikk-inovasi-ttg", "cause"]
    assert set(refs.index) == {"lomba-desa-3", "ikk-buku-transformasi", "ikk-inovasi-ttg", "ikk-bambu",
                               "ikk-p3pd", "ikk-rakor-dinas"}


def test_consistent_report_gets_no_numeric_findings(scratch, result):
    """Replace every printed number with the recomputed one, written as printed: nothing may be flagged."""
    _, checked = result
    fixed = {(r.report_table, r.row_ref, r.column): r.recomputed for r in checked.itertuples() if r.status == "berbeda"}
    path = scratch / "nilai_tercetak.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for r in rows:
        key = (r["report_table"], r["row_ref"], r["column"])
        if key in fixed:
            decimals = printed_decimals(r["printed_text"])
            r["value"] = f"{round(fixed[key], decimals):.{decimals}f}"
            r["printed_text"] = format_number(round(fixed[key], decimals), decimals)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    findings, checked2 = audit(load_dataset("pmd-ntt-2023"))
    assert _keys(findings) == set()
    assert int((checked2["status"] == "sesuai").sum()) == 299 + len(EXPECTED_NUMERIC)


def test_tolerance_is_configurable(ds):
    loose, _ = audit(ds, tolerance=0.01)
    truncations = {k for k in EXPECTED_NUMERIC if k[1] == "kerjasama-desa" or k[2] == "capaian_2020_pct"}
    assert truncations and not (truncations & _keys(loose))
    strict, _ = audit(ds, tolerance=0.0)
    assert _keys(strict) >= EXPECTED_NUMERIC


def test_cli_audit(capsys, tmp_path):
    assert main(["audit", "--csv", str(tmp_path / "a.csv")]) == 0
    out = capsys.readouterr().out
    assert "341 angka tercetak diperiksa, 38 berbeda" in out and "96.65" in out
    table = pd.read_csv(tmp_path / "a.csv")
    assert table["reported"].dtype == float and table["recomputed"].dtype == float
    assert main(["audit", "--strict"]) == 1


def test_build_writes_audit_and_drilldowns(built):
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    by_id = {a["id"]: a for a in manifest["artifacts"]}
    assert by_id["audit-konsistensi"]["kind"] == "table"
    table = pd.read_csv(built / "tables" / "audit-konsistensi.csv")
    assert len(table) == len(EXPECTED_NUMERIC) + 6
    assert pd.api.types.is_float_dtype(table["reported"]) and pd.api.types.is_float_dtype(table["recomputed"])
    below = ["kerjasama-desa", "status-desa-berkembang", "alat-ttg", "desa-persiapan-register", "posyandu-aktif",
             "bumdes-aktif"]
    for ind in below:
        page = by_id[f"indikator-{ind}"]
        assert page["kind"] == "page" and (built / "html" / f"indikator-{ind}.html").is_file()
    index = (built / "html" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="indikator-{ind}.html"' in index for ind in below)
    assert "indikator-pkk-aktif" not in by_id  # 100 %: no drill-down
    for extra in ("sensitivitas-rata-rata", "grafik-sensitivitas-rata-rata", "kontribusi-rata-rata-2022",
                  "anggaran-vs-capaian", "grafik-anggaran-vs-capaian"):
        assert extra in by_id
