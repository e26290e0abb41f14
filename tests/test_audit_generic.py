"""The audit is generic: rules keyed by subject and metric, no dataset's ids in code, any shape of agency."""

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from lkip_helpers import paths
from lkip_helpers.analysis import audit as audit_module
from lkip_helpers.analysis.audit import RULES, Expected, audit, default_tolerance, likely_cause
from lkip_helpers.data import schema
from lkip_helpers.data.loading import Dataset, load_table


def test_registry_covers_every_metric_present(ds):
    pairs = set(zip(ds.nilai_tercetak["subject"], ds.nilai_tercetak["metric"]))
    assert pairs and not pairs - set(RULES)


def test_no_dataset_ids_codes_places_or_tables_in_the_audit_code():
    """No id, kode rekening, place name or table number of pmd-ntt-2023 in audit.py."""
    folder = paths.dataset_dir(paths.DEFAULT_DATASET)
    names = set()
    for table, column in [
        ("indikator", "indikator_id"),
        ("sasaran", "sasaran_id"),
        ("anggaran", "kode_rekening"),
        ("belanja_jenis", "jenis_id"),
        ("wilayah", "kabupaten"),
        ("nilai_tercetak", "report_table"),
        ("lomba_desa", "kecamatan"),
        ("lomba_desa", "desa"),
    ]:
        names |= {n for n in pd.read_csv(folder / f"{table}.csv", dtype=str)[column].dropna() if len(n) >= 3}
    code = Path(audit_module.__file__).read_text(encoding="utf-8")
    found = sorted(n for n in names if re.search(rf"(?<![\w.-]){re.escape(n)}(?![\w-]|\.\d)", code))
    assert found == [], found


def test_truncation_is_not_a_typo():
    """100/70 = 142,857…: printed 142 is cut off, not a slip of one digit."""
    exp = Expected(100 / 70 * 100)
    assert "truncation" in likely_cause("142", 142.0, exp, default_tolerance("142"), {})
    assert "truncation" in likely_cause("142,85", 142.85, exp, default_tolerance("142,85"), {})
    assert "salah ketik" in likely_cause("141,86", 141.86, exp, default_tolerance("141,86"), {})


# -- a small agency of another shape: a kabupaten health office -------------------------------
# 3 sasaran strategis, one lower-is-better indicator, no earlier years, no region, no PK documents,
# a program -> kegiatan budget with two programs. Every printed value below is written by hand.
CORE = {
    "sasaran": [
        ("s1", "strategis", "", "1", "Meningkatnya derajat kesehatan"),
        ("s2", "strategis", "", "2", "Meningkatnya mutu layanan"),
        ("s3", "strategis", "", "3", "Meningkatnya tata kelola"),
    ],
    "indikator": [
        ("i1", "iku", "s1", "", "1", "Cakupan imunisasi", "Imunisasi", "%", "higher", ""),
        ("i2", "iku", "s1", "", "2", "Angka kematian bayi", "Kematian bayi", "per 1000", "lower", ""),
        ("i3", "iku", "s2", "", "1", "Puskesmas terakreditasi", "Akreditasi", "unit", "higher", ""),
        ("i4", "iku", "s3", "", "1", "Nilai SAKIP", "SAKIP", "nilai", "higher", ""),
    ],
    "target": [("i1", 2024, "pk", 80), ("i2", 2024, "pk", 10), ("i3", 2024, "pk", 70), ("i4", 2024, "pk", 50)],
    "realisasi": [("i1", 2024, 72), ("i2", 2024, 12), ("i3", 2024, 100), ("i4", 2024, 35)],
    "anggaran": [
        ("P1", "", "program", "Program kesehatan masyarakat", "", ""),
        ("P1.01", "P1", "kegiatan", "Imunisasi", 1000000, 800000),
        ("P1.02", "P1", "kegiatan", "Gizi", 500000, 450000),
        ("P2", "", "program", "Program penunjang", "", ""),
        ("P2.01", "P2", "kegiatan", "Administrasi", 2000000, 1000000),
    ],
}
# capaian: I1 90; I2 (2*10-12)/10 = 80; I3 100/70 = 142,857…; I4 70. Average 95,71; S1 85.
PRINTED = [
    # report_table, subject, indikator_id, sasaran_id, kode_rekening, metric, printed_text, value
    ("Tabel III.1", "indikator", "i1", "", "", "capaian_pct", "90,00", 90),
    ("Tabel III.1", "indikator", "i2", "", "", "capaian_pct", "80,00", 80),
    ("Tabel III.1", "indikator", "i3", "", "", "capaian_pct", "142,86", 142.86),
    ("Tabel III.1", "indikator", "i4", "", "", "capaian_pct", "70,00", 70),
    ("Tabel III.1", "indikator", "", "", "", "rata_rata_capaian_pct", "95,71", 95.71),
    ("Tabel III.1", "indikator", "i2", "", "", "realisasi", "12", 12),
    ("Ringkasan", "indikator", "", "", "", "jumlah_indikator", "4", 4),
    ("Ringkasan", "indikator", "", "", "", "jumlah_tercapai", "1", 1),
    ("Ringkasan", "indikator", "", "", "", "jumlah_belum_tercapai", "3", 3),
    ("Ringkasan", "indikator", "", "", "", "capaian_max_pct", "142,86", 142.86),
    ("Ringkasan", "sasaran", "", "s1", "", "rata_rata_capaian_pct", "85,00", 85),
    ("Ringkasan", "sasaran", "", "", "", "jumlah_sasaran", "3", 3),
    ("Tabel III.4", "anggaran", "", "", "P1", "pagu_rp", "1.500.000", 1500000),
    ("Tabel III.4", "anggaran", "", "", "P1", "serapan_pct", "83,33", 83.33),
    ("Tabel III.4", "anggaran", "", "", "P2.01", "realisasi_rp", "1.000.000", 1000000),
    ("Tabel III.4", "anggaran", "", "", "", "pagu_rp", "3.500.000", 3500000),
    ("Tabel III.4", "anggaran", "", "", "", "serapan_pct", "64,29", 64.29),
]
SLIP = ("Tabel III.1", "i4", "70,00", "75,00", 75)  # a one-digit slip planted in the printed report


def _write(path: Path, header: list[str], rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(list(r) + [""] * (len(header) - len(r)) for r in rows)  # optional columns left blank


def _agency(root: Path, printed=PRINTED, blank_realisasi: tuple = ()) -> Path:
    """The agency; ``blank_realisasi``: indicators whose realisasi is not filled in yet (a draft)."""
    folder = root / "dinkes-contoh-2024"
    folder.mkdir(parents=True)
    meta = {
        "dataset": {
            "id": folder.name,
            "agency": "Dinas Kesehatan",
            "province": "Contoh",
            "year": 2024,
            "source_document": "contoh untuk pengujian",
            "synthetic": True,
            **({"status": "draft"} if blank_realisasi else {}),
        },
        "capaian": {
            "cap_pct": None,
            "average": "rows",
            "scale": [{"min_pct": 100, "label": "Tercapai"}, {"min_pct": 0, "label": "Belum"}],
        },
    }
    (folder / "metadata.yml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    for name, table in schema.TABLES.items():
        rows = CORE.get(name, [])
        if name == "target":
            rows = [(*r, "Tabel III.1") for r in rows]
        if name == "realisasi":
            rows = [(i, y, "" if i in blank_realisasi else v, "Tabel III.1") for i, y, v in rows]
        if name == "nilai_tercetak":
            rows = [_printed_row(table.columns, p) for p in printed]
        _write(folder / table.filename, table.columns, rows)
    return folder


def _printed_row(columns, p):
    table, subject, ind, sas, kode, metric, text, value = p
    row = dict.fromkeys(columns, "")
    row.update(
        report_table=table,
        subject=subject,
        indikator_id=ind,
        sasaran_id=sas,
        kode_rekening=kode,
        metric=metric,
        year="2024",
        printed_text=text,
        value=value,
    )
    return [row[c] for c in columns]


def _with_slip(table, ind, text, value):
    return [
        (t, s, i, sa, k, m, text, value) if (t, i, m) == (table, ind, "capaian_pct") else (t, s, i, sa, k, m, tx, v)
        for t, s, i, sa, k, m, tx, v in PRINTED
    ]


def _load(folder: Path) -> Dataset:
    """The dataset, its optional tables empty (header only) as when an agency has none of them."""
    meta = yaml.safe_load((folder / "metadata.yml").read_text(encoding="utf-8"))
    tables = {}
    for name, table in schema.TABLES.items():
        path = folder / table.filename
        if len(path.read_text(encoding="utf-8").splitlines()) > 1:
            tables[name] = load_table(path, table, False)
        else:
            tables[name] = pd.DataFrame(
                {c.column: pd.Series(dtype=schema.DTYPES[schema.FIELDS[c.field].dtype]) for c in table.cols}
            )
    return Dataset(folder.name, folder, meta, tables)


@pytest.fixture()
def agency_root(tmp_path, monkeypatch):
    monkeypatch.setenv("LKIP_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_another_agency_a_careful_report_has_no_findings(agency_root):
    ds = _load(_agency(agency_root))
    findings, checked = audit(ds)
    assert findings.empty, findings[["report_table", "subject_label", "metric", "cause"]]
    assert len(checked) == len(PRINTED) and (checked["status"] == "sesuai").all()


def test_another_agency_a_planted_slip_is_found_and_nothing_else(agency_root):
    table, ind, _, text, value = SLIP
    ds = _load(_agency(agency_root, _with_slip(table, ind, text, value)))
    findings, checked = audit(ds)
    assert list(zip(findings["report_table"], findings["subject_label"], findings["metric"])) == [
        ("Tabel III.1", "i4", "capaian_pct")
    ]
    f = findings.iloc[0]
    assert f["reported"] == 75 and round(f["recomputed"], 2) == 70.0
    assert f["cause"].startswith("salah ketik: satu digit berbeda")
    assert (checked["status"] == "berbeda").sum() == 1


def test_another_agency_a_cut_off_value_is_truncation(agency_root):
    ds = _load(_agency(agency_root, _with_slip("Tabel III.1", "i3", "142", 142)))
    findings, _ = audit(ds)
    assert list(findings["subject_label"]) == ["i3"]
    assert "truncation" in findings.iloc[0]["cause"] and "salah ketik" not in findings.iloc[0]["cause"]


def test_a_draft_with_a_blank_realisasi_is_audited_not_a_crash(agency_root):
    """A realisasi not filled in yet (<NA>): its printed capaian cannot be checked; the others still are."""
    ds = _load(_agency(agency_root, blank_realisasi=("i1",)))
    findings, checked = audit(ds)
    status = dict(zip(checked["subject_label"] + " " + checked["metric"], checked["status"]))
    assert status["i1 capaian_pct"] == "tidak diperiksa"
    assert status["i4 capaian_pct"] == "sesuai" and status["i2 realisasi"] == "sesuai"


def test_no_printed_values_no_findings(agency_root):
    ds = _load(_agency(agency_root, printed=[]))
    findings, checked = audit(ds)
    assert findings.empty and checked.empty


def test_unknown_id_is_a_referential_finding_not_a_crash(agency_root):
    printed = [*PRINTED, ("Tabel III.4", "anggaran", "", "", "P9.99", "pagu_rp", "10", 10)]
    ds = _load(_agency(agency_root, printed))
    findings, checked = audit(ds)
    refs = findings[findings["jenis"] == "rujukan"]
    assert list(refs["cause"]) == ["kode rekening 'P9.99' tidak ada di anggaran.csv"]
    assert (findings["jenis"] == "angka").sum() == 0
    assert list(checked[checked["kode_rekening"] == "P9.99"]["status"]) == ["tidak diperiksa"]


def test_dataset_alternatives_come_from_metadata(agency_root):
    """A report habit declared in metadata.yml names the cause; without it, the generic cause."""
    folder = _agency(agency_root, _with_slip("Tabel III.1", "i4", "64,29", 64.29))
    meta = yaml.safe_load((folder / "metadata.yml").read_text(encoding="utf-8"))
    meta["audit"] = {
        "alternatives": [
            {
                "metric": ["capaian_pct"],
                "set": {"subject": "anggaran", "metric": "serapan_pct"},
                "cause": "serapan seluruh anggaran ({value}%) dicetak sebagai capaian",
            }
        ]
    }
    (folder / "metadata.yml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    findings, _ = audit(_load(folder))
    assert list(findings["cause"]) == ["serapan seluruh anggaran (64,29%) dicetak sebagai capaian"]


@pytest.mark.parametrize(
    "alternative, fragment",
    [
        ({"metric": "capaian_pct"}, "harus berisi 'metric' dan 'cause'"),
        ({"metric": "capaian_pct", "cause": "x", "set": {"baris": 1}}, "kolom tidak dikenal ['baris']"),
        ({"metric": "capaian_pct", "cause": "x", "set": {"ambang_pct": "75%"}}, "set.ambang_pct: tertulis '75%'"),
        ({"metric": "capaian_pct", "cause": "x", "set": {"subject": "desa"}}, "set.subject: tertulis 'desa'"),
    ],
)
def test_a_malformed_audit_section_is_one_clear_message(agency_root, alternative, fragment):
    from lkip_helpers.errors import DataError

    folder = _agency(agency_root)
    ds = _load(folder)
    ds.meta["audit"] = {"alternatives": [alternative]}
    with pytest.raises(DataError, match=re.escape(fragment)):
        audit(ds)
