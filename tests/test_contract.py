"""The data contract: what `lkip validate` accepts, and what it says when it refuses.

* a new agency from nothing (`lkip new DATASET --year --agency --region`): validate lists
  what is left, filling the core tables is enough to pass as final;
* the capaian policy per agency (lower-is-better formula, floor at 0, cap, averaging,
  scale and its colours), against values computed by hand from the fixture CSVs;
* budgets of any shape (several top-level rows, program -> kegiatan), efficiency per IKU;
* every metadata, policy, id and year error: one line naming file, row and key/column;
* implausible figures: warnings, not errors.

Expected numbers are written out from the CSV files (e.g. ``18 / 21.4 * 100``), never
taken from the code under test.
"""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
from pathlib import Path

import pytest
import yaml

from lkip_helpers import paths
from lkip_helpers.analysis import anggaran, kegiatan, kinerja
from lkip_helpers.analysis.plausibility import plausibility_warnings
from lkip_helpers.capaian import CapaianPolicy, PolicyError, Scale, capaian_pct
from lkip_helpers.cli import main
from lkip_helpers.data.loading import load_dataset
from lkip_helpers.data.schema import CORE_TABLES, TABLES, is_id

FIXTURES = Path(__file__).parent / "fixtures"
DINKES = "dinkes-lembahhijau-2023"
PMD = paths.dataset_dir(paths.DEFAULT_DATASET)  # resolved before any test points LKIP_DATA_DIR elsewhere


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("LKIP_DATA_DIR", str(root))
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path / "outputs"))
    return root


@pytest.fixture()
def dinkes(data_dir):
    """A scratch copy of the fixture agency; returns its folder."""
    shutil.copytree(FIXTURES / DINKES, data_dir / DINKES)
    return data_dir / DINKES


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _set(path: Path, key: str, column: str, value: str) -> int:
    """Set ``column`` of the row whose first cell is ``key``; return its line (header = 1)."""
    rows = _rows(path)
    i = next(n for n, r in enumerate(rows) if r[0] == key)
    rows[i][rows[0].index(column)] = value
    _write(path, rows)
    return i + 1


def _edit_meta(folder: Path, old: str, new: str) -> int:
    """Replace ``old`` in metadata.yml; return the line the change starts on."""
    path = folder / "metadata.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _one_line_error(capsys, dataset: str | None = None) -> str:
    rc = main(["validate"] + ([dataset] if dataset else []))
    out, err = capsys.readouterr()
    assert rc == 2, (out, err)
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("lkip: "), err
    return err


# ---------------------------------------------------------------- a new agency from nothing

NEW = "dinas-baru-2024"
NEW_ARGS = ["new", NEW, "--year", "2024", "--agency", "Dinas Kesehatan", "--region", "Kabupaten Contoh"]

CORE_ROWS = {
    "sasaran": [
        ["sasaran_id", "level", "parent_id", "nomor", "name"],
        ["ss-akses", "strategis", "", "1", "Meningkatnya akses layanan"],
        ["ss-gizi", "strategis", "", "2", "Menurunnya masalah gizi"],
    ],
    "indikator": [
        [
            "indikator_id",
            "kind",
            "sasaran_id",
            "parent_id",
            "nomor",
            "name",
            "short_name",
            "unit",
            "polarity",
            "kode_rekening",
        ],
        ["akses", "iku", "ss-akses", "", "1", "Persentase akses", "Akses", "%", "higher", ""],
        ["stunting", "iku", "ss-gizi", "", "2", "Prevalensi stunting", "Stunting", "%", "lower", ""],
    ],
    "target": [
        ["indikator_id", "year", "basis", "target"],
        ["akses", "2024", "pk", "80"],
        ["stunting", "2024", "pk", "20"],
    ],
    "realisasi": [["indikator_id", "year", "realisasi"], ["akses", "2024", "60"], ["stunting", "2024", "25"]],
    "anggaran": [
        ["kode_rekening", "parent_kode", "level", "uraian", "pagu_rp", "realisasi_rp"],
        ["P1", "", "program", "Program layanan", "", ""],
        ["P1.01", "P1", "kegiatan", "Kegiatan layanan", "1000", "900"],
        ["P2", "", "program", "Program gizi", "", ""],
        ["P2.01", "P2", "kegiatan", "Kegiatan gizi", "500", "100"],
    ],
}


def test_new_agency_from_nothing_lists_what_to_fill(data_dir, capsys):
    assert main(NEW_ARGS) == 0
    out = capsys.readouterr().out
    folder = data_dir / NEW
    assert sorted(p.name for p in folder.iterdir()) == sorted([f"{t}.csv" for t in CORE_TABLES] + ["metadata.yml"])
    for name in CORE_TABLES:  # header only, every column of the table
        assert _rows(folder / f"{name}.csv") == [TABLES[name].columns]
    meta = yaml.safe_load((folder / "metadata.yml").read_text(encoding="utf-8"))
    d = meta["dataset"]
    assert (d["agency"], d["region"], d["year"], d["status"]) == ("Dinas Kesehatan", "Kabupaten Contoh", 2024, "draft")
    # the default policy written out for the agency to edit
    assert meta["capaian"] == {
        "cap_pct": None,
        "average": "rows",
        "lower_formula": "two_target_minus",
        "scale": [
            {"min_pct": 91, "label": "Sangat Tinggi"},
            {"min_pct": 76, "label": "Tinggi"},
            {"min_pct": 66, "label": "Sedang"},
            {"min_pct": 51, "label": "Rendah"},
            {"min_pct": 0, "label": "Sangat Rendah"},
        ],
    }
    assert meta["efisiensi"] == {"metode": "biaya_per_satuan", "toleransi_pct": 0}
    # nothing of another agency
    assert set(meta) == {"dataset", "capaian", "efisiensi"} and "province" not in d
    text = (folder / "metadata.yml").read_text(encoding="utf-8")
    pmd = load_dataset(paths.DEFAULT_DATASET, root=PMD).meta["dataset"]
    for word in (pmd["agency"], pmd["province"], "NTT", "PMD", "Tabel 3"):
        assert word not in text, word
    for name in CORE_TABLES:
        assert f"  - {name}: belum ada baris" in out, out

    assert main(["validate", NEW]) == 0
    out = capsys.readouterr().out
    assert "DRAF" in out and all(f"  - {name}: belum ada baris" in out for name in CORE_TABLES), out


def test_filling_the_core_tables_is_enough_for_final(data_dir, capsys):
    assert main(NEW_ARGS) == 0
    folder = data_dir / NEW
    # a draft part-filled: the year still lacks PK targets, and validate says so
    for name in ("sasaran", "indikator", "anggaran"):
        _write(folder / f"{name}.csv", CORE_ROWS[name])
    capsys.readouterr()
    assert main(["validate", NEW]) == 0
    assert "target: belum ada target PK (basis pk) tahun 2024 untuk IKU" in capsys.readouterr().out
    for name in ("target", "realisasi"):
        _write(folder / f"{name}.csv", CORE_ROWS[name])
    _edit_meta(folder, "status: draft", "status: final")
    assert main(["validate", NEW]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{NEW}: valid") and "DRAF" not in out, (out, err)
    # warnings only: of the indicators, and of IKU whose budget is not tied (no kode_rekening in CORE_ROWS)
    warns = ("peringatan: kualitas indikator: ", "peringatan: anggaran: IKU ")
    assert all(line.startswith(warns) for line in err.splitlines()), err
    ds = load_dataset(NEW)
    per, overall = kinerja.sasaran_summary(ds)
    akses, stunting = 60 / 80 * 100, (2 * 20 - 25) / 20 * 100  # default lower formula: (2t - r) / t
    assert overall == pytest.approx((akses + stunting) / 2)
    assert anggaran.total(ds)[:2] == (1000 + 500, 900 + 100)


@pytest.mark.slow
def test_template_and_import_work_on_a_new_agency(data_dir, tmp_path, capsys):
    assert main(NEW_ARGS) == 0
    book = tmp_path / "baru.xlsx"
    assert main(["template", NEW, str(book)]) == 0
    assert main(["import", str(book), "dinas-baru-salinan"]) == 0
    ds = load_dataset("dinas-baru-salinan")
    assert (ds.agency, ds.region, ds.year, ds.draft) == ("Dinas Kesehatan", "Kabupaten Contoh", 2024, True)


@pytest.mark.parametrize(
    "args, expect",
    [
        (["new", NEW, "--year", "2024"], "instansi baru perlu --agency, --region"),
        (["new", NEW, "--year", "1999", "--agency", "A", "--region", "B"], "tahun tidak sah: 1999"),
        (["new", NEW, "--year", "2024", "--agency", " ", "--region", "B"], "nama instansi tidak sah"),
        (["new", "Dinas Baru", "--year", "2024", "--agency", "A", "--region", "B"], "id dataset tidak sah"),
        (
            ["new", NEW, "--from", paths.DEFAULT_DATASET, "--agency", "A"],
            "--agency dan --region hanya untuk instansi baru",
        ),
    ],
    ids=["no-agency", "bad-year", "blank-agency", "bad-id", "from-and-agency"],
)
def test_new_agency_refuses_bad_arguments(data_dir, capsys, args, expect):
    shutil.copytree(PMD, data_dir / paths.DEFAULT_DATASET)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expect in err, err
    assert not (data_dir / NEW).exists()


# ---------------------------------------------------------------- the capaian policy

# The fixture's PK targets and realisasi 2023 (tests/fixtures/dinkes-lembahhijau-2023/*.csv).
HIGHER = {"puskesmas-paripurna": 48 / 60 * 100, "persalinan-faskes": 97.3 / 95 * 100, "tbc-sembuh": 84.6 / 90 * 100}
TARGET_OVER = {"stunting": 18 / 21.4 * 100, "gizi-buruk": 40 / 31 * 100, "dbd": 20 / 27.5 * 100}
TWO_MINUS = {"stunting": (36 - 21.4) / 18 * 100, "gizi-buruk": (80 - 31) / 40 * 100, "dbd": (40 - 27.5) / 20 * 100}
SASARAN = {
    "ss-akses": ("puskesmas-paripurna", "persalinan-faskes"),
    "ss-gizi": ("stunting", "gizi-buruk"),
    "ss-penyakit": ("tbc-sembuh", "dbd"),
}


def _expected_overall(values: dict[str, float], cap: float | None, average: str) -> float:
    v = {k: min(x, cap) if cap else x for k, x in values.items()}
    if average == "rows":
        return sum(v.values()) / len(v)
    return sum(sum(v[i] for i in ids) / len(ids) for ids in SASARAN.values()) / len(SASARAN)


def test_fixture_policy_target_over_realisasi_capped_by_sasaran(dinkes):
    ds = load_dataset(DINKES)
    m = kinerja.measured(ds).set_index("indikator_id")["capaian_pct"]
    assert m.to_dict() == pytest.approx({**HIGHER, **TARGET_OVER})
    _, overall = kinerja.sasaran_summary(ds)
    assert overall == pytest.approx(_expected_overall({**HIGHER, **TARGET_OVER}, 120, "sasaran"))
    kelas = kinerja.measured(ds).set_index("indikator_id")["kelas"].to_dict()
    assert kelas == {
        "puskesmas-paripurna": "Baik",
        "persalinan-faskes": "Sangat Baik",
        "stunting": "Baik",
        "gizi-buruk": "Sangat Baik",
        "tbc-sembuh": "Sangat Baik",
        "dbd": "Cukup",
    }


@pytest.mark.parametrize(
    "formula, cap, average",
    [
        ("two_target_minus", "120", "sasaran"),
        ("two_target_minus", "null", "rows"),
        ("target_over_realisasi", "null", "rows"),
        ("target_over_realisasi", "110", "rows"),
    ],
)
def test_fixture_policy_options(dinkes, formula, cap, average):
    _edit_meta(
        dinkes,
        "cap_pct: 120\n  average: sasaran\n  lower_formula: target_over_realisasi",
        f"cap_pct: {cap}\n  average: {average}\n  lower_formula: {formula}",
    )
    ds = load_dataset(DINKES)
    lower = TWO_MINUS if formula == "two_target_minus" else TARGET_OVER
    m = kinerja.measured(ds).set_index("indikator_id")["capaian_pct"]
    assert m.to_dict() == pytest.approx({**HIGHER, **lower})
    _, overall = kinerja.sasaran_summary(ds)
    assert overall == pytest.approx(
        _expected_overall({**HIGHER, **lower}, None if cap == "null" else float(cap), average)
    )


def test_default_lower_formula_when_left_out(dinkes):
    _edit_meta(dinkes, "  lower_formula: target_over_realisasi\n", "")
    m = kinerja.measured(load_dataset(DINKES)).set_index("indikator_id")["capaian_pct"]
    assert m["dbd"] == pytest.approx((40 - 27.5) / 20 * 100)


def test_capaian_never_below_zero(scratch):
    """The issue's case: alat-ttg as lower-is-better with realisasi 5000 of target 873 gave -372,74 %."""
    _set(scratch / "indikator.csv", "alat-ttg", "polarity", "lower")
    rows = _rows(scratch / "realisasi.csv")
    n = next(i for i, r in enumerate(rows) if r[:2] == ["alat-ttg", "2023"])
    rows[n][2] = "5000"
    _write(scratch / "realisasi.csv", rows)
    assert (2 * 873 - 5000) / 873 * 100 == pytest.approx(-372.74, abs=0.005)  # what it was
    ds = load_dataset(paths.DEFAULT_DATASET)
    m = kinerja.measured(ds).set_index("indikator_id")["capaian_pct"]
    assert m["alat-ttg"] == 0
    _, overall = kinerja.sasaran_summary(ds)
    # the other eight rows of Tabel 3.1, as printed: the mean with alat-ttg at 0 instead of 77,32
    others = [98.40, 104.00, 88.20, 100.00, 100.00, 84.09, 51.09, 37.74]
    assert overall == pytest.approx(sum(others) / 9, abs=0.01)
    assert capaian_pct(5000, 873, "lower", "target_over_realisasi") == pytest.approx(873 / 5000 * 100)
    assert capaian_pct(300, 100, "lower") == 0


def test_pmd_numbers_unchanged(ds):
    _, overall = kinerja.sasaran_summary(ds)
    per = kinerja.sasaran_summary(ds)[0].set_index("sasaran_id")["rata_rata_capaian_pct"]
    assert round(overall, 2) == 82.32 and round(per["ss-tatakelola"], 2) == 57.64
    assert round(kinerja.measured(ds).set_index("indikator_id").loc["bumdes-aktif", "capaian_pct"], 2) == 98.40
    assert round(anggaran.total(ds)[2], 2) == 81.77


def test_scale_colours_follow_band_rank():
    five = Scale.default().colors()
    # the colours charts have always used for the five default bands
    assert five == {
        "Sangat Tinggi": "#1a7f4b",
        "Tinggi": "#6ab04c",
        "Sedang": "#f0b429",
        "Rendah": "#e67e22",
        "Sangat Rendah": "#c0392b",
    }
    three = Scale.from_config(
        [{"min_pct": 100, "label": "A"}, {"min_pct": 50, "label": "B"}, {"min_pct": 0, "label": "C"}]
    ).colors()
    assert three == {"A": "#1a7f4b", "B": "#f0b429", "C": "#c0392b"}
    seven = Scale.from_config([{"min_pct": 10 * i, "label": f"k{i}"} for i in range(7)]).colors()
    assert list(seven) == [f"k{i}" for i in range(6, -1, -1)]  # highest band first
    assert seven["k6"] == "#1a7f4b" and seven["k0"] == "#c0392b" and len(set(seven.values())) == 7
    assert Scale.default().color(95) == "#1a7f4b" and Scale.default().color(float("nan")) == "#8d99ae"


@pytest.mark.parametrize(
    "cfg, key",
    [
        ({"average": "median"}, "capaian.average"),
        ({"lower_formula": "2t-r"}, "capaian.lower_formula"),
        ({"cap_pct": 80}, "capaian.cap_pct"),
        ({"cap_pct": True}, "capaian.cap_pct"),
        ({"cap": 120}, "capaian.cap"),
        ({"scale": []}, "capaian.scale"),
        ({"scale": [{"min_pct": 50, "label": "A"}]}, "capaian.scale"),
        ({"scale": [{"min_pct": 0, "label": "A"}, {"min_pct": 0, "label": "B"}]}, "capaian.scale[1].min_pct"),
        ({"scale": [{"min_pct": 0, "label": "A"}, {"min_pct": 50, "label": "A"}]}, "capaian.scale[1].label"),
        ({"scale": [{"min_pct": 0, "label": "A"}, {"min_pct": "x", "label": "B"}]}, "capaian.scale[1].min_pct"),
        ({"scale": [{"min_pct": 0, "label": ""}]}, "capaian.scale[0].label"),
        ({"scale": [{"min_pct": 0, "label": "A", "warna": "merah"}]}, "capaian.scale[0].warna"),
    ],
)
def test_policy_errors_name_the_key(cfg, key):
    with pytest.raises(PolicyError) as info:
        CapaianPolicy.from_meta({"capaian": cfg})
    assert info.value.key == key


# ---------------------------------------------------------------- budgets of any shape

# tests/fixtures/dinkes-lembahhijau-2023/anggaran.csv: three programs at the top, kegiatan below.
DINKES_PAGU = 4250000000 + 615000000 + 1380000000 + 2100000000 + 1725000000 + 390000000
DINKES_REAL = 3987512300 + 588240000 + 1104615500 + 2089950000 + 1296480750 + 301155000


def test_total_sums_every_top_level_row(dinkes):
    ds = load_dataset(DINKES)
    pagu, real, serapan = anggaran.total(ds)
    assert (pagu, real) == (DINKES_PAGU, DINKES_REAL)
    assert serapan == pytest.approx(DINKES_REAL / DINKES_PAGU * 100)
    assert anggaran.levels(ds) == ["program", "kegiatan"]
    assert anggaran.level_label(ds) == "Program/Kegiatan"


def test_a_childless_top_row_counts_too(dinkes):
    rows = _rows(dinkes / "anggaran.csv") + [["P4", "", "program", "Program tanpa kegiatan", "100", "40"]]
    _write(dinkes / "anggaran.csv", rows)
    pagu, real, _ = anggaran.total(load_dataset(DINKES))
    assert (pagu, real) == (DINKES_PAGU + 100, DINKES_REAL + 40)


def test_pmd_levels(ds):
    assert anggaran.levels(ds) == ["urusan", "organisasi", "program", "kegiatan", "sub_kegiatan"]
    assert anggaran.level_label(ds) == "Program/Kegiatan/Sub-kegiatan"


def test_efisiensi_per_iku_from_kode_and_from_sasaran_links(dinkes):
    _set(dinkes / "indikator.csv", "stunting", "kode_rekening", "P2")
    # ss-akses linked to a program and to one of its kegiatan: the kegiatan is the closer tie
    _write(
        dinkes / "sasaran_kegiatan.csv",
        [
            ["sasaran_id", "kode_rekening", "source_table"],
            ["ss-akses", "P1", "Renstra"],
            ["ss-akses", "P1.01", "Renstra"],
        ],
    )
    e = kegiatan.efisiensi_per_iku(load_dataset(DINKES)).set_index("indikator_id")
    stunting = e.loc["stunting"]
    pagu, real = 1380000000 + 2100000000, 1104615500 + 2089950000
    assert (stunting["pagu_rp"], stunting["realisasi_rp"]) == (pagu, real)
    # its own kode: judged; capaian 18/21,4 = 84,11 % with 91,80 % of the money -> dearer per unit than planned
    assert stunting["efisiensi_pct"] == pytest.approx((1 - (real / pagu * 100) / (18 / 21.4 * 100)) * 100)
    assert stunting["verdict"] == "tidak efisien" and stunting["alasan"] == ""
    assert stunting["dasar"] == kegiatan.TIE_KODE and stunting["kode_rekening"] == "P2"
    akses = e.loc["puskesmas-paripurna"]
    assert (akses["pagu_rp"], akses["realisasi_rp"], akses["kode_rekening"]) == (4250000000, 3987512300, "P1.01")
    # P1.01 is the kegiatan of both IKU of ss-akses: shared, so no verdict of its own
    assert akses["n_iku_bersama"] == 2 and akses["verdict"] == "tidak dapat dinilai"
    assert math.isnan(akses["efisiensi_pct"]) and "dipakai bersama 2 IKU" in akses["alasan"]
    assert akses["dasar"] == kegiatan.TIE_SASARAN
    # gizi-buruk (ss-gizi) has no kode and no link: the kegiatan its sasaran's IKK names (posyandu-aktif: P2.01)
    gizi = e.loc["gizi-buruk"]
    assert (gizi["pagu_rp"], gizi["kode_rekening"], gizi["dasar"]) == (1380000000, "P2.01", kegiatan.TIE_IKK)
    assert "dbd" not in e.index  # ss-penyakit: no kode, no link, no IKK — not tied to any budget row


def test_efisiensi_per_iku_counts_each_rupiah_once_and_no_partial_sum(dinkes):
    # P3.01 gets a sub-kegiatan; ss-penyakit is linked to both: only the sub-kegiatan counts
    rows = _rows(dinkes / "anggaran.csv")
    rows[[r[0] for r in rows].index("P3.01")][4:6] = ["", ""]
    _write(dinkes / "anggaran.csv", rows + [["P3.01.01", "P3.01", "sub_kegiatan", "Imunisasi", "100", "40"]])
    links = [["sasaran_id", "kode_rekening", "source_table"], ["ss-penyakit", "P3.01", "x"]]
    _write(dinkes / "sasaran_kegiatan.csv", links + [["ss-penyakit", "P3.01.01", "x"]])
    e = kegiatan.efisiensi_per_iku(load_dataset(DINKES)).set_index("indikator_id")
    assert (e.loc["dbd", "pagu_rp"], e.loc["dbd", "realisasi_rp"], e.loc["dbd", "kode_rekening"]) == (
        100,
        40,
        "P3.01.01",
    )
    # a draft: one of the two linked kegiatan has no realisasi yet, so the IKU has no total and no verdict
    _edit_meta(dinkes, "  year: 2023\n", "  year: 2023\n  status: draft\n")
    _set(dinkes / "anggaran.csv", "P3.02", "realisasi_rp", "")
    _write(dinkes / "sasaran_kegiatan.csv", links + [["ss-penyakit", "P3.02", "x"]])
    e = kegiatan.efisiensi_per_iku(load_dataset(DINKES)).set_index("indikator_id")
    assert e.loc["dbd", "pagu_rp"] == 100 + 390000000 and math.isnan(e.loc["dbd", "realisasi_rp"])
    assert math.isnan(e.loc["dbd", "serapan_pct"]) and math.isnan(e.loc["dbd", "efisiensi_pct"])


# ---------------------------------------------------------------- one line per error


@pytest.mark.parametrize(
    "old, new, key, expect",
    [
        ("  year: 2023\n", "  year: 2025\n", "dataset.year", "target.csv tidak memuat target PK (basis pk) tahun 2025"),
        ("  year: 2023\n", "  year: '2023'\n", "dataset.year", "bilangan bulat"),
        ("  year: 2023\n", "  year: 1850\n", "dataset.year", "2000-2100"),
        ("  status: draft\n", "  status: selesai\n", "dataset.status", "draft, final"),
        ("  synthetic: true\n", "  synthetic: ya\n", "dataset.synthetic", "true atau false"),
        ("  agency: Dinas Kesehatan\n", "  agency: ''\n", "dataset.agency", "teks tidak kosong"),
        ("  average: sasaran\n", "  average: median\n", "capaian.average", "rows"),
        (
            "  lower_formula: target_over_realisasi\n",
            "  lower_formula: terbalik\n",
            "capaian.lower_formula",
            "two_target_minus",
        ),
        ("  cap_pct: 120\n", "  cap_pct: 90\n", "capaian.cap_pct", ">= 100"),
        ("  cap_pct: 120\n", "  cap: 120\n", "capaian.cap", "kunci tidak dikenal"),
        (
            "    - {min_pct: 65, label: Cukup}\n",
            "    - {min_pct: 65, label: Baik}\n",
            "capaian.scale[2].label",
            "dipakai dua kali",
        ),
        (
            "    - {min_pct: 0, label: Sangat Kurang}\n",
            "    - {min_pct: 5, label: Sangat Kurang}\n",
            "capaian.scale",
            "min_pct: 0",
        ),
        (
            "capaian:\n",
            "efisiensi: {metode: indeks}\ncapaian:\n",
            "efisiensi.metode",
            "biaya_per_satuan",
        ),
        (
            "capaian:\n",
            "efisiensi: {toleransi_pct: 100}\ncapaian:\n",
            "efisiensi.toleransi_pct",
            "di bawah 100",
        ),
    ],
    ids=[
        "year-without-rows",
        "year-text",
        "year-range",
        "status",
        "synthetic",
        "agency-blank",
        "average",
        "formula",
        "cap-below-100",
        "unknown-key",
        "duplicate-label",
        "no-zero-band",
        "efficiency-method",
        "efficiency-band",
    ],
)
def test_metadata_errors_one_line_with_key_and_line(dinkes, capsys, old, new, key, expect):
    if old == "  status: draft\n":
        _edit_meta(dinkes, "  year: 2023\n", "  year: 2023\n  status: draft\n")
    line = _edit_meta(dinkes, old, new)
    err = _one_line_error(capsys, DINKES)
    where = f"lkip: {dinkes.resolve() / 'metadata.yml'}, baris "
    assert err.startswith(where) and f"kunci '{key}'" in err and expect in err, err
    shown = int(err[len(where) :].split(",")[0])
    if key.startswith("dataset.") or key.count(".") == 1 and "[" not in key and key != "capaian.scale":
        assert shown == line, err  # the line of the key itself
    else:
        assert shown <= line, err  # the list the item belongs to


@pytest.mark.parametrize(
    "table, key, column, value, expect",
    [
        ("indikator", "dbd", "indikator_id", "Kesakitan_DBD", "id tidak sah: 'Kesakitan_DBD'"),
        ("indikator", "dbd", "indikator_id", "../../x", "mis. 'x'"),
        ("sasaran", "ss-gizi", "sasaran_id", "ss gizi", "id tidak sah"),
        ("anggaran", "P3.02", "kode_rekening", "P3/02", "kode tidak sah: 'P3/02'"),
        ("anggaran", "P3.02", "parent_kode", "P3\\", "kode tidak sah"),
        ("realisasi", "dbd", "year", "2024", "tahun 2024 sesudah tahun laporan 2023"),
        ("target", "dbd", "year", "2024", "tahun 2024 sesudah tahun laporan 2023"),
        ("anggaran", "P3.02", "pagu_rp", "2000000000000000", "nilai harus <= 1.000.000.000.000.000"),
    ],
    ids=[
        "id-upper-case",
        "id-path",
        "id-space",
        "kode-slash",
        "kode-backslash",
        "realisasi-after-year",
        "pk-target-after-year",
        "amount-too-large",
    ],
)
def test_row_errors_one_line_with_row_and_column(dinkes, capsys, table, key, column, value, expect):
    path = dinkes / f"{table}.csv"
    line = _set(path, key, column, value)
    err = _one_line_error(capsys, DINKES)
    assert err.startswith(f"lkip: {path.resolve()}, baris {line}, kolom '{column}': "), err
    assert expect in err, err


def test_rpjmd_targets_after_the_report_year_are_fine(dinkes):
    years = {int(r[1]) for r in _rows(dinkes / "target.csv")[1:] if r[2] == "rpjmd"}
    assert max(years) > 2023  # the fixture carries targets to the end of its Renstra
    assert load_dataset(DINKES).year == 2023


def test_final_dataset_needs_realisasi_of_its_year(dinkes, capsys):
    rows = _rows(dinkes / "realisasi.csv")
    _write(dinkes / "realisasi.csv", [rows[0]] + [r[:1] + ["2022"] + r[2:] for r in rows[1:]])
    err = _one_line_error(capsys, DINKES)
    assert "kunci 'dataset.year'" in err and "realisasi.csv tidak memuat realisasi tahun 2023" in err, err
    assert "realisasi ada untuk tahun: 2022" in err, err


def test_one_definition_of_an_id():
    from lkip_helpers.data import schema

    for good in ("bumdes-aktif", "ikk_p3pd", "p1.01", "n01", "a"):
        assert is_id(good) and schema.suggest_id(good) == good
    for bad in ("Kerjasama_Desa", "../../x", "-a", "a-", "a b", "a/b", "", "x" * 65, "é"):
        assert not is_id(bad), bad
        assert is_id(schema.suggest_id(bad)), bad
    # every id in the shipped dataset is one
    ds = load_dataset(paths.DEFAULT_DATASET, root=PMD)
    for name, table in TABLES.items():
        for col in table.cols:
            if table.field_of(col.column).form == "id":
                assert all(is_id(v) for v in ds.tables[name][col.column].dropna()), (name, col.column)


# ---------------------------------------------------------------- implausible figures: warnings


def test_realisasi_thousands_of_times_its_target_is_a_warning(scratch, capsys):
    rows = _rows(scratch / "realisasi.csv")
    n = next(i for i, r in enumerate(rows) if r[:2] == ["bumdes-aktif", "2023"])
    rows[n][2] = "1476000000"
    _write(scratch / "realisasi.csv", rows)
    line = _set(scratch / "anggaran.csv", "2.13.01.1.01.01", "realisasi_rp", "98539200")  # 12 x 8211600
    assert main(["validate"]) == 0
    out, err = capsys.readouterr()
    lines = [w for w in err.splitlines() if w.startswith("peringatan: ")]
    warnings = [w for w in lines if not w.startswith("peringatan: kualitas indikator: ")]
    assert len(warnings) == 2, err
    assert warnings[0].startswith(
        f"peringatan: realisasi.csv baris {n + 1}, kolom 'realisasi' (bumdes-aktif, 2023): "
        "realisasi 1.476.000.000 terhadap target PK 1.500 = 984.000 kali target"
    ), err
    assert warnings[1].startswith(
        f"peringatan: anggaran.csv baris {line}, kolom 'realisasi_rp' (2.13.01.1.01.01): "
        "realisasi Rp 98.539.200 melebihi pagu_rp Rp 8.211.600 (serapan 1.200,00 %)"
    ), err
    assert plausibility_warnings(load_dataset(paths.DEFAULT_DATASET)) == [w[len("peringatan: ") :] for w in warnings]


def test_zero_realisasi_under_target_over_realisasi_is_safe(dinkes, capsys):
    _set(dinkes / "realisasi.csv", "gizi-buruk", "realisasi", "0")
    assert main(["validate", DINKES]) == 0
    assert "rumus target/realisasi tidak terdefinisi" in capsys.readouterr().err
    m = kinerja.measured(load_dataset(DINKES)).set_index("indikator_id")
    assert math.isnan(m.loc["gizi-buruk", "capaian_pct"]) and "realisasi nol" in m.loc["gizi-buruk", "status"]


def test_shipped_datasets_are_plausible(ds, dinkes):
    assert plausibility_warnings(ds) == []
    assert plausibility_warnings(load_dataset(DINKES)) == []


def test_iku_measures_a_sasaran_strategis(dinkes, capsys):
    rows = _rows(dinkes / "sasaran.csv") + [["sp-gizi", "program", "ss-gizi", "2.1", "Sasaran program gizi"]]
    _write(dinkes / "sasaran.csv", rows)
    line = _set(dinkes / "indikator.csv", "stunting", "sasaran_id", "sp-gizi")
    err = _one_line_error(capsys, DINKES)
    assert err.startswith(f"lkip: {(dinkes / 'indikator.csv').resolve()}, baris {line}, kolom 'sasaran_id': "), err
    assert "berlevel program" in err and "sasaran strategis" in err, err


def test_short_names_label_one_indikator_each(dinkes, capsys):
    line = _set(dinkes / "indikator.csv", "dbd", "short_name", "prevalensi Stunting")
    err = _one_line_error(capsys, DINKES)
    assert err.startswith(f"lkip: {(dinkes / 'indikator.csv').resolve()}, baris {line}, kolom 'short_name': "), err
    assert "sudah dipakai stunting (baris 4)" in err, err


def test_validate_warns_of_iku_without_linked_budget(dinkes, capsys):
    """The fixture ties no kegiatan to the two IKU of sasaran ss-penyakit: no kode_rekening on them, no
    sasaran_kegiatan.csv, and no IKK under that sasaran; the others are tied through their sasaran's IKK."""
    assert main(["validate", DINKES]) == 0
    err = capsys.readouterr().err
    warned = re.findall(r"peringatan: anggaran: IKU “([^”]+)” tidak dikaitkan", err)
    assert sorted(warned) == ["Keberhasilan pengobatan TBC", "Kesakitan DBD"]
