"""The audit trail's view: one record, its changes as data (and as lines for people)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from fpctl.clock import iso
from fpctl.domain.money import format_cents
from fpctl.store.tables import (
    AuditRecord,
)
from fpctl.views import View

#: Most important first: at 80 columns those that fit are shown (-o wide: every key).
AUDIT_COLUMNS = ["id", "at", "action", "target", "actor", "agent", "reason", "changes", "account"]

#: How a change's missing side reads in a table (the value did not exist before, or after).
NOTHING = "—"
#: A value longer than this is cut in a table (the JSON keeps all of it).
LONGEST_VALUE = 60


def audit_view(record: AuditRecord, account_slug: str | None) -> View:
    import json

    return {
        "id": record.id,
        "at": iso(record.at),
        "actor": record.actor,
        "actor_kind": record.actor_kind,
        "agent": record.agent,
        "action": record.action,
        "target": record.target,
        "account": account_slug,
        "reason": record.reason,
        "changes": json.loads(record.changes),
        "prev_hash": record.prev_hash,
        "hash": record.hash,
    }


def row_views(rows: Iterable[Sequence[Any]], columns: Sequence[str]) -> Iterator[View]:
    """``audit_view``'s views, from plain rows of ``columns`` in the view's own order
    (``changes`` as the stored JSON text): no ORM object per record."""
    import json

    loads = json.loads
    for row in rows:
        view = dict(zip(columns, row, strict=True))
        view["changes"] = loads(view["changes"])
        yield view


def for_people(view: View, *, separator: str = "\n") -> View:
    """The record as a table shows it: its changes as ``field: old → new`` lines."""
    return {**view, "changes": change_lines(view["changes"], separator=separator)}


def change_lines(changes: Mapping[str, Any], *, separator: str = "\n") -> str:
    """``{"role": ["member", "admin"]}`` as ``role: member → admin``, one change a line;
    money in dollars (``balance: $0.00 → $1,000.00``), a missing side as ``—``."""
    lines = []
    for field, pair in changes.items():
        before, after = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        money = field.endswith("_cents")
        name = field.removesuffix("_cents") if money else field
        lines.append(f"{name}: {_shown(before, money)} → {_shown(after, money)}")
    return separator.join(lines)


def _shown(value: Any, money: bool) -> str:
    import json

    if value is None:
        return NOTHING
    if money and isinstance(value, int) and not isinstance(value, bool):
        return format_cents(value)
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, str):
        text = " ".join(value.split()) if value.strip() else json.dumps(value)
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"
