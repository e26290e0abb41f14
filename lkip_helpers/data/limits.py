"""Size and shape limits of a dataset's inputs (``batas:`` in metadata.yml).

Checked before a file is parsed, so that a file far larger than any agency's data (a sheet
formatted down to row 1.048.576, a CSV of gigabytes) ends in one line naming the file and the
limit instead of minutes of work and a MemoryError. The defaults hold a large agency with room
to spare (a province agency: < 500 indicators, < 20.000 budget rows); a ministry with more
raises them in metadata.yml, e.g. ``batas: {baris_per_tabel: 1000000}``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from lkip_helpers.capaian import PolicyError
from lkip_helpers.numbers import format_number

MB = 1024 * 1024
# An .xlsx is zipped XML: its parts unpacked may hold this many times the file's limit; more is
# a "zip bomb" (a few hundred kilobytes of repeated cells unpacking to gigabytes), refused unread.
XLSX_UNPACKED_FACTOR = 20

# key in metadata.yml -> what it bounds (Bahasa Indonesia: quoted in messages and in lkip describe)
BATAS_KEYS = {
    "csv_mb": "ukuran satu file CSV, dalam MB",
    "xlsx_mb": "ukuran satu file Excel .xlsx yang diimpor, dalam MB",
    "baris_per_tabel": "banyak baris data satu tabel (file CSV atau sheet Excel)",
    "sel_per_sheet": "banyak sel satu sheet Excel (baris x kolom terpakai; sejuta sel perlu sekitar 350 MB memori)",
    "karakter_per_sel": "panjang teks satu sel, dalam karakter",
}


@dataclass(frozen=True)
class Limits:
    """The limits in force; the defaults for every key not in ``batas:``."""

    csv_mb: float = 50
    xlsx_mb: float = 50
    baris_per_tabel: int = 200_000
    sel_per_sheet: int = 2_000_000  # a full openpyxl load holds ~350 bytes per cell: 2 million, ~700 MB
    karakter_per_sel: int = 10_000

    @classmethod
    def from_meta(cls, meta: dict | None) -> Limits:
        """The limits of a dataset's metadata.

        Raises:
            PolicyError: naming the key at fault (unknown key, not a positive number).
        """
        cfg = (meta or {}).get("batas") if isinstance(meta, dict) else None
        if cfg is None:
            return cls()
        if not isinstance(cfg, dict):
            raise PolicyError("batas", f"tertulis {cfg!r}; diharapkan bagian dengan kunci " + ", ".join(BATAS_KEYS))
        values = {}
        for key, value in cfg.items():
            if key not in BATAS_KEYS:
                raise PolicyError(f"batas.{key}", "kunci tidak dikenal; kunci yang dikenal: " + ", ".join(BATAS_KEYS))
            whole = not key.endswith("_mb")
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0
            if not ok or (whole and value != int(value)):
                kind = "bilangan bulat" if whole else "angka"
                raise PolicyError(
                    f"batas.{key}", f"tertulis {value!r}; diharapkan {kind} lebih dari 0 ({BATAS_KEYS[key]})"
                )
            values[key] = int(value) if whole else float(value)
        return cls(**values)

    @property
    def csv_bytes(self) -> int:
        return int(self.csv_mb * MB)

    @property
    def xlsx_bytes(self) -> int:
        return int(self.xlsx_mb * MB)

    def raise_hint(self, key: str, where: str = "metadata.yml") -> str:
        """How to raise ``key``: the words that end every limit message (``where``: the file or sheet to write it in)."""
        wanted = getattr(self, key) * 10
        wanted = int(wanted) if float(wanted).is_integer() else wanted  # written as YAML: no thousands dots
        return f"bila datanya memang sebesar ini, naikkan batasnya di {where}, mis. 'batas: {{{key}: {wanted}}}'"


def shown(x: float) -> str:
    """A limit as written in a message (Indonesian thousands separator).

    >>> shown(200000), shown(50.0), shown(0.5)
    ('200.000', '50', '0,5')
    """
    return format_number(x, 0 if float(x).is_integer() else 1)


def size_mb(n_bytes: int) -> str:
    """Bytes as MB for a message.

    >>> size_mb(3 * MB), size_mb(52_500_000)
    ('3', '50,1')
    """
    return shown(round(n_bytes / MB, 1))


DEFAULTS = Limits()
KEYS = tuple(f.name for f in fields(Limits))
