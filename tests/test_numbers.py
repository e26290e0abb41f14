"""Number parsing and Indonesian formatting, including property-based round trips."""

from hypothesis import given
from hypothesis import strategies as st

from lkip_helpers.numbers import format_number, format_rp, parse_printed


def test_report_examples():
    assert format_number(1476) == "1.476"
    assert format_number(98.4, 2) == "98,40"
    assert format_rp(9051591780) == "Rp 9.051.591.780"
    assert parse_printed("1.476") == 1476
    assert parse_printed("98,40") == 98.4
    assert parse_printed("9,051,591,780,-") == 9051591780


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_integers_round_trip(n):
    assert parse_printed(format_number(n)) == n


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_two_decimals_round_trip(d):
    text = format_number(float(d), 2)
    assert "," in text and text.count(",") == 1
    assert abs(parse_printed(text) - float(d)) < 0.006


@given(st.integers(min_value=0, max_value=10**13))
def test_rupiah_has_dot_groups(n):
    text = format_rp(n)
    assert text.startswith("Rp ") and parse_printed(text) == n


# --- properties of the parsers the loader and the audit rely on -------------------------

import csv  # noqa: E402
import io  # noqa: E402
import math  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from hypothesis import assume, settings  # noqa: E402

from lkip_helpers.data.loading import load_table  # noqa: E402
from lkip_helpers.data.schema import TABLES  # noqa: E402
from lkip_helpers.errors import DataError  # noqa: E402
from lkip_helpers.numbers import is_ambiguous_thousands, is_canonical_number, looks_indonesian  # noqa: E402

_ascii_digits = st.text(alphabet="0123456789", min_size=1, max_size=12)
_printed_chars = st.text(alphabet="0123456789.,-Rp% ", max_size=16)


@given(st.integers(min_value=-(10**6), max_value=10**6), st.integers(min_value=0, max_value=4))
def test_decimals_round_trip_including_leading_zero(n, decimals):
    """``0,125`` is a decimal, never 125: a group of thousands does not start with 0.

    ``1,000`` with three decimals reads as a thousand: the report uses both conventions,
    so a separator followed by exactly three digits groups thousands (documented rule).
    """
    x = n / 10**decimals
    assume(decimals != 3 or abs(x) < 1)
    assert parse_printed(format_number(x, decimals)) == pytest.approx(x, abs=10**-decimals / 2)


@given(st.one_of(st.text(max_size=20), _printed_chars))
def test_parsers_never_crash(text):
    """Any text: parse_printed gives a number, None or ValueError; the predicates give a bool."""
    try:
        value = parse_printed(text)
    except ValueError:
        value = "refused"
    assert value is None or value == "refused" or isinstance(value, float)
    assert isinstance(is_canonical_number(text), bool)
    assert isinstance(looks_indonesian(text), bool)
    assert isinstance(is_ambiguous_thousands(text), bool)


@given(st.text(max_size=12))
def test_canonical_means_plain_ascii_number(text):
    if is_canonical_number(text):
        t = text.strip()
        assert t.isascii() and set(t) <= set("0123456789.-")
        assert math.isfinite(float(t)) or len(t) > 300
        assert not looks_indonesian(text)


@given(st.booleans(), _ascii_digits, st.one_of(st.none(), _ascii_digits))
def test_canonical_numbers_parse_as_written_unless_ambiguous(negative, whole, frac):
    """A canonical number means what Python reads, except ``1.476`` (dot + three digits), which the loader refuses."""
    text = ("-" if negative else "") + whole + ("" if frac is None else "." + frac)
    assert is_canonical_number(text)
    if is_ambiguous_thousands(text):
        assert parse_printed(text) == float(text.replace(".", ""))
    else:
        assert parse_printed(text) == float(text)


@given(st.integers(min_value=1000, max_value=10**13), st.integers(min_value=0, max_value=3))
def test_display_format_is_recognised(n, decimals):
    """What format_number shows for thousands is never taken for a plain canonical number unnoticed."""
    text = format_number(n, decimals)
    assert looks_indonesian(text) or is_ambiguous_thousands(text)
    assert not is_canonical_number(text) or is_ambiguous_thousands(text)


# --- the loader's coercion of one cell --------------------------------------------------

_TABLE = TABLES["hadiah_lomba_pkk"]  # peringkat (int, key, >= 1), kategori (text), hadiah_rp (Rp, >= 0), source_section


def _load_cell(column: str, text: str):
    """Load a one-row hadiah_lomba_pkk.csv whose ``column`` holds ``text``; the value, or the DataError."""
    row = {"peringkat": "1", "kategori": "Juara I", "hadiah_rp": "1000000", "source_section": "Bab 3.6", column: text}
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")  # quotes cells holding CR or LF
    w.writerow(_TABLE.columns)
    w.writerow([row[c] for c in _TABLE.columns])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / _TABLE.filename
        path.write_bytes(buf.getvalue().encode("utf-8"))
        try:
            df = load_table(path, _TABLE)
        except DataError as exc:
            return exc
    return df[column].iloc[0]


def _one_line_error(err):
    assert isinstance(err, DataError), err
    assert "\n" not in str(err) and "\r" not in str(err), str(err)
    assert err.file.name == _TABLE.filename and err.row == 2 and err.column in (None, *_TABLE.columns)
    return err


_cells = st.text(st.characters(blacklist_categories=("Cs",)), max_size=24)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(_cells)
def test_money_cell_is_a_number_or_one_clear_message(text):
    """Any text in a money column: the exact canonical value, or one DataError line at row 2 — never anything else."""
    result = _load_cell("hadiah_rp", text)
    t = text.strip()
    if isinstance(result, DataError):
        _one_line_error(result)
        assert result.column == "hadiah_rp"
    else:
        assert is_canonical_number(t) and not is_ambiguous_thousands(t)
        assert result == float(t) and result >= 0 and math.isfinite(result)


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(st.one_of(st.integers(min_value=-(10**25), max_value=10**25).map(str), _cells))
def test_integer_cell_is_an_integer_or_one_clear_message(text):
    result = _load_cell("peringkat", text)
    if isinstance(result, DataError):
        _one_line_error(result)
    else:
        assert int(text.strip()) == result >= 1


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=0, max_value=1e15, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_display_formatted_money_is_refused_or_read_exactly(x, decimals):
    """A number typed the way the report prints it is refused, or (when unambiguous, e.g. ``476``) read as shown."""
    text = format_number(x, decimals)
    result = _load_cell("hadiah_rp", text)
    if isinstance(result, DataError):
        _one_line_error(result)
    else:
        assert result == parse_printed(text)


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(_cells)
def test_text_cell_is_kept_or_refused(text):
    """Text columns keep what was typed (trimmed); blanks and invisible control characters are refused."""
    result = _load_cell("kategori", text)
    if isinstance(result, DataError):
        _one_line_error(result)
        assert not text.strip() or any(ord(ch) < 32 and ch not in "\t\n" or ord(ch) == 127 for ch in text)
    else:
        assert result == text.strip()


def test_found_by_the_properties():
    """Regressions the properties above found."""
    assert parse_printed("0,125") == 0.125 and parse_printed("0.125") == 0.125  # not 125
    assert looks_indonesian("Rp abc") is False  # used to raise ValueError: a traceback from `lkip validate`
    assert isinstance(_load_cell("hadiah_rp", "Rp abc"), DataError)
    assert isinstance(_load_cell("hadiah_rp", "9" * 400), DataError)  # float('99…9') is inf
    assert isinstance(_load_cell("peringkat", "9" * 30), DataError)  # used to raise OverflowError
    assert isinstance(_load_cell("peringkat", "\u0661"), DataError)  # Arabic-Indic digit one: not canonical
    assert isinstance(_load_cell("kategori", "Juara\x00I"), DataError)  # NUL: Excel cannot store it either


def test_a_draft_table_says_belum_diisi_for_missing_text_and_numbers():
    """Every column kind shows the table's missing text (a draft: 'belum diisi'), not a dash."""
    import pandas as pd

    from lkip_helpers.report.report_table import KINDS, Column, ReportTable

    frame = pd.DataFrame({k: [None] for k in KINDS})
    table = ReportTable("t", "T", frame, [Column(k, k, kind=k) for k in KINDS], missing="belum diisi")
    assert set(table.display_frame().iloc[0]) == {"belum diisi"}
