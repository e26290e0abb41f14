"""Numbers: reading what the report prints, and showing numbers the Indonesian way.

Data files hold canonical numbers (``1476``, ``98.4``). The report prints numbers in
two conventions at once (``1.476`` and ``98,40`` next to ``9,051,591,780`` and
``82.32``); :func:`parse_printed` reads both. Display functions format for readers:
``.`` groups thousands, ``,`` marks decimals.
"""

from __future__ import annotations

import math
import re
from numbers import Real

MISSING_TEXT = "–"

# re.ASCII: \d is 0-9 only (int() would also accept Arabic-Indic and other Unicode digits)
_CANONICAL = re.compile(r"^-?\d+(\.\d+)?$", re.ASCII)
# a leading group of thousands never starts with 0: "0,125" and "0.125" are decimals
_THOUSANDS_DOT = re.compile(r"^-?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$", re.ASCII)  # 1.476 / 9.051.591.780 / 1.476,5
_THOUSANDS_COMMA = re.compile(r"^-?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$", re.ASCII)  # 9,051,591,780 / 1,476.5
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$", re.ASCII)  # 98,40


def is_canonical_number(text: str) -> bool:
    """True when ``text`` is a plain number as data files must hold it.

    >>> is_canonical_number("1476"), is_canonical_number("98.4"), is_canonical_number("1.476,00")
    (True, True, False)
    """
    return bool(_CANONICAL.match(text.strip()))


_AMBIGUOUS = re.compile(r"^-?[1-9]\d{0,2}\.\d{3}$", re.ASCII)


def is_ambiguous_thousands(text: str) -> bool:
    """True for ``1.476``: a decimal to a machine, one thousand four hundred … to a reader.

    Data files must not hold such values; ``1476`` or ``1.4760`` say which is meant.

    >>> is_ambiguous_thousands("1.476"), is_ambiguous_thousands("0.125"), is_ambiguous_thousands("1.4760")
    (True, False, False)
    """
    return bool(_AMBIGUOUS.match(text.strip()))


def looks_indonesian(text: str) -> bool:
    """True when ``text`` is a number written for display rather than canonically.

    >>> [looks_indonesian(t) for t in ("1.476", "98,40", "Rp 9.051.591.780", "82.32", "abc")]
    [True, True, True, False, False]
    """
    t = re.sub(r"^(rp\.?\s*)", "", text.strip(), flags=re.IGNORECASE).rstrip(",-").strip()
    if t != text.strip():
        try:
            return bool(t) and (is_canonical_number(t) or parse_printed(t) is not None)
        except ValueError:  # "Rp abc": not a number in any convention
            return False
    return bool(_THOUSANDS_DOT.match(t) or _DECIMAL_COMMA.match(t) or _THOUSANDS_COMMA.match(t))


def parse_printed(text: str) -> float | None:
    """Parse a number as printed in an LKIP, in either convention.

    A dot or comma followed by exactly three digits groups thousands; otherwise it is
    the decimal mark. ``-`` and the empty string mean "no value".

    >>> parse_printed("1.476"), parse_printed("98,40"), parse_printed("82.32")
    (1476.0, 98.4, 82.32)
    >>> parse_printed("9,051,591,780,-"), parse_printed("Rp. 4.500.000"), parse_printed("0.-")
    (9051591780.0, 4500000.0, 0.0)
    >>> parse_printed("-") is None, parse_printed("-29.14")
    (True, -29.14)
    """
    t = text.strip()
    t = re.sub(r"^rp\.?\s*", "", t, flags=re.IGNORECASE)
    t = re.sub(r"\s*%$", "", t)
    t = re.sub(r"[,.]?-$", "", t) if len(t) > 1 else t  # "9,051,591,780,-" and "0.-"
    if t in ("", "-"):
        return None
    if _CANONICAL.match(t):
        # "1.476" matches both; three digits after one dot means thousands in this report.
        if _THOUSANDS_DOT.match(t):
            return float(t.replace(".", ""))
        return float(t)
    if _THOUSANDS_DOT.match(t):
        return float(t.replace(".", "").replace(",", "."))
    if _THOUSANDS_COMMA.match(t):
        return float(t.replace(",", ""))
    if _DECIMAL_COMMA.match(t):
        return float(t.replace(",", "."))
    raise ValueError(f"bukan angka tercetak: {text!r}")


def _is_missing(x) -> bool:
    return (
        x is None or (isinstance(x, Real) and math.isnan(x)) or (not isinstance(x, Real) and str(x) in ("<NA>", "nan"))
    )


def format_number(x, decimals: int | None = None, missing: str = MISSING_TEXT) -> str:
    """Format a number the Indonesian way.

    Args:
        x: the number (None/NaN shows ``missing``).
        decimals: fixed decimals; None shows integers without decimals and
            other numbers with up to two.

    >>> format_number(1476), format_number(98.4, 2), format_number(9051591780), format_number(-29.14)
    ('1.476', '98,40', '9.051.591.780', '-29,14')
    >>> format_number(None)
    '–'
    """
    if _is_missing(x):
        return missing
    x = float(x)
    if decimals is None:
        decimals = 0 if x == int(x) else 2
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


def format_pct(x, decimals: int = 2, missing: str = MISSING_TEXT, sign: bool = True) -> str:
    """Percentage with a comma decimal, e.g. ``98,40%``.

    >>> format_pct(98.4), format_pct(82.3156), format_pct(None)
    ('98,40%', '82,32%', '–')
    """
    if _is_missing(x):
        return missing
    return format_number(x, decimals) + ("%" if sign else "")


def format_rp(x, missing: str = MISSING_TEXT) -> str:
    """Rupiah amount, e.g. ``Rp 9.051.591.780``.

    >>> format_rp(9051591780), format_rp(0)
    ('Rp 9.051.591.780', 'Rp 0')
    """
    if _is_missing(x):
        return missing
    return "Rp " + format_number(round(float(x)), 0)
