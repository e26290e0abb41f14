"""The data add up: every printed total is the sum of its parts (Tabel 3.11, 3.12, 3.13)."""

import pytest

from lkip_helpers.analysis import anggaran


def test_every_tabel_3_13_parent_equals_sum_of_children(ds, printed):
    tree = anggaran.anggaran_tree(ds)
    parents = tree[~tree["is_leaf"]]
    assert len(parents) == 16
    for _, row in parents.iterrows():
        kode = row["kode_rekening"]
        assert row["pagu_rp"] == printed("Tabel 3.13", kode, "pagu_rp"), kode
        assert row["realisasi_rp"] == printed("Tabel 3.13", kode, "realisasi_rp"), kode
    # and each level adds up to the next, not only the leaves to the top
    for _, row in parents.iterrows():
        kids = tree[tree["parent_kode"] == row["kode_rekening"]]
        assert kids["pagu_rp"].sum() == row["pagu_rp"]


def test_tabel_3_13_percentages(ds, printed):
    tree = anggaran.anggaran_tree(ds)
    for _, row in tree.iterrows():
        p = printed("Tabel 3.13", row["kode_rekening"], "serapan_pct")
        if p != p:  # printed "-" where pagu was not spent
            assert row["realisasi_rp"] == 0
            continue
        assert row["serapan_pct"] == pytest.approx(p, abs=0.005), row["kode_rekening"]


def test_tabel_3_11_totals(ds, printed):
    w = ds.wilayah
    assert w["jumlah_desa"].sum() == printed("Tabel 3.11", "total", "jumlah_desa") == 3137
    assert w["jumlah_kelurahan"].sum() == printed("Tabel 3.11", "total", "jumlah_kelurahan") == 305
    assert w["jumlah_kecamatan"].sum() == printed("Tabel 3.11", "total", "jumlah_kecamatan") == 315
    assert (w["jumlah_desa"] + w["jumlah_kelurahan"]).sum() == 3442
    for _, row in w.iterrows():
        assert row["jumlah_desa"] + row["jumlah_kelurahan"] == printed(
            "Tabel 3.11", row["kabupaten"], "jumlah_desa_kelurahan"
        ), row["kabupaten"]


def test_tabel_3_12_totals_match_tabel_3_13(ds, printed):
    tree = anggaran.belanja_tree(ds).set_index("jenis_id")
    assert tree.loc["belanja-operasi", "anggaran_rp"] == printed("Tabel 3.12", "belanja-operasi", "anggaran_rp")
    assert tree.loc["belanja-operasi", "realisasi_rp"] == printed("Tabel 3.12", "belanja-operasi", "realisasi_rp")
    total = tree[tree["depth"] == 0][["anggaran_rp", "realisasi_rp"]].sum()
    pagu, real, _ = anggaran.total(ds)
    assert (total["anggaran_rp"], total["realisasi_rp"]) == (pagu, real)
    assert round(tree.loc["belanja-pegawai", "serapan_pct"], 2) == printed(
        "Tabel 3.12", "belanja-pegawai", "serapan_pct"
    )


def test_contract_pegawai_placement_adds_up(ds):
    kontrak = ds.pegawai[ds.pegawai["status"] == "tenaga_kontrak"]["jumlah"].sum()
    assert kontrak == ds.pegawai_total.set_index("status").loc["tenaga_kontrak", "jumlah"] == 39
