"""A store kept locked past the busy timeout: exit 7, a clear message, nothing changed."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli


@pytest.fixture
def short_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_BUSY_TIMEOUT_MS", "200")


def test_a_write_waits_then_exits_7_when_another_writer_holds_the_lock(
    cli: Cli, acme: str, raw: Callable[[], Any], short_timeout: None
) -> None:
    with raw() as other:
        other.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        result = cli("team", "invite", "zed@acme.test", "--as", "ada@acme.test", "-o", "json")
        waited = time.monotonic() - started
        other.execute("ROLLBACK")

    assert result.exit_code == 7, result.stderr
    assert result.error["code"] == "store_busy"
    assert result.error["message"] == (
        "the store is busy: another fpctl kept it locked past the timeout"
    )
    assert "FPCTL_BUSY_TIMEOUT_MS" in result.error["hint"]
    assert result.stdout == ""
    assert 0.2 <= waited < 5
    invitations = cli("team", "invitations", "--account", acme, "-o", "json")
    assert invitations.json == []


def test_the_write_goes_through_once_the_lock_is_released_in_time(
    cli: Cli, acme: str, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_BUSY_TIMEOUT_MS", "5000")
    locked = threading.Event()

    def hold_the_lock_briefly() -> None:
        with closing(sqlite3.connect(isolated_env, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")
            locked.set()
            time.sleep(0.3)
            other.execute("ROLLBACK")

    holder = threading.Thread(target=hold_the_lock_briefly)
    holder.start()
    locked.wait()
    result = cli("team", "invite", "zed@acme.test", "--as", "ada@acme.test", "-o", "json")
    holder.join()

    assert result.exit_code == 0, result.stderr
    assert result.json["email"] == "zed@acme.test"


def test_db_upgrade_needs_the_write_lock_but_db_check_reads_beside_a_writer(
    cli: Cli, acme: str, raw: Callable[[], Any], short_timeout: None
) -> None:
    with raw() as other:
        other.execute("BEGIN IMMEDIATE")
        upgrade = cli("db", "upgrade", "-o", "json")
        check = cli("db", "check", "-o", "json")
        other.execute("ROLLBACK")

    assert (upgrade.exit_code, upgrade.error["code"]) == (7, "store_busy")
    assert check.exit_code == 0, check.stderr  # WAL: readers are not blocked
    assert check.json["ok"] is True


def test_reads_do_not_wait_for_a_writer_when_nothing_is_due(
    cli: Cli, team: dict[str, str], raw: Callable[[], Any], short_timeout: None
) -> None:
    with raw() as other:
        other.execute("BEGIN IMMEDIATE")
        members = cli("team", "list", "--account", "acme", "-o", "json")
        account = cli("account", "show", "acme", "-o", "json")
        other.execute("ROLLBACK")

    assert members.exit_code == 0, members.stderr
    assert len(members.json) == 4
    assert account.exit_code == 0, account.stderr


def test_a_read_that_finds_something_due_settles_it_under_the_write_lock(
    cli: Cli, acme: str, raw: Callable[[], Any], short_timeout: None
) -> None:
    invited = cli("team", "invite", "zed@acme.test", "--as", "ada@acme.test", "-o", "json")
    assert invited.exit_code == 0, invited.stderr
    later = "2026-12-15T00:00:00Z"  # past the invitation's 30 days

    with raw() as other:
        other.execute("BEGIN IMMEDIATE")
        blocked = cli("team", "invitations", "--account", acme, "--now", later, "-o", "json")
        other.execute("ROLLBACK")
    settled = cli("team", "invitations", "--account", acme, "--now", later, "-o", "json")

    assert (blocked.exit_code, blocked.error["code"]) == (7, "store_busy")
    assert [i["status"] for i in settled.json] == ["expired"]
