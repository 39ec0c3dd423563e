"""Money is integer cents end to end; text is parsed with Decimal, never float."""

from __future__ import annotations

import re
from decimal import Decimal

from fpctl.errors import InvalidInput

MAX_CENTS = 1_000_000_000  # 10,000,000.00 USD: anything above is a typo, not a purchase

_AMOUNT = re.compile(r"^\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$", re.ASCII)


def parse_cents(text: str, *, allow_zero: bool = False) -> int:
    """``1234``, ``1234.5``, ``$1,234.50`` → cents. Refuses signs, exponents, NaN, >2 decimals."""
    cleaned = text.strip()
    if not _AMOUNT.match(cleaned):
        raise InvalidInput(
            f"{text!r} is not an amount",
            hint="write amounts like 1234, 1234.50 or $1,234.50 (at most two decimals, no sign)",
        )
    cents = int(Decimal(cleaned.lstrip("$").replace(",", "")) * 100)
    if cents == 0 and not allow_zero:
        raise InvalidInput(f"{text!r}: the amount must be more than zero")
    if cents > MAX_CENTS:
        raise InvalidInput(f"{text!r} is over the largest amount fpctl accepts ($10,000,000.00)")
    return cents


def format_cents(cents: int) -> str:
    """Cents → ``$1,234.50`` (``-$3.00`` for negatives)."""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}.{rest:02d}"
