"""``--redact``: output safe to paste into a ticket. Every email is masked
(``priya.shah@northwind-traders.test`` → ``p***@northwind…``), invitation tokens and card
digits are never shown; everything else is as it was, in every format."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from fpctl.render.output import Pageable

REDACTED = "[redacted]"
_EMAIL = re.compile(r"([^\s@<>()\[\],;:\"']+)@([A-Za-z0-9-]+)((?:\.[A-Za-z0-9-]+)+)")
_CARD = re.compile(r"(card \*|\*{4} ?|•{4} ?)[0-9]{4}")
_SECRET_KEYS = frozenset({"token", "last4"})


def mask_email(found: re.Match[str]) -> str:
    local, first_label = found.group(1), found.group(2)
    return f"{local[0]}***@{first_label.split('-')[0]}…"


def redact_text(text: str) -> str:
    return _CARD.sub(lambda found: found.group(1) + "••••", _EMAIL.sub(mask_email, text))


def redact_value(key: str | None, value: Any) -> Any:
    if value is None:
        return None
    if key in _SECRET_KEYS:
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: redact_value(k, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(None, item) for item in value]
    return value


def redacted(
    data: Mapping[str, Any] | Iterable[Mapping[str, Any]],
) -> Mapping[str, Any] | Iterable[Mapping[str, Any]]:
    """``data`` (an object, or rows read lazily) with what a ticket must not hold masked."""
    if isinstance(data, Mapping):
        return redact_value(None, data)
    if isinstance(data, Pageable):
        return data.map(partial(redact_value, None))  # a table still reads one page
    return (redact_value(None, row) for row in data)
