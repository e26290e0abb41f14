"""Every sentence template is said only where its data condition holds; values below are worked by hand."""

from __future__ import annotations

import math

import pytest

from lkip_helpers.capaian import SELISIH, EfisiensiPolicy, PolicyError
from lkip_helpers.report.kalimat import KALIMAT, SyaratTidakTerpenuhi, choose, say

Y = {"tahun": 2023, "tahun_lalu": 2022}

# For every template: values that meet its condition (with a piece the sentence must contain),
# and values that do not.
EXAMPLES = {
    "rata_rata_naik": (
        {"metode": "m", "lalu_pct": 80.0, "kini_pct": 90.5, **Y},
        "naik dari **80,00%** (2022) menjadi **90,50%** (2023)",
        {"metode": "m", "lalu_pct": 90.5, "kini_pct": 80.0, **Y},
    ),
    "rata_rata_turun": (
        {"metode": "m", "lalu_pct": 151.11, "kini_pct": 82.32, **Y},
        "turun dari **151,11%** (2022) menjadi **82,32%** (2023)",
        {"metode": "m", "lalu_pct": 82.32, "kini_pct": 82.32, **Y},
    ),
    "rata_rata_tetap": (
        {"metode": "m", "lalu_pct": 82.32, "kini_pct": 82.32, **Y},
        "tetap **82,32%** pada 2022 dan 2023",
        {"metode": "m", "lalu_pct": 82.31, "kini_pct": 82.32, **Y},
    ),
    "penurunan_terbesar": (
        {"turun": [("A", -295.26), ("B", -1.5)]},
        "Penurunan terbesar: A (-295,26 poin), B (-1,50 poin).",
        {"turun": [("A", 2.0)]},
    ),
    "kenaikan_terbesar": (
        {"naik": [("PKK aktif", 2.42)]},
        "Kenaikan terbesar: PKK aktif (+2,42 poin).",
        {"naik": []},
    ),
    "terangkat_di_atas_150": (
        {"tahun_lalu": 2022, "indikator": [("Lembaga adat", 395.26)]},
        "Rata-rata 2022 terangkat oleh indikator dengan capaian di atas 150%: Lembaga adat (395,26%).",
        {"tahun_lalu": 2022, "indikator": [("Lembaga adat", 150.0)]},
    ),
    "realisasi_tahunan_naik": (
        {"realisasi_awal": 1140, "realisasi_akhir": 1476, "tahun_awal": 2022, "tahun_akhir": 2023, "satuan": "Unit"},
        "Realisasi naik dari 1.140 Unit (2022) menjadi 1.476 Unit (2023)",
        {"realisasi_awal": 1476, "realisasi_akhir": 1140, "tahun_awal": 2022, "tahun_akhir": 2023, "satuan": "Unit"},
    ),
    "realisasi_tahunan_turun": (
        {"realisasi_awal": 6084, "realisasi_akhir": 5867, "tahun_awal": 2022, "tahun_akhir": 2023, "satuan": "Pos"},
        "Realisasi turun dari 6.084 Pos (2022) menjadi 5.867 Pos (2023)",
        {"realisasi_awal": 5867, "realisasi_akhir": 5867, "tahun_awal": 2022, "tahun_akhir": 2023, "satuan": "Pos"},
    ),
    "realisasi_tahunan_tetap": (
        {"realisasi_awal": 22, "realisasi_akhir": 22, "tahun_awal": 2022, "tahun_akhir": 2023, "satuan": ""},
        "Realisasi tetap 22  pada 2022 dan 2023",
        {"realisasi_awal": 21, "realisasi_akhir": 22, "tahun_awal": 2022, "tahun_akhir": 2023, "satuan": ""},
    ),
    "kesimpulan_naik": (
        {"lalu_pct": 70.0, "kini_pct": 72.5, "tahun_lalu": 2022},
        "Dibanding 2022, rata-rata capaian naik 2,50 poin.",
        {"lalu_pct": 72.5, "kini_pct": 70.0, "tahun_lalu": 2022},
    ),
    "kesimpulan_turun": (
        {"lalu_pct": 151.11, "kini_pct": 82.32, "tahun_lalu": 2022},
        "Dibanding 2022, rata-rata capaian turun 68,79 poin.",
        {"lalu_pct": 82.32, "kini_pct": 151.11, "tahun_lalu": 2022},
    ),
    "kesimpulan_tetap": (
        {"lalu_pct": 80.0, "kini_pct": 80.0, "tahun_lalu": 2022},
        "rata-rata capaian tetap.",
        {"lalu_pct": 80.0, "kini_pct": 80.01, "tahun_lalu": 2022},
    ),
    "batas_tidak_mengubah": (
        {"tahun_lalu": 2022, "tanpa_batas_pct": 88.0, "dibatasi_pct": 88.0},
        "tidak mengubah rata-rata (**88,00%**)",
        {"tahun_lalu": 2022, "tanpa_batas_pct": 90.0, "dibatasi_pct": 88.0},
    ),
    "batas_jauh_di_atas": (
        {"tahun_lalu": 2022, "tanpa_batas_pct": 151.11, "dibatasi_pct": 97.49},
        "rata-rata 2022 jauh di atas 100%",
        {"tahun_lalu": 2022, "tanpa_batas_pct": 119.99, "dibatasi_pct": 97.49},
    ),
    "batas_di_atas": (
        {"tahun_lalu": 2022, "tanpa_batas_pct": 105.0, "dibatasi_pct": 99.0},
        "rata-rata 2022 di atas 100%",
        {"tahun_lalu": 2022, "tanpa_batas_pct": 125.0, "dibatasi_pct": 99.0},
    ),
    "batas_di_bawah": (
        {"tahun_lalu": 2022, "tanpa_batas_pct": 95.0, "dibatasi_pct": 90.0},
        "di bawah 100% walaupun sebagian indikator melampaui target",
        {"tahun_lalu": 2022, "tanpa_batas_pct": 95.0, "dibatasi_pct": 95.0},
    ),
    "pendorong_rata_rata": (
        {"indikator": [("Lembaga adat", 395.26, 32.81)]},
        "Pendorong terbesar: Lembaga adat (395,26%, +32,81 poin).",
        {"indikator": []},
    ),
    # Efficiency: realised / planned unit cost = serapan / capaian.
    "efisien": (
        {"capaian_pct": 100.0, "serapan_pct": 55.22},  # 0,55 of the planned unit cost
        "Target tercapai (100,00%) dengan serapan 55,22%",
        {"capaian_pct": 51.09, "serapan_pct": 25.21},  # cheaper per unit, but the target was missed
    ),
    "sesuai_rencana": (
        {"capaian_pct": 100.0, "serapan_pct": 97.0, "toleransi_pct": 5},  # 3 % cheaper, inside a 5 % band
        "biaya per satuan output sesuai rencana",
        {"capaian_pct": 100.0, "serapan_pct": 97.0},  # no band: 3 % cheaper is efisien
    ),
    "tidak_efisien": (
        {"capaian_pct": 51.09, "serapan_pct": 80.0},  # 80/51,09 = 1,57 × the planned unit cost
        "biaya per satuan output lebih tinggi dari rencana, tidak efisien",
        {"capaian_pct": 100.0, "serapan_pct": 100.0},
    ),
    "belum_terlaksana_optimal": (
        {"capaian_pct": 15.89, "serapan_pct": 6.3},  # the Lomba Desa sub-kegiatan of the seed
        "sama-sama di bawah rencana",
        {"capaian_pct": 104.0, "serapan_pct": 6.3},
    ),
    "capaian_turun_tajam": (
        {"lalu_pct": 210.62, "kini_pct": 37.74, **Y},
        "Capaian turun tajam: 210,62% (2022) → 37,74% (2023).",
        {"lalu_pct": 90.0, "kini_pct": 60.0, **Y},  # 30 points: not more than 30
    ),
    "target_melonjak": (
        {"target": 1500, "target_lalu": 1140, **Y},  # 1500/1140 = 1,316
        "Target naik 32% dari 1.140 (2022) menjadi 1.500 (2023).",
        {"target": 1400, "target_lalu": 1140, **Y},  # 1,228
    ),
    "realisasi_lalu_jauh_di_atas_target": (
        {"realisasi_lalu": 290, "target_lalu": 110, **Y},
        "Realisasi 2022 (290) 164% di atas targetnya (110).",
        {"realisasi_lalu": 165, "target_lalu": 110, **Y},  # exactly 1,5 ×
    ),
    "realisasi_menurun": (
        {"realisasi": 5867, "realisasi_lalu": 6084, **Y},
        "Realisasi menurun: 6.084 (2022) → 5.867 (2023).",
        {"realisasi": 6084, "realisasi_lalu": 6084, **Y},
    ),
    "kegiatan_tanpa_realisasi": (
        {"lingkup": "pendukung", "kegiatan": "K", "pagu_rp": 3415500, "realisasi_rp": 0},
        "Kegiatan pendukung tidak terealisasi sama sekali: K (pagu Rp 3.415.500).",
        {"lingkup": "pendukung", "kegiatan": "K", "pagu_rp": 3415500, "realisasi_rp": 1},
    ),
    "output_tidak_dilaksanakan": (
        {"lingkup": "pendukung", "output": "O", "target": 10, "satuan": "Desa", "capaian_pct": 0.0},
        "Output pendukung tidak dilaksanakan: O (target 10 Desa).",
        {"lingkup": "pendukung", "output": "O", "target": 0, "satuan": "Desa", "capaian_pct": 0.0},
    ),
    "pk_menghapus_output": (
        {"lingkup": "pendukung", "output": ["Bambu", "Buku"]},
        "PK Perubahan menghapus target output pendukung: Bambu; Buku.",
        {"lingkup": "pendukung", "output": []},
    ),
    "serapan_rendah": (
        {"lingkup": "pendukung", "serapan_pct": 28.8},
        "Serapan anggaran kegiatan pendukung 28,80%, di bawah 50%.",
        {"lingkup": "pendukung", "serapan_pct": 50.0},
    ),
    "audit_berbeda": (
        {
            "tabel": "Tabel 3.1",
            "tercetak": "82,33",
            "besaran": "capaian_pct",
            "tahun": 2023,
            "dihitung": 82.3156,
            "sebab": "pembulatan",
            "selisih": 0.0144,
            "toleransi": 0.005,
        },
        "Audit: Tabel 3.1 mencetak 82,33 untuk capaian_pct 2023; dihitung dari data 82,32 (pembulatan).",
        {
            "tabel": "Tabel 3.1",
            "tercetak": "82,32",
            "besaran": "capaian_pct",
            "tahun": 2023,
            "dihitung": 82.3156,
            "sebab": "",
            "selisih": 0.0044,
            "toleransi": 0.005,
        },
    ),
    "tidak_ada_pola": ({"n_catatan": 0}, "Tidak ada pola lain yang menonjol dari angka.", {"n_catatan": 2}),
}


def test_every_template_has_a_hand_written_example():
    assert set(EXAMPLES) == set(KALIMAT)
    assert all(k.syarat for k in KALIMAT.values())


@pytest.mark.parametrize("key", sorted(EXAMPLES))
def test_said_exactly_when_its_condition_holds(key):
    meets, piece, fails = EXAMPLES[key]
    text = say(key, **meets)
    assert text is not None and piece in text
    assert say(key, **fails) is None


def test_missing_numbers_select_no_sentence():
    assert say("rata_rata_turun", metode="m", lalu_pct=math.nan, kini_pct=80.0, **Y) is None
    assert say("realisasi_menurun", realisasi=None, realisasi_lalu=6084, **Y) is None


@pytest.mark.parametrize(
    "kelompok, values, expected",
    [
        ("rata_rata", {"metode": "m", "lalu_pct": 151.11, "kini_pct": 82.32, **Y}, "turun"),
        ("rata_rata", {"metode": "m", "lalu_pct": 60.0, "kini_pct": 82.32, **Y}, "naik"),
        ("kesimpulan_banding", {"lalu_pct": 60.0, "kini_pct": 60.0, "tahun_lalu": 2022}, "tetap"),
        ("batas_100", {"tahun_lalu": 2022, "tanpa_batas_pct": 100.0, "dibatasi_pct": 98.0}, "di bawah 100%"),
        ("efisiensi", {"capaian_pct": 37.74, "serapan_pct": 28.8}, "belum terlaksana optimal"),
        ("efisiensi", {"capaian_pct": 120.0, "serapan_pct": 130.0}, "tidak efisien"),
        ("efisiensi", {"capaian_pct": 104.0, "serapan_pct": 100.0}, ", efisien."),
    ],
)
def test_a_group_gives_the_one_sentence_its_numbers_select(kelompok, values, expected):
    assert expected in choose(kelompok, **values)


def test_a_group_with_no_fitting_sentence_says_so():
    with pytest.raises(SyaratTidakTerpenuhi):
        choose("rata_rata", metode="m", lalu_pct=math.nan, kini_pct=1.0, **Y)


def test_efisiensi_groups_cover_every_pair():
    """Exactly one efficiency sentence for any capaian and serapan, with and without a band."""
    for c in (0.0, 15.89, 51.09, 99.99, 100.0, 104.0, 395.26):
        for s in (0.0, 6.3, 51.09, 100.0, 104.0, 130.0):
            for tol in (0, 5):
                choose("efisiensi", capaian_pct=c, serapan_pct=s, toleransi_pct=tol)


def test_efisiensi_policy_from_metadata():
    pol = EfisiensiPolicy.from_meta({})
    assert pol.index(100, 55.22) == pytest.approx(44.78) and pol.heading == "Efisiensi (%)"
    selisih = EfisiensiPolicy.from_meta({"efisiensi": {"metode": SELISIH, "toleransi_pct": 5}})
    assert selisih.index(51.09, 25.21) == pytest.approx(25.88)  # points, as the seed compares 51,09 with 25,21
    assert selisih.heading == "Efisiensi (poin)" and "dalam poin" in selisih.sentence()
    assert selisih.verdict(100, 97) == "sesuai rencana" and pol.verdict(100, 97) == "efisien"
    assert "5 %" in selisih.sentence()
    for bad, key in (
        ({"efisiensi": {"metode": "indeks"}}, "efisiensi.metode"),
        ({"efisiensi": {"toleransi_pct": -1}}, "efisiensi.toleransi_pct"),
        ({"efisiensi": {"toleransi": 5}}, "efisiensi.toleransi"),
        ({"efisiensi": "biaya"}, "efisiensi"),
    ):
        with pytest.raises(PolicyError) as err:
            EfisiensiPolicy.from_meta(bad)
        assert err.value.key == key
