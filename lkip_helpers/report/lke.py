"""Before the evaluator comes: the report checked against the LKE criteria for Pelaporan Kinerja.

The criteria, weights, answer scale and grade bands are data (``lke_pelaporan.yml`` beside this
module, from PermenPAN-RB 88/2021; a dataset may bring its evaluator's version as
``data/<dataset>/lke.yml``). A criterion with an ``uji`` is decided here from the data, with its
evidence: how many of what were checked, which are missing (by name), and the step in the tool
that would meet it. A criterion without one is for the evaluator to judge; it is listed with the
evidence the evaluator will ask for, and the score is given as the range those can still move it.
Load (:func:`criteria`) → decide (:data:`CHECKS`) → score (:func:`penilaian`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from lkip_helpers.analysis import kinerja
from lkip_helpers.analysis.audit import audit
from lkip_helpers.analysis.drilldown import (
    NARASI_CAUSE,
    NARASI_EFFORT,
    benchmarks,
    medium_term,
    stated,
    yearly_values,
)
from lkip_helpers.analysis.kegiatan import efisiensi_frame, efisiensi_per_iku, iku_kegiatan
from lkip_helpers.data import safe_yaml
from lkip_helpers.data.loading import Dataset
from lkip_helpers.errors import DataError
from lkip_helpers.numbers import format_number
from lkip_helpers.report import sections
from lkip_helpers.report.dokumen.compose import gaps
from lkip_helpers.report.report_table import Column, ReportTable

CRITERIA_FILE = Path(__file__).with_name("lke_pelaporan.yml")
OVERRIDE_FILE = "lke.yml"

TERPENUHI = "terpenuhi"
SEBAGIAN = "sebagian"
TIDAK = "tidak terpenuhi"
EVALUATOR = "dinilai evaluator"

# One row per criterion; poin_min/poin_max: its points in the component, the same when decided from the data.
HASIL_COLUMNS = [
    "kode",
    "subkomponen",
    "kriteria",
    "status",
    "jumlah",
    "kurang",
    "langkah",
    "jawaban",
    "nilai_pct",
    "bukti",
    "poin_min",
    "poin_max",
    "bobot_komponen",
]
SKOR_COLUMNS = ["kode", "nama", "bobot", "nilai_min", "nilai_max", "n_kriteria", "n_diputuskan"]


# --- Load ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kriteria:
    kode: str
    teks: str
    uji: str | None
    bukti: str


@dataclass(frozen=True)
class Subkomponen:
    kode: str
    nama: str
    bobot: float
    kriteria: tuple[Kriteria, ...]


@dataclass(frozen=True)
class Lke:
    """The criteria of one version of the LKE (package default or the dataset's ``lke.yml``)."""

    sumber: str
    komponen: str
    bobot: float
    jawaban: dict[str, float]
    predikat: tuple[tuple[float | None, str, str], ...]
    subkomponen: tuple[Subkomponen, ...]
    path: Path = field(default=CRITERIA_FILE)

    def grade(self, pct: float) -> str:
        """The grade band a score (0-100) falls in: 'BB (Sangat Baik)'."""
        for low, name, meaning in self.predikat:
            if low is None or pct > low:
                return f"{name} ({meaning})"
        return ""

    def answer(self, share: float) -> str:
        """The highest answer whose value does not exceed ``share`` × 100 (the share of items met)."""
        fits = [(v, k) for k, v in self.jawaban.items() if v <= share * 100 + 1e-9]
        return max(fits)[1] if fits else min((v, k) for k, v in self.jawaban.items())[1]


def _fail(path: Path, key: str, message: str) -> DataError:
    return DataError(path, message, key=key)


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def parse(raw, path: Path) -> Lke:
    """The criteria of ``raw`` (the YAML read), checked: any problem names the key at fault."""
    if not isinstance(raw, dict):
        raise DataError(path, "diharapkan bagian sumber, komponen, jawaban, predikat, subkomponen")
    for key in ("sumber", "komponen", "jawaban", "predikat", "subkomponen"):
        if key not in raw:
            raise _fail(path, key, "kunci wajib tidak ada (lihat berkas bawaan lkip_helpers/report/lke_pelaporan.yml)")
    komp = raw["komponen"]
    if not isinstance(komp, dict) or not _number(komp.get("bobot")) or not isinstance(komp.get("nama"), str):
        raise _fail(path, "komponen", "diharapkan {kode: TEKS, nama: TEKS, bobot: ANGKA}")
    jawaban = raw["jawaban"]
    if not isinstance(jawaban, dict) or not jawaban or not all(_number(v) and 0 <= v <= 100 for v in jawaban.values()):
        raise _fail(path, "jawaban", "diharapkan {HURUF: NILAI 0-100, ...}, mis. {AA: 100, A: 90, ..., E: 0}")
    bands = []
    for i, b in enumerate(raw["predikat"] or []):
        low = b.get("di_atas") if isinstance(b, dict) else "?"
        if not (low is None or _number(low)) or not isinstance(b.get("predikat"), str):
            raise _fail(path, f"predikat[{i}]", "diharapkan {di_atas: ANGKA atau null, predikat: TEKS, arti: TEKS}")
        bands.append((None if low is None else float(low), b["predikat"], str(b.get("arti", ""))))
    subs = []
    for i, s in enumerate(raw["subkomponen"] or []):
        at = f"subkomponen[{i}]"
        if not isinstance(s, dict) or not _number(s.get("bobot")) or not isinstance(s.get("kriteria"), list):
            raise _fail(path, at, "diharapkan {kode: TEKS, nama: TEKS, bobot: ANGKA, kriteria: [...]}")
        items = []
        for j, k in enumerate(s["kriteria"]):
            kat = f"{at}.kriteria[{j}]"
            if not isinstance(k, dict) or not isinstance(k.get("teks"), str) or not k.get("kode"):
                raise _fail(path, kat, "diharapkan {kode: TEKS, teks: TEKS, uji: NAMA (opsional), bukti: TEKS}")
            uji = k.get("uji")
            if uji is not None and uji not in CHECKS:
                raise _fail(path, f"{kat}.uji", f"tertulis {uji!r}; uji yang dikenal: " + ", ".join(CHECKS))
            items.append(Kriteria(str(k["kode"]), k["teks"], uji, str(k.get("bukti") or "")))
        subs.append(Subkomponen(str(s.get("kode", "")), str(s.get("nama", "")), float(s["bobot"]), tuple(items)))
    return Lke(
        str(raw["sumber"]),
        str(komp["nama"]),
        float(komp["bobot"]),
        {str(k): float(v) for k, v in jawaban.items()},
        tuple(bands),
        tuple(subs),
        path,
    )


def criteria(ds: Dataset | None = None) -> Lke:
    """The LKE criteria for ``ds``: its ``lke.yml`` when it has one, else the package's (checked).

    Raises:
        DataError: the file cannot be read or a key is wrong (naming file and key).
    """
    own = None if ds is None else ds.path / OVERRIDE_FILE
    path = own if own is not None and own.exists() else CRITERIA_FILE
    raw = safe_yaml.load_file(path)  # one-line errors naming file and line (also for UTF-16, control characters)
    return parse(raw, path)


# --- Decide ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Temuan:
    """What one check found: ``met`` of ``n`` items (``satuan``), what is missing, and the step to take."""

    met: int
    n: int
    satuan: str
    kurang: list[str]
    langkah: str = ""
    undecided: str = ""  # why the data cannot decide it after all (then the evaluator judges)

    @property
    def share(self) -> float:
        return 1.0 if self.n == 0 else self.met / self.n


def _iku(ds: Dataset) -> pd.DataFrame:
    m = kinerja.measured(ds)
    return m[m["status"] != kinerja.DIHAPUS]


LISTED_NAMES = 20  # names in one cell; a ministry's thousands would make a cell nobody reads


def _listed(names) -> str:
    names = list(names)
    if len(names) <= LISTED_NAMES:
        return "; ".join(names)
    rest = len(names) - LISTED_NAMES
    return "; ".join(names[:LISTED_NAMES]) + f"; … dan {format_number(rest, 0)} lainnya"


def _per_iku(ds: Dataset, ok: Callable[[str], bool], step: str) -> Temuan:
    m = _iku(ds)
    missing = [n for i, n in zip(m["indikator_id"], m["short_name"]) if not ok(i)]
    langkah = f"{step} untuk {len(missing)} IKU: {_listed(missing)}" if missing else ""
    return Temuan(len(m) - len(missing), len(m), "IKU", missing, langkah)


@dataclass
class _Evidence:
    """What the document and the audit say, computed once per check run."""

    ds: Dataset
    _gaps: list[str] | None = None

    @property
    def gaps(self) -> list[str]:
        if self._gaps is None:
            self._gaps = gaps(self.ds)  # the document's own list of what it lacks
        return self._gaps


def _disusun(ev: _Evidence) -> Temuan:
    ds = ev.ds
    m = _iku(ds)
    unmeasured = [n for n, c in zip(m["short_name"], m["capaian_pct"]) if pd.isna(c)]
    kurang = (["status dataset masih draf"] if ds.draft else []) + [f"capaian belum terukur: {n}" for n in unmeasured]
    steps = []
    if unmeasured:
        steps.append(f"isi realisasi {ds.year} untuk {len(unmeasured)} IKU: {_listed(unmeasured)}")
    if ds.draft:
        steps.append("ubah dataset.status menjadi final di metadata.yml setelah isian lengkap")
    met = int(not ds.draft) + int(not unmeasured)
    return Temuan(met, 2, "syarat", kurang, "; ".join(steps))


_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "januari",
            "februari",
            "maret",
            "april",
            "mei",
            "juni",
            "juli",
            "agustus",
            "september",
            "oktober",
            "november",
            "desember",
        ],
        1,
    )
}


def date_span(text) -> tuple[date, date] | None:
    """The first and last day a written date may mean: '31 Maret 2024', 'Januari 2024', '2024-03-31'.

    >>> date_span("Januari 2024"), date_span("2024-03-31")[0], date_span("tahun depan")
    ((datetime.date(2024, 1, 1), datetime.date(2024, 1, 31)), datetime.date(2024, 3, 31), None)
    """
    if not isinstance(text, str):
        return None
    s = text.strip().lower()
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s)
    if iso:
        d = date(*map(int, iso.groups()))
        return d, d
    m = re.fullmatch(r"(?:(\d{1,2})\s+)?([a-z]+)\s+(\d{4})", s)
    if not m or m.group(2) not in _MONTHS:
        return None
    year, month = int(m.group(3)), _MONTHS[m.group(2)]
    if m.group(1):
        d = date(year, month, int(m.group(1)))
        return d, d
    last = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
    return date(year, month, 1), date(year, month, last)


def _tepat_waktu(ev: _Evidence) -> Temuan:
    d = ev.ds.meta["dataset"]
    due, when = date_span(d.get("batas_penyampaian")), date_span(d.get("tanggal"))
    if due is None:
        return Temuan(
            0,
            1,
            "syarat",
            [],
            "catat batas waktu penyampaian (dataset.batas_penyampaian di metadata.yml) agar kriteria ini dapat diperiksa",
            "batas waktu penyampaian tidak dicatat",
        )
    if when is None:
        return Temuan(
            0, 1, "syarat", [], "catat tanggal LKIP (dataset.tanggal di metadata.yml)", "tanggal LKIP tidak dicatat"
        )
    if when[1] <= due[0]:
        return Temuan(1, 1, "syarat", [])
    if when[0] > due[1]:
        return Temuan(
            0,
            1,
            "syarat",
            [f"LKIP bertanggal {d['tanggal']}, setelah batas {d['batas_penyampaian']}"],
            "sampaikan LKIP sebelum batas waktu",
        )
    return Temuan(0, 1, "syarat", [], "", f"tanggal LKIP ({d['tanggal']}) tidak cukup rinci terhadap batas waktu")


def _standar(ev: _Evidence) -> Temuan:
    ds = ev.ds
    kurang, steps = [], []
    if ev.gaps:
        kurang.append(f"{len(ev.gaps)} isian LKIP belum ada datanya")
        steps.append(f"lengkapi {len(ev.gaps)} isian LKIP yang belum ada datanya (daftarnya: lkip validate)")
    consistent = True
    if not ds.nilai_tercetak.empty:  # empty: the document is made from the data, so its numbers agree by construction
        findings, checked = audit(ds)
        bad = int((checked["status"] == "berbeda").sum())
        refs = int((findings["jenis"] == "rujukan").sum())
        if bad or refs:
            consistent = False
            kurang.append(f"{bad} angka tercetak berbeda dari hitung ulang, {refs} temuan rujukan")
            steps.append("perbaiki angka dan rujukan yang ditunjukkan audit konsistensi sebelum laporan dicetak ulang")
    return Temuan(int(not ev.gaps) + int(consistent), 2, "syarat", kurang, "; ".join(steps))


def _informasi_lengkap(ev: _Evidence) -> Temuan:
    ds = ev.ds
    rows = pd.concat([kinerja.measured(ds), kinerja.measured(ds, kind="ikk")], ignore_index=True)
    rows = rows[rows["status"] != kinerja.DIHAPUS]
    missing = [f"{n} ({s})" for n, s, c in zip(rows["short_name"], rows["status"], rows["capaian_pct"]) if pd.isna(c)]
    names = [n for n, c in zip(rows["short_name"], rows["capaian_pct"]) if pd.isna(c)]
    step = f"isi target PK dan realisasi {ds.year} untuk {len(names)} indikator: {_listed(names)}" if names else ""
    return Temuan(len(rows) - len(missing), len(rows), "indikator PK", missing, step)


def _banding_target(ev: _Evidence) -> Temuan:
    ds = ev.ds
    cap = _iku(ds).set_index("indikator_id")["capaian_pct"]
    return _per_iku(ds, lambda i: pd.notna(cap[i]), f"isi target PK dan realisasi {ds.year}")


def _banding_jangka_menengah(ev: _Evidence) -> Temuan:
    ds = ev.ds
    plan = ds.meta["dataset"].get("rencana_jangka_menengah") or "jangka menengah"
    return _per_iku(ds, lambda i: medium_term(ds, i) is not None, f"isi target {plan} (target.csv, basis rpjmd)")


def _banding_tahun_lalu(ev: _Evidence) -> Temuan:
    ds = ev.ds

    def earlier(i: str) -> bool:
        y = yearly_values(ds, i)
        y = y[y["tahun"] < ds.year]
        return bool(y[["realisasi", "capaian_pct"]].notna().any(axis=None))

    return _per_iku(ds, earlier, "isi realisasi tahun-tahun sebelumnya (realisasi.csv atau capaian_historis.csv)")


def _banding_pembanding(ev: _Evidence) -> Temuan:
    ds = ev.ds
    return _per_iku(
        ds, lambda i: not benchmarks(ds, i).empty, "tambahkan pembanding nasional atau instansi lain (pembanding.csv)"
    )


def _penyebab(ev: _Evidence) -> Temuan:
    ds = ev.ds
    m = _iku(ds)
    below = m[m["capaian_pct"].notna() & ~m["tercapai"].astype(bool)]
    missing, names = [], []
    for i, n in zip(below["indikator_id"], below["short_name"]):
        lacks = [w for w, kinds in (("penyebab", NARASI_CAUSE), ("upaya", NARASI_EFFORT)) if not stated(ds, i, kinds)]
        if lacks:
            missing.append(f"{n} (belum ada {' dan '.join(lacks)})")
            names.append(n)
    step = (
        f"isi penyebab dan upaya (narasi.csv: penyebab_kendala, solusi) untuk {len(names)} IKU di bawah target: "
        + _listed(names)
        if names
        else ""
    )
    return Temuan(len(below) - len(missing), len(below), "IKU di bawah target", missing, step)


def _efisiensi(ev: _Evidence) -> Temuan:
    ds = ev.ds
    per = efisiensi_per_iku(ds)
    own = set(per.loc[per["verdict"] != "tidak dapat dinilai", "indikator_id"])
    f = efisiensi_frame(ds)
    judged = set(f.loc[f["verdict"] != "tidak dapat dinilai", "kode_rekening"])
    ties = iku_kegiatan(ds)
    via = set(ties.loc[ties["kode_rekening"].isin(judged), "indikator_id"])
    step = (
        "kaitkan kegiatan beranggaran dengan indikator outputnya (kode_rekening di indikator.csv, atau "
        "sasaran_kegiatan.csv) dan isi pagu serta realisasinya"
    )
    if ds.unavailable("anggaran"):  # the agency states it has no budget data: what it would take, not a slip
        step = (
            "data anggaran dinyatakan tidak tersedia (tidak_tersedia.anggaran di metadata.yml), sehingga efisiensi "
            "tidak dapat diinformasikan; bila pagu dan realisasi per program dan kegiatan dapat diperoleh, isi "
            "anggaran.csv, hapus kunci itu dan kaitkan kegiatannya"
        )
    return _per_iku(ds, lambda i: i in own or i in via, step)


def _rekomendasi(ev: _Evidence) -> Temuan:
    ds = ev.ds
    kinds = ("rencana_perbaikan", "solusi", "saran")
    n = int(ds.narasi["kind"].isin(kinds).sum()) if ds.has("narasi") else 0
    if n:
        return Temuan(1, 1, "syarat", [])
    return Temuan(
        0,
        1,
        "syarat",
        ["belum ada rencana perbaikan atau rekomendasi"],
        "isi rencana perbaikan kinerja ke depan (narasi.csv, kind rencana_perbaikan atau saran)",
    )


CHECKS: dict[str, Callable[[_Evidence], Temuan]] = {
    "disusun": _disusun,
    "tepat_waktu": _tepat_waktu,
    "standar": _standar,
    "informasi_lengkap": _informasi_lengkap,
    "banding_target": _banding_target,
    "banding_jangka_menengah": _banding_jangka_menengah,
    "banding_tahun_lalu": _banding_tahun_lalu,
    "banding_pembanding": _banding_pembanding,
    "penyebab": _penyebab,
    "efisiensi": _efisiensi,
    "rekomendasi": _rekomendasi,
}


# --- Score -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Penilaian:
    """The LKE check of one dataset: per criterion (``hasil``), per sub-component (``skor``), and the range."""

    lke: Lke
    hasil: pd.DataFrame
    skor: pd.DataFrame

    @property
    def nilai_min(self) -> float:
        return float(self.hasil["poin_min"].sum())

    @property
    def nilai_max(self) -> float:
        return float(self.hasil["poin_max"].sum())

    def rentang(self) -> list[str]:
        """Each sub-component's score: '3.b Dokumen …: 3,15 dari 4,50' or '3.c …: 0,00–7,50 dari 7,50'."""
        out = []
        for _, s in self.skor.iterrows():
            lo, hi = s["nilai_min"], s["nilai_max"]
            span = format_number(lo, 2) if abs(hi - lo) < 0.005 else f"{format_number(lo, 2)}–{format_number(hi, 2)}"
            out.append(f"{s['kode']} {s['nama']}: {span} dari {format_number(s['bobot'])}")
        return out

    @property
    def langkah(self) -> list[str]:
        """The steps that would meet the unmet criteria, in criterion order ('3.b.6: tambahkan …')."""
        h = self.hasil[self.hasil["langkah"] != ""]
        return [f"{k}: {s}" for k, s in zip(h["kode"], h["langkah"])]

    def ringkasan(self) -> str:
        """One line: the component's score range and how many criteria are met, partly, not, or the evaluator's."""
        counts = self.hasil["status"].value_counts()
        lo, hi, w = self.nilai_min, self.nilai_max, self.lke.bobot
        score = (
            f"{format_number(lo, 2)} dari {format_number(w)}"
            if abs(hi - lo) < 0.005
            else f"{format_number(lo, 2)}–{format_number(hi, 2)} dari {format_number(w)}"
        )
        parts = [f"{int(counts.get(s, 0))} {s}" for s in (TERPENUHI, SEBAGIAN, TIDAK, EVALUATOR) if counts.get(s, 0)]
        return f"{self.lke.komponen}: {score} ({', '.join(parts)})"

    def penjelasan(self) -> str:
        """How to read the range, in one sentence (the CLI, the page and the verification note say the same)."""
        n = int((self.hasil["status"] == EVALUATOR).sum())
        lo, hi = min(self.lke.jawaban, key=self.lke.jawaban.get), max(self.lke.jawaban, key=self.lke.jawaban.get)
        if not n:
            return f"Semua kriteria diputuskan dari data; setara predikat {self.setara()} pada skala predikat akhir."
        return (
            f"Batas bawah bila {n} kriteria yang dinilai evaluator dijawab {lo}, batas atas bila dijawab {hi}; "
            f"persen bobot komponen ini setara predikat {self.setara()} pada skala predikat akhir."
        )

    def setara(self) -> str:
        """The grade bands the component's share of its weight can still fall in ('C–AA'), for reference."""
        lo, hi = (self.lke.grade(x / self.lke.bobot * 100).split(" ")[0] for x in (self.nilai_min, self.nilai_max))
        return lo if lo == hi else f"{lo}–{hi}"

    def kesiapan(self) -> str:
        """The short column text of the cross-agency overview: score range and the sub-component 3.b met."""
        b = self.skor.iloc[1] if len(self.skor) > 1 else self.skor.iloc[0]
        unmet = int(self.hasil["status"].isin([SEBAGIAN, TIDAK]).sum())
        return (
            f"{format_number(self.nilai_min, 2)}–{format_number(self.nilai_max, 2)} dari {format_number(self.lke.bobot)}"
            f"; {b['kode']} {format_number(b['nilai_min'], 2)} dari {format_number(b['bobot'])}"
            + (f"; {unmet} kriteria belum terpenuhi" if unmet else "")
        )


def penilaian(ds: Dataset, gaps: list[str] | None = None) -> Penilaian:
    """Every criterion of the LKE's Pelaporan component decided from ``ds`` where the data can, and the score range.

    ``gaps``: what the LKIP lacks, when the caller composed it already (else composed here).
    """
    cached = ds.cache.get(("lke",)) if getattr(ds, "cache", None) is not None else None
    if cached is not None:
        return cached
    lke = criteria(ds)
    ev = _Evidence(ds, None if gaps is None else list(gaps))
    rows = []
    top, bottom = max(lke.jawaban.values()), min(lke.jawaban.values())
    for sub in lke.subkomponen:
        per = sub.bobot / (len(sub.kriteria) or 1) / 100  # points per answer percent: criteria weigh the same
        for k in sub.kriteria:
            t = CHECKS[k.uji](ev) if k.uji else None
            row = {"kode": k.kode, "subkomponen": sub.kode, "kriteria": k.teks, "bobot_komponen": lke.bobot}
            if t is None or t.undecided:
                why = t.undecided if t is not None else ""
                row |= {
                    "status": EVALUATOR,
                    "jumlah": "",
                    "kurang": "",
                    "langkah": t.langkah if t is not None else "",
                    "jawaban": "",
                    "nilai_pct": math.nan,
                    "bukti": "; ".join(x for x in (k.bukti, why) if x),
                    "poin_min": per * bottom,
                    "poin_max": per * top,
                }
            else:
                answer = lke.answer(t.share)
                row |= {
                    "status": TERPENUHI if t.share >= 1 else (TIDAK if t.met == 0 else SEBAGIAN),
                    "jumlah": f"{t.met} dari {t.n} {t.satuan}" if t.n else f"tidak ada {t.satuan}",
                    "kurang": "; ".join(t.kurang),
                    "langkah": t.langkah,
                    "jawaban": answer,
                    "nilai_pct": lke.jawaban[answer],
                    "bukti": "",
                    "poin_min": per * lke.jawaban[answer],
                    "poin_max": per * lke.jawaban[answer],
                }
            rows.append(row)
    hasil = pd.DataFrame(rows, columns=HASIL_COLUMNS)
    scores = []
    for sub in lke.subkomponen:
        h = hasil[hasil["subkomponen"] == sub.kode]
        scores.append(
            {
                "kode": sub.kode,
                "nama": sub.nama,
                "bobot": sub.bobot,
                "nilai_min": float(h["poin_min"].sum()),
                "nilai_max": float(h["poin_max"].sum()),
                "n_kriteria": len(h),
                "n_diputuskan": int((h["status"] != EVALUATOR).sum()),
            }
        )
    out = Penilaian(lke, hasil, pd.DataFrame(scores, columns=SKOR_COLUMNS))
    if getattr(ds, "cache", None) is not None:
        ds.cache[("lke",)] = out
    return out


def table(ds: Dataset) -> ReportTable:
    """Every criterion as a table: decided from the data with its evidence, or the evaluator's with the evidence asked."""
    p = penilaian(ds)
    art = sections.plan(ds).get("lke")
    frame = p.hasil.assign(keterangan=p.hasil["kurang"].where(p.hasil["kurang"] != "", p.hasil["bukti"]))
    return ReportTable(
        art.id,
        art.title,
        frame,
        [
            Column("kode", "Kriteria"),
            Column("kriteria", "Uraian"),
            Column("status", "Status"),
            Column("jumlah", "Jumlah"),
            Column("jawaban", "Jawaban"),
            Column("keterangan", "Yang kurang / bukti yang diminta evaluator"),
        ],
        source=art.source,
        id_columns=["subkomponen", "nilai_pct", "poin_min", "poin_max", "bobot_komponen"],
        notes=[f"Kriteria: {p.lke.sumber}.", p.penjelasan()],
    )
