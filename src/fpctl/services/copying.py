"""Moving a store (``fpctl db copy --to URL``): SQLite to PostgreSQL and back.

The source is read in one transaction (a consistent snapshot, while others keep writing);
the target is written in one transaction under its write lock, table by table in
foreign-key order with the rows' own ids, then checked before it commits: the same number
of rows in every table, an intact audit chain with the source's head, and ledgers and
points that add up. A target that already holds data is refused unless ``replace``; then
its rows are deleted first, in the same transaction (a failed copy leaves it as it was).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, LargeBinary, Table, delete, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from fpctl.domain.words import counted
from fpctl.errors import RuleViolation
from fpctl.services import audit, file_checks, maintenance
from fpctl.services.work import Store
from fpctl.store.db import transaction
from fpctl.store.tables import (
    AUDIT_TRIGGERS,
    every,  # noqa: F401  (every table in the metadata)
)

_CHUNK = 1000
#: Rows a chunk holds of a table with bytes in it (a delivered file may hold 25 MiB).
_BYTES_CHUNK = file_checks.ROWS_AT_ONCE
#: Tables the copy leaves alone: the schema version is the target's own (both at HEAD).
_SKIPPED = {"alembic_version"}


@dataclass(frozen=True)
class Copied:
    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)  # per table, as verified on the target
    audit_head: str = ""
    replaced: bool = False

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def copy_store(
    source: Store, target: Store, *, replace: bool = False, dry_run: bool = False
) -> Copied:
    """Copy every row of ``source`` into ``target`` (both at the same schema version); a dry
    run does and checks everything, then rolls the target back."""
    if source.location.url == target.location.url:
        raise RuleViolation(
            "the target is the source store itself", hint="name another store with --to"
        )
    tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in _SKIPPED]
    with (
        transaction(source.engine, write=False) as reading,
        transaction(target.engine, write=True, dry_run=dry_run) as writing,
    ):
        src, dst = reading.connection(), writing.connection()
        held = {t.name: _count(dst, t) for t in tables}
        if any(held.values()) and not replace:
            tables_held = sum(1 for count in held.values() if count)
            raise RuleViolation(
                f"the target store already holds data: {counted(sum(held.values()), 'row')} in "
                f"{counted(tables_held, 'table')}",
                hint="copy into an empty store, or add --replace to delete its rows first",
                code="target_not_empty",
            )
        if any(held.values()):
            _empty(dst, tables)
        try:
            for table in tables:
                _copy_table(src, dst, table)
        except IntegrityError as error:
            reason = " ".join(str(error.orig).split())
            raise RuleViolation(
                f"the target refused the copy ({reason}): nothing was written",
                code="copy_failed",
            ) from error
        _restart_sequences(dst, tables)
        rows = _verified(src, dst, tables)
        checks = [*maintenance.money_checks(dst), file_checks.delivered_files(dst, set(rows))]
        failed = [check for check in checks if not check.ok]
        if failed:
            raise RuleViolation(
                f"the copy does not add up ({failed[0].detail}): nothing was written",
                code="copy_failed",
            )
        broken, _, head = audit.verify(writing)
        _, _, source_head = audit.verify(reading)
        if broken is not None or head != source_head:
            raise RuleViolation(
                "the copied audit trail does not verify: nothing was written",
                code="copy_failed",
            )
    return Copied(
        source.location.shown,
        target.location.shown,
        rows,
        head,
        replaced=any(held.values()),
    )


def _count(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _copy_table(src: Connection, dst: Connection, table: Table) -> None:
    """Insert the rows in id order. A column that refers to its own table (an invitation
    superseded by a later one) is filled in afterwards: PostgreSQL checks each row's
    foreign keys as it goes in."""
    own = [
        key.parent.name
        for key in table.foreign_keys
        if key.column.table is table and key.parent.nullable
    ]
    later: list[dict[str, object]] = []
    for chunk in _chunks(src, table):
        later += [
            {"row_id": row["id"], **{name: row[name] for name in own}}
            for row in chunk
            if any(row[name] is not None for name in own)
        ]
        dst.execute(table.insert(), [{**row, **dict.fromkeys(own)} for row in chunk])
    for row in later:
        values = {name: row[name] for name in own}
        dst.execute(update(table).where(table.c.id == row["row_id"]).values(**values))


def _chunks(connection: Connection, table: Table) -> Iterator[list[dict[str, object]]]:
    """The table's rows a chunk at a time; a table holding bytes (delivered files) a few
    rows at a time, streamed from the server, so that memory holds a few files at most."""
    order = [column for column in table.primary_key.columns] or list(table.columns)
    size, query = _CHUNK, select(table).order_by(*order)
    if any(isinstance(column.type, LargeBinary) for column in table.columns):
        size = _BYTES_CHUNK
        query = query.execution_options(stream_results=True, max_row_buffer=size)
    result = connection.execute(query).mappings()
    while chunk := [dict(row) for row in result.fetchmany(size)]:
        yield chunk


def _empty(connection: Connection, tables: list[Table]) -> None:
    """Delete the target's rows, children first. The audit trail refuses DELETE: its
    fence is lifted for this transaction only (the rows are replaced, not edited)."""
    if connection.dialect.name == "postgresql":
        names = ", ".join(t.name for t in tables)
        connection.exec_driver_sql(f"TRUNCATE {names}")  # fires no row trigger
        return
    for name in maintenance.AUDIT_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    for table in reversed(tables):
        connection.execute(delete(table))
    for statement in AUDIT_TRIGGERS:
        connection.exec_driver_sql(statement)


def _restart_sequences(connection: Connection, tables: list[Table]) -> None:
    """PostgreSQL hands out ids from sequences: start them after the copied ids."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" not in table.columns:
            continue
        connection.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false) "
                "WHERE pg_get_serial_sequence(:table, 'id') IS NOT NULL"
            ),
            {"table": table.name},
        )


def _verified(src: Connection, dst: Connection, tables: list[Table]) -> dict[str, int]:
    rows = {}
    for table in tables:
        copied, expected = _count(dst, table), _count(src, table)
        if copied != expected:
            raise RuleViolation(
                f"{table.name}: {copied} of {counted(expected, 'row')} copied: nothing was written",
                code="copy_failed",
            )
        rows[table.name] = copied
    return rows
