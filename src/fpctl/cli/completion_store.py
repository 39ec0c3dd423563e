"""Reading the store for a TAB press: the stdlib ``sqlite3`` for a file, psycopg alone for a
server; never the ORM (a completion must stay fast; tests/test_completions.py checks it).

The store is the one the command line names: ``--db`` (or ``FPCTL_DB``), or
``FPCTL_DATABASE_URL``. Any problem (no store, a locked or foreign file, an unreachable
server, a schema from another version) reads as no rows: a completion never fails.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import closing, suppress
from typing import Any

import typer

#: At most this many values per TAB press (the newest ids, the first names).
LIMIT = 200
SQLITE_TIMEOUT_S = 0.5
#: A server store: libpq counts connect_timeout in whole seconds, 2 at the least.
SERVER_CONNECT_TIMEOUT_S = 2
SERVER_STATEMENT_TIMEOUT_MS = 1000


def given(ctx: typer.Context, name: str) -> Any:
    """The value of option ``name`` on the line (or from its variable), wherever it was
    given: on the command, or before it on a group."""
    context: Any = ctx
    while context is not None:
        value = context.params.get(name)
        if value not in (None, (), False):
            return value
        context = context.parent
    return None


def like(prefix: str) -> str:
    """A LIKE pattern matching values that start with ``prefix`` taken literally."""
    escaped = prefix.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def rows(ctx: typer.Context, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of one read-only query (``?`` placeholders), or none on any problem."""
    from fpctl.store.location import resolve

    with suppress(Exception):
        db = given(ctx, "db") or os.environ.get("FPCTL_DB")
        location = resolve(str(db) if db else None)
        if location.dialect == "postgresql":
            return _server_rows(location.url, sql, params)
        if location.path is None or not location.path.is_file():
            return []
        import sqlite3  # on a TAB press only, not for `--help`

        uri = f"{location.path.absolute().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=SQLITE_TIMEOUT_S)) as connection:
            return connection.execute(sql, tuple(params)).fetchall()
    return []


def _server_rows(url: str, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    import psycopg

    libpq = url.replace("postgresql+psycopg://", "postgresql://", 1)
    options = f"-c statement_timeout={SERVER_STATEMENT_TIMEOUT_MS} "
    options += "-c default_transaction_read_only=on"
    with psycopg.connect(
        libpq, autocommit=True, connect_timeout=SERVER_CONNECT_TIMEOUT_S, options=options
    ) as connection:
        return connection.execute(sql.replace("?", "%s"), tuple(params)).fetchall()


def account_scope(ctx: typer.Context, column: str = "account_id") -> tuple[str, list[Any]]:
    """``AND column = …``: the account the command will work on, when the line says which
    (``--account SLUG``, else the account of the ``--as`` member); nothing otherwise."""
    slug = given(ctx, "account")
    if slug:
        return f" AND {column} = (SELECT id FROM account WHERE slug = ?)", [slug]
    actor = member_actor(ctx)
    if actor:
        return (
            f" AND {column} = (SELECT account_id FROM member WHERE email = ? "
            "AND status != 'removed')",
            [actor],
        )
    return "", []


def member_actor(ctx: typer.Context) -> str | None:
    """The member ``--as EMAIL`` names, if it names one."""
    actor = given(ctx, "as_")
    if isinstance(actor, str) and "@" in actor and not actor.startswith("@"):
        return actor.strip().casefold()
    return None


def freelancer_actor(ctx: typer.Context) -> str | None:
    """The freelancer ``--as @USERNAME`` names, if it names one."""
    actor = given(ctx, "as_")
    if isinstance(actor, str) and actor.startswith("@") and len(actor) > 1:
        return actor[1:].strip().casefold()
    return None
