"""Narrative sentences in Bahasa Indonesia, with every number computed from the data.

Text that comes from data files is shown literally: every ASCII punctuation character in
it is backslash-escaped (CommonMark allows this for all of them), so raw HTML, ``[x](…)``
links, ``![](http://…)`` images, emphasis, headings, lists and bare ``http://`` or
``www.`` autolinks all stay text. Ids inside code spans go through :func:`_code`.
"""

from __future__ import annotations

import re

import pandas as pd

from . import budget, kinerja
from .numbers import format_number, format_pct, format_rp
from .text import label


_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def _e(text) -> str:
    r"""Data text made safe inside Markdown: shown literally, on one line, no markup, no links.

    >>> print(_e("<b>x</b> [klik](javascript:alert(1)) desa_wisata"))
    \<b\>x\<\/b\> \[klik\]\(javascript\:alert\(1\)\) desa\_wisata
    >>> print(_e("lihat http://contoh.invalid, 98%"))
    lihat http\:\/\/contoh\.invalid\, 98\%
    """
    one_line = " ".join(str(text).splitlines())
    return _PUNCTUATION.sub(r"\\\1", one_line)


def _code(text) -> str:
    """Data text as a Markdown code span (no escapes work inside one: backticks and line breaks are dropped)."""
    return "`" + " ".join(str(text).replace("`", "'").splitlines()) + "`"


def ringkasan(ds) -> str:
    """Headline: how many indicators reached target, the averages, the budget (a draft says what is missing)."""
    m = kinerja.measured(ds)
    per, overall = kinerja.sasaran_summary(ds)
    pol = kinerja.policy(ds)
    miss = ds.missing_text
    n, ok = len(m), int(m["tercapai"].sum())
    unmeasured = int(m["capaian_pct"].isna().sum())
    pagu, real, serapan = budget.total(ds)
    if unmeasured == n:
        lines = [f"Pada tahun {ds.year} ada **{n} baris indikator** untuk diukur; realisasinya **{miss}**, "
                 "sehingga capaian belum dapat dihitung."]
    else:
        lines = [f"Pada tahun {ds.year}, dari **{n - unmeasured} baris indikator** yang diukur, **{ok}** mencapai atau "
                 f"melampaui target (capaian ≥ 100%) dan **{n - unmeasured - ok}** belum"
                 + (f"; {unmeasured} baris lain realisasinya {miss}" if unmeasured else "")
                 + f". Rata-rata capaian seluruh indikator **{format_pct(overall, missing=miss)}** "
                 f"(kategori *{_e(pol.scale.classify(overall))}*)."]
    for _, row in per.iterrows():
        reached = (f"{int(row['n_tercapai'])} dari {int(row['n_indikator'])} indikator mencapai target"
                   if pd.notna(row["n_tercapai"]) else f"{int(row['n_indikator'])} indikator, realisasi {miss}")
        lines.append(f"- Sasaran {_e(row['nomor'])} — {_e(row['name'])}: rata-rata "
                     f"**{format_pct(row['rata_rata_capaian_pct'], missing=miss)}** ({reached}).")
    lines.append(f"\nAnggaran {format_rp(pagu, miss)} terealisasi {format_rp(real, miss)} atau "
                 f"**{format_pct(serapan, missing=miss)}**.")
    return "\n".join(lines)


def below_target(ds) -> str:
    """The indicators that missed their target, lowest first."""
    m = kinerja.measured(ds)
    if m["capaian_pct"].isna().all():
        return f"Capaian tahun {ds.year} belum dapat dinilai: realisasi {ds.missing_text}."
    low = m[~m["tercapai"] & m["capaian_pct"].notna()].sort_values("capaian_pct")
    if low.empty:
        return "Semua indikator mencapai target."
    items = [f"- **{_e(r['short_name'])}**: {format_number(r['realisasi'])} dari target {format_number(r['target'])} "
             f"{_e(r['unit'] or '')} → {format_pct(r['capaian_pct'])} (*{_e(r['kelas'])}*)" for _, r in low.iterrows()]
    return f"Indikator yang belum mencapai target ({len(low)}), dari yang terendah:\n\n" + "\n".join(items)


def compared_with_last_year(ds) -> str:
    """Average now vs last year and the biggest movers."""
    avg = kinerja.yearly_average(ds).set_index("year")["rata_rata_capaian_pct"]
    y = ds.year
    if y - 1 not in avg.index:
        return f"Tidak ada data capaian tahun {y - 1} untuk dibandingkan."
    if y not in avg.index:
        return (f"Rata-rata capaian {y - 1}: **{format_pct(avg[y - 1])}**. Capaian {y} belum dapat dibandingkan: "
                f"realisasi {y} {ds.missing_text}.")
    t = kinerja.trend(ds).pivot(index="short_name", columns="year", values="capaian_pct")
    delta = (t[y] - t[y - 1]).dropna().sort_values()
    worst = ", ".join(f"{_e(k)} ({format_number(v, 2)} poin)" for k, v in delta.head(3).items())
    direction = "turun" if avg[y] < avg[y - 1] else "naik"
    text = (f"Rata-rata capaian {direction} dari **{format_pct(avg[y - 1])}** ({y - 1}) menjadi "
            f"**{format_pct(avg[y])}** ({y}). Penurunan terbesar: {worst}.")
    high = t[y - 1][t[y - 1] > 150].sort_values(ascending=False)
    if len(high):
        text += (f" Rata-rata {y - 1} terangkat oleh indikator dengan capaian di atas 150%: "
                 + ", ".join(f"{_e(k)} ({format_pct(v)})" for k, v in high.items())
                 + " — realisasi jauh melampaui target, tanda target tahun itu terlalu rendah.")
    return text


def planning_changes(ds) -> str:
    """What the PK Perubahan changed."""
    from .reports import perubahan_pk

    ch = perubahan_pk(ds).frame
    dropped = ch[ch["perubahan"].str.startswith("target dihapus")]
    renamed = ch[ch["perubahan"] == "nama indikator berubah"]
    parts = [f"PK Perubahan mengubah **{len(ch)}** baris dibanding PK awal."]
    if len(dropped):
        parts.append(f"Target **{len(dropped)}** indikator output dihapus (menjadi 0): "
                     + "; ".join(_e(n) for n in dropped["indikator_awal"]) + ".")
    if len(renamed):
        parts.append("Nama indikator berubah: " + "; ".join(
            f"{_e(a)} → {_e(b)}" for a, b in zip(renamed["indikator_awal"], renamed["indikator_perubahan"])) + ".")
    return " ".join(parts)


def budget_summary(ds) -> str:
    """Absorption overall and the programs furthest below it."""
    tree = budget.anggaran_tree(ds)
    progs = tree[tree["level"] == "program"].sort_values("serapan_pct")
    pagu, real, serapan = budget.total(ds)
    miss = ds.missing_text
    rows = "\n".join(f"- {_e(label(r['uraian']))}: {format_pct(r['serapan_pct'], missing=miss)} dari "
                     f"{format_rp(r['pagu_rp'], miss)}" for _, r in progs.iterrows())
    return (f"Serapan anggaran keseluruhan **{format_pct(serapan, missing=miss)}** ({format_rp(real, miss)} dari "
            f"{format_rp(pagu, miss)}). Serapan per program, dari yang terendah:\n\n{rows}")


def efficiency(ds) -> str:
    """Which units of spending were efficient, in plain words."""
    from .reports import anggaran_vs_capaian

    f = anggaran_vs_capaian(ds).frame
    if (f["verdict"] == "Tidak dapat dinilai").all():
        return f"Efisiensi belum dapat dinilai: capaian dan serapan anggaran {ds.missing_text}."
    weak = f[f["verdict"] == "Kurang efisien"]
    idle = f[f["verdict"] == "Tidak dilaksanakan"]
    text = [f"Dari {len(f)} program/sub-kegiatan yang dinilai, **{int((f['verdict'] == 'Efisien').sum())}** efisien "
            "(capaian lebih tinggi daripada serapan anggaran)."]
    if len(weak):
        text.append("Kurang efisien: " + "; ".join(
            f"{_e(label(u))} (capaian {format_pct(c)}, serapan {format_pct(s)})"
            for u, c, s in zip(weak["uraian"], weak["capaian_pct"], weak["serapan_pct"])) + ".")
    if len(idle):
        text.append("Tidak dilaksanakan (tanpa serapan dan tanpa capaian): "
                    + "; ".join(_e(label(u)) for u in idle["uraian"]) + ".")
    return " ".join(text)


def staff(ds) -> str:
    """Staff totals and what the text does not give."""
    t = ds.pegawai_total.set_index("status")["jumlah"]
    return (f"Dinas didukung **{format_number(t.get('pns'))} PNS** dan **{format_number(t.get('tenaga_kontrak'))} "
            "tenaga kontrak daerah**. Komposisi ASN menurut jabatan dan menurut pendidikan (Gambar 1.2 dan 1.3 "
            "dalam laporan asli) berupa gambar; angkanya tidak tersedia dalam teks laporan sehingga tidak "
            "ditampilkan di sini.")


def villages(ds) -> str:
    w = ds.wilayah
    top = w.assign(t=w["jumlah_desa"] + w["jumlah_kelurahan"]).sort_values("t", ascending=False).iloc[0]
    return (f"NTT memiliki **{format_number(w['jumlah_desa'].sum())} desa** dan "
            f"**{format_number(w['jumlah_kelurahan'].sum())} kelurahan** di {format_number(w['jumlah_kecamatan'].sum())} "
            f"kecamatan pada {len(w)} kabupaten/kota. Terbanyak: {_e(top['kabupaten'])} "
            f"({format_number(top['t'])} desa/kelurahan).")


def not_available_reason(ds, figure_id: str) -> str:
    """The dataset's statement of why a figure's data are missing ('' when they are not)."""
    for gap in ds.meta.get("not_available") or []:
        if gap.get("id") == figure_id:
            return str(gap.get("reason", ""))
    return ""


def audit_summary(ds, tolerance: float | None = None) -> str:
    """How many printed figures were checked, how many disagree, grouped by cause."""
    from .audit import audit

    if ds.nilai_tercetak.empty:
        return ("Belum ada angka tercetak untuk diperiksa: tabel `nilai_tercetak` masih kosong (laporan "
                f"{ds.year} belum terbit). Audit membandingkan angka yang dicetak laporan dengan hitung ulang dari "
                "data; isi tabel itu setelah laporan tersusun.")
    findings, checked = audit(ds, tolerance)
    n_ok = int((checked["status"] == "sesuai").sum())
    n_bad = int((checked["status"] == "berbeda").sum())
    n_skip = int((checked["status"] == "tidak diperiksa").sum())
    refs = findings[findings["jenis"] == "rujukan"]
    by_table = findings[findings["jenis"] == "angka"].groupby("report_table").size().sort_values(ascending=False)
    where = ", ".join(f"{_e(t)} ({n})" for t, n in by_table.items())
    text = (f"**{len(checked)}** angka tercetak dibandingkan dengan hasil hitung ulang dari data: **{n_ok}** sesuai, "
            f"**{n_bad}** berbeda" + (f", {n_skip} tidak dapat diperiksa karena subjeknya tidak jelas dalam teks" if n_skip else "")
            + f". Ditambah **{len(refs)}** temuan rujukan (nama atau indikator yang tidak cocok dengan tabel rujukan).")
    if where:
        text += f"\n\nLetak ketidaksesuaian angka: {where}."
    return text


def sensitivity(ds) -> str:
    """What the choice of averaging method does to the headline and to last year's figure."""
    from .sensitivity import contributions, methods_table

    t = methods_table(ds).set_index("metode")
    y, prev = str(ds.year), str(ds.year - 1)
    top = contributions(ds, ds.year - 1).head(3)
    drivers = ", ".join(f"{_e(r['short_name'])} ({format_pct(r['capaian_pct'])}, +{format_number(r['kontribusi_poin'], 2)} poin)"
                        for _, r in top.iterrows() if r["kontribusi_poin"] > 0)
    if y not in t.columns or t[y].isna().all():
        now = f"Rata-rata {y} {ds.missing_text} (realisasi {y} belum ada). "
    else:
        low, high = t[y].idxmin(), t[y].idxmax()
        now = (f"Rata-rata {y} berkisar dari **{format_pct(t.loc[low, y])}** ({_e(low)}) sampai "
               f"**{format_pct(t.loc[high, y])}** ({_e(high)}), bergantung pada metode. ")
    if prev not in t.columns or t[prev].isna().all():
        return now.strip()
    return (now + f"Untuk {prev}, rata-rata tanpa batas **{format_pct(t.iloc[0][prev])}** "
            f"turun menjadi **{format_pct(t.loc['Dibatasi 100%', prev])}** bila capaian dibatasi 100%: angka {prev} yang jauh "
            f"di atas 100% didorong oleh {drivers}.")


def indikator_header(ds, indikator: str) -> str:
    from .drilldown import check_indicator

    r = check_indicator(ds, indikator)
    miss = ds.missing_text
    if pd.isna(r["capaian_pct"]):
        state = f"capaian belum dapat dihitung ({_e(r['status'])})"
    else:
        state = (f"capaian **{format_pct(r['capaian_pct'])}** (kategori *{_e(r['kelas'])}*), "
                 + ("mencapai target" if r["tercapai"] else "**belum mencapai target**"))
    unit = "" if pd.isna(r["unit"]) else r["unit"]
    return (f"### {_e(r['name'])}\n\nSasaran: {_e(r['sasaran_name'])}.\n\nTahun {ds.year}: realisasi "
            f"**{format_number(r['realisasi'], missing=miss)}** dari target **{format_number(r['target'], missing=miss)}** "
            f"{_e(unit)} — {state}.")


def indikator_efisiensi(ds, indikator: str) -> str:
    from .drilldown import efficiency

    e = efficiency(ds, indikator)
    miss = ds.missing_text
    return (f"Sub-kegiatan pendukung menyerap {format_rp(e['realisasi_rp'], miss)} dari pagu "
            f"{format_rp(e['pagu_rp'], miss)} (**{format_pct(e['serapan_pct'], missing=miss)}**). Dengan capaian "
            f"indikator {format_pct(e['capaian_pct'], missing=miss)}, indeks efisiensi = "
            f"{format_number(e['indeks'], 2, miss)} → **{_e(e['verdict'])}**.")


def indikator_observations(ds, indikator: str) -> str:
    from .audit import audit
    from .drilldown import observations

    findings, _ = audit(ds)
    return "\n".join(f"- {_e(n)}" for n in observations(ds, indikator, findings))


def indicator_choices(ds) -> str:
    """Every indicator the ``indikator`` parameter accepts, with its id: those below target first."""
    from .drilldown import below_threshold

    names = ds.indikator.set_index("indikator_id")["short_name"]
    ids = below_threshold(ds)
    m = kinerja.measured(ds)
    listed = lambda xs: "; ".join(f"{_e(names[i])} ({_code(i)})" for i in xs) + "."  # noqa: E731
    if m["capaian_pct"].isna().all():
        return (f"Belum ada indikator yang terukur (realisasi {ds.year} {ds.missing_text}). Id indikator untuk "
                "parameter `indikator`: " + listed(m["indikator_id"]))
    others = [i for i in m["indikator_id"] if i not in ids]
    text = ("Indikator di bawah target (id untuk parameter `indikator`): " + listed(ids)) if ids else \
        "Semua indikator mencapai target."
    return text + ("\n\nIndikator lain yang dapat dipilih: " + listed(others) if others else "")
