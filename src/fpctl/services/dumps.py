"""Backing up a store on a PostgreSQL server (``fpctl db backup FILE``) with ``pg_dump``.

The facts the backup reports (schema revision, audit records and head) and the dump come
from the same snapshot: a repeatable-read transaction exports it and ``pg_dump`` dumps
exactly that (``--snapshot``), while others keep writing. The dump (custom format, for
``pg_restore``) is written beside the target and renamed into place.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from sqlalchemy import Engine, text

from fpctl.errors import RuleViolation
from fpctl.services.maintenance import Backup, backup_target, written_beside
from fpctl.store import schema


def backup(
    engine: Engine, url: str, target: Path, *, overwrite: bool, dry_run: bool = False
) -> Backup:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise RuleViolation(
            "backing up a PostgreSQL store needs pg_dump, which is not installed here",
            hint="install the PostgreSQL client, or copy the store into a file: "
            "fpctl db copy --to backup.db",
            code="pg_dump_missing",
        )
    target = backup_target(None, target, overwrite=overwrite)
    with engine.connect() as connection, written_beside(target, keep=not dry_run) as partial:
        connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        revision = schema.current_revision(connection)
        head = connection.execute(
            text("SELECT id, hash FROM audit_record ORDER BY id DESC LIMIT 1")
        ).first()
        _dump(pg_dump, url, snapshot, partial)
        return Backup(
            path=target,
            bytes=partial.stat().st_size,
            revision=revision,
            audit_records=head[0] if head else 0,
            audit_head=head[1] if head else None,
            written=not dry_run,
        )


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
