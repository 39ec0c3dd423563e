"""Delivered files on a PostgreSQL server (bytea): to the server and back, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import backends
from tests.conftest import Cli, store_state


def test_delivered_files_move_to_the_server_and_back(
    cli: Cli, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FPCTL_DATABASE_URL")
    start, back = tmp_path / "start.db", tmp_path / "back.db"
    monkeypatch.setenv("FPCTL_DB", str(start))
    content = bytes(range(256)) * 1000
    (tmp_path / "all.bin").write_bytes(content)
    for line in (
        ["account", "create", "Acme", "--admin", "ada@acme.test", "--slug", "acme"],
        ["freelancer", "add", "lena", "--as", "support", "--reason", "setup"],
        [
            "billing",
            "payment-method",
            "add",
            "--card",
            "4242 4242 4242 4242",
            "--expiry",
            "12/30",
            "--as",
            "ada@acme.test",
        ],
        ["order", "place", "--freelancer", "lena", "--amount", "100", "--as", "ada@acme.test"],
        ["order", "skip-requirements", "1", "--as", "@lena"],
        ["order", "deliver", "1", "--file", str(tmp_path / "all.bin"), "--as", "@lena"],
    ):
        done = cli(*line)
        assert done.exit_code == 0, (line, done.stderr)

    there = cli("db", "copy", "--to", pg_url, "-o", "json")
    assert there.exit_code == 0, there.stderr
    monkeypatch.setenv("FPCTL_DATABASE_URL", pg_url)
    checked = cli("db", "check", "-o", "json")
    assert (checked.json["files"]["files"], checked.json["files"]["bytes"]) == (1, len(content))
    fetched = cli("order", "download", "1", "--to", str(tmp_path / "out"), "--as", "ada@acme.test")
    assert fetched.exit_code == 0, fetched.stderr
    assert (tmp_path / "out" / "all.bin").read_bytes() == content
    home = cli("db", "copy", "--to", str(back), "-o", "json")
    assert home.exit_code == 0, home.stderr

    assert store_state(back) == store_state(start)
    rows = backends.rows_of(pg_url)["delivery_file"]
    assert [bytes(row[7]) for row in rows] == [content]
