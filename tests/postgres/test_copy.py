"""Moving a team's store: SQLite to a PostgreSQL server and back, equal to the row."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fpctl.store.schema import HEAD
from tests import backends
from tests.conftest import Cli, store_state


def test_the_demo_store_moves_to_the_server_and_back(
    cli: Cli, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FPCTL_DATABASE_URL")
    start, back = tmp_path / "start.db", tmp_path / "back.db"
    seeded = cli("demo", "seed", "--db", str(start), "-o", "json")
    assert seeded.exit_code == 0, seeded.stderr

    there = cli("db", "copy", "--db", str(start), "--to", pg_url, "-o", "json")
    assert there.exit_code == 0, there.stderr
    monkeypatch.setenv("FPCTL_DATABASE_URL", pg_url)
    home = cli("db", "copy", "--to", str(back), "-o", "json")
    assert home.exit_code == 0, home.stderr

    assert there.json["tables"] == home.json["tables"]
    assert there.json["audit_head"] == home.json["audit_head"]
    assert store_state(back) == store_state(start)
    # the server keeps going where the copy left off (its id sequences restarted)
    admin = cli("team", "list", "--account", "northwind-traders", "--role", "admin", "-o", "json")
    made = cli("team", "invite", "new@x.test", "--as", admin.json[0]["email"], "-o", "json")
    assert made.exit_code == 0, made.stderr
    assert made.json["id"] == there.json["tables"]["invitation"] + 1


def test_a_server_store_is_backed_up_with_pg_dump(
    cli: Cli, pg_url: str, another_pg_url: str, tmp_path: Path
) -> None:
    if shutil.which("pg_restore") is None:
        pytest.skip("no pg_restore on this machine")
    assert cli("account", "create", "Acme", "--admin", "ada@acme.test").exit_code == 0
    dump = tmp_path / "acme.dump"

    made = cli("db", "backup", str(dump), "-o", "json")
    assert made.exit_code == 0, made.stderr
    assert (made.json["revision"], made.json["audit_records"]) == (HEAD, 1)
    assert made.json["format"] == "pg_dump"
    again = cli("db", "backup", str(dump), "-o", "json")
    assert (again.exit_code, again.error["code"]) == (5, "backup_exists")

    target = another_pg_url.replace("+psycopg", "")
    restored = subprocess.run(
        ["pg_restore", "--no-owner", f"--dbname={target}", str(dump)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert restored.returncode == 0, restored.stderr
    verified = cli("audit", "verify", "-o", "json")
    copy = subprocess.run(
        [str(Path(sys.executable).parent / "fpctl"), "audit", "verify", "-o", "json"],
        env={**os.environ, "FPCTL_DATABASE_URL": another_pg_url},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert copy.returncode == 0, copy.stderr
    assert json.loads(copy.stdout)["head"] == verified.json["head"]


def test_without_pg_dump_the_backup_is_a_sqlite_copy_that_goes_back_on_a_server(
    cli: Cli, pg_url: str, another_pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("account", "create", "Acme", "--admin", "ada@acme.test").exit_code == 0
    assert cli("team", "invite", "mia@acme.test", "--as", "ada@acme.test").exit_code == 0
    verified = cli("audit", "verify", "-o", "json").json
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without the PostgreSQL client
    backup = tmp_path / "acme.db"

    made = cli("db", "backup", str(backup), "-o", "json")

    assert made.exit_code == 0, made.stderr
    assert (made.json["format"], made.json["audit_records"]) == ("sqlite", 2)
    assert made.json["audit_head"] == verified["head"]
    assert [p.name for p in tmp_path.iterdir()] == ["acme.db"]  # nothing left beside it
    monkeypatch.delenv("FPCTL_DATABASE_URL")
    put_back = cli("db", "copy", "--db", str(backup), "--to", another_pg_url, "-o", "json")
    assert put_back.exit_code == 0, put_back.stderr
    assert put_back.json["audit_head"] == verified["head"]
    assert backends.rows_of(another_pg_url) == backends.rows_of(pg_url)


def test_a_server_store_is_restored_from_its_portable_backup(
    cli: Cli, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("account", "create", "Acme", "--admin", "ada@acme.test").exit_code == 0
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump: the backup is a SQLite file
    backup = tmp_path / "acme.db"
    assert cli("db", "backup", str(backup)).exit_code == 0
    at_backup = backends.rows_of(pg_url)
    assert cli("team", "invite", "zoe@acme.test", "--as", "ada@acme.test").exit_code == 0

    restored = cli("db", "restore", str(backup), "--yes", "-o", "json")

    assert restored.exit_code == 0, restored.stderr
    assert backends.rows_of(pg_url) == at_backup
    kept = Path(restored.json["kept"])
    assert kept == tmp_path / f"{backends.name_of(pg_url)}.bak"
    monkeypatch.delenv("FPCTL_DATABASE_URL")  # the kept copy: the store as it was, invite too
    assert cli("audit", "verify", "--db", str(kept), "-o", "json").json["records"] == 2
