"""Every test gets its own store file and a clean environment (no FPCTL_* leaks in)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pytest
from typer.testing import CliRunner

from fpctl import clock
from tests import backends

NOW = "2026-11-01T10:00:00Z"
T = TypeVar("T")


def _read_unordered_rows_backwards() -> None:
    """A query without ORDER BY gets its rows in whatever order the store keeps them:
    SQLite's table order, PostgreSQL's heap order, which changes as rows are updated. Every
    SQLite store the tests open in this process reads such rows backwards (``PRAGMA
    reverse_unordered_selects``), so code that leans on an order nobody asked for fails on
    SQLite every time, not on the server now and then."""
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    def backwards(dbapi_connection: Any, _record: Any) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.execute("PRAGMA reverse_unordered_selects=ON")

    event.listen(Pool, "connect", backwards)  # every engine's pool, made now or later


_read_unordered_rows_backwards()


@pytest.fixture
def backend() -> str:
    """The store the test runs on; `tests/services` asks for every backend there is."""
    return "sqlite"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str) -> Iterator[Path]:
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
    if backend != "postgres":
        yield db
        return
    monkeypatch.setenv("FPCTL_DATABASE_URL", backends.Worker.database())
    backends.Worker.reset()
    yield db


_BUILT: dict[str, tuple[bytes, Any]] = {}
_BUILT_ON_SERVER: dict[str, Any] = {}


def built_once(key: str, db: Path, build: Callable[[], T]) -> T:
    """Build the test's store with ``build`` the first time ``key`` is asked for in this
    process; later, make the test's store a copy of that one (the SQLite file's bytes into
    ``db``, a fresh path with no -wal file to disagree with them; on a server, a database
    made from a template). Returns what ``build`` returned."""
    import os
    import sqlite3

    url = os.environ.get("FPCTL_DATABASE_URL", "")
    if url.startswith("postgresql"):
        return _built_once_on_server(key, build)
    if key not in _BUILT:
        made = build()
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        _BUILT[key] = (db.read_bytes(), made)
    else:
        db.write_bytes(_BUILT[key][0])
    result: T = _BUILT[key][1]
    return result


def _built_once_on_server(key: str, build: Callable[[], T]) -> T:
    if key not in backends.Worker.kept:  # built in no database yet, or in one made again
        _BUILT_ON_SERVER[key] = build()
        backends.Worker.keep(key)
    else:
        backends.Worker.reset(key)
    result: T = _BUILT_ON_SERVER[key]
    return result


@pytest.fixture(scope="session", autouse=True)
def _drop_the_workers_database() -> Iterator[None]:
    yield
    backends.Worker.drop()


def store_state(db: Path | str | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read with sqlite3 outside fpctl: what a refused change must
    leave exactly as it was (the test's own store by default)."""
    import os
    import sqlite3

    url = os.environ.get("FPCTL_DATABASE_URL", "")
    if db is None and url.startswith("postgresql"):
        return backends.rows_of(url)
    path = db or os.environ["FPCTL_DB"]
    with sqlite3.connect(path) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        state = {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
    conn.close()
    return state


@contextmanager
def changes_nothing(db: Path | str | None = None) -> Iterator[None]:
    """``with changes_nothing(): cli(...)``: the block leaves every table as it was."""
    before = store_state(db)
    yield
    assert store_state(db) == before


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


TEAM = {
    "bill@acme.test": "billing_manager",
    "mia@acme.test": "member",
    "max@acme.test": "member",
}


#: What the ``shop`` store adds to ``team``: freelancers, services and a card (SHOP_SETUP).
SHOP = {
    "logo_service": 1,  # lena (pro): "Logo design", 100.00, 1 revision
    "post_service": 2,  # otto: "Blog post", 50.00, no revision
    "card": 1,  # ada's card *4242, the default payment method
}
SHOP_SETUP = [
    ["freelancer", "add", "lena", "--name", "Lena Pro", "--pro"],
    ["freelancer", "service", "add", "lena", "Logo design", "--price", "100", "--revisions", "1"],
    ["freelancer", "add", "otto", "--name", "Otto"],
    ["freelancer", "service", "add", "otto", "Blog post", "--price", "50.00"],
]
_SUPPORT = ["--as", "support", "--reason", "setup"]
#: The operator (FPCTL_AGENT) who built the prepared stores: their records' ``agent``.
TEMPLATE_AGENT = "setup"


def _build_store(
    db: Path, *, with_team: bool, with_shop: bool = False, url: str | None = None
) -> None:
    """acme (admin ada@) and, with the team, bill@, mia@ and max@ invited and joined; all
    through the CLI (in the SQLite file ``db``, or the PostgreSQL database ``url``)."""
    import os

    from fpctl.cli.main import run

    names = ("FPCTL_DB", "FPCTL_NOW", "FPCTL_DATABASE_URL", "FPCTL_AGENT")
    saved = {name: os.environ.get(name) for name in names}
    # The operator every record names (SPEC §3.2): fixed, so a prepared store is the same
    # whichever test built it first and whoever runs the tests.
    os.environ.update(FPCTL_DB=str(db), FPCTL_NOW=NOW, FPCTL_AGENT=TEMPLATE_AGENT)
    os.environ.pop("FPCTL_DATABASE_URL", None)
    if url is not None:
        os.environ["FPCTL_DATABASE_URL"] = url
    try:
        runner = CliRunner()
        with runner.isolation() as (out, err, _):
            steps = [
                [
                    "account",
                    "create",
                    "Acme",
                    "--admin",
                    "ada@acme.test",
                    "--admin-name",
                    "Ada Admin",
                    "--slug",
                    "acme",
                ]
            ]
            assert run(steps[0]) == 0, err.getvalue()
            for email, role in TEAM.items() if with_team else ():
                out.seek(0)
                out.truncate()
                code = run(
                    ["team", "invite", email, "--role", role, "--as", "ada@acme.test", "-o", "json"]
                )
                sys.stdout.flush()
                assert code == 0, err.getvalue()
                token = json.loads(out.getvalue())["token"]
                assert run(["team", "accept", token, "--name", email.split("@")[0]]) == 0
            for step in SHOP_SETUP if with_shop else ():
                assert run([*step, *_SUPPORT]) == 0, err.getvalue()
            if with_shop:
                card = ["--card", "4242 4242 4242 4242", "--expiry", "12/30"]
                add_card = ["billing", "payment-method", "add", *card, "--as", "ada@acme.test"]
                assert run(add_card) == 0, err.getvalue()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        clock.set_now(None)


def _copy_store(source: Path, target: Path) -> None:
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Stores built once per test run and copied into each test's own file."""
    folder = tmp_path_factory.mktemp("templates")
    templates = {name: folder / f"{name}.db" for name in ("acme", "team", "shop")}
    _build_store(templates["acme"], with_team=False)
    _build_store(templates["team"], with_team=True)
    _build_store(templates["shop"], with_team=True, with_shop=True)
    return templates


_PREPARED = {"acme": (False, False), "team": (True, False), "shop": (True, True)}


def _restore(template: str, isolated_env: Path, request: pytest.FixtureRequest) -> None:
    """The test's store becomes a copy of the named prepared store."""
    import os

    url = os.environ.get("FPCTL_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        _copy_store(request.getfixturevalue("_templates")[template], isolated_env)
        return
    with_team, with_shop = _PREPARED[template]
    build = partial(_build_store, isolated_env, with_team=with_team, with_shop=with_shop, url=url)
    _built_once_on_server(template, build)


@pytest.fixture
def acme(isolated_env: Path, request: pytest.FixtureRequest) -> str:
    """An account `acme` whose admin is ada@acme.test; returns the slug."""
    _restore("acme", isolated_env, request)
    return "acme"


@pytest.fixture
def team(isolated_env: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    """acme with an active billing manager (bill@) and two members (mia@, max@)."""
    _restore("team", isolated_env, request)
    return dict(TEAM)


@pytest.fixture
def shop(isolated_env: Path, request: pytest.FixtureRequest) -> dict[str, int]:
    """``team`` plus freelancers lena (pro, service 1 "Logo design" 100.00 with 1 revision)
    and otto (service 2 "Blog post" 50.00), and ada's card as the default payment method
    (balance and credits 0). Returns SHOP."""
    _restore("shop", isolated_env, request)
    return dict(SHOP)


# -- service level ------------------------------------------------------------------------


@pytest.fixture
def store(isolated_env: Path, request: pytest.FixtureRequest) -> Any:
    """The test's store, opened as every client opens it (``services.work.open_store``),
    after the template store the test asks for (a server database is replaced whole)."""
    from fpctl.services.work import open_store
    from fpctl.store.location import resolve

    for template in ("acme", "team", "shop"):
        if template in request.fixturenames:
            request.getfixturevalue(template)

    opened = open_store(resolve(str(isolated_env)))  # FPCTL_DATABASE_URL when on a server
    yield opened
    opened.engine.dispose()


@pytest.fixture
def engine(store: Any) -> Any:
    return store.engine


@pytest.fixture
def work(store: Any) -> Callable[..., Any]:
    """``with work(as_="ada@acme.test", now=...) as ctx:`` — one committed unit of work."""
    from fpctl.services.work import unit_of_work

    def open_work(
        as_: str | None = None,
        *,
        account: str | None = None,
        reason: str | None = None,
        now: datetime | str = NOW,
        write: bool = True,
    ) -> Any:
        return unit_of_work(store, as_=as_, account=account, reason=reason, now=now, write=write)

    return open_work
