"""The audit trail is fenced by triggers and hash-chained (RELIABILITY §7): getting past
the fence with raw SQL still shows up in `audit verify` and `db check`."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import Cli

Raw = Callable[[], Any]


@pytest.fixture
def trail(cli: Cli, acme: str) -> int:
    """acme with a few more audited changes; returns how many records there are."""
    for email in ("mia@acme.test", "max@acme.test", "zoe@acme.test"):
        invited = cli("team", "invite", email, "--as", "ada@acme.test", "-o", "json")
        assert invited.exit_code == 0, invited.stderr
    records = cli("audit", "list", "--account", acme, "-o", "json").json
    assert [r["id"] for r in records] == list(range(1, len(records) + 1))
    assert len(records) >= 4
    return len(records)


def _drop_the_fence(db: sqlite3.Connection) -> None:
    db.execute("DROP TRIGGER audit_record_no_update")
    db.execute("DROP TRIGGER audit_record_no_delete")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_record SET actor = 'mallory' WHERE id = 2",
        "DELETE FROM audit_record WHERE id = 2",
    ],
)
def test_the_triggers_refuse_changes_to_audit_records(
    trail: int, raw: Raw, cli: Cli, statement: str
) -> None:
    with raw() as db, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute(statement)
    assert cli("audit", "verify", "-o", "json").exit_code == 0


def test_an_edited_record_is_named_by_audit_verify(trail: int, raw: Raw, cli: Cli) -> None:
    with raw() as db:
        _drop_the_fence(db)
        db.execute("UPDATE audit_record SET actor = 'mallory@acme.test' WHERE id = 3")

    result = cli("audit", "verify", "-o", "json")

    assert result.exit_code == 5
    assert result.stdout == ""
    assert result.error["code"] == "audit_broken"
    assert result.error["message"] == (
        "the audit trail is broken at record 3: its content does not match its hash"
    )


def test_a_deleted_middle_record_is_detected(trail: int, raw: Raw, cli: Cli) -> None:
    with raw() as db:
        _drop_the_fence(db)
        db.execute("DELETE FROM audit_record WHERE id = 2")

    result = cli("audit", "verify", "-o", "json")

    assert result.exit_code == 5
    assert result.error["code"] == "audit_broken"
    assert result.error["message"] == "the audit trail is broken at record 2: record 2 is missing"


def test_a_rechained_edit_is_still_caught_by_the_next_link(trail: int, raw: Raw, cli: Cli) -> None:
    from fpctl.domain.chain import digest

    with raw() as db:
        _drop_the_fence(db)
        db.row_factory = sqlite3.Row
        row = dict(db.execute("SELECT * FROM audit_record WHERE id = 2").fetchone())
        row["actor"] = "mallory@acme.test"
        at = datetime.fromisoformat(row["at"]).replace(tzinfo=UTC)
        forged = digest({**row, "at": at})  # its own hash is right again
        db.execute(
            "UPDATE audit_record SET actor = ?, hash = ? WHERE id = 2", (row["actor"], forged)
        )

    result = cli("audit", "verify", "-o", "json")

    assert result.exit_code == 5
    assert "record 3: its link to the previous record is broken" in result.error["message"]


def test_db_check_reports_the_break_and_the_missing_fence(trail: int, raw: Raw, cli: Cli) -> None:
    with raw() as db:
        _drop_the_fence(db)
        db.execute("UPDATE audit_record SET target = 'nothing' WHERE id = 2")

    result = cli("db", "check", "-o", "json")

    assert result.exit_code == 5
    assert result.json["ok"] is False
    assert result.json["failed"] == ["audit_fence", "audit_chain"]
    assert result.json["audit_chain"]["broken_at"] == 2
    assert result.json["audit_chain"]["detail"] == (
        "broken at record 2: its content does not match its hash"
    )
    assert result.json["integrity"]["ok"] is True
    assert result.error == {
        "code": "store_check_failed",
        "message": "the store failed 2 check(s): audit_fence, audit_chain",
        "hint": "restore it from a good backup: fpctl db restore FILE --yes",
    }
