"""Backing up a store on a PostgreSQL server (``fpctl db backup FILE``).

With ``pg_dump`` on the machine: the facts the backup reports (schema revision, audit
records and head) and the dump come from the same snapshot: a repeatable-read transaction
exports it and ``pg_dump`` dumps exactly that (``--snapshot``), while others keep writing.
The dump is in pg_dump's custom format, for ``pg_restore``.

Without it: a portable backup, the whole store copied into a SQLite file (``db copy``, in
one read transaction, verified), which fpctl opens like any store and ``db copy --to URL``
puts back on a server. Either is written beside the target and renamed into place.
"""

from __future__ import annotations

import shutil
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import text

from fpctl.errors import RuleViolation
from fpctl.services.copying import copy_store
from fpctl.services.maintenance import (
    Backup,
    backup_target,
    describe_file,
    self_contained,
    written_beside,
)
from fpctl.services.work import Store, open_store
from fpctl.store import schema


def backup(store: Store, target: Path, *, overwrite: bool, dry_run: bool = False) -> Backup:
    target = backup_target(None, target, overwrite=overwrite)
    pg_dump = shutil.which("pg_dump")
    with written_beside(target, keep=not dry_run) as partial:
        if pg_dump is None:
            return _portable(store, partial, target, dry_run=dry_run)
        with store.engine.connect() as connection:
            connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            revision = schema.current_revision(connection)
            head = connection.execute(
                text("SELECT id, hash FROM audit_record ORDER BY id DESC LIMIT 1")
            ).first()
            _dump(pg_dump, store.location.url, snapshot, partial)
        return Backup(
            path=target,
            bytes=partial.stat().st_size,
            revision=revision,
            audit_records=head[0] if head else 0,
            audit_head=head[1] if head else None,
            written=not dry_run,
            format="pg_dump",
        )


def _portable(store: Store, partial: Path, target: Path, *, dry_run: bool) -> Backup:
    with closing(open_store(str(partial))) as copy:
        copy_store(store, copy)
    self_contained(partial)
    return describe_file(partial, target, written=not dry_run)


def _dump(pg_dump: str, url: str, snapshot: str, partial: Path) -> None:
    libpq_url = url.replace("postgresql+psycopg://", "postgresql://", 1)
    done = subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", f"--snapshot={snapshot}",
         f"--file={partial}", f"--dbname={libpq_url}"],
        capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    if done.returncode != 0:
        reason = " ".join(done.stderr.split()) or f"exit {done.returncode}"
        raise RuleViolation(f"pg_dump failed: {reason}", code="backup_failed")
