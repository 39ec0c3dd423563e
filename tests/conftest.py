"""Every test gets its own store file and a clean environment (no FPCTL_* leaks in)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fpctl import clock

NOW = "2026-11-01T10:00:00Z"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import os

    for name in list(os.environ):
        if name.startswith("FPCTL_") or name == "_FPCTL_COMPLETE":
            monkeypatch.delenv(name)
    db = tmp_path / "fpctl.db"
    monkeypatch.setenv("FPCTL_DB", str(db))
    monkeypatch.setenv("FPCTL_NOW", NOW)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    clock.set_now(None)
    return db


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def error(self) -> dict[str, str]:
        """The JSON error object printed on stderr with -o json."""
        return json.loads(self.stderr.strip().splitlines()[-1])["error"]


Cli = Callable[..., Outcome]


@pytest.fixture
def cli() -> Cli:
    """Run ``fpctl ARGS`` in-process as a script would, with separate stdout and stderr."""
    from fpctl.cli.main import run

    def invoke(*args: str, input: str | None = None) -> Outcome:
        runner = CliRunner()
        with runner.isolation(input=input) as (out, err, _):
            code = run([str(a) for a in args])
            sys.stdout.flush()
            sys.stderr.flush()
            return Outcome(code, out.getvalue().decode(), err.getvalue().decode())

    return invoke


@pytest.fixture
def acme(cli: Cli) -> str:
    """An account `acme` whose admin is ada@acme.test; returns the slug."""
    result = cli(
        "account",
        "create",
        "Acme",
        "--admin",
        "ada@acme.test",
        "--admin-name",
        "Ada Admin",
        "--slug",
        "acme",
    )
    assert result.exit_code == 0, result.stderr
    return "acme"


@pytest.fixture
def team(cli: Cli, acme: str) -> dict[str, str]:
    """acme with an active billing manager (bill@) and two members (mia@, max@)."""
    people = {
        "bill@acme.test": "billing_manager",
        "mia@acme.test": "member",
        "max@acme.test": "member",
    }
    for email, role in people.items():
        invited = cli(
            "team", "invite", email, "--role", role, "--as", "ada@acme.test", "-o", "json"
        )
        assert invited.exit_code == 0, invited.stderr
        joined = cli("team", "accept", invited.json["token"], "--name", email.split("@")[0])
        assert joined.exit_code == 0, joined.stderr
    return people


# -- service level ------------------------------------------------------------------------


@pytest.fixture
def engine(isolated_env: Path) -> Any:
    from fpctl.store.db import create_store_engine
    from fpctl.store.location import resolve
    from fpctl.store.schema import ensure_current

    engine = create_store_engine(resolve(str(isolated_env)))
    ensure_current(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def work(engine: Any) -> Callable[..., Any]:
    """``with work(as_="ada@acme.test", now=...) as ctx:`` — one committed unit of work."""
    from fpctl.services import actors, settle
    from fpctl.services.context import Context
    from fpctl.store.db import unit_of_work

    @contextmanager
    def open_work(
        as_: str | None = None,
        *,
        account: str | None = None,
        reason: str | None = None,
        now: datetime | str = NOW,
        write: bool = True,
    ) -> Iterator[Context]:
        at = clock.parse_instant(now) if isinstance(now, str) else now
        with unit_of_work(engine, write=write) as session:
            settle.settle_due(session, at)
            actor, found = actors.resolve(session, as_, account_slug=account, reason=reason)
            yield Context(session=session, actor=actor, now=at, account=found)

    return open_work
