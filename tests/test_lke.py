"""The LKE check of Pelaporan Kinerja on a small agency written here, with known gaps; the score worked by hand.

Five IKU, all with PK target and realisasi 2023:
  a 100/100 and c 50/50 reached; b 40/100, d 20/50, e 30/60 below target.
  Stated cause and effort: only e (b and d lack both).           3.b.7: 1 of 3 -> 33 % -> D (30)
  Medium-term (rpjmd) target: all but d.                           3.b.4: 4 of 5 -> 80 % -> BB (80)
  Realisasi of an earlier year (2022): a, b, c.                    3.b.5: 3 of 5 -> 60 % -> CC (60)
  No benchmark (no pembanding.csv).                                3.b.6: 0 of 5 -> E (0)
  Own kegiatan with budget: a (K1), b (K2); others none.           3.b.8: 2 of 5 -> 40 % -> D (30)
  All measured, so 3.b.2 and 3.b.3 AA; a rencana_perbaikan, 3.b.9 AA.
  3.b.1: the document still lacks parts (no profil), but no printed numbers to contradict it: 1 of 2 -> C (50).
  3.a.1 final with every IKU measured: AA; 3.a.6 dated Januari 2024, due 28 Februari 2024: AA.

Sub-component 3.b = 4,5 × (50+100+100+80+60+0+30+30+100) / 9 / 100 = 4,5 × 550/900 = 2,75.
3.a = 3 × (100 + 100 + 4 × [0..100]) / 6 / 100 = 1,00 .. 3,00.   3.c = 0 .. 7,5 (all evaluator).
Pelaporan Kinerja = 3,75 .. 13,25 of 15.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lkip_helpers.cli import main
from lkip_helpers.data.loading import load_dataset
from lkip_helpers.data.safe_cells import write_csv
from lkip_helpers.errors import DataError
from lkip_helpers.report import lke, narrative
from lkip_helpers.report.dokumen.verifikasi import verification
from lkip_helpers.report.overview import lke_readiness

NAME = "dinas-lke-2023"


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    d = tmp_path / "data" / NAME
    d.mkdir(parents=True)
    monkeypatch.setenv("LKIP_DATA_DIR", str(tmp_path / "data"))
    _write(
        d,
        "metadata.yml",
        f"dataset:\n  id: {NAME}\n  agency: Dinas Contoh\n  region: Kabupaten Contoh\n  year: 2023\n"
        "  source_document: data uji\n  synthetic: true\n  tanggal: Januari 2024\n"
        "  batas_penyampaian: 28 Februari 2024\n",
    )
    _write(d, "sasaran.csv", "sasaran_id,level,parent_id,nomor,name\nss-1,strategis,,1,Sasaran satu\n")
    _write(
        d,
        "indikator.csv",
        "indikator_id,kind,sasaran_id,parent_id,nomor,name,short_name,unit,polarity,kode_rekening\n"
        "a,iku,ss-1,,1,Indikator Alfa,Alfa,unit,higher,K1\n"
        "b,iku,ss-1,,2,Indikator Beta,Beta,unit,higher,K2\n"
        "c,iku,ss-1,,3,Indikator Gama,Gama,unit,higher,\n"
        "d,iku,ss-1,,4,Indikator Delta,Delta,unit,higher,\n"
        "e,iku,ss-1,,5,Indikator Epsilon,Epsilon,unit,higher,\n",
    )
    _write(
        d,
        "target.csv",
        "indikator_id,year,basis,target\n"
        "a,2023,pk,100\nb,2023,pk,100\nc,2023,pk,50\nd,2023,pk,50\ne,2023,pk,60\n"
        "a,2026,rpjmd,120\nb,2026,rpjmd,120\nc,2026,rpjmd,60\ne,2026,rpjmd,80\n"
        "a,2022,pk,90\nb,2022,pk,90\nc,2022,pk,40\n",
    )
    _write(
        d,
        "realisasi.csv",
        "indikator_id,year,realisasi\na,2023,100\nb,2023,40\nc,2023,50\nd,2023,20\ne,2023,30\n"
        "a,2022,95\nb,2022,60\nc,2022,40\n",
    )
    _write(
        d,
        "anggaran.csv",
        "kode_rekening,parent_kode,level,uraian,pagu_rp,realisasi_rp\n"
        "P1,,program,Program Satu,,\nK1,P1,kegiatan,Kegiatan Alfa,1000,600\nK2,P1,kegiatan,Kegiatan Beta,1000,300\n",
    )
    _write(
        d,
        "narasi.csv",
        "narasi_id,section,kind,sasaran_id,indikator_id,text\n"
        "n1,Bab III,penyebab_kendala,ss-1,e,Cuaca buruk menunda kegiatan lapangan.\n"
        "n2,Bab III,solusi,ss-1,e,Jadwal lapangan dipindah ke musim kemarau.\n"
        "n3,Bab IV,rencana_perbaikan,,,Memperkuat pemantauan triwulanan.\n",
    )
    return d


EXPECTED = {  # kode: (status, jumlah, answer)
    "3.a.1": ("terpenuhi", "2 dari 2 syarat", "AA"),
    "3.a.6": ("terpenuhi", "1 dari 1 syarat", "AA"),
    "3.b.1": ("sebagian", "1 dari 2 syarat", "C"),
    "3.b.2": ("terpenuhi", "5 dari 5 indikator PK", "AA"),
    "3.b.3": ("terpenuhi", "5 dari 5 IKU", "AA"),
    "3.b.4": ("sebagian", "4 dari 5 IKU", "BB"),
    "3.b.5": ("sebagian", "3 dari 5 IKU", "CC"),
    "3.b.6": ("tidak terpenuhi", "0 dari 5 IKU", "E"),
    "3.b.7": ("sebagian", "1 dari 3 IKU di bawah target", "D"),
    "3.b.8": ("sebagian", "2 dari 5 IKU", "D"),
    "3.b.9": ("terpenuhi", "1 dari 1 syarat", "AA"),
}


def test_every_criterion_decided_as_worked_by_hand(folder):
    p = lke.penilaian(load_dataset(NAME))
    h = p.hasil.set_index("kode")
    for kode, (status, jumlah, answer) in EXPECTED.items():
        assert (h.loc[kode, "status"], h.loc[kode, "jumlah"], h.loc[kode, "jawaban"]) == (status, jumlah, answer), kode
    others = [k for k in h.index if k not in EXPECTED]
    assert others == ["3.a.2", "3.a.3", "3.a.4", "3.a.5", "3.c.1", "3.c.2", "3.c.3", "3.c.4", "3.c.5", "3.c.6", "3.c.7"]
    assert (h.loc[others, "status"] == "dinilai evaluator").all() and (h.loc[others, "bukti"] != "").all()
    # what is missing, by name, in the agency's terms (not ids)
    assert h.loc["3.b.7", "kurang"] == "Beta (belum ada penyebab dan upaya); Delta (belum ada penyebab dan upaya)"
    assert h.loc["3.b.4", "kurang"] == "Delta"
    assert h.loc["3.b.5", "kurang"] == "Delta; Epsilon"
    assert h.loc["3.b.8", "kurang"] == "Gama; Delta; Epsilon"


def test_score_range_worked_by_hand(folder):
    p = lke.penilaian(load_dataset(NAME))
    s = p.skor.set_index("kode")
    assert s.loc["3.b", "nilai_min"] == pytest.approx(2.75) and s.loc["3.b", "nilai_max"] == pytest.approx(2.75)
    assert (s.loc["3.a", "nilai_min"], s.loc["3.a", "nilai_max"]) == (pytest.approx(1.0), pytest.approx(3.0))
    assert (s.loc["3.c", "nilai_min"], s.loc["3.c", "nilai_max"]) == (pytest.approx(0.0), pytest.approx(7.5))
    assert (p.nilai_min, p.nilai_max) == (pytest.approx(3.75), pytest.approx(13.25))
    assert "3,75–13,25 dari 15" in p.ringkasan()


def test_every_unmet_criterion_has_a_step(folder):
    p = lke.penilaian(load_dataset(NAME))
    steps = dict(s.split(": ", 1) for s in p.langkah)
    assert set(steps) == {"3.b.1", "3.b.4", "3.b.5", "3.b.6", "3.b.7", "3.b.8"}
    assert steps["3.b.7"].endswith("untuk 2 IKU di bawah target: Beta; Delta")
    assert steps["3.b.6"].startswith("tambahkan pembanding nasional") and "untuk 5 IKU" in steps["3.b.6"]


def test_cli_prints_every_criterion_and_writes_csv(folder, tmp_path, capsys):
    csv = tmp_path / "lke.csv"
    assert main(["lke", NAME, "--csv", str(csv)]) == 0
    out = capsys.readouterr().out
    assert "Pelaporan Kinerja: 3,75–13,25 dari 15" in out
    for kode, (status, jumlah, answer) in EXPECTED.items():
        assert f"{kode} [{status}, {answer}]" in out and jumlah in out, kode
    assert "3.c.7 [dinilai evaluator]" in out and "Langkah sebelum batas waktu" in out
    assert csv.read_text(encoding="utf-8").count("\n") == 1 + 22


def test_page_note_and_overview_show_the_same_results(folder, tmp_path):
    ds = load_dataset(NAME)
    p = lke.penilaian(ds)
    page = narrative.lke(p)
    assert narrative.escape(p.ringkasan()) in page and narrative.escape("3.b.7: isi penyebab dan upaya") in page
    note = verification(ds)
    text = " ".join(run.text for b in note.blocks for run in getattr(b, "runs", []))
    assert p.ringkasan() in text
    assert any("Kesiapan LKE Pelaporan Kinerja" in str(getattr(b, "text", "")) for b in note.blocks)
    # the overview sums the table the build writes
    table = lke.table(ds)
    (tmp_path / "tables").mkdir()
    write_csv(table.frame, tmp_path / "tables" / "kesiapan-lke.csv")
    got = lke_readiness(tmp_path, [{"id": "kesiapan-lke", "files": ["tables/kesiapan-lke.csv"]}])
    assert got["nilai_min"] == pytest.approx(3.75) and got["nilai_max"] == pytest.approx(13.25)
    assert got["bobot"] == 15 and got["belum"] == ["3.b.1", "3.b.4", "3.b.5", "3.b.6", "3.b.7", "3.b.8"]


def test_late_report_is_not_on_time(folder):
    meta = folder / "metadata.yml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("Januari 2024", "April 2024"), encoding="utf-8")
    h = lke.penilaian(load_dataset(NAME)).hasil.set_index("kode")
    assert (
        h.loc["3.a.6", "status"] == "tidak terpenuhi" and "setelah batas 28 Februari 2024" in h.loc["3.a.6", "kurang"]
    )


def test_an_agency_may_bring_its_evaluators_criteria(folder):
    own = lke.CRITERIA_FILE.read_text(encoding="utf-8").replace("bobot: 15}", "bobot: 20}")
    _write(folder, "lke.yml", own)
    assert lke.penilaian(load_dataset(NAME)).lke.bobot == 20
    _write(folder, "lke.yml", own.replace("uji: penyebab", "uji: penyebab_lain"))
    with pytest.raises(DataError) as err:
        lke.penilaian(load_dataset(NAME))
    assert "lke.yml" in str(err.value) and "penyebab_lain" in str(err.value) and "uji yang dikenal" in str(err.value)
    assert main(["validate", NAME]) == 2  # what validate accepts, build completes: it refuses this file too


def test_the_seed_report():
    """pmd-ntt-2023: the seed prints no benchmark (3.b.6 none of 9 IKU), and states causes for 2 of the 6 IKU
    below target (BUMDes and TTG, Bab 3.2)."""
    h = lke.penilaian(load_dataset("pmd-ntt-2023")).hasil.set_index("kode")
    assert h.loc["3.b.6", "jumlah"] == "0 dari 9 IKU"
    assert h.loc["3.b.7", "jumlah"] == "2 dari 6 IKU di bawah target"
