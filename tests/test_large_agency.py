"""A very large agency (thousands of indicators, 100.000 budget rows): charts, pages, cells and the overview stay
readable and whole (issue #26, item 4)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from lkip_helpers.capaian import Scale  # noqa: E402
from lkip_helpers.report import charts  # noqa: E402


def _indikator(n: int) -> pd.DataFrame:
    # capaian 1, 2, ..., n in reverse order of the ids: the lowest are the last rows
    return pd.DataFrame(
        {
            "indikator_id": [f"i{k:04d}" for k in range(n)],
            "short_name": [f"Indikator {k}" for k in range(n)],
            "target": 100.0,
            "realisasi": [float(n - k) for k in range(n)],
            "capaian_pct": [float(n - k) for k in range(n)],
            "kelas": "Rendah",
            "status": "",
        }
    )


def _texts(fig) -> str:
    return " ".join(t.get_text() for t in fig.texts)


def test_a_capaian_chart_of_5000_indicators_shows_the_60_lowest_and_says_so():
    fig, data = charts.grafik_capaian(_indikator(5000), Scale.default())
    try:
        assert len(data) == 60
        assert sorted(data["capaian_pct"]) == [float(v) for v in range(1, 61)]  # capaian 1 … 60 %
        assert "Ditampilkan 60 dari 5.000 indikator: yang capaiannya terendah" in _texts(fig)
        assert fig.get_size_inches()[1] < 40  # a picture a page (and PIL) can hold
    finally:
        plt.close(fig)


def test_a_small_chart_is_whole_and_says_nothing_of_it():
    fig, data = charts.grafik_capaian(_indikator(9), Scale.default())
    try:
        assert len(data) == 9 and "Ditampilkan" not in _texts(fig)
    finally:
        plt.close(fig)


def test_the_trend_panels_are_the_45_with_the_lowest_latest_capaian():
    rows = []
    for k in range(100):
        for year, value in ((2022, 50.0), (2023, float(k))):  # 2023 capaian k %: lowest are i0000 … i0044
            rows.append({"indikator_id": f"i{k:04d}", "short_name": f"I {k}", "year": year,
                         "capaian_pct": value, "sumber": "dihitung"})  # fmt: skip
    fig, data = charts.grafik_tren(pd.DataFrame(rows))
    try:
        assert sorted(data["indikator_id"].unique()) == [f"i{k:04d}" for k in range(45)]
        assert "Ditampilkan 45 dari 100 indikator" in _texts(fig)
    finally:
        plt.close(fig)


def test_a_page_shows_the_first_2000_rows_of_a_long_table_and_says_where_the_rest_is():
    from lkip_helpers.report.artifacts import ShownTable
    from lkip_helpers.report.report_table import Column, ReportTable

    frame = pd.DataFrame({"uraian": [f"Kegiatan {k}" for k in range(100_000)], "pagu_rp": 1000.0})
    table = ReportTable("tabel-3.9", "Anggaran", frame, [Column("uraian", "Uraian"), Column("pagu_rp", "Pagu", "rp")])
    page = ShownTable(table)._repr_html_()
    assert page.count("<tr>") == 1 + 2000  # the header and the first 2.000 rows
    assert "Kegiatan 1999<" in page and "Kegiatan 2000<" not in page
    assert "menampilkan 2.000 baris pertama dari 100.000; tabel lengkap ada di berkas CSV dan Excel tabel-3.9" in page
    small = ShownTable(ReportTable("tabel-3.9", "Anggaran", frame.head(5), table.columns))._repr_html_()
    assert small.count("<tr>") == 6 and "baris pertama" not in small


def test_a_cell_lists_20_names_and_counts_the_rest():
    from lkip_helpers.report.lke import _listed

    assert _listed(["a", "b"]) == "a; b"
    text = _listed([f"IKU {k}" for k in range(5000)])
    assert text.startswith("IKU 0; IKU 1; ") and "IKU 19; … dan 4.980 lainnya" in text and "IKU 20;" not in text


def test_the_overview_reads_a_long_cell_of_its_own_table(tmp_path):
    import csv

    from lkip_helpers.report.overview import lke_readiness

    (tmp_path / "tables").mkdir()
    with open(tmp_path / "tables" / "kesiapan-lke.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kode", "status", "poin_min", "poin_max", "bobot_komponen", "kurang"])
        w.writerow(["3.b.6", "tidak terpenuhi", "0", "0.5", "15", "x" * 200_000])  # longer than csv's default limit
        w.writerow(["3.a.1", "terpenuhi", "1", "1", "15", ""])
    records = [{"id": "kesiapan-lke", "files": ["tables/kesiapan-lke.csv"]}]
    assert lke_readiness(tmp_path, records) == {"nilai_min": 1.0, "nilai_max": 1.5, "bobot": 15.0, "belum": ["3.b.6"]}
    assert csv.field_size_limit() == 131072  # put back


def test_notes_under_a_trend_chart_never_overlap():
    """One panel whose capaian passes the axis limit: the legend line, the cut-axis line and the 'shown n of
    m' line each stand on their own (the first two were once drawn on top of each other)."""
    rows = [
        {"indikator_id": "a", "short_name": "A", "year": 2022, "capaian_pct": 90.0, "sumber": "dilaporkan"},
        {"indikator_id": "a", "short_name": "A", "year": 2023, "capaian_pct": 5000.0, "sumber": "dihitung"},
    ]
    for n in (1, 50):  # one panel; more than a page shows (the third line)
        many = [{**r, "indikator_id": f"i{k}", "short_name": f"I {k}"} for k in range(n) for r in rows]
        fig, _ = charts.grafik_tren(pd.DataFrame(many))
        try:
            renderer = fig.canvas.get_renderer()
            boxes = [t.get_window_extent(renderer) for t in fig.texts]
            assert len(boxes) == (3 if n == 1 else 4), _texts(fig)  # the title too
            for i, a in enumerate(boxes):
                for b in boxes[i + 1 :]:
                    assert not a.overlaps(b), _texts(fig)
        finally:
            plt.close(fig)
