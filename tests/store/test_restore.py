"""`fpctl db restore FILE` on a SQLite store (issue 11, defect 2): only a checked fpctl
backup goes back, through the backup API (a leftover WAL cannot corrupt it), and the
replaced store is kept unless told not to."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from fpctl.store.schema import HEAD
from tests.conftest import Cli, changes_nothing, store_state
from tests.store.old_stores import store_at_0006

ADA = ("--as", "ada@acme.test")


@pytest.fixture
def backed_up(cli: Cli, acme: str, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """A backup of acme, then a change the restore must undo; the backup and its rows."""
    backup = tmp_path / "backup.db"
    assert cli("db", "backup", str(backup)).exit_code == 0
    at_backup = store_state()
    assert cli("team", "invite", "zoe@acme.test", *ADA).exit_code == 0
    return backup, at_backup


def test_a_restore_brings_the_backup_back_and_keeps_the_replaced_store(
    cli: Cli, backed_up: tuple[Path, dict[str, Any]], isolated_env: Path
) -> None:
    backup, at_backup = backed_up
    before = store_state()

    result = cli("db", "restore", str(backup), "--yes", "-o", "json")

    assert result.exit_code == 0, result.stderr
    assert store_state() == at_backup
    kept = isolated_env.with_name(isolated_env.name + ".bak")
    assert result.json["kept"] == str(kept)
    assert store_state(kept) == before
    assert (result.json["revision"], result.json["restored"]) == (HEAD, True)
    verified = cli("audit", "verify", "-o", "json").json
    assert (result.json["audit_records"], result.json["audit_head"]) == (
        verified["records"],
        verified["head"],
    )
    assert cli("db", "check", "-o", "json").json["ok"] is True


def test_no_keep_keeps_nothing(
    cli: Cli, backed_up: tuple[Path, dict[str, Any]], isolated_env: Path
) -> None:
    result = cli("db", "restore", str(backed_up[0]), "--no-keep", "--yes", "-o", "json")

    assert (result.exit_code, result.json["kept"]) == (0, None)
    assert not isolated_env.with_name(isolated_env.name + ".bak").exists()


def test_a_restore_needs_yes_and_a_dry_run_only_checks(
    cli: Cli, backed_up: tuple[Path, dict[str, Any]]
) -> None:
    with changes_nothing():
        unconfirmed = cli("db", "restore", str(backed_up[0]), "-o", "json")
        dry = cli("db", "restore", str(backed_up[0]), "--dry-run", "-o", "json")
    assert (unconfirmed.exit_code, unconfirmed.error["code"]) == (2, "confirmation_required")
    assert (dry.exit_code, dry.json["restored"]) == (0, False)


def test_a_leftover_wal_does_not_corrupt_the_restored_store(
    cli: Cli, backed_up: tuple[Path, dict[str, Any]], isolated_env: Path
) -> None:
    """What `cp backup.db store.db` breaks: a reader keeps the store's WAL alive."""
    backup, at_backup = backed_up
    with closing(sqlite3.connect(isolated_env)) as reader:
        reader.execute("SELECT count(*) FROM invitation").fetchone()
        assert Path(f"{isolated_env}-wal").exists()

        result = cli("db", "restore", str(backup), "--yes", "-o", "json")

        assert result.exit_code == 0, result.stderr
        assert reader.execute("SELECT count(*) FROM invitation").fetchone() == (0,)
    assert store_state() == at_backup
    assert cli("db", "check", "-o", "json").json["ok"] is True


def _not_fpctl(path: Path) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE t (x)")


def _from_a_newer_fpctl(path: Path) -> None:
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")


def _tampered(path: Path) -> None:
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("DROP TRIGGER audit_record_no_update")
        db.execute("UPDATE audit_record SET actor = 'mallory'")


@pytest.mark.parametrize(
    ("prepare", "exit_code", "code"),
    [
        (None, 3, "not_found"),
        (lambda path: path.write_text("not a store"), 2, "not_a_backup"),
        (_not_fpctl, 2, "not_a_backup"),
        (_tampered, 5, "backup_check_failed"),
        (_from_a_newer_fpctl, 5, "backup_too_new"),
    ],
    ids=["missing", "text", "another-sqlite-file", "rewritten-trail", "newer-schema"],
)
def test_only_a_checked_fpctl_backup_is_restored(  # noqa: PLR0917 - fixtures and params
    cli: Cli, backed_up: tuple[Path, dict[str, Any]], tmp_path: Path,
    prepare: Any, exit_code: int, code: str,
) -> None:  # fmt: skip
    backup = backed_up[0] if prepare in (_tampered, _from_a_newer_fpctl) else tmp_path / "other.db"
    if prepare is not None:
        prepare(backup)

    with changes_nothing():
        result = cli("db", "restore", str(backup), "--yes", "-o", "json")

    assert (result.exit_code, result.error["code"]) == (exit_code, code)
    assert result.stdout == ""


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_the_store_itself_is_no_backup(
    cli: Cli, backed_up: tuple[Path, dict[str, Any]], isolated_env: Path, suffix: str
) -> None:
    with changes_nothing():
        result = cli("db", "restore", f"{isolated_env}{suffix}", "--yes", "-o", "json")
    assert (result.exit_code, result.error["code"]) in {(2, "not_a_backup"), (3, "not_found")}


def test_a_backup_of_an_older_schema_is_upgraded_on_the_way(
    cli: Cli, acme: str, tmp_path: Path
) -> None:
    """A backup an older fpctl wrote (schema 0006) comes back at the current schema, its
    money rows sealed by the upgrade, and the check passes."""
    backup = tmp_path / "old.db"
    store_at_0006(backup)

    result = cli("db", "restore", str(backup), "--yes", "-o", "json")

    assert result.exit_code == 0, result.stderr
    assert (result.json["revision"], result.json["restored"]) == ("0006", True)  # the backup's
    assert [a["slug"] for a in cli("account", "list", "-o", "json").json] == ["old"]
    check = cli("db", "check", "-o", "json").json
    assert (check["ok"], check["schema"]["revision"]) == (True, HEAD)
    with closing(sqlite3.connect(backup)) as db:  # the backup itself is left as it was
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0006",)]
