"""Cards and how a charge is split (SPEC §1.5 checkout, §1.8)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fpctl.domain.payments import Split, card_last4, luhn_valid, parse_expiry, split_charge
from fpctl.errors import InvalidInput, RuleViolation

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def test_valid_card_numbers_keep_only_their_last_four_digits() -> None:
    assert card_last4("4242 4242 4242 4242") == "4242"
    assert card_last4("5555-5555-5555-4444") == "4444"
    assert card_last4("378282246310005") == "0005"


@pytest.mark.parametrize(
    "number", ["4242424242424241", "1234", "4242x42424242424", "", "١٢٣٤٥٦٧٨٩٠١٢"]
)
def test_invalid_card_numbers_are_refused(number: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        card_last4(number)
    assert refused.value.code == "invalid_card"
    assert number not in refused.value.message or not number  # the number is never echoed


def test_luhn() -> None:
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")


def test_expiry_this_month_is_still_valid_and_last_month_is_past() -> None:
    assert parse_expiry("11/26", NOW) == (11, 2026)
    assert parse_expiry("01/30", NOW) == (1, 2030)
    with pytest.raises(InvalidInput) as refused:
        parse_expiry("10/26", NOW)
    assert refused.value.code == "card_expired"
    for bad in ("13/26", "00/26", "1/26", "11-26", "11/2026"):
        with pytest.raises(InvalidInput):
            parse_expiry(bad, NOW)


def test_credits_first_then_balance_then_the_payment_method() -> None:
    assert split_charge(
        10_000, credits_cents=2_500, balance_cents=3_000, has_payment_method=True
    ) == Split(2_500, 3_000, 4_500)
    assert split_charge(
        2_000, credits_cents=2_500, balance_cents=3_000, has_payment_method=False
    ) == Split(2_000, 0, 0)
    assert split_charge(
        4_000, credits_cents=2_500, balance_cents=3_000, has_payment_method=False
    ) == Split(2_500, 1_500, 0)


def test_without_a_payment_method_the_rest_cannot_be_paid() -> None:
    with pytest.raises(RuleViolation) as refused:
        split_charge(6_000, credits_cents=2_500, balance_cents=3_000, has_payment_method=False)
    assert refused.value.code == "insufficient_funds"
    assert "payment-method add" in (refused.value.hint or "")


@given(
    total=st.integers(0, 10**9),
    credits=st.integers(0, 10**9),
    balance=st.integers(0, 10**9),
)
def test_a_split_always_adds_up_and_never_overdraws(total: int, credits: int, balance: int) -> None:
    split = split_charge(
        total, credits_cents=credits, balance_cents=balance, has_payment_method=True
    )
    assert split.total_cents == total
    assert 0 <= split.credits_cents <= credits
    assert 0 <= split.balance_cents <= balance
    assert split.method_cents >= 0
    assert split.method_cents == 0 or split.credits_cents + split.balance_cents == credits + balance
