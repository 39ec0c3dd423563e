"""Values completed from the store with the stdlib ``sqlite3`` (a TAB press must stay fast).

Nothing here imports SQLAlchemy, SQLModel or Rich; ``tests/test_completions.py`` checks it.
A completion never fails: a missing, locked or foreign store completes nothing.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, suppress
from typing import Any

import typer

_LIMIT = 200


def _like(prefix: str) -> str:
    """A LIKE pattern matching values that start with ``prefix`` taken literally."""
    escaped = prefix.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _query(ctx: typer.Context, sql: str, params: Sequence[Any]) -> list[str]:
    from fpctl.store.location import resolve

    with suppress(Exception):
        path = resolve(ctx.params.get("db") or os.environ.get("FPCTL_DB")).path
        if path is None or not path.exists():
            return []
        uri = f"{path.absolute().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=0.5)) as connection:
            return [row[0] for row in connection.execute(sql, tuple(params))]
    return []


def complete_accounts(ctx: typer.Context, incomplete: str) -> Iterator[str]:
    yield from _query(
        ctx,
        f"SELECT slug FROM account WHERE slug LIKE ? ESCAPE '\\' ORDER BY slug LIMIT {_LIMIT}",
        [_like(incomplete)],
    )


def _account_scope(ctx: typer.Context) -> tuple[str, list[str]]:
    """Members of the account the command will work on, when the line already says which:
    ``--account SLUG``, else the account of the ``--as`` member."""
    slug = ctx.params.get("account")
    if slug:
        return " AND account_id = (SELECT id FROM account WHERE slug = ?)", [slug]
    actor = ctx.params.get("as_")
    if actor and "@" in actor and not actor.startswith("@"):
        return (
            " AND account_id = (SELECT account_id FROM member WHERE email = ? "
            "AND status != 'removed')",
            [actor.strip().casefold()],
        )
    return "", []


def complete_members(ctx: typer.Context, incomplete: str) -> Iterator[str]:
    scope, params = _account_scope(ctx)
    yield from _query(
        ctx,
        "SELECT email FROM member WHERE email LIKE ? ESCAPE '\\' "
        f"AND status IN ('active', 'deactivated'){scope} ORDER BY email LIMIT {_LIMIT}",
        [_like(incomplete), *params],
    )


def complete_actors(ctx: typer.Context, incomplete: str) -> Iterator[str]:
    if "support".startswith(incomplete):
        yield "support"
    if incomplete.startswith("@"):
        yield from (
            "@" + name
            for name in _query(
                ctx,
                "SELECT username FROM freelancer WHERE username LIKE ? ESCAPE '\\' "
                f"ORDER BY username LIMIT {_LIMIT}",
                [_like(incomplete[1:])],
            )
        )
        return
    yield from complete_members(ctx, incomplete)
