"""A store that cannot be used: one clear line and exit 7 (or 2 for a URL fpctl cannot use)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli

COMMANDS = [
    ("db", "check"),
    ("team", "list", "--account", "acme"),
    ("account", "create", "Acme", "--admin", "ada@acme.test"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_file_that_is_not_a_database_is_unavailable(
    cli: Cli, isolated_env: Path, command: tuple[str, ...]
) -> None:
    isolated_env.write_text("not a database\n" * 200)

    result = cli(*command, "-o", "json")

    assert result.exit_code == 7
    assert result.error == {
        "code": "store_unavailable",
        "message": "the store cannot be used: file is not a database",
    }
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_a_directory_given_as_the_store_is_unavailable(cli: Cli, tmp_path: Path) -> None:
    result = cli("account", "list", "--db", str(tmp_path), "-o", "json")

    assert (result.exit_code, result.error["code"]) == (7, "store_unavailable")
    # SQLite's own words were "unable to open database file"; the path says which.
    assert result.error["message"] == f"the store cannot be used: {tmp_path} is a directory"


def test_a_database_url_of_another_engine_is_a_usage_error(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_DATABASE_URL", "mysql://db.invalid/fpctl")

    result = cli("account", "list", "-o", "json")

    assert (result.exit_code, result.error["code"]) == (2, "invalid_input")
    assert "postgresql://" in result.error["hint"]


@pytest.mark.parametrize("host", ["db.invalid", "127.0.0.1:1"])
def test_a_server_that_cannot_be_reached_is_exit_7_on_one_line(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, host: str
) -> None:
    monkeypatch.setenv("FPCTL_DATABASE_URL", f"postgresql://ada:s3cret@{host}/fpctl")

    result = cli("account", "list", "-o", "json")

    assert (result.exit_code, result.error["code"]) == (7, "store_unavailable")
    assert len(result.stderr.strip().splitlines()) == 2  # the error line, the JSON error
    assert "s3cret" not in result.stderr


def test_a_sqlite_database_url_overrides_the_db_option(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "from-url.db"
    monkeypatch.setenv("FPCTL_DATABASE_URL", f"sqlite:///{store}")

    created = cli(
        "account",
        "create",
        "Acme",
        "--admin",
        "ada@acme.test",
        "--db",
        str(tmp_path / "ignored.db"),
    )

    assert created.exit_code == 0, created.stderr
    assert store.exists()
    assert not (tmp_path / "ignored.db").exists()
