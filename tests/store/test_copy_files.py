"""Delivered files travel with the store: `db copy`, `db backup` and `db restore` carry
their bytes, and `db check` proves each against its SHA-256 (issue 14, item 2)."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, store_state

#: Every byte value, and a file of a few chunks' worth of bytes.
CONTENTS = {"bytes.bin": bytes(range(256)) * 4, "big.bin": hashlib.sha256(b"x").digest() * 40_000}


@pytest.fixture
def delivered(cli: Cli, shop: Any, tmp_path: Path) -> dict[str, bytes]:
    placed = cli("order", "place", "--freelancer", "lena", "--service", 1,
                 "--as", "mia@acme.test", "-o", "json")  # fmt: skip
    order = placed.json["id"]
    assert cli("order", "skip-requirements", order, "--as", "@lena").exit_code == 0
    files = []
    for name, content in CONTENTS.items():
        (tmp_path / name).write_bytes(content)
        files += ["--file", str(tmp_path / name)]
    done = cli("order", "deliver", order, *files, "--as", "@lena")
    assert done.exit_code == 0, done.stderr
    return CONTENTS


def contents(db: Path) -> dict[str, bytes]:
    with closing(sqlite3.connect(db)) as connection:
        return dict(connection.execute("SELECT name, content FROM delivery_file ORDER BY id"))


def test_a_copied_store_has_the_same_file_bytes(
    cli: Cli, delivered: dict[str, bytes], isolated_env: Path, tmp_path: Path
) -> None:
    target = tmp_path / "copy.db"

    copied = cli("db", "copy", "--to", str(target), "-o", "json")

    assert copied.exit_code == 0, copied.stderr
    assert copied.json["tables"]["delivery_file"] == 2
    assert contents(target) == delivered
    assert store_state(target) == store_state(isolated_env)
    checked = cli("db", "check", "--db", str(target), "-o", "json")
    assert checked.json["files"]["ok"] is True
    assert (checked.json["files"]["files"], checked.json["files"]["bytes"]) == (2, 1024 + 1_280_000)


def test_a_backup_and_its_restore_carry_the_file_bytes(
    cli: Cli, delivered: dict[str, bytes], isolated_env: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.db"
    assert cli("db", "backup", str(backup)).exit_code == 0
    assert contents(backup) == delivered
    with closing(sqlite3.connect(isolated_env)) as connection, connection:
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute("DELETE FROM delivery_file")

    restored = cli("db", "restore", str(backup), "--yes")

    assert restored.exit_code == 0, restored.stderr
    assert contents(isolated_env) == delivered


def test_db_check_finds_bytes_that_do_not_match_their_hash(
    cli: Cli, delivered: dict[str, bytes], isolated_env: Path, tmp_path: Path
) -> None:
    with closing(sqlite3.connect(isolated_env)) as connection, connection:
        connection.execute("UPDATE delivery_file SET content = x'00' WHERE name = 'big.bin'")

    checked = cli("db", "check", "-o", "json")
    copied = cli("db", "copy", "--to", str(tmp_path / "copy.db"), "-o", "json")

    assert checked.exit_code == 5
    assert checked.json["failed"] == ["files"]
    assert checked.json["files"]["problems"] == [
        "file 2 of order 1 does not match its size and SHA-256"
    ]
    assert (copied.exit_code, copied.error["code"]) == (5, "copy_failed")
