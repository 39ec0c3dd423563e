"""Schema versions. ``HEAD`` is the newest Alembic revision shipped in ``migrations/versions``.

A store that is current costs one query to check; Alembic is imported only to upgrade one
that is behind. A brand-new store is created from the table definitions and stamped with
``HEAD`` (``tests/store/test_migrations.py`` proves both paths give the same schema).
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, inspect, text

from fpctl.errors import StoreUnavailable

HEAD = "0015"

# The table exactly as Alembic creates it, so a fresh store and a migrated one are identical.
ALEMBIC_VERSION_DDL = (
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
)


def current_revision(connection: Connection) -> str | None:
    # One query on the catalogue, not an Inspector: this runs on every command.
    if connection.dialect.name == "sqlite":
        probe = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    else:
        probe = "SELECT to_regclass('alembic_version')::text"
    if connection.exec_driver_sql(probe).scalar() is None:
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def _is_empty(connection: Connection) -> bool:
    return not inspect(connection).get_table_names()


def _create_fresh(connection: Connection) -> None:
    from sqlmodel import SQLModel

    from fpctl.store.tables import every  # noqa: F401  (registers every table)

    SQLModel.metadata.create_all(connection)
    connection.execute(text(ALEMBIC_VERSION_DDL))
    connection.execute(text("INSERT INTO alembic_version VALUES (:head)"), {"head": HEAD})


def upgrade(connection: Connection) -> tuple[str | None, str]:
    """Bring the store to ``HEAD`` inside the caller's (immediate) transaction."""
    before = current_revision(connection)
    if before == HEAD:
        return before, HEAD
    if before is None:
        if not _is_empty(connection):
            raise StoreUnavailable(
                "this database is not an fpctl store (it has tables but no schema version)",
                hint="point --db at an fpctl store, or at a new file",
            )
        _create_fresh(connection)
        return None, HEAD
    from fpctl.store.migrations.runner import upgrade_to_head

    upgrade_to_head(connection, before)
    return before, HEAD


def ensure_current(engine: Engine) -> None:
    """Check the version cheaply; take the write lock and upgrade only when behind."""
    with engine.connect() as connection:
        if current_revision(connection) == HEAD:
            connection.rollback()
            return
        connection.rollback()
    with engine.execution_options(fpctl_write=True).begin() as connection:
        upgrade(connection)
