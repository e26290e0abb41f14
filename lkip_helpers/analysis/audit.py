"""Consistency audit: recompute every figure the report prints and say where it differs.

Each printed value (``nilai_tercetak``) names its subject in columns: ``subject`` (the
table its ids point into), the ids, ``group``/``ambang_pct`` for counts and extremes,
``metric``, ``year`` and ``basis``. :data:`RULES` holds one small rule per (subject,
metric): it recomputes the value from ``data/`` and proposes alternatives, i.e. the value
under a plausible mistake (a wrong divisor, another row's target, the average of the
printed column). The dataset's own habits come from ``metadata.yml`` ``audit.alternatives``.
A value further than the tolerance (half a unit of its last printed digit) from the
recomputed one gets the first matching alternative as its cause, else truncation, a value
printed elsewhere, or a one-digit slip. Ids the data do not hold, places outside the
region and measured indicators outside the Perjanjian Kinerja are findings without numbers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from functools import cached_property

import numpy as np
import pandas as pd

from lkip_helpers import placeholders
from lkip_helpers.analysis import kinerja
from lkip_helpers.analysis.anggaran import anggaran_tree, belanja_tree, most_detailed, serapan_pct
from lkip_helpers.data import schema
from lkip_helpers.data.loading import Dataset
from lkip_helpers.errors import DataError
from lkip_helpers.numbers import format_number

ID_COLUMNS = {
    "indikator_id": "indikator",
    "sasaran_id": "sasaran",
    "kode_rekening": "anggaran",
    "jenis_id": "belanja_jenis",
    "kabupaten": "wilayah",
}  # id column -> the table it points into
FINDING_COLUMNS = [
    "jenis",
    "report_table",
    "subject_label",
    "subject",
    *ID_COLUMNS,
    "metric",
    "year",
    "printed_text",
    "reported",
    "recomputed",
    "difference",
    "tolerance",
    "cause",
]
WHOLE = {
    "indikator": "semua IKU",
    "sasaran": "semua sasaran strategis",
    "anggaran": "seluruh anggaran",
    "belanja_jenis": "jumlah belanja",
    "wilayah": "seluruh wilayah",
    "kegiatan": "semua sub-kegiatan terkait sasaran",
}  # a subject with no id: the whole of it
GROUPS = {"nol": "bernilai 0", "di_bawah_ambang": "di atas 0 dan di bawah {a}%", "mencapai_ambang": "mencapai {a}%"}


@dataclass(frozen=True)
class Printed:
    """What one printed value is about (the subject columns of a ``nilai_tercetak`` row)."""

    report_table: str = ""
    subject: str = ""
    indikator_id: str | None = None
    sasaran_id: str | None = None
    kode_rekening: str | None = None
    jenis_id: str | None = None
    kabupaten: str | None = None
    group: str | None = None
    ambang_pct: float | None = None
    about_table: str | None = None
    label: str | None = None
    metric: str = ""
    year: int | None = None
    basis: str | None = None

    @classmethod
    def from_row(cls, row, default_year: int) -> Printed:
        """From a DataFrame row or a dict of CSV strings; blanks become None."""
        kw = {}
        for f in fields(cls):
            v = row.get(f.name) if hasattr(row, "get") else getattr(row, f.name, None)
            if v is None or (not isinstance(v, str) and pd.isna(v)) or (isinstance(v, str) and not v.strip()):
                continue
            kw[f.name] = float(v) if f.name == "ambang_pct" else int(float(v)) if f.name == "year" else str(v)
        kw.setdefault("year", default_year)
        return cls(**kw)

    @property
    def ids(self) -> dict[str, str]:
        return {c: getattr(self, c) for c in ID_COLUMNS if getattr(self, c)}

    @property
    def subject_key(self) -> tuple:
        return (
            self.subject,
            *(getattr(self, c) for c in ID_COLUMNS),
            self.group,
            self.ambang_pct,
            self.about_table,
            self.label,
        )

    @property
    def quantity_key(self) -> tuple:
        """The same quantity wherever printed: subject, metric, year, basis (not the paragraph)."""
        return (
            self.subject,
            *(getattr(self, c) for c in ID_COLUMNS),
            self.group,
            self.ambang_pct,
            self.metric,
            self.year,
            self.basis,
        )

    @property
    def threshold(self) -> float:
        return 100.0 if self.ambang_pct is None else self.ambang_pct


def subject_label(p: Printed) -> str:
    """A short readable name of the subject, for tables and the CLI ('Baris')."""
    parts = [v if ID_COLUMNS[c] == p.subject else f"{p.subject} {v}" for c, v in p.ids.items()]
    if not parts and not p.subject:
        return p.label or ""  # not a printed value: a row of another table (a referential finding)
    text = " · ".join(parts) or WHOLE.get(p.subject, p.subject)
    if p.group:
        text += ", " + (GROUPS[p.group].format(a=format_number(p.threshold)) if p.group in GROUPS else p.group)
    elif p.ambang_pct is not None:
        text += f", ambang {format_number(p.ambang_pct)}%"
    if p.about_table:
        text += f" ({p.about_table})"
    if p.label:
        text += f" — {p.label}"
    return text


@dataclass
class Expected:
    """A recomputed value and the alternatives that would explain a different printed value."""

    value: float
    alternatives: dict[str, float] = field(default_factory=dict)
    hint: str = ""
    rounding: float = 0.0  # extra tolerance: rounding carried in from rounded inputs (differences)


Rule = Callable[["Recomputer", Printed], "Expected | None"]
RULES: dict[tuple[str, str], Rule] = {}


def rule(subject: str, *metrics: str):
    """Register a rule for ``subject`` and each of ``metrics``."""

    def register(fn: Rule) -> Rule:
        for m in metrics:
            RULES[(subject, m)] = fn
        return fn

    return register


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


def _table(ds: Dataset, name: str) -> pd.DataFrame:
    """A table of the dataset, or an empty one with the schema's columns when it is absent."""
    t = ds.tables.get(name) if hasattr(ds, "tables") else getattr(ds, name, None)
    return t if t is not None else pd.DataFrame(columns=schema.TABLES[name].columns)


def _select(values: pd.Series, p: Printed) -> pd.Series:
    """Members of a group: 0, above 0 and below the threshold, or at/above it (blank: all with a value)."""
    v = values.dropna().astype(float)
    if p.group == "nol":
        return v[v == 0]
    if p.group == "di_bawah_ambang":
        return v[(v > 0) & (v < p.threshold)]
    if p.group == "mencapai_ambang":
        return v[v >= p.threshold]
    return v


class Recomputer:
    """Recomputes the value behind any printed subject and metric, through :data:`RULES`."""

    def __init__(self, ds: Dataset):
        self.ds = ds
        self.year = ds.year
        self.printed = _table(ds, "nilai_tercetak")
        self._frames: dict[tuple, pd.DataFrame] = {}
        self._rows: dict[tuple, list[tuple[str, pd.Series]]] = {}
        self._ids: dict[str, list[str]] = {}

    # -- data, computed when a rule first needs it --------------------------------------
    @cached_property
    def pol(self):
        return kinerja.policy(self.ds)

    @cached_property
    def tren(self) -> pd.DataFrame:
        return kinerja.tren(self.ds)

    @cached_property
    def years(self) -> pd.DataFrame:
        return kinerja.yearly_average(self.ds).set_index("year")

    @cached_property
    def tree(self) -> pd.DataFrame:
        return anggaran_tree(self.ds).set_index("kode_rekening")

    @cached_property
    def belanja(self) -> pd.DataFrame:
        return belanja_tree(self.ds).set_index("jenis_id")

    @cached_property
    def rows(self) -> list[Printed]:
        return [Printed.from_row(r, self.year) for r in self.printed.to_dict("records")]

    @cached_property
    def shown(self) -> dict[tuple, float]:
        """Printed value by (report_table, subject, metric, year, basis)."""
        return {
            (p.report_table, p.subject_key, p.metric, p.year, p.basis): float(v)
            for p, v in zip(self.rows, self.printed["value"])
            if pd.notna(v)
        }

    @cached_property
    def habits(self) -> list[dict]:
        return alternatives_config(self.ds.meta)

    def measured(self, year: int, basis: str | None = None, kinds=(kinerja.IKU,)) -> pd.DataFrame:
        """Indicators measured in ``year`` (against ``basis``; blank: pk, else rpjmd), indexed by id."""
        key = (year, basis, tuple(kinds))
        if key not in self._frames:
            parts = []
            for kind in kinds:
                # the printed report's own arithmetic: indicators the PK Perubahan removed are measured too
                f = kinerja.measured(self.ds, year, basis or "pk", kind=kind, revised=False)
                if f.empty and basis is None:
                    f = kinerja.measured(self.ds, year, "rpjmd", kind=kind, revised=False)
                parts.append(f)
            f = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
            self._frames[key] = f.set_index("indikator_id")
        return self._frames[key]

    def members(self, p: Printed) -> pd.DataFrame:
        """Indicators a count or an extreme is about: a sasaran's (any kind), else every IKU."""
        if p.sasaran_id:
            f = self.measured(p.year, p.basis, (kinerja.IKU, kinerja.IKK))
            return f[f["sasaran_id"] == p.sasaran_id]
        return self.measured(p.year, p.basis)

    @cached_property
    def _kinds(self) -> dict[str, str]:
        ind = _table(self.ds, "indikator")
        return dict(zip(ind["indikator_id"], ind["kind"]))

    def kind_of(self, indikator_id: str) -> str | None:
        return self._kinds.get(indikator_id)

    def measured_rows(self, year: int, basis: str | None, kinds) -> list[tuple[str, pd.Series]]:
        """``measured(...)`` row by row, made once per frame (going through every row again for each
        printed capaian cost the audit most of its time). Rows as pandas gives them: a blank value stays
        ``<NA>``."""
        key = (year, basis, tuple(kinds))
        if key not in self._rows:
            self._rows[key] = list(self.measured(year, basis, kinds).iterrows())
        return self._rows[key]

    def ids(self, column: str) -> list[str]:
        """Every id the data hold for an id column, in the data's order."""
        if column not in self._ids:
            t = _table(self.ds, ID_COLUMNS[column])
            self._ids[column] = list(dict.fromkeys(t[column].dropna())) if column in t.columns else []
        return self._ids[column]

    # -- shared pieces of rules ----------------------------------------------------------
    def divisors(self, values: pd.Series, n_slots: int) -> dict[str, float]:
        """Alternatives for an average: the same sum over another count."""
        v = values.dropna().astype(float)
        return {
            f"jumlah dibagi {k}, seharusnya dibagi {len(v)} (indikator tanpa nilai ikut dihitung)"
            if k > len(v)
            else f"jumlah dibagi {k}, seharusnya {len(v)}": v.sum() / k
            for k in range(1, n_slots + 2)
            if k != len(v)
        }

    def printed_column(self, table: str, p: Printed) -> pd.Series:
        """The per-indicator capaian printed in ``table`` for the year and basis of ``p``."""
        vals = [
            v
            for (t, key, metric, year, basis), v in self.shown.items()
            if t == table
            and key[0] == "indikator"
            and key[1]
            and metric == "capaian_pct"
            and year == p.year
            and basis == p.basis
        ]
        return pd.Series(vals, dtype=float)

    def printed_difference(self, p: Printed, level: str) -> dict[str, float]:
        """Alternative: this year's minus last year's value as printed beside the change."""
        now = self.shown.get((p.report_table, p.subject_key, level, p.year, p.basis))
        before = self.shown.get((p.report_table, p.subject_key, level, p.year - 1, p.basis))
        if now is None or before is None:
            return {}
        y, y0 = p.year, p.year - 1
        return {f"selisih angka capaian {y} dan {y0} yang tercetak (angka {y0} itu sendiri keliru)": now - before}

    def value(self, p: Printed) -> float | None:
        exp = self.expected(p)
        return None if exp is None or pd.isna(exp.value) else float(exp.value)

    # -- the registry --------------------------------------------------------------------
    def expected(self, p) -> Expected | None:
        """The recomputed value of a printed subject (a :class:`Printed` or a row); None when no rule applies."""
        if not isinstance(p, Printed):
            p = Printed.from_row(p, self.year)
        fn = RULES.get((p.subject, p.metric))
        if fn is None or any(v not in self.ids(c) for c, v in p.ids.items()):
            return None  # unknown metric, or an id the data do not hold (a referential finding)
        return fn(self, p)

    def data_alternatives(self, p: Printed) -> dict[str, float]:
        """The dataset's own habits (metadata.yml ``audit.alternatives``) applied to ``p``."""
        out: dict[str, float] = {}
        for alt in self.habits:
            if p.metric not in alt["metric"] or (alt["report_table"] and p.report_table not in alt["report_table"]):
                continue
            changes = dict(alt["set"])
            if "subject" in changes:  # another subject: its ids come from `set` or `each`
                changes.update({c: changes.get(c) for c in ID_COLUMNS})
            base = replace(p, **changes)
            variants = [replace(base, **{alt["each"]: i}) for i in self.ids(alt["each"])] if alt["each"] else [base]
            for q in variants:
                v = self.value(q)
                if v is not None:
                    out.setdefault(_fill(alt["cause"], {**q.__dict__, "value": format_number(v, 2)}), v)
        return out


# -- rules: one per subject and metric ----------------------------------------------------


@rule("indikator", "capaian_pct")
def capaian(rc: Recomputer, p: Printed) -> Expected | None:
    """Capaian of one indicator in a year; alternative: its realisasi over another row's target."""
    if not p.indikator_id:
        return None
    kinds = (rc.kind_of(p.indikator_id),)
    frame = rc.measured(p.year, p.basis, kinds)
    if p.indikator_id not in frame.index:
        t = rc.tren[(rc.tren["indikator_id"] == p.indikator_id) & (rc.tren["year"] == p.year)]
        return Expected(float(t["capaian_pct"].iloc[0])) if len(t) else None
    row = frame.loc[p.indikator_id]
    alts = {
        f"realisasi dibagi target baris lain ({o['short_name']}: {format_number(o['target'])})": row["realisasi"]
        / o["target"]
        * 100
        for other, o in rc.measured_rows(p.year, p.basis, kinds)
        if other != p.indikator_id and o["target"]
    }
    return Expected(float(row["capaian_pct"]), alts)


@rule("indikator", "target", "realisasi")
def target_realisasi(rc: Recomputer, p: Printed) -> Expected | None:
    if not p.indikator_id:
        return None
    frame = rc.measured(p.year, p.basis, (rc.kind_of(p.indikator_id),))
    return Expected(float(frame.loc[p.indikator_id, p.metric])) if p.indikator_id in frame.index else None


@rule("indikator", "peningkatan_pct", "penurunan_pct")
def change(rc: Recomputer, p: Printed) -> Expected | None:
    """Change from the year before, in points (signed: a fall is negative)."""
    level = "capaian_pct" if p.indikator_id else "rata_rata_capaian_pct"
    now, before = rc.value(replace(p, metric=level)), rc.value(replace(p, metric=level, year=p.year - 1))
    if now is None or before is None:
        return None
    return Expected(now - before, rc.printed_difference(p, level), rounding=0.01)


@rule("indikator", "rata_rata_capaian_pct")
def year_average(rc: Recomputer, p: Printed) -> Expected | None:
    """Average capaian of every indicator with a value that year (the dataset's policy applies)."""
    if p.indikator_id:
        return None
    if p.sasaran_id:
        return sasaran_average(rc, p)
    if p.year not in rc.years.index:
        return None
    t = rc.tren[rc.tren["year"] == p.year]
    alts = rc.divisors(rc.pol.capped(t["capaian_pct"]), rc.tren["indikator_id"].nunique())
    shown = rc.printed_column(p.about_table or p.report_table, p)
    if len(shown):
        alts["rata-rata dari angka per baris yang tercetak di tabel ini (sebagian angka itu keliru)"] = shown.mean()
    return Expected(float(rc.years.loc[p.year, "rata_rata_capaian_pct"]), alts)


@rule("sasaran", "rata_rata_capaian_pct")
def sasaran_average(rc: Recomputer, p: Printed) -> Expected | None:
    """Average capaian of a sasaran strategis's indicators."""
    if not p.sasaran_id or p.year != rc.year:
        return None
    summary, _ = kinerja.sasaran_summary(rc.ds, p.year)
    per = summary.set_index("sasaran_id")["rata_rata_capaian_pct"]
    if p.sasaran_id not in per.index:
        return None
    f = rc.measured(p.year, p.basis)
    vals = f[f["sasaran_id"] == p.sasaran_id]["capaian_pct"]
    return Expected(float(per[p.sasaran_id]), rc.divisors(vals, len(vals)))


@rule("sasaran", "jumlah_sasaran")
def count_sasaran(rc: Recomputer, p: Printed) -> Expected | None:
    if p.sasaran_id:
        return None
    return Expected(float((_table(rc.ds, "sasaran")["level"] == "strategis").sum()))


@rule("indikator", "jumlah_indikator", "jumlah_tercapai", "jumlah_belum_tercapai")
def count_indikator(rc: Recomputer, p: Printed) -> Expected | None:
    """Indicators counted at the Perjanjian Kinerja level: sub-rows averaged into their parent."""
    f = rc.members(p)
    per = f.groupby(f["parent_id"].fillna(pd.Series(f.index, index=f.index)), sort=False)["capaian_pct"].mean()
    ok = int((per >= p.threshold).sum())
    value = {"jumlah_indikator": len(per), "jumlah_tercapai": ok, "jumlah_belum_tercapai": len(per) - ok}[p.metric]
    alts = {}
    if p.sasaran_id and p.metric == "jumlah_indikator":
        alts["jumlah sasaran kegiatan (sub-kegiatan) dikutip sebagai jumlah indikator"] = f["kode_rekening"].nunique()
    if p.sasaran_id and p.metric == "jumlah_belum_tercapai":
        partial = ", ".join(
            f"{n} ({format_number(c, 2)}%)" for n, c in zip(f["name"], f["capaian_pct"]) if 0 < c < p.threshold
        )
        cause = f"hanya kegiatan yang tidak dilaksanakan (capaian 0%) dihitung; yang tercapai sebagian tidak: {partial}"
        alts[cause] = float((f["capaian_pct"] == 0).sum())
    return Expected(float(value), alts)


@rule("indikator", "capaian_min_pct", "capaian_max_pct")
def capaian_extreme(rc: Recomputer, p: Printed) -> Expected | None:
    """Lowest or highest capaian among the indicators of a group (each measured row counts)."""
    s = _select(rc.members(p)["capaian_pct"], p)
    if s.empty:
        return None
    lowest = p.metric == "capaian_min_pct"
    alts = (
        {f"ambang {format_number(p.threshold)}% dikutip sebagai nilai terendah": p.threshold}
        if lowest and p.group == "mencapai_ambang"
        else {}
    )
    return Expected(float(s.min() if lowest else s.max()), alts)


@rule("kegiatan", "jumlah_kegiatan", "serapan_min_pct", "serapan_max_pct")
def kegiatan_groups(rc: Recomputer, p: Printed) -> Expected | None:
    """Sub-kegiatan tied to a sasaran (sasaran_kegiatan, deepest linked rows), grouped by serapan."""
    links = _table(rc.ds, "sasaran_kegiatan")
    if p.sasaran_id:
        links = links[links["sasaran_id"] == p.sasaran_id]
    codes = links["kode_rekening"]
    if not len(_table(rc.ds, "sasaran_kegiatan")):
        codes = rc.tree.index[rc.tree["is_leaf"]]
    codes = most_detailed(codes, rc.tree["parent_kode"])  # a program linked beside its own sub-kegiatan
    g = _select(rc.tree.loc[codes, "serapan_pct"], p) if codes else pd.Series(dtype=float)
    if p.metric == "jumlah_kegiatan":
        return Expected(float(len(g)))
    if g.empty:
        return None
    return Expected(float(g.min() if p.metric == "serapan_min_pct" else g.max()))


@rule("anggaran", "pagu_rp", "realisasi_rp", "serapan_pct")
def anggaran(rc: Recomputer, p: Printed) -> Expected | None:
    """A budget row (subtotals rolled up from the leaves), or the agency's whole budget."""
    if rc.tree.empty:
        return None
    if p.kode_rekening:
        return Expected(_zero_if_empty_anggaran(rc.tree.loc[p.kode_rekening], p.metric))
    r = rc.tree[rc.tree["depth"] == 0][["pagu_rp", "realisasi_rp"]].sum(min_count=1)  # every top-level row
    r["serapan_pct"] = serapan_pct(r["realisasi_rp"], r["pagu_rp"])
    return Expected(_zero_if_empty_anggaran(r, p.metric))


@rule("belanja_jenis", "anggaran_rp", "realisasi_rp", "serapan_pct")
def belanja(rc: Recomputer, p: Printed) -> Expected | None:
    """An economic class of spending, or the sum of the top classes."""
    if rc.belanja.empty:
        return None
    if p.jenis_id:
        r = rc.belanja.loc[p.jenis_id]
    else:
        r = rc.belanja[rc.belanja["depth"] == 0][["anggaran_rp", "realisasi_rp"]].sum()
        r["serapan_pct"] = serapan_pct(r["realisasi_rp"], r["anggaran_rp"])
    return Expected(
        _zero_if_empty_anggaran(
            r.rename({"anggaran_rp": "pagu_rp"}), "pagu_rp" if p.metric == "anggaran_rp" else p.metric
        )
    )


@rule("wilayah", "jumlah_kecamatan", "jumlah_desa", "jumlah_kelurahan", "jumlah_desa_kelurahan")
def wilayah(rc: Recomputer, p: Printed) -> Expected | None:
    """A kabupaten's counts, or the region's total."""
    w = _table(rc.ds, "wilayah")
    if w.empty:
        return None
    w = w.assign(jumlah_desa_kelurahan=w["jumlah_desa"] + w["jumlah_kelurahan"])
    if p.kabupaten:
        return Expected(float(w.set_index("kabupaten").loc[p.kabupaten, p.metric]))
    return Expected(float(w[p.metric].sum()))


def _zero_if_empty_anggaran(row, column: str) -> float:
    """Serapan of a zero budget is printed 0 by convention; treat that as consistent."""
    if column == "serapan_pct" and (pd.isna(row["serapan_pct"])) and row["pagu_rp"] == 0:
        return 0.0
    return float(row[column])


def _fill(text: str, values: dict) -> str:
    """A cause from metadata.yml with its ``{name}`` placeholders filled (text from data is never a format)."""
    return placeholders.fill(text, {k: ("" if v is None else v) for k, v in values.items()})


def alternatives_config(meta: dict) -> list[dict]:
    """``audit.alternatives`` of metadata.yml, checked: each names metrics, changes and a cause."""
    cfg = ((meta or {}).get("audit") or {}).get("alternatives") or []
    names = {f.name for f in fields(Printed)}
    out = []
    for i, alt in enumerate(cfg if isinstance(cfg, list) else [cfg]):
        where = f"audit.alternatives[{i}]"
        if not isinstance(alt, dict) or not alt.get("metric") or not alt.get("cause"):
            raise DataError("metadata.yml", f"{where}: harus berisi 'metric' dan 'cause'")
        changes = alt.get("set") or {}
        each = alt.get("each")
        if not isinstance(changes, dict):
            raise DataError("metadata.yml", f"{where}.set: harus berupa pasangan kolom: nilai")
        bad = [k for k in changes if k not in names] + ([each] if each and each not in ID_COLUMNS else [])
        if bad:
            raise DataError("metadata.yml", f"{where}: kolom tidak dikenal {bad}; yang dikenal: {sorted(names)}")
        for k, v in changes.items():
            f = schema.FIELDS.get(k)
            numeric = f is not None and f.dtype in ("int", "float")
            if v is not None and (
                numeric
                and (isinstance(v, bool) or not isinstance(v, (int, float)))
                or f is not None
                and f.isin
                and v not in f.isin
            ):
                allowed = "sebuah angka" if numeric else "salah satu dari: " + ", ".join(f.isin)
                raise DataError("metadata.yml", f"{where}.set.{k}: tertulis {v!r}, seharusnya {allowed}")
        bad_brace = placeholders.problem(str(alt["cause"]), (*sorted(names), "value"))
        if bad_brace is not None:
            raise DataError(
                "metadata.yml",
                f"{where}.cause: memuat {bad_brace[:40]!r}; kurung kurawal hanya untuk nama kolom subjek atau "
                "{value}, mis. {kode_rekening}",
            )
        metric, tables = alt["metric"], alt.get("report_table") or []
        out.append(
            {
                "metric": [metric] if isinstance(metric, str) else list(metric),
                "report_table": [tables] if isinstance(tables, str) else list(tables),
                "set": changes,
                "each": each,
                "cause": str(alt["cause"]),
            }
        )
    return out


def _truncated(value: float, decimals: int) -> float:
    factor = 10**decimals
    return math.trunc(value * factor) / factor


def _one_digit_apart(a: str, b: str) -> bool:
    da, db = re.sub(r"\D", "", a), re.sub(r"\D", "", b)
    return len(da) == len(db) and sum(x != y for x, y in zip(da, db)) == 1


def likely_cause(
    printed_text: str, reported: float, exp: Expected, tolerance: float, elsewhere: dict[str, float]
) -> str:
    """Plain words for why a printed value differs from the recomputed one."""
    for cause, alt in exp.alternatives.items():
        if alt is not None and not pd.isna(alt) and abs(alt - reported) <= tolerance:
            return cause
    decimals = printed_decimals(printed_text)
    if abs(_truncated(exp.value, decimals) - reported) < 1e-9:
        return (
            f"angka dipotong (truncation) ke {decimals} desimal, bukan dibulatkan"
            if decimals
            else "angka dipotong (truncation) tanpa desimal, bukan dibulatkan"
        )
    recomputed_text = format_number(exp.value, decimals)
    for where, alt in elsewhere.items():
        if abs(alt - reported) <= tolerance:
            return f"sama dengan nilai lain dalam laporan ({where}); kemungkinan tertukar atau tersalin"
    if _one_digit_apart(printed_text, recomputed_text):
        return f"salah ketik: satu digit berbeda ({printed_text} tercetak, {recomputed_text} seharusnya)"
    return exp.hint or "penyebab tidak dapat disimpulkan; periksa dokumen sumber"


def _finding(
    jenis: str, report_table: str, p: Printed, printed_text: str, cause: str, metric: str | None = None, **numbers
) -> dict:
    row = {
        "jenis": jenis,
        "report_table": report_table,
        "subject_label": subject_label(p),
        "subject": p.subject,
        **{c: getattr(p, c) for c in ID_COLUMNS},
        "metric": metric or p.metric,
        "year": p.year,
        "printed_text": printed_text,
        "cause": cause,
    }
    return {**{c: np.nan for c in ("reported", "recomputed", "difference", "tolerance")}, **row, **numbers}


def audit(ds: Dataset, tolerance: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the audit.

    Args:
        ds: a loaded dataset.
        tolerance: absolute tolerance for every comparison; None = half a unit of the
            last printed digit of each value.

    Returns:
        (findings, checked): findings has one row per disagreement (FINDING_COLUMNS);
        checked lists every printed value compared, with subject_label, recomputed and status.
    """
    cached = ds.cache.get(("audit", tolerance))
    if cached is not None:
        return cached[0].copy(), cached[1].copy()
    rc = Recomputer(ds)
    alternatives_config(ds.meta)  # a malformed audit section of metadata.yml: one message before anything else
    rows, checked = [], []
    printed = rc.printed
    # every printed value with its label and keys, once: a finding is compared with all the others
    shown = [
        (q, subject_label(q), q.subject_key, q.quantity_key, r)
        for q, r in zip(rc.rows, printed.to_dict("records"))
        if not pd.isna(r["value"])  # printed '-': nothing to compare
    ]
    for p, label, subject_key, quantity_key, r in shown:
        exp = rc.expected(p)
        base = {**r, "subject_label": label}
        if exp is None or pd.isna(exp.value):
            checked.append({**base, "recomputed": np.nan, "status": "tidak diperiksa"})
            continue
        tol = (default_tolerance(r["printed_text"]) if tolerance is None else tolerance) + exp.rounding
        reported = float(r["value"])
        ok = abs(reported - exp.value) <= tol + 1e-9
        checked.append({**base, "recomputed": exp.value, "status": "sesuai" if ok else "berbeda"})
        if ok:
            continue
        exp.alternatives.update({k: v for k, v in rc.data_alternatives(p).items() if k not in exp.alternatives})
        elsewhere = {
            f"{q.report_table} {q_label} {q.metric} {q.year}": float(o["value"])
            for q, q_label, q_subject, _, o in shown
            if q_subject != subject_key and q.report_table == p.report_table
        }
        twins = {
            q.report_table: o["printed_text"]
            for q, _, _, q_quantity, o in shown
            if q_quantity == quantity_key
            and q.report_table != p.report_table
            and abs(float(o["value"]) - reported) > tol
        }
        if twins and not exp.hint:
            exp.hint = (
                "tidak sama dengan "
                + ", ".join(f"{t} ({v})" for t, v in twins.items())
                + " untuk besaran yang sama; data mendukung "
                + format_number(exp.value, 2)
            )
        rows.append(
            _finding(
                "angka",
                p.report_table,
                p,
                r["printed_text"],
                likely_cause(r["printed_text"], reported, exp, tol, elsewhere),
                reported=reported,
                recomputed=exp.value,
                difference=reported - exp.value,
                tolerance=tol,
            )
        )
    rows += referential_findings(ds, rc)
    findings = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    for c in ("reported", "recomputed", "difference", "tolerance"):
        findings[c] = findings[c].astype(float)
    findings["year"] = findings["year"].astype("Int64")
    ds.cache[("audit", tolerance)] = (findings, pd.DataFrame(checked))
    return findings.copy(), ds.cache[("audit", tolerance)][1].copy()


def referential_findings(ds: Dataset, rc: Recomputer | None = None) -> list[dict]:
    """Names and ids that do not resolve: printed subjects, places, indicators outside the PK."""
    rc = rc or Recomputer(ds)
    out = []
    for p in rc.rows:
        for column, value in p.ids.items():
            if value not in rc.ids(column):
                cause = f"{column.replace('_', ' ')} '{value}' tidak ada di {ID_COLUMNS[column]}.csv"
                out.append(_finding("rujukan", p.report_table, p, value, metric=column, cause=cause))
    out += _places_outside_region(ds)
    out += _indikator_outside_pk(ds)
    return out


def _places_outside_region(ds: Dataset) -> list[dict]:
    """Every other table's kabupaten must be one of wilayah.csv (when the dataset has a region)."""
    places = set(_table(ds, "wilayah")["kabupaten"])
    if not places:
        return []
    out = []
    for name, table in schema.TABLES.items():
        t = _table(ds, name)
        if name in ("wilayah", "nilai_tercetak") or "kabupaten" not in t.columns or t.empty:
            continue
        for _, r in t.iterrows():
            if pd.isna(r["kabupaten"]) or r["kabupaten"] in places:
                continue
            where = ", ".join(f"{c} {r[c]}" for c in ("desa", "kecamatan") if c in t.columns and pd.notna(r[c]))
            label = name + " " + " ".join(str(r[k]) for k in table.key)
            source = next(
                (r[c] for c in ("source_section", "source_table") if c in t.columns and pd.notna(r[c])), table.filename
            )
            out.append(
                _finding(
                    "rujukan",
                    source,
                    Printed(label=label),
                    r["kabupaten"],
                    metric="kabupaten",
                    cause=f"kabupaten '{r['kabupaten']}' tidak ada di wilayah.csv" + (f" ({where})" if where else ""),
                )
            )
    return out


def _indikator_outside_pk(ds: Dataset) -> list[dict]:
    """Indicators measured against a PK target that the (latest) Perjanjian Kinerja does not hold, or drops."""
    docs = _table(ds, "dokumen_perencanaan")
    doc = next((d for d in ("pk_perubahan", "pk_awal") if (docs["document"] == d).any()), None)
    if doc is None:
        return []
    pk_rows = docs[docs["document"] == doc]
    pk = pk_rows.dropna(subset=["indikator_id"]).drop_duplicates("indikator_id").set_index("indikator_id")
    tables = ", ".join(dict.fromkeys(pk_rows["source_table"].dropna()))
    name = ("PK Perubahan" if doc == "pk_perubahan" else "Perjanjian Kinerja") + (f" ({tables})" if tables else "")
    target = _table(ds, "target")
    measured = target[(target["year"] == ds.year) & (target["basis"] == "pk")]
    parents = _table(ds, "indikator").set_index("indikator_id")["parent_id"]
    out = []
    for _, t in measured.iterrows():
        ind = t["indikator_id"]
        where = t["source_table"] if "source_table" in t.index and pd.notna(t["source_table"]) else "target.csv"
        p = Printed(subject="indikator", indikator_id=ind, year=ds.year)
        key = ind if ind in pk.index else parents.get(ind)
        if key is None or pd.isna(key) or key not in pk.index:
            out.append(
                _finding(
                    "rujukan",
                    where,
                    p,
                    ind,
                    metric="indikator_id",
                    cause=f"indikator diukur di Bab III tetapi tidak ada dalam {name}",
                )
            )
        elif pk.loc[key, "target"] == 0 and pd.notna(t["target"]) and t["target"] > 0:  # a draft may lack targets
            out.append(
                _finding(
                    "rujukan",
                    where,
                    p,
                    format_number(t["target"]),
                    metric="target",
                    cause=f"diukur dengan target {format_number(t['target'])}, padahal {name} "
                    "menetapkan target 0 (kegiatan dihapus)",
                )
            )
    return out
