"""fpctl db: where the store is, upgrade it, back it up and restore it, copy it, check it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fpctl.cli.invocation import Invocation, refuse_in_batch
from fpctl.cli.options import command, group

if TYPE_CHECKING:
    from fpctl.services.checks import CheckReport

app = group("db", "The store: path, upgrade, backup, restore, copy, check.")


@command(
    app,
    "path",
    examples=(
        "fpctl db path",
        "fpctl db path -o json",
    ),
)
def path(run: Invocation) -> None:
    """Print where the store is: the SQLite file, or the database URL (password hidden).

    In a table format the bare path (or URL) alone, so that `$(fpctl db path)` is the
    path; -o json gives both keys.
    """
    location = run.location()
    path = str(location.path) if location.path else None
    if run.for_people:
        from fpctl.render.safe import safe_text

        print(safe_text(path or location.shown))
        return
    run.emit({"path": path, "url": location.shown})


@command(
    app,
    "upgrade",
    writes=True,
    examples=(
        "fpctl db upgrade",
        "fpctl db upgrade --dry-run",
    ),
)
def upgrade(run: Invocation) -> None:
    """Bring the store's schema to the newest version (creates a new store)."""
    from fpctl.services import maintenance

    refuse_in_batch(run, "db upgrade")
    location = run.location()
    done = maintenance.upgrade(
        maintenance.open_engine(location, must_exist=False, dry_run=run.dry_run),
        dry_run=run.dry_run,
    )
    if not done.changed:
        run.note(f"the store is already at {done.to_revision}: nothing changed")
    elif run.dry_run:
        run.note("dry run: nothing was changed")
    run.emit(
        {
            "path": str(location.path) if location.path else None,
            "from": done.from_revision,
            "to": done.to_revision,
            "changed": done.changed,
        }
    )


@command(
    app,
    "backup",
    writes=True,
    examples=("fpctl db backup backups/2026-12-01.db",),
)
def backup(
    run: Invocation,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Where to write the backup.")],
) -> None:
    """Back the store up to FILE, safe while others write: a SQLite store with SQLite's
    online backup API; a PostgreSQL store with pg_dump (custom format, for pg_restore), or
    without pg_dump as a SQLite file (a verified copy that db copy puts back on a server).

    An existing FILE is replaced only with --yes."""
    from fpctl.services import dumps, maintenance
    from fpctl.services.audit import anchor

    refuse_in_batch(run, "db backup")
    location = run.location()
    maintenance.require_store(location)
    if location.dialect == "postgresql":
        made = dumps.backup(run.store(), file, overwrite=run.yes, dry_run=run.dry_run)
    else:
        made = maintenance.backup(
            run.store().engine, location.path, file, overwrite=run.yes, dry_run=run.dry_run
        )
    if run.dry_run:
        run.note("dry run: nothing was written")
    run.emit(
        {
            "path": str(made.path),
            "bytes": made.bytes,
            "source": str(location.path) if location.path else location.shown,
            "revision": made.revision,
            "audit_records": made.audit_records,
            "audit_head": made.audit_head,
            "anchor": anchor(made.audit_records, made.audit_head) if made.audit_head else None,
            "format": made.format,
            "written": made.written,
        }
    )


@command(
    app,
    "copy",
    writes=True,
    examples=(
        "fpctl db copy --to postgresql://ada@db.example:5432/fpctl",
        "fpctl db copy --to postgresql://ada@db.example:5432/fpctl --dry-run",
    ),
)
def copy(
    run: Invocation,
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="URL|PATH",
            help="The target store: postgresql://USER@HOST:PORT/DB, sqlite:///PATH or a path.",
        ),
    ],
    replace: Annotated[
        bool, typer.Option(help="Delete the target's rows first (destructive: --yes).")
    ] = False,
) -> None:
    """Copy the whole store to another one (SQLite to PostgreSQL and back), in one
    transaction on the target, then verify it: rows per table, the audit chain, the ledgers."""
    from contextlib import closing

    from fpctl.services import copying
    from fpctl.services.work import open_store
    from fpctl.store.location import named

    refuse_in_batch(run, "db copy")
    if replace:
        run.confirm(f"delete every row of {named(to).shown} before the copy?")
    with closing(open_store(named(to))) as target:
        copied = copying.copy_store(run.store(), target, replace=replace, dry_run=run.dry_run)
    run.emit(
        {
            "source": copied.source,
            "target": copied.target,
            "replaced": copied.replaced,
            "rows": copied.total,
            "tables": copied.rows,
            "audit_head": copied.audit_head,
        },
        table_columns=["source", "target", "replaced", "rows", "audit_head"],
    )


@command(
    app,
    "check",
    examples=(
        "fpctl db check",
        "fpctl db check -o json",
    ),
)
def check(run: Invocation) -> None:
    """Check the store: integrity, foreign keys, schema version, the audit trail.

    Exits 5 (store_check_failed) when any check fails."""
    from fpctl.services import maintenance

    refuse_in_batch(run, "db check")
    report = maintenance.check(maintenance.open_engine(run.location(), must_exist=True))
    if run.for_people:
        run.emit(_check_rows(report), columns=["check", "status", "detail"], title="Store check")
    else:
        run.emit(_check_view(report))
    maintenance.require_ok(report)


def _check_view(report: CheckReport) -> dict[str, Any]:
    view: dict[str, Any] = {"ok": report.ok, "failed": report.failed}
    for item in report.checks:
        view[item.name] = {
            "ok": item.ok,
            "detail": item.detail,
            "problems": item.problems,
            **item.facts,
        }
    return view


def _check_rows(report: CheckReport) -> list[dict[str, Any]]:
    return [
        {"check": item.name, "status": "ok" if item.ok else "failed", "detail": item.detail}
        for item in report.checks
    ]


@command(
    app,
    "restore",
    writes=True,
    examples=(
        "fpctl db restore backups/2026-12-01.db --dry-run",
        "fpctl db restore backups/2026-12-01.db --yes",
    ),
)
def restore(
    run: Invocation,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A backup written by `fpctl db backup`.")
    ],
    keep: Annotated[
        bool,
        typer.Option(
            "--keep/--no-keep",
            help="Back the replaced store up first: STORE.bak beside a SQLite store, "
            "DBNAME.bak beside FILE for a server store.",
        ),
    ] = True,
) -> None:
    """Replace the store with the backup FILE (destructive: --yes). The backup is checked
    first (integrity, ledgers, points, the audit chain) and brought to the current schema;
    only a backup that passes is restored. Other users wait for it like for any write."""
    from fpctl.services import restoring

    refuse_in_batch(run, "db restore")
    store = run.store()
    run.confirm(f"replace every row of {store.location.shown} with {file}?")
    done = restoring.restore(store, file, keep=keep, dry_run=run.dry_run)
    if run.dry_run:
        run.note("dry run: the backup passed its checks; nothing was restored")
    elif done.kept is not None:
        run.note(f"the replaced store is kept as {done.kept}")
    run.emit(
        {
            "backup": str(done.backup),
            "store": store.location.shown,
            "kept": str(done.kept) if done.kept else None,
            "revision": done.revision,
            "audit_records": done.audit_records,
            "audit_head": done.audit_head,
            "restored": not run.dry_run,
        }
    )
