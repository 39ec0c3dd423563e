"""Payment rules (SPEC §1.5 checkout, §1.8): cards, and how a charge is split.

A card number is checked (Luhn) and reduced to its last four digits at once: the number is
never kept. A charge takes the account's Pro credits first, then the shared balance, then
the default payment method.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from fpctl.errors import InvalidInput, RuleViolation

_DIGITS = re.compile(r"^\d{12,19}$", re.ASCII)
_EXPIRY = re.compile(r"^(\d{2})/(\d{2})$", re.ASCII)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_last4(number: str) -> str:
    """The last four digits of a valid card number (spaces and dashes allowed)."""
    digits = re.sub(r"[ -]", "", number.strip())
    if not _DIGITS.match(digits) or not luhn_valid(digits):
        raise InvalidInput(
            "that is not a valid card number", hint="check the digits", code="invalid_card"
        )
    return digits[-4:]


def card_expiry(month: int | None, year: int | None) -> str | None:
    """``MM/YY`` for a card's expiry; None when there is none (PayPal)."""
    if month is None or year is None:
        return None
    return f"{month:02d}/{year % 100:02d}"


def parse_expiry(text: str, now: datetime) -> tuple[int, int]:
    """``MM/YY`` → (month, year); refused when malformed or already past."""
    match = _EXPIRY.match(text.strip())
    month = int(match[1]) if match else 0
    if match is None or not 1 <= month <= 12:
        raise InvalidInput(
            f"{text!r} is not an expiry date", hint="write it as MM/YY", code="invalid_card"
        )
    year = 2000 + int(match[2])
    if (year, month) < (now.year, now.month):
        raise InvalidInput(f"the card expired in {text}", code="card_expired")
    return month, year


@dataclass(frozen=True)
class Split:
    """Who pays what for one charge, in cents."""

    credits_cents: int
    balance_cents: int
    method_cents: int

    @property
    def total_cents(self) -> int:
        return self.credits_cents + self.balance_cents + self.method_cents


def split_charge(
    total_cents: int, *, credits_cents: int, balance_cents: int, has_payment_method: bool
) -> Split:
    """Credits first, then the balance, then the default payment method for the rest."""
    if total_cents < 0 or credits_cents < 0 or balance_cents < 0:
        raise ValueError("amounts are never negative")
    from_credits = min(total_cents, credits_cents)
    from_balance = min(total_cents - from_credits, balance_cents)
    rest = total_cents - from_credits - from_balance
    if rest and not has_payment_method:
        raise RuleViolation(
            "not enough credits or balance, and the account has no payment method",
            hint="fpctl billing payment-method add, or fpctl billing deposit AMOUNT",
            code="insufficient_funds",
        )
    return Split(from_credits, from_balance, rest)
