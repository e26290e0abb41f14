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


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_integers_round_trip(n):
    assert parse_printed(format_number(n)) == n


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_two_decimals_round_trip(d):
    text = format_number(float(d), 2)
    assert "," in text and text.count(",") == 1
    assert abs(parse_printed(text) - float(d)) < 0.006


@given(st.integers(min_value=0, max_value=10**13))
def test_rupiah_has_dot_groups(n):
    text = format_rp(n)
    assert text.startswith("Rp ") and parse_printed(text) == n
