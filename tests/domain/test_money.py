"""Amounts from text: Decimal into integer cents, nothing float-shaped gets through."""

from __future__ import annotations

import pytest

from fpctl.domain.money import MAX_CENTS, format_cents, parse_cents
from fpctl.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1234", 123_400),
        ("1234.5", 123_450),
        ("1234.50", 123_450),
        ("$1,234.50", 123_450),
        ("$1,234,567.89", 123_456_789),
        (" 12 ", 1_200),
        ("0.01", 1),
        ("10000000.00", MAX_CENTS),
        ("$10,000,000", MAX_CENTS),
    ],
)
def test_accepted_amounts(text: str, cents: int) -> None:
    assert parse_cents(text) == cents


@pytest.mark.parametrize(
    "text",
    [
        "1234.567",  # more than two decimals
        "0.001",
        "-5",
        "-0.01",
        "+5",
        "0",
        "0.00",
        "$0",
        "10000000.01",
        "99999999999",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Infinity",
        "1e3",
        "1E3",
        "١٢٣",  # Arabic-Indic digits: int() would read them as 123
        "１２３",  # full-width digits
        "1_000",
        "1,23",
        "12,34.5",
        "$",
        "",
        "1.",
        ".5",
        "1 000",
        "0x10",
    ],
)
def test_refused_amounts(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_cents(text)


def test_zero_allowed_only_when_asked() -> None:
    assert parse_cents("0", allow_zero=True) == 0
    assert parse_cents("$0.00", allow_zero=True) == 0


def test_refusal_messages_say_what_to_type() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_cents("1e3")
    assert refused.value.message == "'1e3' is not an amount"
    assert refused.value.hint == (
        "write amounts like 1234, 1234.50 or $1,234.50 (at most two decimals, no sign)"
    )
    with pytest.raises(InvalidInput) as too_big:
        parse_cents("10000000.01")
    assert too_big.value.message == (
        "'10000000.01' is over the largest amount fpctl accepts ($10,000,000.00)"
    )


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (0, "$0.00"),
        (5, "$0.05"),
        (100, "$1.00"),
        (123_450, "$1,234.50"),
        (MAX_CENTS, "$10,000,000.00"),
        (-300, "-$3.00"),
    ],
)
def test_format_cents(cents: int, text: str) -> None:
    assert format_cents(cents) == text


@pytest.mark.parametrize("cents", [1, 99, 100, 123_450, 99_999_999, MAX_CENTS])
def test_format_then_parse_round_trips(cents: int) -> None:
    assert parse_cents(format_cents(cents)) == cents
