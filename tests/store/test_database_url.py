"""FPCTL_DATABASE_URL: a SQLite URL or a PostgreSQL server; its password never printed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from fpctl.errors import InvalidInput
from fpctl.store.location import resolve, without_password
from tests.conftest import Cli


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ada@db.test:5432/fpctl",
        "postgres://ada@db.test:5432/fpctl",
        "postgresql+psycopg://ada@db.test:5432/fpctl",
    ],
)
def test_a_postgresql_url_names_a_server_store(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("FPCTL_DATABASE_URL", url)
    location = resolve()
    assert (location.dialect, location.path) == ("postgresql", None)
    assert location.url == "postgresql+psycopg://ada@db.test:5432/fpctl"


def test_other_servers_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_DATABASE_URL", "mysql://ada@db.test/fpctl")
    with pytest.raises(InvalidInput) as refused:
        resolve()
    assert "'mysql'" in refused.value.message


def test_a_missing_driver_names_the_extra(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else real(name, *a)
    )
    monkeypatch.setenv("FPCTL_DATABASE_URL", "postgresql://ada@db.test/fpctl")
    result = cli("team", "list", "--account", "acme", "-o", "json")

    assert result.exit_code == 2
    assert result.error["code"] == "driver_missing"
    assert result.error["hint"] == 'install the extra: pip install "fpctl[postgres]"'


def test_the_password_is_never_printed(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_DATABASE_URL", "postgresql://ada:s3cret@db.test:5432/fpctl")
    result = cli("db", "path", "-o", "json")

    assert result.exit_code == 0, result.stderr
    assert result.json == {"path": None, "url": "postgresql+psycopg://ada:***@db.test:5432/fpctl"}
    assert "s3cret" not in result.stdout + result.stderr
    assert without_password("sqlite:////tmp/a.db") == "sqlite:////tmp/a.db"


def test_db_path_prints_the_bare_path_for_a_shell(cli: Cli, isolated_env: Path) -> None:
    """`$(fpctl db path)` is the path: no table around it."""
    result = cli("db", "path")
    assert (result.exit_code, result.stdout) == (0, f"{isolated_env}\n")


def test_db_path_prints_the_url_of_a_server_without_its_password(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_DATABASE_URL", "postgresql://ada:s3cret@db.test:5432/fpctl")
    assert cli("db", "path").stdout == "postgresql+psycopg://ada:***@db.test:5432/fpctl\n"


@pytest.mark.parametrize(
    "url",
    ["postgresql://[::1", "postgresql://ada:pw@[::1/db", "postgresql://db.test:port/db"],
)
def test_a_malformed_server_url_is_a_usage_error_on_one_line(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("FPCTL_DATABASE_URL", url)
    result = cli("account", "list", "-o", "json")
    assert (result.exit_code, result.stdout) == (2, "")
    assert "pw" not in result.stderr


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_a_store_in_memory_is_refused(cli: Cli, acme: str, url: str) -> None:
    """A copy into it would report success and vanish with the process."""
    result = cli("db", "copy", "--to", url, "-o", "json")
    assert (result.exit_code, result.stdout) == (2, "")
