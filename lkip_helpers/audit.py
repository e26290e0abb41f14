"""Consistency audit: recompute every figure the report prints and say where it differs.

Load the printed values (``nilai_tercetak``) -> recompute each from ``data/`` with the
rule for its table, row and column -> compare within a tolerance (default: half a
unit of the last printed digit) -> for each disagreement, find the likely cause by
testing explicit alternatives (a wrong divisor, another row's target, the average of
the printed column, a value printed elsewhere, truncation, a one-digit slip).
Referential checks (places, budget codes, indicators in the PK) are added as findings
without numbers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import budget, kinerja
from .numbers import format_number

FINDING_COLUMNS = ["jenis", "report_table", "row_ref", "column", "printed_text", "reported", "recomputed",
                   "difference", "tolerance", "cause"]


@dataclass
class Expected:
    """A recomputed value and the alternatives that would explain a different printed value."""

    value: float
    alternatives: dict[str, float] = field(default_factory=dict)
    hint: str = ""
    rounding: float = 0.0  # extra tolerance: rounding carried in from rounded inputs (differences)


def printed_decimals(text: str) -> int:
    """Decimals shown in a printed number (thousands groups are not decimals).

    >>> printed_decimals("98,40"), printed_decimals("82.32"), printed_decimals("1.476"), printed_decimals("100")
    (2, 2, 0, 0)
    >>> printed_decimals("9,051,591,780,-")
    0
    """
    t = re.sub(r"[,.]?-$", "", text.strip())
    m = re.search(r"[.,](\d+)$", t)
    if not m or len(m.group(1)) == 3:
        return 0
    return len(m.group(1))


def default_tolerance(text: str) -> float:
    """Half a unit of the last printed digit.

    >>> default_tolerance("98,40"), default_tolerance("77")
    (0.005, 0.5)
    """
    return 0.5 * 10 ** -printed_decimals(text)


class Recomputer:
    """Recomputes the value behind any printed (report_table, row_ref, column)."""

    def __init__(self, ds):
        self.ds = ds
        self.pol = kinerja.policy(ds)
        self.printed = ds.nilai_tercetak
        self.year = ds.year
        self.now = kinerja.measured(ds).set_index("indikator_id")
        self.prev = kinerja.measured(ds, ds.year - 1, basis="rpjmd").set_index("indikator_id")
        self.ikk = kinerja.measured(ds, kind="ikk").set_index("indikator_id")
        self.trend = kinerja.trend(ds)
        self.years = kinerja.yearly_average(ds).set_index("year")
        self.tree = budget.anggaran_tree(ds).set_index("kode_rekening")
        self.belanja = budget.belanja_tree(ds).set_index("jenis_id")
        self.pagu, self.real, self.serapan = budget.total(ds)
        self.sasaran, self.overall = kinerja.sasaran_summary(ds)
        self.pk_level = self._pk_level(self.now)

    # -- building blocks ---------------------------------------------------------------
    def _pk_level(self, frame: pd.DataFrame) -> pd.Series:
        """Capaian per PK indicator: sub-rows averaged into their parent (IKU 'bumdes')."""
        f = frame.reset_index()
        key = f["parent_id"].fillna(f["indikator_id"])
        return f.groupby(key, sort=False)["capaian_pct"].mean()

    def _printed_column(self, table: str, column: str) -> pd.Series:
        p = self.printed
        rows = p[(p["report_table"] == table) & (p["column"] == column) & (p["row_ref"] != "rata-rata")]
        return rows.set_index("row_ref")["value"].astype(float)

    def _capaian(self, ind: str, year: int) -> Expected:
        frame = self.now if year == self.year else self.prev
        row = frame.loc[ind]
        alts = {}
        for other, o in frame.iterrows():
            if other != ind and o["target"]:
                alts[f"realisasi dibagi target baris lain ({o['short_name']}: {format_number(o['target'])})"] = \
                    row["realisasi"] / o["target"] * 100
        return Expected(float(row["capaian_pct"]), alts)

    def _average(self, values: pd.Series, table: str, column: str, n_slots: int) -> dict[str, float]:
        """Alternatives for an average: other divisors, and the average of the printed column."""
        v = values.dropna().astype(float)
        alts = {f"jumlah dibagi {k}, seharusnya dibagi {len(v)} (indikator tanpa nilai ikut dihitung)"
                if k > len(v) else f"jumlah dibagi {k}, seharusnya {len(v)}": v.sum() / k
                for k in range(1, n_slots + 2) if k != len(v)}
        shown = self._printed_column(table, column)
        if len(shown):
            alts["rata-rata dari angka per baris yang tercetak di tabel ini (sebagian angka itu keliru)"] = shown.mean()
        return alts

    def _year_average(self, year: int, table: str, column: str) -> Expected:
        t = self.trend[self.trend["year"] == year]
        value = float(self.years.loc[year, "rata_rata_capaian_pct"])
        return Expected(value, self._average(self.pol.capped(t["capaian_pct"]), table, column,
                                             len(self.trend["indikator_id"].unique())))

    def _counts(self, threshold: float) -> tuple[int, int]:
        ok = int((self.pk_level >= threshold).sum())
        return ok, len(self.pk_level) - ok

    # -- the rule for each printed value -------------------------------------------------
    def expected(self, table: str, row: str, column: str) -> Expected | None:  # noqa: C901 — one rule table
        ds, y = self.ds, self.year
        m = re.match(r"capaian_(\d{4})_pct$", column)
        col_year = int(m.group(1)) if m else None
        is_iku = row in self.now.index
        is_ikk = row in self.ikk.index

        # capaian of one indicator
        if is_iku and column in ("capaian_pct", "capaian_akhir_rpjmd_pct"):
            return self._capaian(row, y)
        if is_iku and col_year in (y, y - 1):
            return self._capaian(row, col_year)
        if is_ikk and column == "capaian_pct":
            r = self.ikk.loc[row]
            alts = {f"serapan anggaran {k} ({format_number(s, 2)}%) dicetak di kolom capaian output": float(s)
                    for k, s in self.tree["serapan_pct"].dropna().items()}
            return Expected(float(r["capaian_pct"]), alts)
        if is_iku and column in ("target", "realisasi"):
            return Expected(float(self.now.loc[row, column]))
        if is_iku and column == "jumlah_bumdes":
            return Expected(float(self.now.loc[row, "realisasi"]))
        if is_iku and column == "peningkatan_pct":
            value = float(self.now.loc[row, "capaian_pct"] - self.prev.loc[row, "capaian_pct"])
            return Expected(value, self._printed_difference(table, row), rounding=0.01)

        # averages
        if row.startswith("rata-rata") and (column in ("capaian_pct", "capaian_akhir_rpjmd_pct", "rata_rata_capaian_pct")
                                            or col_year is not None or column == "penurunan_pct"):
            if column == "penurunan_pct":
                return self._average_change(table, row)
            year = col_year or y
            source_table = table if table.startswith("Tabel") else self._table_of_paragraph(row)
            return self._year_average(year, source_table, column if col_year else "capaian_pct")
        if row == "rata-rata" and column == "peningkatan_pct":
            return self._average_change(table, row)
        if row.startswith("ss-") and column == "rata_rata_capaian_pct":
            per = self.sasaran.set_index("sasaran_id")["rata_rata_capaian_pct"]
            vals = self.now[self.now["sasaran_id"] == row]["capaian_pct"]
            return Expected(float(per[row]), self._average(vals, "", "", len(vals)))

        # counts of indicators and sasaran
        if row.startswith("indikator") and column in ("jumlah_indikator", "jumlah_tercapai", "jumlah_belum_tercapai"):
            threshold = 75.0 if table == "Bab 3.4" else 100.0
            ok, not_ok = self._counts(threshold)
            value = {"jumlah_indikator": len(self.pk_level), "jumlah_tercapai": ok, "jumlah_belum_tercapai": not_ok}[column]
            alt_ok, alt_not = self._counts(75.0)
            alts = {} if threshold == 75 else {
                "indikator dengan capaian di atas 75% dihitung sebagai 'mencapai target' (aturan Bab 3.4), "
                "padahal target berarti capaian 100%": {"jumlah_tercapai": alt_ok, "jumlah_belum_tercapai": alt_not}.get(column, value)}
            return Expected(float(value), alts)
        if row == "sasaran" and column == "jumlah_sasaran":
            return Expected(float((ds.sasaran["level"] == "strategis").sum()))
        if row == "indikator-tercapai" and column in ("capaian_min_pct", "capaian_max_pct"):
            above = self.now["capaian_pct"][self.now["capaian_pct"] > 75]
            value = above.min() if column == "capaian_min_pct" else above.max()
            return Expected(float(value), {"ambang 75% dikutip sebagai nilai terendah": 75.0})

        # budget
        if row in self.tree.index and column in ("pagu_rp", "realisasi_rp", "serapan_pct"):
            r = self.tree.loc[row]
            return Expected(_zero_if_empty_budget(r, column), {})
        if row in self.belanja.index or row == "jumlah-belanja":
            if row == "jumlah-belanja":
                r = self.belanja[self.belanja["depth"] == 0][["anggaran_rp", "realisasi_rp"]].sum()
                r["serapan_pct"] = budget.serapan_pct(r["realisasi_rp"], r["anggaran_rp"])
            else:
                r = self.belanja.loc[row]
            return Expected(_zero_if_empty_budget(r.rename({"anggaran_rp": "pagu_rp"}),
                                                  "pagu_rp" if column == "anggaran_rp" else column))
        if row == "anggaran":
            return Expected({"pagu_rp": self.pagu, "realisasi_rp": self.real, "serapan_pct": self.serapan}[column])

        # activities of Tabel 3.6 grouped by serapan (Bab 3.5 b)
        if row.startswith("kegiatan"):
            return self._kegiatan_groups(row, column)

        # output indicators of a sasaran program (Bab 3.6)
        if row.startswith("ikk-sasaran-program-"):
            sk = "sk-kelembagaan" if row.endswith("1") else "sk-status-desa"
            f = self.ikk[self.ikk["sasaran_id"] == sk]
            if column == "jumlah_indikator":
                return Expected(float(len(f)), {
                    "jumlah sasaran kegiatan (sub-kegiatan) dikutip sebagai jumlah indikator": f["kode_rekening"].nunique()})
            partial = ", ".join(f"{n} ({format_number(c, 2)}%)" for n, c in
                                zip(f["name"], f["capaian_pct"]) if 0 < c < 100)
            return Expected(float((f["capaian_pct"] < 100).sum()), {
                f"hanya kegiatan yang tidak dilaksanakan (capaian 0%) dihitung; yang tercapai sebagian tidak: {partial}":
                    float((f["capaian_pct"] == 0).sum())})
        if row == "ikk-pkk" and column == "serapan_pct":
            return Expected(float(self.tree.loc["2.13.05.1.01.09", "serapan_pct"]))
        if row == "ikk-pemerintahan-desa":
            if column == "capaian_pct":
                return Expected(float(self.now.loc["status-desa-berkembang", "capaian_pct"]))
            return Expected(float(self.tree.loc["2.13.04", "serapan_pct"]))

        # villages
        if table == "Tabel 3.11" or row == "desa-definitif":
            return self._wilayah(row, column)
        return None

    def _printed_difference(self, table: str, row: str) -> dict[str, float]:
        """Alternative: this year's minus last year's capaian as printed in the same table/paragraph."""
        shown = self.printed.set_index(["report_table", "row_ref", "column"])["value"]
        y = self.year
        try:
            diff = float(shown[(table, row, f"capaian_{y}_pct")] - shown[(table, row, f"capaian_{y - 1}_pct")])
        except KeyError:
            return {}
        return {f"selisih angka capaian {y} dan {y - 1} yang tercetak (angka {y - 1} itu sendiri keliru)": diff}

    def _average_change(self, table: str, row: str) -> Expected:
        value = float(self.overall - self.years.loc[self.year - 1, "rata_rata_capaian_pct"])
        return Expected(value, self._printed_difference(table, row), rounding=0.01)

    def _table_of_paragraph(self, row: str) -> str:
        m = re.match(r"rata-rata-tabel-(\d)-(\d+)", row)
        return f"Tabel {m.group(1)}.{m.group(2)}" if m else ""

    def _kegiatan_groups(self, row: str, column: str) -> Expected:
        links = self.ds.sasaran_kegiatan
        codes = links[links["source_table"] == "Tabel 3.6"]["kode_rekening"]
        s = self.tree.loc[list(codes), "serapan_pct"].astype(float)
        labels = s.map(self.pol.scale.classify)
        top = self.pol.scale.labels[:3]  # Sedang and above count as 'berhasil'
        groups = {"kegiatan": s, "kegiatan-nol": s[s == 0],
                  "kegiatan-rendah": s[(s > 0) & ~labels.isin(top)], "kegiatan-berhasil": s[(s > 0) & labels.isin(top)]}
        g = groups[row]
        if column == "jumlah_kegiatan":
            return Expected(float(len(g)))
        value = g.min() if column in ("capaian_min_pct", "capaian_pct") else g.max()
        return Expected(float(value))

    def _wilayah(self, row: str, column: str) -> Expected:
        w = self.ds.wilayah.assign(jumlah_desa_kelurahan=lambda d: d["jumlah_desa"] + d["jumlah_kelurahan"])
        if row in ("total", "desa-definitif"):
            return Expected(float(w[column].sum()))
        if row not in set(w["kabupaten"]):
            return None  # a place the data do not name: a referential finding (see referential_findings)
        return Expected(float(w.set_index("kabupaten").loc[row, column]))


def _zero_if_empty_budget(row, column: str) -> float:
    """Serapan of a zero budget is printed 0 by convention; treat that as consistent."""
    if column == "serapan_pct" and (pd.isna(row["serapan_pct"])) and row["pagu_rp"] == 0:
        return 0.0
    return float(row[column])


def _truncated(value: float, decimals: int) -> float:
    factor = 10 ** decimals
    return math.trunc(value * factor) / factor


def _one_digit_apart(a: str, b: str) -> bool:
    da, db = re.sub(r"\D", "", a), re.sub(r"\D", "", b)
    return len(da) == len(db) and sum(x != y for x, y in zip(da, db)) == 1


def likely_cause(printed_text: str, reported: float, exp: Expected, tolerance: float,
                 elsewhere: dict[str, float]) -> str:
    """Plain words for why a printed value differs from the recomputed one."""
    for cause, alt in exp.alternatives.items():
        if alt is not None and not pd.isna(alt) and abs(alt - reported) <= tolerance:
            return cause
    decimals = printed_decimals(printed_text)
    if abs(_truncated(exp.value, decimals) - reported) < 1e-9 and decimals > 0:
        return f"angka dipotong (truncation) ke {decimals} desimal, bukan dibulatkan"
    recomputed_text = format_number(exp.value, decimals)
    for where, alt in elsewhere.items():
        if abs(alt - reported) <= tolerance:
            return f"sama dengan nilai lain dalam laporan ({where}); kemungkinan tertukar atau tersalin"
    if _one_digit_apart(printed_text, recomputed_text):
        return f"salah ketik: satu digit berbeda ({printed_text} tercetak, {recomputed_text} seharusnya)"
    return exp.hint or "penyebab tidak dapat disimpulkan; periksa dokumen sumber"


def audit(ds, tolerance: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the audit.

    Args:
        ds: a loaded dataset.
        tolerance: absolute tolerance for every comparison; None = half a unit of the
            last printed digit of each value.

    Returns:
        (findings, checked): findings has one row per disagreement (FINDING_COLUMNS);
        checked lists every printed value compared, with its result.
    """
    cached = ds.cache.get(("audit", tolerance))
    if cached is not None:
        return cached[0].copy(), cached[1].copy()
    rc = Recomputer(ds)
    rows, checked = [], []
    printed = ds.nilai_tercetak
    for _, p in printed.iterrows():
        if pd.isna(p["value"]):
            continue  # printed '-': nothing to compare
        exp = rc.expected(p["report_table"], p["row_ref"], p["column"])
        if exp is None or pd.isna(exp.value):
            checked.append({**p.to_dict(), "recomputed": np.nan, "status": "tidak diperiksa"})
            continue
        tol = (default_tolerance(p["printed_text"]) if tolerance is None else tolerance) + exp.rounding
        reported = float(p["value"])
        ok = abs(reported - exp.value) <= tol + 1e-9
        checked.append({**p.to_dict(), "recomputed": exp.value, "status": "sesuai" if ok else "berbeda"})
        if ok:
            continue
        elsewhere = {f"{q.report_table} {q.row_ref} {q.column}": float(q.value)
                     for q in printed.itertuples() if pd.notna(q.value) and q.row_ref != p["row_ref"]
                     and q.report_table == p["report_table"]}
        twins = {q.report_table: q.printed_text for q in printed.itertuples()
                 if q.row_ref == p["row_ref"] and q.column == p["column"] and q.report_table != p["report_table"]
                 and pd.notna(q.value) and abs(float(q.value) - reported) > tol}
        exp.hint = exp.hint or (("tidak sama dengan " + ", ".join(f"{t} ({v})" for t, v in twins.items())
                                 + " untuk besaran yang sama; data mendukung " + format_number(exp.value, 2)) if twins else "")
        rows.append({"jenis": "angka", "report_table": p["report_table"], "row_ref": p["row_ref"],
                     "column": p["column"], "printed_text": p["printed_text"], "reported": reported,
                     "recomputed": exp.value, "difference": reported - exp.value, "tolerance": tol,
                     "cause": likely_cause(p["printed_text"], reported, exp, tol, elsewhere)})
    rows += referential_findings(ds)
    findings = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    findings["reported"] = findings["reported"].astype(float)
    findings["recomputed"] = findings["recomputed"].astype(float)
    ds.cache[("audit", tolerance)] = (findings, pd.DataFrame(checked))
    return findings.copy(), ds.cache[("audit", tolerance)][1].copy()


def referential_findings(ds) -> list[dict]:
    """Names and ids that do not resolve: places, budget codes, indicators outside the PK."""
    out = []

    def finding(table, row, column, text, cause):
        out.append({"jenis": "rujukan", "report_table": table, "row_ref": row, "column": column, "printed_text": text,
                    "reported": np.nan, "recomputed": np.nan, "difference": np.nan, "tolerance": np.nan, "cause": cause})

    places = set(ds.wilayah["kabupaten"])
    for _, r in ds.lomba_desa.iterrows():
        if r["kabupaten"] not in places:
            finding("Bab 3.6", f"lomba-desa-{r['peringkat']}", "kabupaten", r["kabupaten"],
                    f"kabupaten '{r['kabupaten']}' tidak ada di Tabel 3.11 (desa {r['desa']}, kecamatan {r['kecamatan']})")
    for _, r in ds.nilai_tercetak.iterrows():
        if r["report_table"] == "Tabel 3.11" and r["row_ref"] not in places | {"total", "desa-definitif"}:
            finding(r["report_table"], r["row_ref"], "kabupaten", r["row_ref"],
                    f"kabupaten '{r['row_ref']}' tidak ada di wilayah.csv (Tabel 3.11)")
    codes = set(ds.anggaran["kode_rekening"])
    for _, r in ds.nilai_tercetak.iterrows():
        if r["report_table"] in ("Tabel 3.6", "Tabel 3.13") and r["row_ref"] not in codes:
            finding(r["report_table"], r["row_ref"], "kode_rekening", r["row_ref"], "kode rekening tidak ada di Tabel 3.13")
    pk = ds.dokumen_perencanaan[ds.dokumen_perencanaan["document"] == "pk_perubahan"].set_index("indikator_id")
    measured = ds.target[(ds.target["year"] == ds.year) & (ds.target["basis"] == "pk")]
    parents = ds.indikator.set_index("indikator_id")["parent_id"]
    for _, t in measured.iterrows():
        ind = t["indikator_id"]
        key = ind if ind in pk.index else parents.get(ind)
        if key is None or pd.isna(key) or key not in pk.index:
            finding(t["source_table"], ind, "indikator_id", ind,
                    "indikator diukur di Bab III tetapi tidak ada dalam Perjanjian Kinerja (Tabel 2.3/2.4)")
        elif pk.loc[key, "target"] == 0 and pd.notna(t["target"]) and t["target"] > 0:  # a draft may lack targets
            finding(t["source_table"], ind, "target", format_number(t["target"]),
                    f"diukur dengan target {format_number(t['target'])}, padahal PK Perubahan (Tabel 2.4) "
                    "menetapkan target 0 (kegiatan dihapus)")
    return out
