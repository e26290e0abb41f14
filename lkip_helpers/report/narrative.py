"""Narrative sentences in Bahasa Indonesia, with every number computed from the data.

Text that comes from data files is shown literally (:func:`lkip_helpers.report.text.escape`,
here ``_e``): raw HTML, links, images, emphasis and autolinks in it all stay text. Ids
inside code spans go through :func:`lkip_helpers.report.text.code`.
"""

from __future__ import annotations

import pandas as pd

from lkip_helpers.analysis import anggaran, drilldown, kinerja
from lkip_helpers.analysis.anggaran import label
from lkip_helpers.analysis.audit import audit
from lkip_helpers.analysis.drilldown import below_threshold, check_indikator, supporting, tren
from lkip_helpers.analysis.kegiatan import efisiensi_frame, efisiensi_per_iku
from lkip_helpers.analysis.ringkasan import angka_ringkasan
from lkip_helpers.analysis.sensitivitas import contributions, methods_table
from lkip_helpers.data.loading import Dataset
from lkip_helpers.numbers import format_number, format_pct, format_rp
from lkip_helpers.report.kalimat import choose, say
from lkip_helpers.report.sections import unavailable_statement
from lkip_helpers.report.text import code as _code
from lkip_helpers.report.text import escape

_e = escape  # the sentences below use it often


def ringkasan(ds: Dataset) -> str:
    """Headline: how many indicators reached target, the averages, the budget (a draft says what is missing)."""
    h = angka_ringkasan(ds)
    per, overall = h.per_sasaran, h.rata_rata_capaian_pct
    pol = kinerja.policy(ds)
    miss = ds.missing_text
    n, ok = h.n_indikator, h.n_tercapai or 0
    unmeasured = n - h.n_terukur
    pagu, real, serapan = h.pagu_rp, h.realisasi_rp, h.serapan_pct
    if not n:  # a new agency's draft: no IKU with a target of the year yet
        lines = [
            f"Indikator kinerja utama dan target Perjanjian Kinerja tahun {ds.year} {miss}; capaian belum dapat dihitung."
        ]
    elif unmeasured == n:
        lines = [
            f"Pada tahun {ds.year} ada **{n} baris indikator** untuk diukur; realisasinya **{miss}**, "
            "sehingga capaian belum dapat dihitung."
        ]
    else:
        lines = [
            f"Pada tahun {ds.year}, dari **{n - unmeasured} baris indikator** yang diukur, **{ok}** mencapai atau "
            f"melampaui target (capaian ≥ 100%) dan **{n - unmeasured - ok}** belum"
            + (f"; {unmeasured} baris lain realisasinya {miss}" if unmeasured else "")
            + f". Rata-rata capaian ({_e(kinerja.average_method(ds))}) **{format_pct(overall, missing=miss)}** "
            f"(kategori *{_e(pol.scale.classify(overall))}*)."
        ]
    for _, row in per.iterrows():
        reached = (
            f"{int(row['n_tercapai'])} dari {int(row['n_indikator'])} indikator mencapai target"
            if pd.notna(row["n_tercapai"])
            else f"{int(row['n_indikator'])} indikator, realisasi {miss}"
        )
        lines.append(
            f"- Sasaran {_e(row['nomor'])} — {_e(row['name'])}: rata-rata "
            f"**{format_pct(row['rata_rata_capaian_pct'], missing=miss)}** ({reached})."
        )
    if h.has_anggaran and pd.notna(pagu) and pd.notna(real):
        lines.append(f"\nAnggaran {format_rp(pagu)} terealisasi {format_rp(real)} atau **{format_pct(serapan)}**.")
    elif ds.unavailable("anggaran"):
        lines.append("\n" + _e(unavailable_statement(ds, "anggaran")))
    else:  # a sentence that rests on numbers only where the numbers exist
        lines.append("\nPagu dan realisasi anggaran " + ("belum diisi." if ds.draft else "tidak tersedia."))
    return "\n".join(lines)


def below_target(ds: Dataset) -> str:
    """The indicators that missed their target, lowest first."""
    m = kinerja.measured(ds)
    if m.empty:  # no IKU with a target yet (a new agency's draft): the section above says what to fill
        return ""
    if m["capaian_pct"].isna().all():
        return f"Capaian tahun {ds.year} belum dapat dinilai: realisasi {ds.missing_text}."
    low = m[~m["tercapai"] & m["capaian_pct"].notna()].sort_values("capaian_pct")
    if low.empty:
        return "Semua indikator mencapai target."
    items = [
        f"- **{_e(r['short_name'])}**: {format_number(r['realisasi'])} dari target {format_number(r['target'])} "
        f"{_e(r['unit'] or '')} → {format_pct(r['capaian_pct'])} (*{_e(r['kelas'])}*)"
        for _, r in low.iterrows()
    ]
    return f"Indikator yang belum mencapai target ({len(low)}), dari yang terendah:\n\n" + "\n".join(items)


def compared_with_last_year(ds: Dataset) -> str:
    """Average now vs last year, and the indicators that fell and rose most (each listed where it belongs)."""
    avg = kinerja.yearly_average(ds).set_index("year")["rata_rata_capaian_pct"]
    y = ds.year
    if y - 1 not in avg.index:
        return f"Tidak ada data capaian tahun {y - 1} untuk dibandingkan."
    if y not in avg.index:
        return (
            f"Rata-rata capaian {y - 1}: **{format_pct(avg[y - 1])}**. Capaian {y} belum dapat dibandingkan: "
            f"realisasi {y} {ds.missing_text}."
        )
    t = kinerja.tren(ds).pivot(index="short_name", columns="year", values="capaian_pct")
    delta = (t[y] - t[y - 1]).dropna()
    parts = [
        choose(
            "rata_rata",
            metode=_e(kinerja.average_method(ds)),
            lalu_pct=avg[y - 1],
            kini_pct=avg[y],
            tahun_lalu=y - 1,
            tahun=y,
        ),
        say("penurunan_terbesar", turun=[(_e(k), v) for k, v in delta[delta < 0].sort_values().head(3).items()]),
        say(
            "kenaikan_terbesar",
            naik=[(_e(k), v) for k, v in delta[delta > 0].sort_values(ascending=False).head(3).items()],
        ),
    ]
    if delta.empty:
        parts.append(
            "Tidak ada indikator yang bernilai pada kedua tahun, sehingga perubahan per indikator tidak dapat dihitung."
        )
    high = t[y - 1][t[y - 1] > 150].sort_values(ascending=False)
    parts.append(say("terangkat_di_atas_150", tahun_lalu=y - 1, indikator=[(_e(k), v) for k, v in high.items()]))
    return " ".join(p for p in parts if p)


def planning_changes(ds: Dataset) -> str:
    """What the PK Perubahan changed."""
    ch = kinerja.pk_changes(ds)
    if ch.empty:
        return "PK Perubahan sama dengan PK awal: tidak ada perubahan."
    dropped = ch[ch["perubahan"].str.startswith("target dihapus")]
    renamed = ch[ch["perubahan"] == "nama indikator berubah"]
    parts = [f"PK Perubahan mengubah **{len(ch)}** baris dibanding PK awal."]
    if len(dropped):
        parts.append(
            f"Target **{len(dropped)}** indikator output dihapus (menjadi 0): "
            + "; ".join(_e(n) for n in dropped["indikator_awal"])
            + "."
        )
    if len(renamed):
        parts.append(
            "Nama indikator berubah: "
            + "; ".join(f"{_e(a)} → {_e(b)}" for a, b in zip(renamed["indikator_awal"], renamed["indikator_perubahan"]))
            + "."
        )
    return " ".join(parts)


def anggaran_summary(ds: Dataset) -> str:
    """Absorption overall and the programs furthest below it ('' without a budget: its section says why)."""
    if not ds.has("anggaran"):
        return ""
    tree = anggaran.anggaran_tree(ds)
    progs = tree[tree["level"] == "program"].sort_values("serapan_pct")
    pagu, real, serapan = anggaran.total(ds)
    miss = ds.missing_text
    rows = "\n".join(
        f"- {_e(label(r['uraian']))}: {format_pct(r['serapan_pct'], missing=miss)} dari {format_rp(r['pagu_rp'], miss)}"
        for _, r in progs.iterrows()
    )
    text = (
        f"Serapan anggaran keseluruhan **{format_pct(serapan, missing=miss)}** ({format_rp(real, miss)} dari "
        f"{format_rp(pagu, miss)})."
    )
    return text + (f" Serapan per program, dari yang terendah:\n\n{rows}" if len(progs) > 1 else "")


def efisiensi_kegiatan(ds: Dataset) -> str:
    """The efficiency verdicts of the kegiatan, in plain words, each resting on its numbers."""
    f = efisiensi_frame(ds)
    judged = f[f["verdict"] != "tidak dapat dinilai"]
    if judged.empty:
        return "Efisiensi belum dapat dinilai: tidak ada kegiatan dengan output terukur dan anggaran terisi."
    units = "/".join(dict.fromkeys(t.lower() for t in judged["tingkat"]))
    text = [
        f"Dari {len(judged)} {units} yang dapat dinilai, **{int((judged['verdict'] == 'efisien').sum())}** efisien."
    ]
    for verdict, what in (
        ("belum terlaksana optimal", "Belum terlaksana optimal (capaian dan serapan sama-sama di bawah rencana)"),
        ("tidak efisien", "Tidak efisien (biaya per satuan output di atas rencana)"),
    ):
        rows = judged[judged["verdict"] == verdict]
        if len(rows):
            text.append(
                f"{what}: "
                + "; ".join(
                    f"{_e(label(u))} (capaian {format_pct(c)}, serapan {format_pct(sr)})"
                    for u, c, sr in zip(rows["uraian"], rows["capaian_pct"], rows["serapan_pct"])
                )
                + "."
            )
    rest = f[f["verdict"] == "tidak dapat dinilai"]
    if len(rest):
        text.append(f"{len(rest)} lainnya tidak dinilai (alasannya di kolom Keterangan).")
    return " ".join(text)


STATUS_LABELS = {"pns": "PNS", "tenaga_kontrak": "tenaga kontrak daerah", "pppk": "PPPK"}


def region(ds: Dataset) -> str:
    """Who reports, for which government and year (Bab I)."""
    d = ds.meta["dataset"]
    period = f" Periode Renstra: {_e(d['renstra_period'])}." if d.get("renstra_period") else ""
    return f"**{_e(ds.agency)}**, {_e(ds.region)} — laporan kinerja tahun {ds.year}.{period}"


def pegawai(ds: Dataset) -> str:
    """Staff totals by status, and how far the posts listed cover them."""
    t = ds.pegawai_total.groupby("status", sort=False)["jumlah"].sum()
    parts = [f"**{format_number(v)} {_e(STATUS_LABELS.get(k, k))}**" for k, v in t.items()]
    text = "Pegawai: " + (", ".join(parts[:-1]) + " dan " + parts[-1] if len(parts) > 1 else parts[0]) + "."
    if ds.has("pegawai") and "pns" in t.index:
        named = ds.pegawai.loc[ds.pegawai["status"] == "pns", "jumlah"].sum()
        if 0 < named < t["pns"]:
            text += (
                f" Rincian jabatan dalam data mencakup {format_number(named)} dari {format_number(t['pns'])} PNS; "
                "sisanya tidak dirinci sehingga tidak ditampilkan."
            )
    return text


def wilayah(ds: Dataset) -> str:
    w = ds.wilayah
    top = w.assign(t=w["jumlah_desa"] + w["jumlah_kelurahan"]).sort_values("t", ascending=False).iloc[0]
    return (
        f"Wilayah {_e(ds.region)} mencakup **{format_number(w['jumlah_desa'].sum())} desa** dan "
        f"**{format_number(w['jumlah_kelurahan'].sum())} kelurahan** di {format_number(w['jumlah_kecamatan'].sum())} "
        f"kecamatan pada {len(w)} kabupaten/kota. Terbanyak: {_e(top['kabupaten'])} "
        f"({format_number(top['t'])} desa/kelurahan)."
    )


def scale_text(ds: Dataset) -> str:
    """The configured scale in words: 'Sangat Tinggi ≥ 91%, …, Sangat Rendah < 51%'."""
    bands = kinerja.policy(ds).scale.bands
    parts = [f"{lab} ≥ {format_number(lo)}%" for lo, lab in bands[:-1]]
    parts.append(f"{bands[-1][1]} < {format_number(bands[-2][0])}%" if len(bands) > 1 else bands[-1][1])
    return ", ".join(parts)


def kesimpulan(ds: Dataset) -> str:
    """Bab IV's conclusions, each chosen by the numbers (a bullet list)."""
    m = kinerja.measured(ds)
    h = angka_ringkasan(ds)
    per, overall = h.per_sasaran, h.rata_rata_capaian_pct
    pol = kinerja.policy(ds)
    miss = ds.missing_text
    lines = []
    if not h.n_indikator:
        lines.append(f"- Capaian tahun {ds.year} belum dapat disimpulkan: indikator kinerja dan target {miss}.")
    elif not h.n_terukur:
        lines.append(f"- Capaian tahun {ds.year} belum dapat disimpulkan: realisasi {miss}.")
    else:
        measured = m.dropna(subset=["capaian_pct"])
        ok = h.n_tercapai
        lines.append(
            f"- Rata-rata capaian kinerja {ds.year} **{format_pct(overall)}** (kategori "
            f"*{_e(pol.scale.classify(overall))}*; {_e(kinerja.average_method(ds))})."
        )
        lines.append(
            f"- {ok} dari {len(measured)} indikator mencapai target"
            + (
                "; belum mencapai: "
                + "; ".join(
                    f"{_e(r['short_name'])} ({format_pct(r['capaian_pct'])})"
                    for _, r in measured[~measured["tercapai"]].sort_values("capaian_pct").iterrows()
                )
                + "."
                if ok < len(measured)
                else "."
            )
        )
        valued = per.dropna(subset=["rata_rata_capaian_pct"])
        if len(valued) > 1:
            hi = valued.loc[valued["rata_rata_capaian_pct"].idxmax()]
            lo = valued.loc[valued["rata_rata_capaian_pct"].idxmin()]
            lines.append(
                f"- Sasaran dengan rata-rata tertinggi: sasaran {_e(hi['nomor'])} "
                f"({format_pct(hi['rata_rata_capaian_pct'])}); terendah: sasaran {_e(lo['nomor'])} "
                f"({format_pct(lo['rata_rata_capaian_pct'])})."
            )
        avg = kinerja.yearly_average(ds).set_index("year")["rata_rata_capaian_pct"]
        if ds.year - 1 in avg.index and ds.year in avg.index:
            lines.append(
                "- "
                + choose("kesimpulan_banding", lalu_pct=avg[ds.year - 1], kini_pct=avg[ds.year], tahun_lalu=ds.year - 1)
            )
    if h.has_anggaran:
        lines.append(
            f"- Serapan anggaran {format_pct(h.serapan_pct, missing=miss)} ({format_rp(h.realisasi_rp, miss)} dari "
            f"{format_rp(h.pagu_rp, miss)})."
        )
    eff = efisiensi_per_iku(ds)
    judged = eff[eff["verdict"] != "tidak dapat dinilai"]
    if len(judged):
        counts = judged["verdict"].value_counts()
        lines.append(
            f"- Efisiensi dinilai untuk {len(judged)} IKU yang anggarannya dikaitkan khusus: "
            + ", ".join(f"{n} {v}" for v, n in counts.items())
            + "."
        )
    elif len(eff):
        lines.append(
            f"- Efisiensi per IKU tidak dinilai: anggaran kegiatan {len(eff)} IKU dipakai bersama atau datanya "
            "belum lengkap."
        )
    return "\n".join(lines)


def penutup(ds: Dataset) -> str:
    """Bab IV on the pages: the conclusions (:func:`kesimpulan`), then the plans the data state."""
    lines = ["**Kesimpulan**", "", kesimpulan(ds), "", "**Rencana perbaikan**", ""]
    plans = ds.narasi[ds.narasi["kind"].isin(["rencana_perbaikan", "solusi", "saran"])] if ds.has("narasi") else None
    if plans is None or plans.empty:
        lines.append("Belum ada rencana yang dinyatakan instansi.")
    else:
        lines += [f"- {_e(t)}" for t in plans["text"]]
    return "\n".join(lines)


def efisiensi(ds: Dataset, capaian: float, serapan: float) -> str:
    """The efficiency sentence (group ``efisiensi`` of :mod:`~lkip_helpers.report.kalimat`) under the dataset's policy."""
    if pd.isna(capaian) or pd.isna(serapan):
        return "Efisiensi tidak dapat dinilai: capaian atau serapan belum tersedia."
    tol = kinerja.efisiensi_policy(ds).toleransi_pct
    return choose("efisiensi", capaian_pct=capaian, serapan_pct=serapan, toleransi_pct=tol)


def scale_sentence(ds: Dataset) -> str:
    """The category scale in one sentence."""
    return f"Kategori capaian: {_e(scale_text(ds))}."


def quality(findings: list[str]) -> str:
    """The indicator-quality findings (:mod:`lkip_helpers.analysis.kualitas`), as a list."""
    return (
        "Hal berikut akan ditanyakan evaluator tentang definisi dan target indikator; masing-masing dengan "
        "angkanya:\n\n" + "\n".join(f"- {_e(f)}" for f in findings)
    )


def lke(p) -> str:
    """The LKE check (:class:`lkip_helpers.report.lke.Penilaian`) in words: the range, then the steps still open."""
    lines = [f"**{_e(p.ringkasan())}**", "", _e(p.penjelasan()), ""]
    lines += [f"- {_e(x)}" for x in p.rentang()]
    steps = p.langkah
    lines += ["", "**Langkah sebelum batas waktu**", ""]
    lines += (
        [f"- {_e(x)}" for x in steps] if steps else ["Semua kriteria yang dapat diperiksa dari data sudah terpenuhi."]
    )
    return "\n".join(lines)


def plausibility(warnings: list[str]) -> str:
    """The values that load but look like slips (``lkip validate`` prints the same), as a list."""
    return (
        "Nilai berikut sah menurut aturan data, tetapi jauh dari yang wajar; periksa apakah ada salah ketik "
        "sebelum angka-angka di halaman ini dipakai:\n\n" + "\n".join(f"- {_e(w)}" for w in warnings)
    )


def audit_summary(ds: Dataset, tolerance: float | None = None) -> str:
    """How many printed figures were checked, how many disagree, grouped by cause."""
    if ds.nilai_tercetak.empty:
        return (
            "Belum ada angka tercetak untuk diperiksa: tabel `nilai_tercetak` masih kosong (laporan "
            f"{ds.year} belum terbit). Audit membandingkan angka yang dicetak laporan dengan hitung ulang dari "
            "data; isi tabel itu setelah laporan tersusun."
        )
    findings, checked = audit(ds, tolerance)
    n_ok = int((checked["status"] == "sesuai").sum())
    n_bad = int((checked["status"] == "berbeda").sum())
    n_skip = int((checked["status"] == "tidak diperiksa").sum())
    refs = findings[findings["jenis"] == "rujukan"]
    by_table = findings[findings["jenis"] == "angka"].groupby("report_table").size().sort_values(ascending=False)
    where = ", ".join(f"{_e(t)} ({n})" for t, n in by_table.items())
    text = (
        f"**{len(checked)}** angka tercetak dibandingkan dengan hasil hitung ulang dari data: **{n_ok}** sesuai, "
        f"**{n_bad}** berbeda"
        + (f", {n_skip} tidak dapat diperiksa karena subjeknya tidak jelas dalam teks" if n_skip else "")
        + f". Ditambah **{len(refs)}** temuan rujukan (nama atau indikator yang tidak cocok dengan tabel rujukan)."
    )
    if where:
        text += f"\n\nLetak ketidaksesuaian angka: {where}."
    return text


def sensitivitas(ds: Dataset) -> str:
    """What the choice of averaging method does to the headline and to last year's figure."""
    t = methods_table(ds).set_index("metode")
    y, prev = str(ds.year), str(ds.year - 1)
    if y not in t.columns or t[y].isna().all():
        now = f"Rata-rata {y} {ds.missing_text} (realisasi {y} belum ada). "
    else:
        low, high = t[y].idxmin(), t[y].idxmax()
        now = (
            f"Rata-rata {y} berkisar dari **{format_pct(t.loc[low, y])}** ({_e(low)}) sampai "
            f"**{format_pct(t.loc[high, y])}** ({_e(high)}), bergantung pada metode. "
        )
    if prev not in t.columns or t[prev].isna().all():
        return now + f"Tidak ada capaian {prev}, sehingga rata-rata tahun lalu tidak dibandingkan."
    uncapped, capped = t.iloc[0][prev], t.loc["Dibatasi 100%", prev]
    top = contributions(ds, ds.year - 1)
    up = top[top["kontribusi_poin"] > 0].head(3)
    cap = choose("batas_100", tahun_lalu=ds.year - 1, tanpa_batas_pct=uncapped, dibatasi_pct=capped)
    drivers = say(
        "pendorong_rata_rata",
        indikator=[(_e(r["short_name"]), r["capaian_pct"], r["kontribusi_poin"]) for _, r in up.iterrows()],
    )
    return now + cap + (f" {drivers}" if drivers and uncapped - capped >= 0.005 else "")


def indikator_header(ds: Dataset, indikator: str) -> str:
    r = check_indikator(ds, indikator)
    miss = ds.missing_text
    if pd.isna(r["capaian_pct"]):
        state = f"capaian belum dapat dihitung ({_e(r['status'])})"
    else:
        state = f"capaian **{format_pct(r['capaian_pct'])}** (kategori *{_e(r['kelas'])}*), " + (
            "mencapai target" if r["tercapai"] else "**belum mencapai target**"
        )
    unit = "" if pd.isna(r["unit"]) else r["unit"]
    return (
        f"### {_e(r['name'])}\n\nSasaran: {_e(r['sasaran_name'])}.\n\nTahun {ds.year}: realisasi "
        f"**{format_number(r['realisasi'], missing=miss)}** dari target **{format_number(r['target'], missing=miss)}** "
        f"{_e(unit)} — {state}."
    )


def indikator_efisiensi(ds: Dataset, indikator: str) -> str:
    e = drilldown.efisiensi(ds, indikator)
    miss = ds.missing_text
    if e is None:
        return (
            "Indikator ini tidak dikaitkan dengan kegiatan mana pun (isi kode_rekening di indikator.csv atau "
            "sasaran_kegiatan.csv), sehingga efisiensinya tidak dinilai."
        )
    money = (
        f"Kegiatan pendukung ({_e(e['dasar'])}) menyerap {format_rp(e['realisasi_rp'], miss)} dari pagu "
        f"{format_rp(e['pagu_rp'], miss)} (**{format_pct(e['serapan_pct'], missing=miss)}**). "
    )
    if e["alasan"]:
        return money + f"Efisiensi tidak dinilai: {_e(e['alasan'])}."
    return money + efisiensi(ds, e["capaian_pct"], e["serapan_pct"])


def observations(ds: Dataset, indikator: str, findings: pd.DataFrame | None = None) -> list[str]:
    """What the numbers of one indicator show beyond the agency's explanation, each a fact with its numbers.

    Every sentence comes from :mod:`lkip_helpers.report.kalimat` and is said only where its condition holds.
    """
    row = check_indikator(ds, indikator)
    y = ds.year
    years = {"tahun": y, "tahun_lalu": y - 1}
    t = tren(ds, indikator).set_index("year")["capaian_pct"]
    notes = []
    if y - 1 in t.index and y in t.index:
        notes.append(say("capaian_turun_tajam", lalu_pct=t[y - 1], kini_pct=t[y], **years))
    prev = kinerja.measured(ds, y - 1, basis="rpjmd").set_index("indikator_id")
    if indikator in prev.index:
        p = prev.loc[indikator]
        notes += [
            say("target_melonjak", target=row["target"], target_lalu=p["target"], **years),
            say("realisasi_lalu_jauh_di_atas_target", realisasi_lalu=p["realisasi"], target_lalu=p["target"], **years),
            say("realisasi_menurun", realisasi=row["realisasi"], realisasi_lalu=p["realisasi"], **years),
        ]
    subs = supporting(ds, indikator)
    eff = drilldown.efisiensi(ds, indikator)
    shared = 0 if eff is None else eff["n_iku_bersama"]
    lingkup = f"pendukung sasaran ini (dipakai bersama {shared} IKU)" if shared > 1 else "pendukung"
    for _, s in subs.drop_duplicates("kode_rekening").iterrows():
        notes.append(
            say(
                "kegiatan_tanpa_realisasi",
                lingkup=lingkup,
                kegiatan=s["uraian"],
                pagu_rp=s["pagu_rp"],
                realisasi_rp=s["realisasi_rp"],
            )
        )
    for _, s in subs.iterrows():
        notes.append(
            say(
                "output_tidak_dilaksanakan",
                lingkup=lingkup,
                output=s["output"],
                target=s["target"],
                satuan=s["unit"] if isinstance(s["unit"], str) else "",
                capaian_pct=s["capaian_pct"],
            )
        )
    pk = ds.dokumen_perencanaan
    dropped = pk[(pk["document"] == "pk_perubahan") & (pk["target"] == 0) & pk["indikator_id"].isin(subs["ikk_id"])]
    notes.append(say("pk_menghapus_output", lingkup=lingkup, output=list(dropped["name"])))
    if eff is not None:
        notes.append(say("serapan_rendah", lingkup=lingkup, serapan_pct=eff["serapan_pct"]))
    if findings is not None and len(findings):
        mine = findings[(findings["indikator_id"] == indikator) & (findings["jenis"] == "angka")]
        for _, f in mine.iterrows():
            notes.append(
                say(
                    "audit_berbeda",
                    tabel=f["report_table"],
                    tercetak=f["printed_text"],
                    besaran=f["metric"],
                    tahun=f["year"],
                    dihitung=f["recomputed"],
                    sebab=f["cause"],
                    selisih=f["difference"],
                    toleransi=f["tolerance"],
                )
            )
    notes = [n for n in notes if n]
    return notes or [say("tidak_ada_pola", n_catatan=0)]


def indikator_observations(ds: Dataset, indikator: str) -> str:
    findings = None
    if ds.has("nilai_tercetak"):
        findings, _ = audit(ds)
    return "\n".join(f"- {_e(n)}" for n in observations(ds, indikator, findings))


def indikator_choices(ds: Dataset) -> str:
    """Every indicator the ``indikator`` parameter accepts, with its id: those below target first."""
    names = ds.indikator.set_index("indikator_id")["short_name"]
    ids = below_threshold(ds)
    m = kinerja.measured(ds)
    listed = lambda xs: "; ".join(f"{_e(names[i])} ({_code(i)})" for i in xs) + "."  # noqa: E731
    if m["capaian_pct"].isna().all():
        return (
            f"Belum ada indikator yang terukur (realisasi {ds.year} {ds.missing_text}). Id indikator untuk "
            "parameter `indikator`: " + listed(m["indikator_id"])
        )
    others = [i for i in m["indikator_id"] if i not in ids]
    text = (
        ("Indikator di bawah target (id untuk parameter `indikator`): " + listed(ids))
        if ids
        else "Semua indikator mencapai target."
    )
    return text + ("\n\nIndikator lain yang dapat dipilih: " + listed(others) if others else "")
