"""views.audit: how a record's changes read in a table (issue 12, item 8)."""

from __future__ import annotations

from typing import Any

import pytest

from fpctl.views.audit import change_lines, for_people


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"role": ["member", "admin"]}, "role: member → admin"),
        ({"admin": [None, "ada@acme.test"]}, "admin: — → ada@acme.test"),
        ({"removed_at": ["2026-11-01T10:00:00Z", None]}, "removed_at: 2026-11-01T10:00:00Z → —"),
        ({"balance_cents": [0, 100000]}, "balance: $0.00 → $1,000.00"),
        ({"shared": [False, True]}, "shared: no → yes"),
        ({"hours": [None, 12]}, "hours: — → 12"),
        ({"members": [None, [2, 3]]}, "members: — → [2,3]"),
        ({"name": ["  ", "Acme\nCo"]}, 'name: "  " → Acme Co'),
        ({"text": [None, "x" * 100]}, "text: — → " + "x" * 59 + "…"),
        ({}, ""),
    ],
)
def test_a_change_is_field_old_to_new(changes: dict[str, Any], expected: str) -> None:
    assert change_lines(changes) == expected


def test_one_change_a_line_or_separated() -> None:
    changes = {"role": ["member", "admin"], "status": ["deactivated", "active"]}
    assert change_lines(changes) == "role: member → admin\nstatus: deactivated → active"
    assert (
        change_lines(changes, separator="; ")
        == "role: member → admin; status: deactivated → active"
    )


def test_only_the_changes_are_rewritten() -> None:
    view = {"id": 3, "action": "role.set", "changes": {"role": ["member", "admin"]}}
    assert for_people(view) == {"id": 3, "action": "role.set", "changes": "role: member → admin"}
    assert view["changes"] == {"role": ["member", "admin"]}  # the data view is left as it was
