"""Moving a team's store: SQLite to a PostgreSQL server and back, equal to the row."""

from __future__ import annotations

from pathlib import Path

import pytest

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
