"""Restoring a store from a backup (``fpctl db restore FILE``).

``cp backup.db store.db`` beside a leftover ``store.db-wal`` corrupts the store; this is the
safe way. The backup must be a SQLite file that ``db backup`` (or ``db copy``) wrote: it is
copied to a scratch file first, brought to the current schema there, and checked like
``db check`` (integrity, ledgers, points, the audit chain). Only what passed is restored,
and it is the very file that was checked. Unless told not to, the store being replaced is
backed up first (``db backup``), beside it as ``STORE.bak`` for a file, beside FILE as
``DBNAME.bak`` for a server store.

A SQLite store is overwritten through SQLite's backup API on a connection of its own: it
takes the store's write lock (waiting like any writer), writes through the store's WAL, and
readers see the old store or the new one, never a mix. A PostgreSQL store gets the rows of
the backup in one transaction (``db copy --replace``), verified before it commits.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from fpctl.errors import InvalidInput, NotFound, RuleViolation
from fpctl.services import dumps, maintenance
from fpctl.services.copying import copy_store
from fpctl.services.work import Store, open_store
from fpctl.store import schema
from fpctl.store.db import busy_timeout_seconds, store_errors

_SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Restored:
    backup: Path
    kept: Path | None  # the replaced store's backup
    revision: str | None  # the backup's schema version, before it was brought up to date
    audit_records: int
    audit_head: str | None


@dataclass(frozen=True)
class _Checked:
    """The scratch copy of a backup that passed every check, and what it held."""

    store: Store
    revision: str
    audit_records: int
    audit_head: str | None


def restore(store: Store, backup: Path, *, keep: bool, dry_run: bool = False) -> Restored:
    """Replace ``store`` with the backup ``backup`` (a dry run checks it and stops)."""
    backup = backup.expanduser().absolute()
    _refuse_unusable(store, backup)
    with _checked_copy(backup) as checked:
        kept = None
        if not dry_run:
            kept = _keep(store, backup) if keep else None
            _replace(store, checked.store)
    if not dry_run:
        maintenance.require_ok(maintenance.check(store.engine))
    return Restored(backup, kept, checked.revision, checked.audit_records, checked.audit_head)


def _refuse_unusable(store: Store, backup: Path) -> None:
    if not backup.exists():
        raise NotFound(f"no backup {backup}", hint="`fpctl db backup FILE` makes one")
    path = store.location.path
    if path is not None and maintenance.is_part_of(backup, path):
        raise InvalidInput(
            f"{backup} is the store itself or one of its files: restore from a backup",
            code="not_a_backup",
        )
    try:
        with backup.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
    except OSError as error:  # a folder, a device that fails to read (/proc/self/mem)
        raise InvalidInput(
            f"cannot read {backup}: {error.strerror or error}", code="not_a_backup"
        ) from None
    if header != _SQLITE_HEADER:
        raise InvalidInput(
            f"{backup} is not a SQLite file: fpctl restores what `fpctl db backup` writes",
            hint="a server's pg_dump file goes back with pg_restore",
            code="not_a_backup",
        )


_SCRATCH = "fpctl-restore-"


def _remove_stale_scratch() -> None:
    """Scratch copies a killed restore left in the temporary directory."""
    for leftover in Path(tempfile.gettempdir()).glob(f"{_SCRATCH}*-*"):
        pid = leftover.name.removeprefix(_SCRATCH).split("-", 1)[0]
        if pid.isdigit() and not maintenance.running(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def _checked_copy(backup: Path) -> Iterator[_Checked]:
    """A scratch copy of the backup (the backup itself is only read, byte for byte), at the
    current schema, that passed every check."""
    _remove_stale_scratch()
    with tempfile.TemporaryDirectory(prefix=f"{_SCRATCH}{os.getpid()}-") as scratch:
        copy = Path(scratch) / "backup.db"
        shutil.copyfile(backup, copy)
        revision = _revision_of(copy, backup)
        with closing(open_store(str(copy))) as opened:
            report = maintenance.check(opened.engine)
            if not report.ok:
                raise RuleViolation(
                    f"the backup fails {len(report.failed)} check(s): "
                    f"{', '.join(report.failed)}; nothing was restored",
                    hint="`fpctl db check --db FILE` shows what is wrong with it",
                    code="backup_check_failed",
                )
            chain = report.named("audit_chain").facts
            records = int(chain["records"])
            yield _Checked(opened, revision, records, chain["head"] if records else None)


def _revision_of(copy: Path, backup: Path) -> str:
    """The schema version of ``copy`` (of ``backup``, as the errors say), before upgrading."""
    try:
        with closing(sqlite3.connect(copy)) as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            row = None
            if "alembic_version" in tables:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise InvalidInput(f"{backup} cannot be read: {error}", code="not_a_backup") from None
    if row is None:
        raise InvalidInput(
            f"{backup} is a SQLite file but not an fpctl store (it has no schema version)",
            code="not_a_backup",
        )
    revision: str = row[0]
    if revision > schema.HEAD:  # revisions are zero-padded numbers
        raise RuleViolation(
            f"{backup} was written by a newer fpctl (schema {revision}; this one knows up to "
            f"{schema.HEAD})",
            hint="restore it with that version of fpctl",
            code="backup_too_new",
        )
    return revision


def _keep(store: Store, backup: Path) -> Path:
    """Back the store up before it is replaced (overwriting an older copy)."""
    path = store.location.path
    if path is not None:
        kept = path.with_name(path.name + ".bak")
        return maintenance.backup(store.engine, path, kept, overwrite=True).path
    database = make_url(store.location.url).database or "store"
    return dumps.backup(store, backup.with_name(f"{database}.bak"), overwrite=True).path


def _replace(store: Store, checked: Store) -> None:
    path = store.location.path
    if path is None:
        copy_store(checked, store, replace=True)
        return
    checked.engine.dispose()  # every page of the copy is in its file, nothing in a WAL
    source_path = checked.location.path
    assert source_path is not None
    with (
        store_errors(),
        closing(sqlite3.connect(source_path)) as source,
        closing(sqlite3.connect(path, timeout=busy_timeout_seconds())) as target,
    ):
        source.backup(target)  # all pages in one step, under the store's write lock
