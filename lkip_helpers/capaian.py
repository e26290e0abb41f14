"""Capaian (achievement) maths: per indicator, averages, the ordinal scale, efficiency.

Formulas (PermenPAN-RB 53/2014 practice):
    higher is better:  capaian = realisasi / target x 100
    lower is better:   capaian = (2 x target - realisasi) / target x 100
A zero or missing target, or a missing realisasi, gives no number but a status that
says why, so a table can show it instead of a silent NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

STATUS_OK = "ok"
STATUS_ZERO_TARGET = "target nol"
STATUS_NO_TARGET = "target belum diisi"
STATUS_NO_REALISASI = "realisasi belum diisi"


def capaian_pct(realisasi: float | None, target: float | None, polarity: str = "higher") -> float:
    """Capaian in percent, NaN when it cannot be computed (see :func:`capaian_status`).

    >>> round(capaian_pct(1476, 1500), 2), capaian_pct(104, 100), capaian_pct(80, 100, "lower")
    (98.4, 104.0, 120.0)
    >>> math.isnan(capaian_pct(5, 0)), math.isnan(capaian_pct(None, 100))
    (True, True)
    """
    if capaian_status(realisasi, target) != STATUS_OK:
        return math.nan
    if polarity == "higher":
        return realisasi / target * 100
    if polarity == "lower":
        return (2 * target - realisasi) / target * 100
    raise ValueError(f"polarity must be 'higher' or 'lower', not {polarity!r}")


def _missing(x) -> bool:
    return x is None or pd.isna(x)


def capaian_status(realisasi: float | None, target: float | None) -> str:
    """Why a capaian can or cannot be computed.

    >>> capaian_status(1, 1), capaian_status(1, 0), capaian_status(None, 1)
    ('ok', 'target nol', 'realisasi belum diisi')
    """
    if _missing(target):
        return STATUS_NO_TARGET
    if target == 0:
        return STATUS_ZERO_TARGET
    if _missing(realisasi):
        return STATUS_NO_REALISASI
    return STATUS_OK


@dataclass(frozen=True)
class Scale:
    """Ordinal achievement scale: bands given by their inclusive lower bound, highest first.

    >>> s = Scale.default()
    >>> [s.classify(x) for x in (104, 91, 90.99, 76, 70, 51.09, 37.74)]
    ['Sangat Tinggi', 'Sangat Tinggi', 'Tinggi', 'Tinggi', 'Sedang', 'Rendah', 'Sangat Rendah']
    """

    bands: tuple[tuple[float, str], ...]

    @classmethod
    def default(cls) -> "Scale":
        return cls(((91, "Sangat Tinggi"), (76, "Tinggi"), (66, "Sedang"), (51, "Rendah"), (0, "Sangat Rendah")))

    @classmethod
    def from_config(cls, bands: list[dict] | None) -> "Scale":
        if not bands:
            return cls.default()
        return cls(tuple(sorted(((float(b["min_pct"]), str(b["label"])) for b in bands), reverse=True)))

    @property
    def labels(self) -> list[str]:
        return [label for _, label in self.bands]

    def classify(self, pct: float | None) -> str | None:
        if _missing(pct):
            return None
        for lower, label in self.bands:
            if pct >= lower:
                return label
        return self.bands[-1][1]


@dataclass(frozen=True)
class CapaianPolicy:
    """How an agency averages and grades capaian.

    Args:
        cap_pct: cap applied to each capaian before averaging (None = no cap).
        average: ``rows`` = mean over all measured indicator rows; ``sasaran`` = mean of
            the per-sasaran means (each sasaran weighs the same).
        scale: the ordinal scale.
    """

    cap_pct: float | None = None
    average: str = "rows"
    scale: Scale = field(default_factory=Scale.default)

    @classmethod
    def from_meta(cls, meta: dict) -> "CapaianPolicy":
        cfg = (meta or {}).get("capaian") or {}
        average = cfg.get("average", "rows")
        if average not in ("rows", "sasaran"):
            raise ValueError(f"capaian.average must be 'rows' or 'sasaran', not {average!r}")
        cap = cfg.get("cap_pct")
        return cls(cap_pct=None if cap is None else float(cap), average=average,
                   scale=Scale.from_config(cfg.get("scale")))

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


def efficiency_index(capaian: float | None, serapan: float | None) -> float:
    """Efficiency index = capaian % / serapan anggaran %; NaN when serapan is 0 or missing.

    >>> round(efficiency_index(100, 55.22), 2), math.isnan(efficiency_index(0, 0))
    (1.81, True)
    """
    if _missing(capaian) or _missing(serapan) or serapan == 0:
        return math.nan
    return capaian / serapan


def efficiency_verdict(capaian: float | None, serapan: float | None) -> str:
    """Plain-words verdict on the efficiency index.

    >>> efficiency_verdict(100, 55.22), efficiency_verdict(51.09, 80), efficiency_verdict(0, 0)
    ('Efisien', 'Kurang efisien', 'Tidak dilaksanakan')
    """
    if _missing(capaian) or _missing(serapan):
        return "Tidak dapat dinilai"
    if serapan == 0:
        return "Tidak dilaksanakan" if capaian == 0 else "Capaian tanpa serapan anggaran"
    return "Efisien" if efficiency_index(capaian, serapan) >= 1 else "Kurang efisien"
