"""Efficiency verdicts, shared budgets and the revised PK, on a small agency written here; verdicts worked by hand.

Sasaran 1 has two IKU, each with a kegiatan of its own (kode_rekening on the IKU); sasaran 2 has
two IKU sharing one kegiatan through sasaran_kegiatan. Kegiatan K4 names two outputs, one of which
the PK Perubahan removed (target 0).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from lkip_helpers.analysis import kinerja
from lkip_helpers.analysis.kegiatan import efisiensi_frame, efisiensi_per_iku
from lkip_helpers.data.loading import load_dataset
from lkip_helpers.report import narrative

NAME = "dinas-efisiensi-2023"


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture()
def ds(tmp_path, monkeypatch):
    d = tmp_path / "data" / NAME
    d.mkdir(parents=True)
    monkeypatch.setenv("LKIP_DATA_DIR", str(tmp_path / "data"))
    _write(
        d,
        "metadata.yml",
        f"dataset:\n  id: {NAME}\n  agency: Dinas Contoh\n  region: Kabupaten Contoh\n  year: 2023\n"
        "  source_document: data uji\n  synthetic: true\n",
    )
    _write(
        d,
        "sasaran.csv",
        "sasaran_id,level,parent_id,nomor,name\nss-1,strategis,,1,Sasaran satu\nss-2,strategis,,2,Sasaran dua\n"
        "sk-1,kegiatan,ss-1,1.1,Sasaran kegiatan\n",
    )
    _write(
        d,
        "indikator.csv",
        "indikator_id,kind,sasaran_id,parent_id,nomor,name,short_name,unit,polarity,kode_rekening\n"
        "a,iku,ss-1,,1,Indikator A,A,unit,higher,K1\n"
        "b,iku,ss-1,,2,Indikator B,B,unit,higher,K2\n"
        "c,iku,ss-2,,1,Indikator C,C,unit,higher,\n"
        "d,iku,ss-2,,2,Indikator D,D,unit,higher,\n"
        "o1,ikk,sk-1,,1.1.1,Output satu,O1,dokumen,higher,K4\n"
        "o2,ikk,sk-1,,1.1.2,Output dua,O2,dokumen,higher,K4\n",
    )
    _write(
        d,
        "target.csv",
        "indikator_id,year,basis,target\na,2023,pk,100\nb,2023,pk,100\nc,2023,pk,50\nd,2023,pk,50\n"
        "o1,2023,pk,10\no2,2023,pk,4\n",
    )
    _write(
        d,
        "realisasi.csv",
        "indikator_id,year,realisasi\na,2023,100\nb,2023,40\nc,2023,50\nd,2023,20\no1,2023,5\no2,2023,0\n",
    )
    _write(
        d,
        "anggaran.csv",
        "kode_rekening,parent_kode,level,uraian,pagu_rp,realisasi_rp\n"
        "P1,,program,Program Satu,,\n"
        "K1,P1,kegiatan,Kegiatan A,1000,600\n"  # A reached with 60 % of the money: efisien
        "K2,P1,kegiatan,Kegiatan B,1000,300\n"  # B at 40 % with 30 % spent: belum terlaksana optimal
        "K3,P1,kegiatan,Kegiatan bersama,1000,900\n"  # C and D share it
        "K4,P1,kegiatan,Kegiatan output,1000,500\n",
    )
    _write(d, "sasaran_kegiatan.csv", "sasaran_id,kode_rekening,source_table\nss-2,K3,uji\n")
    _write(
        d,
        "dokumen_perencanaan.csv",
        "document,source_table,part,nomor,sasaran_id,indikator_id,kode_rekening,name,target,target_unit\n"
        "pk_awal,PK,output,1.1.1,sk-1,o1,,Output satu,10,dokumen\n"
        "pk_awal,PK,output,1.1.2,sk-1,o2,,Output dua,4,dokumen\n"
        "pk_perubahan,PK-P,output,1.1.1,sk-1,o1,,Output satu,10,dokumen\n"
        "pk_perubahan,PK-P,output,1.1.2,sk-1,o2,,Output dua,0,dokumen\n",
    )
    return load_dataset(NAME)


def test_iku_verdicts_by_hand(ds):
    e = efisiensi_per_iku(ds).set_index("indikator_id")
    assert e.loc["a", "verdict"] == "efisien"  # capaian 100, serapan 60
    assert e.loc["a", "efisiensi_pct"] == pytest.approx(40)  # 1 − 60/100
    assert e.loc["b", "verdict"] == "belum terlaksana optimal"  # capaian 40, serapan 30: not an efficiency
    for iku in ("c", "d"):  # one kegiatan, two IKU: no verdict of its own, and the page says so
        assert e.loc[iku, "verdict"] == "tidak dapat dinilai" and e.loc[iku, "n_iku_bersama"] == 2
        assert "dipakai bersama 2 IKU" in e.loc[iku, "alasan"] and math.isnan(e.loc[iku, "efisiensi_pct"])
    assert "Efisiensi tidak dinilai: anggaran kegiatannya dipakai bersama 2 IKU" in narrative.indikator_efisiensi(
        ds, "c"
    )


def test_revised_pk_removes_an_output_from_the_count(ds):
    ikk = kinerja.measured(ds, kind="ikk").set_index("indikator_id")
    assert ikk.loc["o2", "status"] == "dihapus pada PK Perubahan" and math.isnan(ikk.loc["o2", "capaian_pct"])
    f = efisiensi_frame(ds).set_index("kode_rekening")
    # K4: only o1 counts (5 of 10 = 50 %), with 50 % of the money spent -> both short
    assert f.loc["K4", "capaian_pct"] == pytest.approx(50) and f.loc["K4", "verdict"] == "belum terlaksana optimal"


def test_revised_pk_can_be_ignored_by_policy(ds):
    meta = ds.path / "metadata.yml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("  year: 2023\n", "  year: 2023\n  pk_perubahan: abaikan\n")
    )
    again = load_dataset(NAME)
    ikk = kinerja.measured(again, kind="ikk").set_index("indikator_id")
    assert ikk.loc["o2", "capaian_pct"] == 0  # measured against the PK awal: 0 of 4
    assert efisiensi_frame(again).set_index("kode_rekening").loc["K4", "capaian_pct"] == pytest.approx(25)


def test_no_efisien_where_the_target_was_missed_in_the_seed():
    """pmd-ntt-2023: no sub-kegiatan or IKU with serapan below capaian and capaian below 100 is called efisien."""
    seed = load_dataset("pmd-ntt-2023")
    for f in (efisiensi_frame(seed), efisiensi_per_iku(seed)):
        missed = f[(f["capaian_pct"] < 100) & (f["serapan_pct"] < f["capaian_pct"])]
        assert len(missed) and not (missed["verdict"] == "efisien").any()
    # the four sub-kegiatan outputs whose PK Perubahan target is 0 (Tabel 2.4 of the seed) are not counted
    gone = set(kinerja.measured(seed, kind="ikk").query("status == 'dihapus pada PK Perubahan'")["indikator_id"])
    assert gone == {"ikk-p3pd", "ikk-rakor-dinas", "ikk-bambu", "ikk-buku-transformasi"}
    # the PKK sub-kegiatan: Lomba PKK 22/22 and Rakor PKK 2/2 count, Bambu (removed) does not -> 100, not 66,67
    pkk = efisiensi_frame(seed).set_index("kode_rekening").loc["2.13.05.1.01.09"]
    assert pkk["capaian_pct"] == pytest.approx(100)


def test_observations_state_numbers_not_invented_causes():
    seed = load_dataset("pmd-ntt-2023")
    for iku in kinerja.measured(seed)["indikator_id"]:
        for note in narrative.observations(seed, iku):
            assert "terlalu rendah" not in note and "sejalan dengan" not in note
    assert "terlalu rendah" not in narrative.compared_with_last_year(seed)


def test_indicator_quality_findings_of_the_seed():
    """Read off the seed's tables by hand: Tabel 3.1 (units, 2023) and Tabel 3.3 (2022 realisasi)."""
    from lkip_helpers.analysis.kualitas import quality_findings

    found = quality_findings(load_dataset("pmd-ntt-2023"))
    expected = [
        "Indikator “Alat TTG ke desa” bernama persentase tetapi diukur dalam satuan “Unit”",
        "Indikator “Lembaga adat difasilitasi” bersatuan % tetapi realisasi 2022 263,64 (di atas 100): "
        "periksa definisi atau satuannya",
        "Indikator “Lembaga adat difasilitasi”: target 2023 (100) di bawah realisasi 2022 (263,64)",
        "Indikator “Status desa min. berkembang” bersatuan % tetapi realisasi 2022 143,94 (di atas 100): "
        "periksa definisi atau satuannya",
        "Indikator “Status desa min. berkembang”: target 2023 (100) di bawah realisasi 2022 (143,94)",
        "Indikator “Kerja sama desa non-pemerintah” bersatuan % tetapi realisasi 2022 143,64 (di atas 100): "
        "periksa definisi atau satuannya",
        "Indikator “Kerja sama desa non-pemerintah”: target 2023 (100) di bawah realisasi 2022 (143,64)",
        "Indikator “BUMDes aktif” berkategori “Sangat Tinggi” padahal di bawah target (capaian 98,40%)",
    ]
    assert found == expected


def test_indicator_quality_each_rule_both_ways(ds):
    """The small agency: no finding; then one change per rule makes exactly that finding appear."""
    from lkip_helpers.analysis.kualitas import quality_findings

    assert quality_findings(ds) == []
    ind = ds.path / "indikator.csv"
    ind.write_text(ind.read_text(encoding="utf-8").replace("Indikator A,A,unit", "Persentase A,A,%"), encoding="utf-8")
    real = ds.path / "realisasi.csv"
    real.write_text(real.read_text(encoding="utf-8") + "a,2022,120\nb,2022,80\nb,2021,70\n", encoding="utf-8")
    tgt = ds.path / "target.csv"
    tgt.write_text(tgt.read_text(encoding="utf-8") + "b,2022,pk,80\nb,2021,pk,70\n", encoding="utf-8")
    found = quality_findings(load_dataset(NAME))
    assert "Indikator “A” bersatuan % tetapi realisasi 2022 120 (di atas 100): periksa definisi atau satuannya" in found
    assert "Indikator “A”: target 2023 (100) di bawah realisasi 2022 (120)" in found
    assert "Indikator “B”: realisasi sama dengan target pada setiap tahun (2 tahun)" not in found  # 2023: 40 of 100
    assert len(found) == 2, found


def test_indicator_quality_name_unit_and_always_on_target(ds):
    from lkip_helpers.analysis.kualitas import quality_findings

    ind = ds.path / "indikator.csv"
    ind.write_text(
        ind.read_text(encoding="utf-8").replace("Indikator C,C,unit", "Prosentase C,C,unit"), encoding="utf-8"
    )
    real, tgt = ds.path / "realisasi.csv", ds.path / "target.csv"
    real.write_text(
        real.read_text(encoding="utf-8").replace("d,2023,20", "d,2023,50") + "d,2022,45\n", encoding="utf-8"
    )
    tgt.write_text(tgt.read_text(encoding="utf-8") + "d,2022,pk,45\n", encoding="utf-8")
    assert quality_findings(load_dataset(NAME)) == [
        "Indikator “C” bernama persentase tetapi diukur dalam satuan “unit”",
        "Indikator “D”: realisasi sama dengan target pada setiap tahun (2 tahun)",
    ]
