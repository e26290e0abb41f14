"""Capaian (achievement) maths: per indicator, averages, the ordinal scale, efficiency.

Formulas (PermenPAN-RB 53/2014 practice):
    higher is better:  capaian = realisasi / target x 100
    lower is better:   capaian = (2 x target - realisasi) / target x 100   (``two_target_minus``, default)
                   or  capaian = target / realisasi x 100                 (``target_over_realisasi``)
The lower-is-better formula is the agency's choice (``capaian.lower_formula`` in
metadata.yml). A capaian is never below 0 %: a realisasi far worse than its target
is 0 %, not a negative number that would drag every average down. A zero or missing
target, or a missing realisasi, gives no number but a status that says why, so a
table can show it instead of a silent NaN.

The policy (:class:`CapaianPolicy`) is read from ``metadata.yml`` and checked when the
dataset loads: any problem is a :class:`PolicyError` naming the key at fault.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from lkip_helpers.palette import PALETTE, RAMP

STATUS_OK = "ok"
STATUS_ZERO_TARGET = "target nol"
STATUS_NO_TARGET = "target belum diisi"
STATUS_NO_REALISASI = "realisasi belum diisi"
STATUS_ZERO_REALISASI = "realisasi nol (rumus target/realisasi tidak terdefinisi)"

TWO_TARGET_MINUS = "two_target_minus"
TARGET_OVER_REALISASI = "target_over_realisasi"
LOWER_FORMULAS = {
    TWO_TARGET_MINUS: "(2 × target − realisasi) ÷ target × 100",
    TARGET_OVER_REALISASI: "target ÷ realisasi × 100",
}
AVERAGES = {
    "rows": "rata-rata seluruh indikator yang terukur",
    "sasaran": "rata-rata dari rata-rata tiap sasaran (setiap sasaran berbobot sama)",
}
CAPAIAN_KEYS = ("cap_pct", "average", "lower_formula", "scale")
MIN_CAP_PCT = 100.0  # a cap below 100 % would grade a reached target as not reached


def capaian_pct(
    realisasi: float | None, target: float | None, polarity: str = "higher", lower_formula: str = TWO_TARGET_MINUS
) -> float:
    """Capaian in percent, never below 0; NaN when it cannot be computed (see :func:`capaian_status`).

    >>> round(capaian_pct(1476, 1500), 2), capaian_pct(104, 100), capaian_pct(80, 100, "lower")
    (98.4, 104.0, 120.0)
    >>> capaian_pct(80, 100, "lower", TARGET_OVER_REALISASI), capaian_pct(572.74, 100, "lower")
    (125.0, 0.0)
    >>> math.isnan(capaian_pct(5, 0)), math.isnan(capaian_pct(None, 100)), math.isnan(capaian_pct(0, 5, "lower", TARGET_OVER_REALISASI))
    (True, True, True)
    """
    if polarity not in ("higher", "lower"):
        raise ValueError(f"polarity harus 'higher' atau 'lower', bukan {polarity!r}")
    if lower_formula not in LOWER_FORMULAS:
        raise ValueError(f"lower_formula harus salah satu dari {', '.join(LOWER_FORMULAS)}, bukan {lower_formula!r}")
    if capaian_status(realisasi, target, polarity, lower_formula) != STATUS_OK:
        return math.nan
    if polarity == "higher":
        value = realisasi / target * 100
    elif lower_formula == TWO_TARGET_MINUS:
        value = (2 * target - realisasi) / target * 100
    else:
        value = target / realisasi * 100
    return max(0.0, float(value))


def _missing(x) -> bool:
    return x is None or pd.isna(x)


def capaian_status(
    realisasi: float | None, target: float | None, polarity: str = "higher", lower_formula: str = TWO_TARGET_MINUS
) -> str:
    """Why a capaian can or cannot be computed.

    >>> capaian_status(1, 1), capaian_status(1, 0), capaian_status(None, 1)
    ('ok', 'target nol', 'realisasi belum diisi')
    >>> capaian_status(0, 5, "lower", TARGET_OVER_REALISASI)
    'realisasi nol (rumus target/realisasi tidak terdefinisi)'
    """
    if _missing(target):
        return STATUS_NO_TARGET
    if target == 0:
        return STATUS_ZERO_TARGET
    if _missing(realisasi):
        return STATUS_NO_REALISASI
    if polarity == "lower" and lower_formula == TARGET_OVER_REALISASI and realisasi == 0:
        return STATUS_ZERO_REALISASI
    return STATUS_OK


class PolicyError(ValueError):
    """A capaian policy in metadata.yml that cannot be used.

    Args:
        key: the key at fault, dotted from ``capaian`` (e.g. ``capaian.scale[2].min_pct``).
        message: what is wrong and what was expected (Bahasa Indonesia).
    """

    def __init__(self, key: str, message: str):
        self.key = key
        self.message = message
        super().__init__(f"{key}: {message}")


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _ramp(position: float) -> str:
    """The colour at ``position`` (0 = lowest band, red; 1 = highest band, green) along :data:`RAMP`."""
    x = min(max(position, 0.0), 1.0) * (len(RAMP) - 1)
    i = min(int(x), len(RAMP) - 2)
    a, b = (tuple(int(c[k : k + 2], 16) for k in (1, 3, 5)) for c in (RAMP[i], RAMP[i + 1]))
    t = x - i
    return "#" + "".join(f"{round(p + (q - p) * t):02x}" for p, q in zip(a, b))


@dataclass(frozen=True)
class Scale:
    """Ordinal achievement scale: bands given by their inclusive lower bound, highest first.

    >>> s = Scale.default()
    >>> [s.classify(x) for x in (104, 91, 90.99, 76, 70, 51.09, 37.74)]
    ['Sangat Tinggi', 'Sangat Tinggi', 'Tinggi', 'Tinggi', 'Sedang', 'Rendah', 'Sangat Rendah']
    """

    bands: tuple[tuple[float, str], ...]

    @classmethod
    def default(cls) -> Scale:
        return cls(((91, "Sangat Tinggi"), (76, "Tinggi"), (66, "Sedang"), (51, "Rendah"), (0, "Sangat Rendah")))

    @classmethod
    def from_config(cls, bands: list[dict] | None) -> Scale:
        """The scale of ``capaian.scale`` in metadata.yml; the default when none is given.

        Raises:
            PolicyError: a band without a number or a label, two bands with the same bound
                or label, or no band starting at 0 (a capaian would fall outside every band).
        """
        if bands is None:
            return cls.default()
        key = "capaian.scale"
        if not isinstance(bands, list) or not bands:
            raise PolicyError(key, "harus daftar pita (min. satu), mis. '- {min_pct: 0, label: Rendah}'")
        out, labels = [], set()
        for i, band in enumerate(bands):
            at = f"{key}[{i}]"
            if not isinstance(band, dict):
                raise PolicyError(at, f"tertulis {band!r}; diharapkan {{min_pct: ANGKA, label: TEKS}}")
            extra = sorted(set(band) - {"min_pct", "label"})
            if extra:
                raise PolicyError(f"{at}.{extra[0]}", "kunci tidak dikenal; setiap pita hanya memuat min_pct dan label")
            low = band.get("min_pct")
            if not _number(low) or low < 0:
                raise PolicyError(
                    f"{at}.min_pct", f"tertulis {low!r}; diharapkan angka batas bawah pita (>= 0), dalam persen"
                )
            label = band.get("label")
            if not isinstance(label, str) or not label.strip():
                raise PolicyError(f"{at}.label", f"tertulis {label!r}; diharapkan nama kategori (teks tidak kosong)")
            if label.strip() in labels:
                raise PolicyError(
                    f"{at}.label", f"label '{label.strip()}' dipakai dua kali; setiap pita perlu label sendiri"
                )
            if any(low == b for b, _ in out):
                raise PolicyError(f"{at}.min_pct", f"batas {low:g} dipakai dua kali; setiap pita perlu batas sendiri")
            labels.add(label.strip())
            out.append((float(low), label.strip()))
        if not any(low == 0 for low, _ in out):
            raise PolicyError(key, "tidak ada pita dengan min_pct: 0; capaian terendah harus masuk satu kategori")
        return cls(tuple(sorted(out, reverse=True)))

    @property
    def labels(self) -> list[str]:
        """Band labels, highest band first."""
        return [label for _, label in self.bands]

    def colors(self) -> dict[str, str]:
        """A hex colour per band label, highest band first: green for the top band through red for the lowest.

        Colours follow the band's rank, so any number of bands gets a red -> green
        sequence; the five-band default keeps the colours charts have always used.

        >>> Scale.default().colors()["Sangat Tinggi"], Scale.default().colors()["Sangat Rendah"]
        ('#1a7f4b', '#c0392b')
        >>> list(Scale.from_config([{"min_pct": 100, "label": "Tercapai"}, {"min_pct": 0, "label": "Belum"}]).colors().values())
        ['#1a7f4b', '#c0392b']
        """
        n = len(self.bands)
        return {label: _ramp(1.0 if n == 1 else (n - 1 - rank) / (n - 1)) for rank, (_, label) in enumerate(self.bands)}

    def color(self, pct: float | None, missing: str = PALETTE["netral"]) -> str:
        """The colour of the band ``pct`` falls in; ``missing`` (grey) when there is no capaian."""
        label = self.classify(pct)
        return missing if label is None else self.colors()[label]

    def classify(self, pct: float | None) -> str | None:
        if _missing(pct):
            return None
        for lower, label in self.bands:
            if pct >= lower:
                return label
        return self.bands[-1][1]


@dataclass(frozen=True)
class CapaianPolicy:
    """How an agency computes, averages and grades capaian (``capaian:`` in metadata.yml).

    Args:
        cap_pct: cap applied to each capaian before averaging (None = no cap); at least 100.
        average: ``rows`` = mean over all measured indicator rows; ``sasaran`` = mean of
            the per-sasaran means (each sasaran weighs the same).
        lower_formula: lower-is-better formula, ``two_target_minus`` (default) or
            ``target_over_realisasi``.
        scale: the ordinal scale.
    """

    cap_pct: float | None = None
    average: str = "rows"
    scale: Scale = field(default_factory=Scale.default)
    lower_formula: str = TWO_TARGET_MINUS

    @classmethod
    def from_meta(cls, meta: dict) -> CapaianPolicy:
        """The policy of a dataset's metadata; the defaults for every key left out.

        Raises:
            PolicyError: naming the key at fault (unknown key, wrong type, value not allowed).
        """
        cfg = (meta or {}).get("capaian")
        if cfg is None:
            cfg = {}
        if not isinstance(cfg, dict):
            raise PolicyError("capaian", f"tertulis {cfg!r}; diharapkan bagian dengan kunci " + ", ".join(CAPAIAN_KEYS))
        unknown = sorted(str(k) for k in cfg if k not in CAPAIAN_KEYS)
        if unknown:
            raise PolicyError(
                f"capaian.{unknown[0]}", "kunci tidak dikenal; kunci yang dikenal: " + ", ".join(CAPAIAN_KEYS)
            )
        average = cfg.get("average", "rows")
        if average not in AVERAGES:
            raise PolicyError(
                "capaian.average",
                f"tertulis {average!r}; diharapkan salah satu dari: "
                + "; ".join(f"{k} ({v})" for k, v in AVERAGES.items()),
            )
        formula = cfg.get("lower_formula", TWO_TARGET_MINUS)
        if formula not in LOWER_FORMULAS:
            raise PolicyError(
                "capaian.lower_formula",
                f"tertulis {formula!r}; diharapkan salah satu dari: "
                + "; ".join(f"{k} = {v}" for k, v in LOWER_FORMULAS.items()),
            )
        cap = cfg.get("cap_pct")
        if cap is not None and (not _number(cap) or cap < MIN_CAP_PCT):
            raise PolicyError(
                "capaian.cap_pct",
                f"tertulis {cap!r}; diharapkan angka >= {MIN_CAP_PCT:g} (persen), atau null tanpa batas atas",
            )
        return cls(
            cap_pct=None if cap is None else float(cap),
            average=average,
            scale=Scale.from_config(cfg.get("scale")),
            lower_formula=formula,
        )

    def capaian_pct(self, realisasi: float | None, target: float | None, polarity: str = "higher") -> float:
        """Capaian of one indicator under this policy's lower-is-better formula (not capped)."""
        return capaian_pct(realisasi, target, polarity, self.lower_formula)

    def status(self, realisasi: float | None, target: float | None, polarity: str = "higher") -> str:
        """Why a capaian can or cannot be computed under this policy."""
        return capaian_status(realisasi, target, polarity, self.lower_formula)

    def describe(self) -> dict[str, str]:
        """The policy in words (Bahasa Indonesia), for notes under tables and the methods page."""
        return {
            "lebih_rendah_lebih_baik": LOWER_FORMULAS[self.lower_formula],
            "rata_rata": AVERAGES[self.average],
            "batas_atas": "tanpa batas atas" if self.cap_pct is None else f"{self.cap_pct:g} %",
            "skala": ", ".join(f"{label} >= {low:g} %" for low, label in self.scale.bands),
        }

    def capped(self, values: pd.Series) -> pd.Series:
        return values if self.cap_pct is None else values.clip(upper=self.cap_pct)


def averages(frame: pd.DataFrame, policy: CapaianPolicy, group: str = "sasaran_id") -> tuple[pd.Series, float]:
    """Average capaian per group (sasaran) and overall, under ``policy``.

    Rows without a capaian (NaN) are left out of both averages.

    Args:
        frame: one row per measured indicator with ``capaian_pct`` and ``group``.

    Returns:
        (mean per group, overall mean)
    """
    measured = frame.dropna(subset=["capaian_pct"])
    if measured.empty:
        raise ValueError("tidak ada capaian yang dapat dirata-ratakan (semua kosong)")
    values = policy.capped(measured["capaian_pct"].astype(float))
    per_group = values.groupby(measured[group], sort=False).mean()
    overall = float(values.mean()) if policy.average == "rows" else float(per_group.mean())
    return per_group, overall


def averages_so_far(frame: pd.DataFrame, policy: CapaianPolicy, group: str = "sasaran_id") -> tuple[pd.Series, float]:
    """Like :func:`averages`, but missing (NaN) instead of an error while no row has a capaian yet.

    A draft dataset has no realisasi for its year: its tables show "belum diisi" for the
    averages rather than failing.

    >>> per, overall = averages_so_far(pd.DataFrame({"sasaran_id": ["a"], "capaian_pct": [float("nan")]}), CapaianPolicy())
    >>> bool(per.isna().all()), math.isnan(overall)
    (True, True)
    """
    if frame["capaian_pct"].notna().any():
        return averages(frame, policy, group)
    return pd.Series(math.nan, index=pd.unique(frame[group]), dtype=float), math.nan


BIAYA_PER_SATUAN = "biaya_per_satuan"
SELISIH = "selisih_capaian_serapan"
# How the efficiency number is printed (``efisiensi.metode``); the verdict rests on unit cost either way.
EFISIENSI_METODE = {
    BIAYA_PER_SATUAN: "1 − biaya per satuan output yang terealisasi ÷ biaya per satuan output yang direncanakan, "
    "dalam persen (= 1 − % serapan ÷ % capaian output)",
    SELISIH: "% capaian output − % serapan anggaran, dalam poin",
}
EFISIENSI_KEYS = ("metode", "toleransi_pct")


def efisiensi_pct(capaian: float | None, serapan: float | None, metode: str = BIAYA_PER_SATUAN) -> float:
    """Saving per unit of output: (1 − realised unit cost ÷ planned unit cost) × 100 (``biaya_per_satuan``).

    Realised ÷ planned unit cost = (realisasi_rp ÷ realised volume) ÷ (pagu ÷ target volume)
    = serapan ÷ capaian. Positive: the output cost less per unit than planned. NaN when either
    is missing or nothing was produced. ``selisih_capaian_serapan``: capaian − serapan, in points
    (as many regional LKIPs print it); same sign, so the same verdict.

    >>> round(efisiensi_pct(100, 55.22), 2), round(efisiensi_pct(51.09, 80), 2), math.isnan(efisiensi_pct(0, 0))
    (44.78, -56.59, True)
    >>> round(efisiensi_pct(100, 55.22, SELISIH), 2)
    44.78
    """
    if _missing(capaian) or _missing(serapan):
        return math.nan
    if metode == SELISIH:
        return float(capaian - serapan)
    if capaian == 0:
        return math.nan
    return (1 - serapan / capaian) * 100


VERDICTS = ("efisien", "sesuai rencana", "tidak efisien", "belum terlaksana optimal", "tidak dapat dinilai")


def sakip_verdict(capaian: float | None, serapan: float | None, toleransi_pct: float = 0.0) -> str:
    """Efficiency as SAKIP reads it (cf. PMK 214/2017): cost per unit of output realised vs planned.

    Realised / planned unit cost = serapan / capaian. Money left unspent with the target unmet
    is a programme not carried out in full, never an efficiency. ``toleransi_pct``: a unit cost
    within that many percent of the plan counts as the plan ("sesuai rencana").

    >>> sakip_verdict(100, 55.22), sakip_verdict(37.74, 28.8), sakip_verdict(51.09, 80), sakip_verdict(100, 100)
    ('efisien', 'belum terlaksana optimal', 'tidak efisien', 'sesuai rencana')
    >>> sakip_verdict(120, 130), sakip_verdict(None, 50), sakip_verdict(0, 0), sakip_verdict(100, 98, 5)
    ('tidak efisien', 'tidak dapat dinilai', 'belum terlaksana optimal', 'sesuai rencana')
    """
    if _missing(capaian) or _missing(serapan):
        return "tidak dapat dinilai"
    tol = toleransi_pct / 100
    if serapan > capaian * (1 + tol):
        return "tidak efisien"
    if capaian < 100:
        return "belum terlaksana optimal"
    return "efisien" if serapan < capaian * (1 - tol) else "sesuai rencana"


@dataclass(frozen=True)
class EfisiensiPolicy:
    """How an agency states efficiency (``efisiensi:`` in metadata.yml).

    Args:
        metode: the printed number, ``biaya_per_satuan`` (default) or ``selisih_capaian_serapan``
            (:data:`EFISIENSI_METODE`).
        toleransi_pct: a unit cost within this many percent of the plan is "sesuai rencana" (default 0).
    """

    metode: str = BIAYA_PER_SATUAN
    toleransi_pct: float = 0.0

    @classmethod
    def from_meta(cls, meta: dict) -> EfisiensiPolicy:
        """The policy of a dataset's metadata; the defaults for every key left out.

        Raises:
            PolicyError: naming the key at fault.
        """
        cfg = (meta or {}).get("efisiensi")
        if cfg is None:
            cfg = {}
        if not isinstance(cfg, dict):
            raise PolicyError(
                "efisiensi", f"tertulis {cfg!r}; diharapkan bagian dengan kunci " + ", ".join(EFISIENSI_KEYS)
            )
        unknown = sorted(str(k) for k in cfg if k not in EFISIENSI_KEYS)
        if unknown:
            raise PolicyError(
                f"efisiensi.{unknown[0]}", "kunci tidak dikenal; kunci yang dikenal: " + ", ".join(EFISIENSI_KEYS)
            )
        metode = cfg.get("metode", BIAYA_PER_SATUAN)
        if metode not in EFISIENSI_METODE:
            raise PolicyError(
                "efisiensi.metode",
                f"tertulis {metode!r}; diharapkan salah satu dari: "
                + "; ".join(f"{k} ({v})" for k, v in EFISIENSI_METODE.items()),
            )
        tol = cfg.get("toleransi_pct", 0)
        if not _number(tol) or not 0 <= tol < 100:
            raise PolicyError(
                "efisiensi.toleransi_pct",
                f"tertulis {tol!r}; diharapkan angka 0 sampai di bawah 100 (persen dari biaya per satuan rencana)",
            )
        return cls(metode=metode, toleransi_pct=float(tol))

    def index(self, capaian: float | None, serapan: float | None) -> float:
        return efisiensi_pct(capaian, serapan, self.metode)

    def verdict(self, capaian: float | None, serapan: float | None) -> str:
        return sakip_verdict(capaian, serapan, self.toleransi_pct)

    @property
    def heading(self) -> str:
        """The column heading of the number :meth:`index` gives."""
        return "Efisiensi (%)" if self.metode == BIAYA_PER_SATUAN else "Efisiensi (poin)"

    def sentence(self) -> str:
        """The method in one sentence (Bahasa Indonesia), stated under every efficiency table."""
        band = (
            f"; biaya per satuan yang berbeda tidak lebih dari {self.toleransi_pct:g} % dari rencana dinilai sesuai "
            "rencana"
            if self.toleransi_pct
            else ""
        )
        return (
            f"Efisiensi = {EFISIENSI_METODE[self.metode]}; efisien hanya bila target tercapai dengan biaya per "
            f"satuan lebih rendah dari rencana{band}, dan anggaran yang tidak terserap saat target tidak tercapai "
            "berarti kegiatan belum terlaksana optimal, bukan efisiensi."
        )
