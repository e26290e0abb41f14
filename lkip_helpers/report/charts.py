"""One chart style for every figure, and the charts of the LKIP.

Each chart function returns ``(figure, data)``: the data frame is exactly what is
drawn, saved beside the image so any number on a chart can be checked.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FuncFormatter

from lkip_helpers.analysis.anggaran import label
from lkip_helpers.numbers import format_number
from lkip_helpers.palette import PALETTE

AXIS_LIMIT_PCT = 300  # bars and points beyond this are drawn to the edge, their value written beside them


def scale_colours(scale) -> dict[str, str]:
    """Colour per label of the configured scale, best band first (defined once, by the scale)."""
    return scale.colors()


def _clipped(values: pd.Series, limit: float = AXIS_LIMIT_PCT) -> tuple[pd.Series, bool]:
    """Values cut at ``limit`` for drawing (the true values stay in the data and the labels)."""
    v = pd.to_numeric(values, errors="coerce").astype(float)
    return v.clip(upper=limit, lower=-limit), bool((v.abs() > limit).any())


def _clip_note(fig, limit: float = AXIS_LIMIT_PCT) -> None:
    """Say that the axis is cut: just under the figure, or under the notes already there (never on one)."""
    text = (
        f"Sumbu dipotong pada {format_number(limit)}%: nilai yang lebih besar digambar sampai batas "
        "itu; angka sebenarnya tertulis di samping dan ada di tabel data."
    )
    if any(t.get_position()[1] < 0 for t in fig.texts):  # a note under the figure already
        _shown_note(fig, text)
    else:
        fig.text(0.01, -0.02, text, fontsize=9, color=PALETTE["bahaya"])


# More bars or panels than a page shows legibly (a ministry's thousands of indicators would also make a
# picture too large to draw): the chart shows those that most need attention and says so; the table
# beside it keeps every row.
MAX_BARS = 60
MAX_PANELS = 45


def _most_telling(frame: pd.DataFrame, n: int, order: pd.Series, what: str, how: str) -> tuple[pd.DataFrame, str]:
    """At most ``n`` rows of ``frame``, those first by ``order`` (ascending, missing last), in their own
    order; and the sentence saying so ('' when every row is shown)."""
    if len(frame) <= n:
        return frame, ""
    first = order.sort_values(na_position="last", kind="stable").index[:n]
    shown = frame[frame.index.isin(first)]
    return shown, (
        f"Ditampilkan {format_number(n, 0)} dari {format_number(len(frame), 0)} {what}: {how}. Semuanya ada di tabel."
    )


def _shown_note(fig, text: str) -> None:
    """``text`` under the axes (below their tick labels) and under any note already there."""
    if not text:
        return
    inch = 1 / fig.get_size_inches()[1]
    below_axes = min(ax.get_position().y0 for ax in fig.axes) - 0.75 * inch
    below_notes = min([t.get_position()[1] for t in fig.texts], default=1.0) - 0.3 * inch
    fig.text(0.01, min(below_axes, below_notes), text, fontsize=9, color=PALETTE["bahaya"])


def apply_style() -> None:
    """Readable defaults for screens and phones."""
    sns.set_theme(style="whitegrid", context="notebook", font_scale=1.0)
    plt.rcParams.update(
        {
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "font.family": "DejaVu Sans",
            "font.size": 11,
            "axes.titlesize": 13,
            "axes.titleweight": "bold",
            "axes.labelsize": 11,
            "axes.prop_cycle": plt.cycler(color=list(PALETTE.values())),
            "svg.hashsalt": "lkip",  # stable SVG ids between builds
        }
    )


def _id_axis(ax, axis="x", decimals=0):
    fmt = FuncFormatter(lambda v, _: format_number(v, decimals))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


def _wrap(text: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def not_available(title: str, reason: str) -> tuple[plt.Figure, pd.DataFrame]:
    """A figure that says plainly that its data are not available."""
    fig, ax = plt.subplots(figsize=(8, 2.6))
    ax.axis("off")
    ax.text(0.5, 0.62, title, ha="center", va="center", fontsize=13, weight="bold", transform=ax.transAxes)
    ax.text(
        0.5,
        0.3,
        _wrap("Data tidak tersedia. " + reason, 80),
        ha="center",
        va="center",
        fontsize=11,
        color=PALETTE["bahaya"],
        transform=ax.transAxes,
    )
    return fig, pd.DataFrame({"judul": [title], "status": ["data tidak tersedia"], "keterangan": [reason]})


def struktur_organisasi(units: pd.DataFrame) -> tuple[plt.Figure, pd.DataFrame]:
    """The organisation chart drawn from the table of units (units with in_struktur)."""
    u = units[units["in_struktur"]].copy()
    roots = u[u["parent_id"].isna() | ~u["parent_id"].isin(u["unit_id"])]
    top = (roots if len(roots) else u).iloc[0]
    level1 = u[u["parent_id"] == top["unit_id"]]
    n = max(len(level1), 1)
    fig_w = max(10, 2.6 * n)
    fig, ax = plt.subplots(figsize=(fig_w, 7.5))
    ax.set_xlim(0, n)
    ax.set_ylim(0, 10)
    ax.axis("off")

    def box(x, y, text, colour, width=0.92, fs=9, weight="normal"):
        ax.text(
            x,
            y,
            _wrap(text, 24),
            ha="center",
            va="center",
            fontsize=fs,
            weight=weight,
            color="white",
            bbox=dict(boxstyle="round,pad=0.4", fc=colour, ec="none"),
        )

    box(n / 2, 9.3, top["name"], PALETTE["utama"], fs=11, weight="bold")
    ax.plot([n / 2, n / 2], [8.9, 8.3], color=PALETTE["netral"], lw=1.2)
    ax.plot([0.5, n - 0.5], [8.3, 8.3], color=PALETTE["netral"], lw=1.2)
    rows = []
    for i, (_, unit) in enumerate(level1.iterrows()):
        x = i + 0.5
        ax.plot([x, x], [8.3, 7.8], color=PALETTE["netral"], lw=1.2)
        box(x, 7.3, unit["name"], PALETTE["kedua"], weight="bold")
        rows.append({"unit": unit["name"], "induk": top["name"], "tingkat": 1})
        kids = u[u["parent_id"] == unit["unit_id"]]
        for j, (_, kid) in enumerate(kids.iterrows()):
            y = 5.6 - j * 1.55
            ax.plot([x, x], [6.7 - (0 if j == 0 else 0), y + 0.5], color=PALETTE["netral"], lw=0.8, zorder=0)
            box(x, y, kid["name"], PALETTE["netral"], fs=8)
            rows.append({"unit": kid["name"], "induk": unit["name"], "tingkat": 2})
    ax.set_title("Struktur Organisasi", loc="left")
    return fig, pd.DataFrame([{"unit": top["name"], "induk": None, "tingkat": 0}] + rows)


STATUS_LABELS = {"pns": "PNS", "tenaga_kontrak": "Tenaga kontrak daerah", "pppk": "PPPK"}


def komposisi_jabatan(totals: pd.DataFrame, pegawai: pd.DataFrame) -> tuple[plt.Figure, pd.DataFrame]:
    """Staff by status, and the posts the data name (as far as they go)."""
    named = (
        pegawai[pegawai["status"] == "pns"].groupby("jabatan", sort=False)["jumlah"].sum().sort_values()
        if len(pegawai)
        else pd.Series(dtype=float)
    )
    fig, axes = plt.subplots(
        1,
        2 if len(named) else 1,
        figsize=(11 if len(named) else 6, 4.2),
        gridspec_kw={"width_ratios": [1, 1.6]} if len(named) else None,
    )
    a1 = np.atleast_1d(axes)[0]
    t = totals.groupby("status", sort=False)["jumlah"].sum().reset_index()
    t["label"] = t["status"].map(lambda s: STATUS_LABELS.get(s, s))
    a1.bar(t["label"], t["jumlah"], color=list(PALETTE.values())[: len(t)])
    for x, v in enumerate(t["jumlah"]):
        a1.text(x, v, format_number(v), ha="center", va="bottom", weight="bold")
    a1.set_title("Pegawai menurut status")
    a1.set_ylabel("orang")
    if len(named):
        a2 = np.atleast_1d(axes)[1]
        a2.barh(named.index, named.values, color=PALETTE["utama"])
        a2.set_title("Jabatan PNS yang dirinci dalam data")
        a2.set_xlabel("orang")
        _id_axis(a2)
        pns = t.set_index("status")["jumlah"].get("pns")
        if pns is not None and named.sum() < pns:
            fig.text(
                0.01,
                -0.04,
                _wrap(
                    f"Data hanya merinci {format_number(named.sum())} dari {format_number(pns)} PNS menurut jabatan.",
                    120,
                ),
                fontsize=10,
                color=PALETTE["bahaya"],
            )
    parts = [
        t[["status", "jumlah"]].assign(kelompok="status"),  # no jabatan: left empty
        named.rename_axis("jabatan").reset_index().assign(kelompok="jabatan disebut", status="pns"),
    ]
    columns = ["kelompok", "status", "jabatan", "jumlah"]
    data = pd.concat([p for p in parts if not p.empty] or parts, ignore_index=True).reindex(columns=columns)
    fig.tight_layout()
    return fig, data


def penempatan_kontrak(pegawai: pd.DataFrame, units: pd.DataFrame) -> tuple[plt.Figure, pd.DataFrame]:
    """Where the contract staff work (Bab 1.6)."""
    k = pegawai[pegawai["status"] == "tenaga_kontrak"].merge(units[["unit_id", "name"]], on="unit_id")
    k = k.sort_values("jumlah")
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.barh([_wrap(n, 30) for n in k["name"]], k["jumlah"], color=PALETTE["kedua"])
    for y, v in enumerate(k["jumlah"]):
        ax.text(v, y, " " + format_number(v), va="center")
    ax.set_xlabel("orang")
    ax.set_title(f"Penempatan {format_number(k['jumlah'].sum())} tenaga kontrak daerah")
    return fig, k[["unit_id", "name", "jumlah"]].rename(columns={"name": "penempatan"})


def grafik_wilayah(wilayah: pd.DataFrame) -> tuple[plt.Figure, pd.DataFrame]:
    """The region table as a chart: desa and kelurahan per kabupaten/kota."""
    w = wilayah.assign(total=wilayah["jumlah_desa"] + wilayah["jumlah_kelurahan"]).sort_values("total")
    fig, ax = plt.subplots(figsize=(9, 8))
    ax.barh(w["kabupaten"], w["jumlah_desa"], color=PALETTE["utama"], label="Desa")
    ax.barh(w["kabupaten"], w["jumlah_kelurahan"], left=w["jumlah_desa"], color=PALETTE["aksen"], label="Kelurahan")
    for y, v in enumerate(w["total"]):
        ax.text(v, y, " " + format_number(v), va="center", fontsize=9)
    ax.set_xlabel("jumlah")
    ax.legend(loc="lower right")
    ax.set_title("Desa dan kelurahan per kabupaten/kota")
    _id_axis(ax)
    return fig, w[["kabupaten", "jumlah_desa", "jumlah_kelurahan", "total"]]


def grafik_capaian(frame: pd.DataFrame, scale, label_col: str = "short_name") -> tuple[plt.Figure, pd.DataFrame]:
    """Capaian per indicator, coloured by the configured scale, with the 100 % line (axis clipped when huge)."""
    frame, note = _most_telling(
        frame, MAX_BARS, pd.to_numeric(frame["capaian_pct"]), "indikator", "yang capaiannya terendah"
    )
    f = frame.iloc[::-1]
    colours_by_class = scale_colours(scale)
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(f) + 1.5))
    colours = [colours_by_class.get(k, PALETTE["netral"]) for k in f["kelas"]]
    drawn, clipped = _clipped(f["capaian_pct"])
    ax.barh(f[label_col], drawn.fillna(0), color=colours)
    ax.axvline(100, color="black", lw=1, ls="--")
    # a missing capaian says why (e.g. "realisasi belum diisi" in a draft) instead of a bare dash
    why = f["status"] if "status" in f.columns else pd.Series("belum diisi", index=f.index)
    for y, (v, d, s) in enumerate(zip(f["capaian_pct"], drawn, why)):
        ax.text(
            (0 if pd.isna(d) else max(d, 0)),
            y,
            " " + (s if pd.isna(v) else format_number(v, 2) + "%"),
            va="center",
            fontsize=9,
        )
    ax.set_xlabel("% capaian (garis putus = 100% target)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colours_by_class.values()]
    ax.legend(handles, colours_by_class.keys(), loc="lower right", fontsize=8, title="Kategori", title_fontsize=8)
    ax.set_xlim(min(0, float(np.nan_to_num(drawn.min()))), max(110, float(np.nan_to_num(drawn.max())) * 1.15))
    _id_axis(ax)
    if clipped:
        _clip_note(fig)
    _shown_note(fig, note)
    return fig, frame[["indikator_id", label_col, "target", "realisasi", "capaian_pct", "kelas"]]


def grafik_tren(tren: pd.DataFrame) -> tuple[plt.Figure, pd.DataFrame]:
    """The trend table as small multiples: capaian per year against the target (100 %)."""
    latest = tren.dropna(subset=["capaian_pct"]).sort_values("year").groupby("indikator_id", sort=False).last()
    every = pd.DataFrame(index=list(dict.fromkeys(tren["indikator_id"])))
    order = pd.to_numeric(latest["capaian_pct"]).reindex(every.index)
    panels, note = _most_telling(every, MAX_PANELS, order, "indikator", "yang capaian terakhirnya terendah")
    tren = tren[tren["indikator_id"].isin(panels.index)]
    ids = list(panels.index)
    cols = min(3, len(ids))
    rows = int(np.ceil(len(ids) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols + (3 if cols == 1 else 0), 3.1 * rows), sharex=True)
    years = sorted(tren["year"].unique())
    axes = np.atleast_1d(axes)
    for ax, ind in zip(np.ravel(axes), ids):
        t = tren[tren["indikator_id"] == ind]
        t = t.assign(capaian_pct=_clipped(t["capaian_pct"])[0])
        ax.axhline(100, color=PALETTE["bahaya"], lw=1, ls="--")
        ax.plot(t["year"], t["capaian_pct"], color=PALETTE["utama"], lw=2)
        rep = t[t["sumber"] == "dilaporkan"]
        cal = t[t["sumber"] == "dihitung"]
        ax.scatter(rep["year"], rep["capaian_pct"], facecolor="white", edgecolor=PALETTE["utama"], zorder=3)
        ax.scatter(cal["year"], cal["capaian_pct"], color=PALETTE["utama"], zorder=3)
        ax.set_title(_wrap(t["short_name"].iloc[0], 32), fontsize=10)
        ax.set_xticks(years)
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)
        _id_axis(ax, "y")
    for ax in np.ravel(axes)[len(ids) :]:
        ax.axis("off")
    fig.suptitle("Capaian (%) dibandingkan target (garis merah = 100%)", weight="bold")
    fig.text(
        0.01,
        -0.01,
        "Titik kosong: capaian sebagaimana dilaporkan; titik penuh: dihitung dari target dan realisasi.",
        fontsize=9,
    )
    if _clipped(tren["capaian_pct"])[1]:
        _clip_note(fig)  # under the line above: the two once overlapped on a one-panel chart
    _shown_note(fig, note)
    fig.tight_layout()
    return fig, tren[["indikator_id", "short_name", "year", "capaian_pct", "sumber"]]


def grafik_tren_rata_rata(avg: pd.DataFrame) -> tuple[plt.Figure, pd.DataFrame]:
    """Average capaian per year."""
    fig, ax = plt.subplots(figsize=(8, 3.8))
    drawn, clipped = _clipped(avg["rata_rata_capaian_pct"])
    ax.bar(avg["year"].astype(str), drawn, color=PALETTE["utama"])
    ax.axhline(100, color=PALETTE["bahaya"], lw=1, ls="--")
    for x, (v, d, n) in enumerate(zip(avg["rata_rata_capaian_pct"], drawn, avg["n_indikator"])):
        ax.text(x, d, f"{format_number(v, 2)}%\n({n} ind.)", ha="center", va="bottom", fontsize=9)
    ax.set_ylabel("rata-rata capaian (%)")
    ax.set_ylim(min(0, float(np.nan_to_num(drawn.min()))), max(110, float(np.nan_to_num(drawn.max())) * 1.2))
    if clipped:
        _clip_note(fig)
    ax.set_title("Rata-rata capaian kinerja per tahun")
    _id_axis(ax, "y")
    return fig, avg


def grafik_efisiensi(frame: pd.DataFrame) -> tuple[plt.Figure, pd.DataFrame]:
    """% serapan anggaran beside % capaian, per program and sub-kegiatan."""
    frame, note = _most_telling(
        frame, MAX_BARS, pd.to_numeric(frame["capaian_pct"]), "program dan kegiatan", "yang capaiannya terendah"
    )
    f = frame.iloc[::-1].reset_index(drop=True)
    labels = [f"{_wrap(u, 45)}" for u in f["uraian"].map(label)]
    y = np.arange(len(f))
    fig, ax = plt.subplots(figsize=(10, 0.75 * len(f) + 1.5))
    serapan, clip_s = _clipped(f["serapan_pct"], 150)
    capaian, clip_c = _clipped(f["capaian_pct"], 150)
    ax.barh(y + 0.2, serapan.fillna(0), height=0.4, color=PALETTE["aksen"], label="Serapan anggaran (%)")
    ax.barh(y - 0.2, capaian.fillna(0), height=0.4, color=PALETTE["utama"], label="Capaian kinerja (%)")
    if clip_s or clip_c:
        _clip_note(fig, 150)
    for yy, (s, c, v) in enumerate(zip(serapan, capaian, f["verdict"])):
        right = min(np.nanmax([s if pd.notna(s) else 0, c if pd.notna(c) else 0]), 120)
        ax.text(right + 2, yy, v, va="center", fontsize=8, color=PALETTE["bahaya"] if v == "tidak efisien" else "black")
    ax.set_yticks(y, labels, fontsize=8)
    ax.axvline(100, color="black", lw=0.8, ls="--")
    ax.set_xlim(0, 150)
    ax.set_xlabel("%")
    ax.legend(loc="lower right", fontsize=9)
    ax.set_title("Anggaran vs capaian: serapan dan capaian")
    _id_axis(ax)
    _shown_note(fig, note)
    return fig, frame[
        ["tingkat", "kode_rekening", "uraian", "pagu_rp", "serapan_pct", "capaian_pct", "efisiensi_pct", "verdict"]
    ]


def grafik_serapan_program(
    frame: pd.DataFrame, label_col: str, anggaran_col: str, title: str
) -> tuple[plt.Figure, pd.DataFrame]:
    """Pagu and realisasi side by side, in billions of rupiah."""
    frame, note = _most_telling(
        frame, MAX_BARS, pd.to_numeric(frame["serapan_pct"]), "baris anggaran", "yang serapannya terendah"
    )
    f = frame.iloc[::-1].reset_index(drop=True)
    y = np.arange(len(f))
    fig, ax = plt.subplots(figsize=(10, 0.6 * len(f) + 1.5))
    ax.barh(y + 0.2, f[anggaran_col] / 1e6, height=0.4, color=PALETTE["netral"], label="Pagu")
    ax.barh(y - 0.2, f["realisasi_rp"] / 1e6, height=0.4, color=PALETTE["utama"], label="Realisasi")
    for yy, (p, s) in enumerate(zip(f[anggaran_col], f["serapan_pct"])):
        if pd.isna(p):  # a draft: the budget is not filled in yet
            ax.text(0, yy, " pagu belum diisi", va="center", fontsize=8)
        else:
            ax.text(p / 1e6, yy + 0.2, f" {format_number(s, 2)}%" if pd.notna(s) else "", va="center", fontsize=8)
    if f[anggaran_col].isna().all():
        ax.set_xlim(0, 1)
        ax.set_xticks([])
    ax.set_yticks(y, [_wrap(t, 45) for t in f[label_col].map(label)], fontsize=8)
    ax.set_xlabel("juta rupiah")
    ax.legend(loc="lower right")
    ax.set_title(title)
    _id_axis(ax)
    _shown_note(fig, note)
    return fig, frame[[label_col, anggaran_col, "realisasi_rp", "serapan_pct"]]


def grafik_sensitivitas(table: pd.DataFrame) -> tuple[plt.Figure, pd.DataFrame]:
    """Average capaian per year under each averaging method."""
    years = [c for c in table.columns if str(c).isdigit()]
    fig, ax = plt.subplots(figsize=(10, 5))
    styles = ["-", "--", "--", "--", ":", "-.", "-", ":"]
    clipped = False
    for (i, row), ls in zip(table.iterrows(), styles):
        values, cut = _clipped(pd.Series([row[y] for y in years]))
        clipped |= cut
        ax.plot([int(y) for y in years], values, ls, marker="o", lw=2.4 if i == 0 else 1.4, label=row["metode"])
    if clipped:
        _clip_note(fig)
    ax.axhline(100, color=PALETTE["bahaya"], lw=1)
    ax.set_ylabel("rata-rata capaian (%)")
    ax.set_xticks([int(y) for y in years])
    ax.legend(fontsize=8, loc="upper left", ncol=2)
    ax.set_title("Rata-rata capaian menurut metode perata-rataan")
    _id_axis(ax, "y")
    long = table.melt(id_vars=["metode"], value_vars=years, var_name="tahun", value_name="rata_rata_capaian_pct")
    return fig, long


def grafik_kontribusi(frame: pd.DataFrame, year: int) -> tuple[plt.Figure, pd.DataFrame]:
    """How far each indicator pulls the year's average above or below 100 %."""
    frame, note = _most_telling(
        frame, MAX_BARS, -pd.to_numeric(frame["kontribusi_poin"]).abs(), "indikator", "yang sumbangannya terbesar"
    )
    f = frame.iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(f) + 1.5))
    colours = [PALETTE["utama"] if v >= 0 else PALETTE["bahaya"] for v in f["kontribusi_poin"]]
    drawn, clipped = _clipped(f["kontribusi_poin"])
    ax.barh(f["short_name"], drawn, color=colours)
    ax.axvline(0, color="black", lw=0.8)
    for y, (v, d) in enumerate(zip(f["kontribusi_poin"], drawn)):
        ax.text(d, y, f" {format_number(v, 2)} ", va="center", ha="left" if v >= 0 else "right", fontsize=8)
    if clipped:
        _clip_note(fig)
    ax.set_xlabel(f"poin persentase terhadap rata-rata {year} (di atas/bawah 100%)")
    ax.set_title(f"Apa yang mendorong rata-rata {year}")
    _id_axis(ax)
    _shown_note(fig, note)
    return fig, frame
