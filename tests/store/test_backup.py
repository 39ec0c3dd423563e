"""`fpctl db backup` (online backup API) and `fpctl db check` on real store files."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from fpctl.store.schema import HEAD
from tests.conftest import Cli, changes_nothing
from tests.racing import Race

Raw = Callable[[], Any]


def _counts(path: Path) -> tuple[int, int]:
    """(invitations, team.invite audit records) in one read transaction."""
    with closing(sqlite3.connect(path)) as db:
        return db.execute(
            "SELECT (SELECT count(*) FROM invitation), "
            "(SELECT count(*) FROM audit_record WHERE action = 'team.invite')"
        ).fetchone()


def _wait_for(condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_backup_taken_while_another_process_writes_is_consistent(
    cli: Cli, acme: str, race: Race, isolated_env: Path, tmp_path: Path
) -> None:
    race.spawn(lambda n: ["team", "invite", f"w{n}@acme.test", "--as", "ada@acme.test"])
    race.start()
    _wait_for(lambda: _counts(isolated_env)[0] >= 3)

    taken = []
    for index in range(3):
        before = _counts(isolated_env)[0]
        backup = tmp_path / f"backup-{index}.db"
        result = cli("db", "backup", backup, "-o", "json")
        assert result.exit_code == 0, result.stderr
        taken.append((before, backup, _counts(isolated_env)[0]))
        time.sleep(0.1)
    race.stop.set()
    writes = [run for worker in race.results() for run in worker]

    assert writes and all(run["exit_code"] == 0 for run in writes)
    for before, backup, after in taken:
        invitations, audited = _counts(backup)
        assert before <= invitations <= after  # nothing committed was left in the WAL
        assert invitations == audited  # data and audit records from the same instant
        with closing(sqlite3.connect(backup)) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        verified = cli("audit", "verify", "--db", backup, "-o", "json")
        assert verified.exit_code == 0, verified.stderr


def test_backup_reports_the_copy(cli: Cli, acme: str, isolated_env: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"

    result = cli("db", "backup", target, "-o", "json")

    assert result.exit_code == 0, result.stderr
    verified = cli("audit", "verify", "-o", "json").json
    assert result.json == {
        "path": str(target),
        "bytes": target.stat().st_size,
        "source": str(isolated_env),
        "revision": HEAD,
        "audit_records": verified["records"],
        "audit_head": verified["head"],
        "anchor": f"{verified['records']}:{verified['head']}",
        "format": "sqlite",
        "written": True,
    }
    assert list(tmp_path.glob(".copy.db*")) == []  # no partial file left behind


def test_backup_refuses_to_overwrite_a_file_without_yes(
    cli: Cli, acme: str, tmp_path: Path
) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")

    refused = cli("db", "backup", target, "-o", "json")

    assert refused.exit_code == 5
    assert refused.stdout == ""
    assert refused.error == {
        "code": "backup_exists",
        "message": f"{target} already exists: it was not overwritten",
        "hint": "add --yes to replace it, or choose another FILE",
    }
    assert target.read_text() == "keep me"

    replaced = cli("db", "backup", target, "--yes", "-o", "json")

    assert replaced.exit_code == 0, replaced.stderr
    with closing(sqlite3.connect(target)) as db:
        assert db.execute("SELECT slug FROM account").fetchall() == [("acme",)]


def test_backup_refuses_the_store_itself_and_a_missing_store(
    cli: Cli, isolated_env: Path, tmp_path: Path
) -> None:
    missing = cli("db", "backup", tmp_path / "b.db", "-o", "json")
    assert (missing.exit_code, missing.error["code"]) == (3, "not_found")
    assert not isolated_env.exists()

    cli("db", "upgrade")
    itself = cli("db", "backup", isolated_env, "--yes", "-o", "json")
    assert (itself.exit_code, itself.error["code"]) == (5, "backup_is_store")


def test_backup_dry_run_writes_nothing(cli: Cli, acme: str, tmp_path: Path) -> None:
    target = tmp_path / "dry.db"

    result = cli("db", "backup", target, "--dry-run", "-o", "json")

    assert result.exit_code == 0, result.stderr
    assert result.json["written"] is False
    assert result.json["bytes"] > 0
    assert result.stderr == "dry run: nothing was written\n"
    assert list(tmp_path.glob("*dry.db*")) == []


def test_check_passes_on_a_healthy_store(cli: Cli, acme: str) -> None:
    result = cli("db", "check", "-o", "json")

    assert result.exit_code == 0, result.stderr
    assert result.json["ok"] is True
    assert result.json["failed"] == []
    assert {
        name: result.json[name]["ok"] for name in result.json if name not in ("ok", "failed")
    } == {
        "integrity": True,
        "foreign_keys": True,
        "schema": True,
        "schema_objects": True,
        "ledger": True,
        "rewards": True,
        "order_payments": True,
        "subscription_refunds": True,
        "money_backed": True,
        "admins": True,
        "emails": True,
        "status_times": True,
        "files": True,
        "audit_fence": True,
        "audit_chain": True,
    }
    assert result.json["schema"]["revision"] == HEAD


def test_check_as_a_table(cli: Cli, acme: str) -> None:
    result = cli("db", "check")

    assert result.exit_code == 0, result.stderr
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    cells = [[cell.strip() for cell in line.split("│")[1:3]] for line in lines]
    assert ["integrity", "ok"] in cells, lines


def test_check_finds_orphan_rows(cli: Cli, acme: str, raw: Raw) -> None:
    with raw() as db:
        db.execute("PRAGMA foreign_keys=OFF")
        db.execute("UPDATE member SET account_id = 42")

    result = cli("db", "check", "-o", "json")

    assert result.exit_code == 5
    assert result.json["failed"] == ["foreign_keys", "admins"]  # acme lost its admin too
    assert result.json["foreign_keys"]["problems"] == [
        "member row 1 refers to a missing account row"
    ]
    assert result.error["code"] == "store_check_failed"


def test_check_of_a_missing_store_is_not_found(cli: Cli, isolated_env: Path) -> None:
    result = cli("db", "check", "-o", "json")

    assert (result.exit_code, result.error["code"]) == (3, "not_found")
    assert not isolated_env.exists()


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_backup_refuses_the_stores_own_files(
    cli: Cli, acme: str, isolated_env: Path, suffix: str
) -> None:
    """Writing over FILE-wal or FILE-shm would break every connection open on the store."""
    companion = isolated_env.with_name(isolated_env.name + suffix)
    with changes_nothing():
        refused = cli("db", "backup", str(companion), "--yes", "-o", "json")
    assert (refused.exit_code, refused.error["code"]) == (5, "backup_is_store")
    assert refused.stdout == ""
    assert cli("audit", "verify", "-o", "json").json["ok"] is True


def test_a_backup_removes_what_a_killed_backup_left_beside_its_target(
    cli: Cli, acme: str, tmp_path: Path
) -> None:
    """A killed run leaves `.TARGET.PID.partial` and its SQLite companions; the next run
    removes those of processes that are gone, and leaves a running one's alone."""
    target = tmp_path / "backup.db"
    gone = [  # no process has an id above the kernel's pid_max
        tmp_path / f".backup.db.999999999.partial{end}" for end in ("", "-journal", "-wal")
    ]
    alive = tmp_path / f".backup.db.{os.getppid()}.partial"
    for leftover in (*gone, alive):
        leftover.write_bytes(b"half")

    assert cli("db", "backup", str(target)).exit_code == 0

    assert [p.exists() for p in gone] == [False, False, False]
    assert alive.exists()
