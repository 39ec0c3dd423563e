"""Values completed from the store with the stdlib ``sqlite3`` (a TAB press must stay fast)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, suppress

import typer


def _query(ctx: typer.Context, sql: str, prefix: str) -> list[str]:
    from fpctl.store.location import resolve

    with suppress(Exception):
        path = resolve(ctx.params.get("db") or os.environ.get("FPCTL_DB")).path
        if path is None or not path.exists():
            return []
        uri = f"file:{path}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=0.5)) as connection:
            rows = connection.execute(sql, (prefix.casefold() + "%",)).fetchall()
            return [row[0] for row in rows]
    return []


def complete_accounts(ctx: typer.Context, incomplete: str) -> Iterator[str]:
    yield from _query(
        ctx, "SELECT slug FROM account WHERE slug LIKE ? ORDER BY slug LIMIT 200", incomplete
    )


def complete_members(ctx: typer.Context, incomplete: str) -> Iterator[str]:
    yield from _query(
        ctx,
        "SELECT email FROM member WHERE email LIKE ? AND status IN ('active','deactivated') "
        "ORDER BY email LIMIT 200",
        incomplete,
    )


def complete_actors(ctx: typer.Context, incomplete: str) -> Iterator[str]:
    if "support".startswith(incomplete):
        yield "support"
    if incomplete.startswith("@"):
        yield from (
            "@" + name
            for name in _query(
                ctx,
                "SELECT username FROM freelancer WHERE username LIKE ? ORDER BY username LIMIT 200",
                incomplete[1:],
            )
        )
        return
    yield from complete_members(ctx, incomplete)
