"""Every sentence the tool writes about how a number moved or what a result means, with the condition that picks it.

One registry (:data:`KALIMAT`): each sentence has the data condition that selects it, in code
(``when``) and in words (``syarat``). Code never writes these sentences itself: it hands the
numbers to :func:`say` (one sentence, or None when its condition does not hold) or
:func:`choose` (the one sentence of a group whose condition holds). So a rise is never
worded as a fall, and no sentence says why unless its numbers say so; causes the agency
gives are quoted from ``narasi``, never written here.

Values are formatted by their name: ``*_pct`` as a percentage, ``*_rp`` as rupiah, ``*_poin``
with two decimals, ``tahun*`` as a year, other numbers the Indonesian way, text as given
(callers escape text meant for Markdown before passing it). ``lingkup`` says whose kegiatan
they are: "pendukung" for an indicator's own, or the sasaran's with how many IKU share them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from lkip_helpers.capaian import sakip_verdict
from lkip_helpers.numbers import format_number, format_pct, format_rp


@dataclass(frozen=True)
class Kalimat:
    """One sentence template.

    Args:
        kelompok: sentences of one group are alternatives: exactly one condition holds (:func:`choose`).
        syarat: the selecting condition, in words (listed in the README and tested).
        when: the condition over the values passed.
        template: ``str.format`` text over the formatted values (and those of ``derive``).
        derive: values computed from the others (e.g. a percentage rise), already formatted.
    """

    kelompok: str
    syarat: str
    when: Callable[[Mapping], bool]
    template: str
    derive: Callable[[Mapping], dict] = field(default=lambda v: {})


def _list(items) -> str:
    """'A (1,00%); B (2,00%)' from (name, pct) pairs."""
    return "; ".join(f"{name} ({format_pct(pct)})" for name, pct in items)


def _movers(items, sign: str) -> str:
    return ", ".join(f"{name} ({sign}{format_number(d, 2)} poin)" for name, d in items)


def _verdict(name: str) -> Callable[[Mapping], bool]:
    return lambda v: sakip_verdict(v["capaian_pct"], v["serapan_pct"], v.get("toleransi_pct", 0)) == name


KALIMAT: dict[str, Kalimat] = {
    # Year on year, the average (Bab III and the pages).
    "rata_rata_naik": Kalimat(
        "rata_rata",
        "rata-rata tahun ini lebih tinggi dari tahun lalu",
        lambda v: v["kini_pct"] > v["lalu_pct"],
        "Rata-rata capaian ({metode}) naik dari **{lalu_pct}** ({tahun_lalu}) menjadi **{kini_pct}** ({tahun}).",
    ),
    "rata_rata_turun": Kalimat(
        "rata_rata",
        "rata-rata tahun ini lebih rendah dari tahun lalu",
        lambda v: v["kini_pct"] < v["lalu_pct"],
        "Rata-rata capaian ({metode}) turun dari **{lalu_pct}** ({tahun_lalu}) menjadi **{kini_pct}** ({tahun}).",
    ),
    "rata_rata_tetap": Kalimat(
        "rata_rata",
        "rata-rata tahun ini sama dengan tahun lalu",
        lambda v: v["kini_pct"] == v["lalu_pct"],
        "Rata-rata capaian ({metode}) tetap **{kini_pct}** pada {tahun_lalu} dan {tahun}.",
    ),
    "penurunan_terbesar": Kalimat(
        "penurunan_terbesar",
        "ada indikator yang capaiannya turun dari tahun lalu (selisih negatif)",
        lambda v: bool(v["turun"]) and all(d < 0 for _, d in v["turun"]),
        "Penurunan terbesar: {daftar}.",
        lambda v: {"daftar": _movers(v["turun"], "")},
    ),
    "kenaikan_terbesar": Kalimat(
        "kenaikan_terbesar",
        "ada indikator yang capaiannya naik dari tahun lalu (selisih positif)",
        lambda v: bool(v["naik"]) and all(d > 0 for _, d in v["naik"]),
        "Kenaikan terbesar: {daftar}.",
        lambda v: {"daftar": _movers(v["naik"], "+")},
    ),
    "terangkat_di_atas_150": Kalimat(
        "terangkat_di_atas_150",
        "ada indikator tahun lalu dengan capaian di atas 150%",
        lambda v: bool(v["indikator"]) and all(p > 150 for _, p in v["indikator"]),
        "Rata-rata {tahun_lalu} terangkat oleh indikator dengan capaian di atas 150%: {daftar}.",
        lambda v: {"daftar": _list(v["indikator"])},
    ),
    # One IKU over the years (the LKIP document): the last two realisasi.
    "realisasi_tahunan_naik": Kalimat(
        "realisasi_tahunan",
        "realisasi tahun terakhir lebih tinggi dari tahun sebelumnya yang berisi",
        lambda v: v["realisasi_akhir"] > v["realisasi_awal"],
        "Realisasi naik dari {realisasi_awal} {satuan} ({tahun_awal}) menjadi {realisasi_akhir} {satuan} "
        "({tahun_akhir}); rinciannya dalam tabel berikut.",
    ),
    "realisasi_tahunan_turun": Kalimat(
        "realisasi_tahunan",
        "realisasi tahun terakhir lebih rendah dari tahun sebelumnya yang berisi",
        lambda v: v["realisasi_akhir"] < v["realisasi_awal"],
        "Realisasi turun dari {realisasi_awal} {satuan} ({tahun_awal}) menjadi {realisasi_akhir} {satuan} "
        "({tahun_akhir}); rinciannya dalam tabel berikut.",
    ),
    "realisasi_tahunan_tetap": Kalimat(
        "realisasi_tahunan",
        "realisasi tahun terakhir sama dengan tahun sebelumnya yang berisi",
        lambda v: v["realisasi_akhir"] == v["realisasi_awal"],
        "Realisasi tetap {realisasi_akhir} {satuan} pada {tahun_awal} dan {tahun_akhir}; rinciannya dalam tabel "
        "berikut.",
    ),
    # Bab IV: the average against last year, in points.
    "kesimpulan_naik": Kalimat(
        "kesimpulan_banding",
        "rata-rata tahun ini lebih tinggi dari tahun lalu",
        lambda v: v["kini_pct"] > v["lalu_pct"],
        "Dibanding {tahun_lalu}, rata-rata capaian naik {selisih} poin.",
        lambda v: {"selisih": format_number(v["kini_pct"] - v["lalu_pct"], 2)},
    ),
    "kesimpulan_turun": Kalimat(
        "kesimpulan_banding",
        "rata-rata tahun ini lebih rendah dari tahun lalu",
        lambda v: v["kini_pct"] < v["lalu_pct"],
        "Dibanding {tahun_lalu}, rata-rata capaian turun {selisih} poin.",
        lambda v: {"selisih": format_number(v["lalu_pct"] - v["kini_pct"], 2)},
    ),
    "kesimpulan_tetap": Kalimat(
        "kesimpulan_banding",
        "rata-rata tahun ini sama dengan tahun lalu",
        lambda v: v["kini_pct"] == v["lalu_pct"],
        "Dibanding {tahun_lalu}, rata-rata capaian tetap.",
    ),
    # What the cap does to last year's average (the methods page).
    "batas_tidak_mengubah": Kalimat(
        "batas_100",
        "tidak ada indikator di atas 100%: rata-rata tanpa batas sama dengan yang dibatasi",
        lambda v: v["tanpa_batas_pct"] - v["dibatasi_pct"] < 0.005,
        "Untuk {tahun_lalu}, pembatasan capaian pada 100% tidak mengubah rata-rata (**{tanpa_batas_pct}**): "
        "tidak ada indikator di atas 100%.",
    ),
    "batas_jauh_di_atas": Kalimat(
        "batas_100",
        "rata-rata tanpa batas lebih tinggi dari yang dibatasi dan sedikitnya 120%",
        lambda v: v["tanpa_batas_pct"] - v["dibatasi_pct"] >= 0.005 and v["tanpa_batas_pct"] >= 120,
        "Untuk {tahun_lalu}, rata-rata tanpa batas **{tanpa_batas_pct}** turun menjadi **{dibatasi_pct}** bila "
        "capaian dibatasi 100%: rata-rata {tahun_lalu} jauh di atas 100%.",
    ),
    "batas_di_atas": Kalimat(
        "batas_100",
        "rata-rata tanpa batas lebih tinggi dari yang dibatasi, di atas 100% tetapi di bawah 120%",
        lambda v: v["tanpa_batas_pct"] - v["dibatasi_pct"] >= 0.005 and 100 < v["tanpa_batas_pct"] < 120,
        "Untuk {tahun_lalu}, rata-rata tanpa batas **{tanpa_batas_pct}** turun menjadi **{dibatasi_pct}** bila "
        "capaian dibatasi 100%: rata-rata {tahun_lalu} di atas 100%.",
    ),
    "batas_di_bawah": Kalimat(
        "batas_100",
        "rata-rata tanpa batas lebih tinggi dari yang dibatasi tetapi tidak di atas 100%",
        lambda v: v["tanpa_batas_pct"] - v["dibatasi_pct"] >= 0.005 and v["tanpa_batas_pct"] <= 100,
        "Untuk {tahun_lalu}, rata-rata tanpa batas **{tanpa_batas_pct}** turun menjadi **{dibatasi_pct}** bila "
        "capaian dibatasi 100%: rata-rata {tahun_lalu} di bawah 100% walaupun sebagian indikator melampaui target.",
    ),
    "pendorong_rata_rata": Kalimat(
        "pendorong_rata_rata",
        "ada indikator yang menambah rata-rata tanpa batas dibanding yang dibatasi (kontribusi positif)",
        lambda v: bool(v["indikator"]) and all(k > 0 for _, _, k in v["indikator"]),
        "Pendorong terbesar: {daftar}.",
        lambda v: {
            "daftar": ", ".join(f"{n} ({format_pct(p)}, +{format_number(k, 2)} poin)" for n, p, k in v["indikator"])
        },
    ),
    # Efficiency (cost per unit of output, lkip_helpers.capaian.sakip_verdict).
    "efisien": Kalimat(
        "efisiensi",
        "target tercapai (capaian ≥ 100%) dan serapan lebih rendah dari capaian di luar toleransi",
        _verdict("efisien"),
        "Target tercapai ({capaian_pct}) dengan serapan {serapan_pct}: biaya per satuan output lebih rendah dari "
        "rencana, efisien.",
    ),
    "sesuai_rencana": Kalimat(
        "efisiensi",
        "target tercapai dan serapan sama dengan capaian (dalam toleransi)",
        _verdict("sesuai rencana"),
        "Target tercapai ({capaian_pct}) dengan serapan {serapan_pct}: biaya per satuan output sesuai rencana.",
    ),
    "tidak_efisien": Kalimat(
        "efisiensi",
        "serapan lebih tinggi dari capaian di luar toleransi",
        _verdict("tidak efisien"),
        "Capaian {capaian_pct} dengan serapan {serapan_pct}: biaya per satuan output lebih tinggi dari rencana, "
        "tidak efisien.",
    ),
    "belum_terlaksana_optimal": Kalimat(
        "efisiensi",
        "capaian di bawah 100% dan serapan tidak lebih tinggi dari capaian",
        _verdict("belum terlaksana optimal"),
        "Capaian {capaian_pct} dan serapan {serapan_pct} sama-sama di bawah rencana: anggaran yang tidak terserap "
        "bukan efisiensi, tetapi kegiatan yang belum terlaksana optimal.",
    ),
    # What the numbers of one indicator show beyond the agency's explanation (drill-down, verification note).
    "capaian_turun_tajam": Kalimat(
        "capaian_turun_tajam",
        "capaian turun lebih dari 30 poin dari tahun lalu",
        lambda v: v["lalu_pct"] - v["kini_pct"] > 30,
        "Capaian turun tajam: {lalu_pct} ({tahun_lalu}) → {kini_pct} ({tahun}).",
    ),
    "target_melonjak": Kalimat(
        "target_melonjak",
        "target tahun ini sedikitnya 1,3 kali target tahun lalu",
        lambda v: v["target_lalu"] > 0 and v["target"] / v["target_lalu"] >= 1.3,
        "Target naik {kenaikan}% dari {target_lalu} ({tahun_lalu}) menjadi {target} ({tahun}).",
        lambda v: {"kenaikan": format_number(v["target"] / v["target_lalu"] * 100 - 100, 0)},
    ),
    "realisasi_lalu_jauh_di_atas_target": Kalimat(
        "realisasi_lalu_jauh_di_atas_target",
        "realisasi tahun lalu lebih dari 1,5 kali targetnya",
        lambda v: v["target_lalu"] > 0 and v["realisasi_lalu"] > v["target_lalu"] * 1.5,
        "Realisasi {tahun_lalu} ({realisasi_lalu}) {lebih}% di atas targetnya ({target_lalu}).",
        lambda v: {"lebih": format_number(v["realisasi_lalu"] / v["target_lalu"] * 100 - 100, 0)},
    ),
    "realisasi_menurun": Kalimat(
        "realisasi_menurun",
        "realisasi tahun ini lebih rendah dari realisasi tahun lalu",
        lambda v: v["realisasi"] < v["realisasi_lalu"],
        "Realisasi menurun: {realisasi_lalu} ({tahun_lalu}) → {realisasi} ({tahun}).",
    ),
    "kegiatan_tanpa_realisasi": Kalimat(
        "kegiatan_tanpa_realisasi",
        "kegiatan pendukung berpagu tetapi realisasi anggarannya 0",
        lambda v: v["realisasi_rp"] == 0 and v["pagu_rp"] > 0,
        "Kegiatan {lingkup} tidak terealisasi sama sekali: {kegiatan} (pagu {pagu_rp}).",
    ),
    "output_tidak_dilaksanakan": Kalimat(
        "output_tidak_dilaksanakan",
        "output pendukung bertarget dengan capaian 0%",
        lambda v: v["capaian_pct"] == 0 and v["target"] > 0,
        "Output {lingkup} tidak dilaksanakan: {output} (target {target} {satuan}).",
    ),
    "pk_menghapus_output": Kalimat(
        "pk_menghapus_output",
        "PK Perubahan menetapkan target 0 untuk output pendukung",
        lambda v: bool(v["output"]),
        "PK Perubahan menghapus target output {lingkup}: {daftar}.",
        lambda v: {"daftar": "; ".join(v["output"])},
    ),
    "serapan_rendah": Kalimat(
        "serapan_rendah",
        "serapan anggaran kegiatan pendukung di bawah 50%",
        lambda v: v["serapan_pct"] < 50,
        "Serapan anggaran kegiatan {lingkup} {serapan_pct}, di bawah 50%.",
    ),
    "audit_berbeda": Kalimat(
        "audit_berbeda",
        "audit mendapati angka tercetak berbeda dari hitung ulang melebihi toleransinya",
        lambda v: abs(v["selisih"]) > v["toleransi"],
        "Audit: {tabel} mencetak {tercetak} untuk {besaran} {tahun}; dihitung dari data {dihitung} ({sebab}).",
        lambda v: {"dihitung": format_number(v["dihitung"], 2)},
    ),
    "tidak_ada_pola": Kalimat(
        "tidak_ada_pola",
        "tidak ada catatan lain tentang indikator ini",
        lambda v: v["n_catatan"] == 0,
        "Tidak ada pola lain yang menonjol dari angka.",
    ),
}


class SyaratTidakTerpenuhi(ValueError):
    """No sentence of a group fits the values (or several do): the registry has a gap."""


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _shown(name: str, value) -> str:
    if isinstance(value, str):
        return value
    if name.startswith("tahun"):
        return str(int(value))
    if name.endswith("_pct"):
        return format_pct(value)
    if name.endswith("_rp"):
        return format_rp(value)
    if name.endswith("_poin"):
        return format_number(value, 2)
    if isinstance(value, (int, float)):
        return format_number(value)
    return str(value)


def holds(key: str, **values) -> bool:
    """Whether the condition of sentence ``key`` holds (False while a number it needs is missing)."""
    if any(_missing(v) for v in values.values()):
        return False
    return bool(KALIMAT[key].when(values))


def say(key: str, **values) -> str | None:
    """Sentence ``key`` with ``values`` formatted in, or None when its condition does not hold."""
    if not holds(key, **values):
        return None
    k = KALIMAT[key]
    shown = {n: _shown(n, v) for n, v in values.items()}
    return k.template.format(**{**shown, **k.derive(values)})


def choose(kelompok: str, **values) -> str:
    """The one sentence of group ``kelompok`` whose condition holds for ``values``.

    Raises:
        SyaratTidakTerpenuhi: none or several hold (the group's conditions do not cover the values).
    """
    fits = [k for k, s in KALIMAT.items() if s.kelompok == kelompok and holds(k, **values)]
    if len(fits) != 1:
        raise SyaratTidakTerpenuhi(f"kelompok kalimat {kelompok!r}: {len(fits)} kalimat cocok untuk {values!r}")
    return say(fits[0], **values)
