"""The stores tests run on: a SQLite file (always) and, when FPCTL_TEST_POSTGRES_URL names
a server an administrator can create databases on (`.ci/run` starts one), a PostgreSQL
store of its own per test.

On the server each test process has one database (``Worker``), migrated once; before each
test its tables are emptied, and a test that starts from a prepared store (``acme``,
``shop``, a ``built_once`` store) gets that store's rows loaded from a copy kept in a schema
of the same database. Creating a database per test costs about half a second on a busy
2-core machine (PostgreSQL copies its ~8 MB of catalogues each time); this costs a few
milliseconds. Tests that need a database of their own still make one (``create``)."""

from __future__ import annotations

import os
import uuid
from typing import Any

ADMIN_URL = os.environ.get("FPCTL_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", *(["postgres"] if ADMIN_URL else [])]


def connect(url: str, *, autocommit: bool = True) -> Any:
    """A psycopg connection to a store's URL (fpctl's ``postgresql+psycopg://`` or libpq's)."""
    import psycopg

    libpq = url.replace("postgresql+psycopg://", "postgresql://", 1)
    return psycopg.connect(libpq, autocommit=autocommit)


def admin(sql: str) -> None:
    with connect(ADMIN_URL) as conn:
        conn.execute(sql)


def url_of(name: str) -> str:
    base, _, _ = ADMIN_URL.rpartition("/")
    return f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)


def name_of(url: str) -> str:
    return url.rpartition("/")[2]


def new_name(prefix: str = "fpctl_test") -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{prefix}_{worker}_{uuid.uuid4().hex[:10]}"


def create(name: str) -> None:
    admin(f'CREATE DATABASE "{name}"')


def drop(name: str) -> None:
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def rows_of(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a PostgreSQL store, in primary-key order."""
    with connect(url) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "ORDER BY tablename"
            )
        ]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}


def sql(query: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run one statement on the test's own store outside fpctl (the server database when
    FPCTL_DATABASE_URL names one, else the FPCTL_DB file), commit it and return its rows.
    Write ``?`` placeholders and TRUE/FALSE: both backends read them."""
    return sql_many(query, [params])


def sql_many(query: str, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """``sql`` once per parameter row, in one transaction; the rows of the last run."""
    url = os.environ.get("FPCTL_DATABASE_URL")
    if not url:
        import sqlite3
        from contextlib import closing

        with closing(sqlite3.connect(os.environ["FPCTL_DB"])) as conn, conn:
            cursor = conn.cursor()
            for params in rows:
                cursor.execute(query, params)
            return cursor.fetchall()
    with connect(url, autocommit=False) as conn, conn.cursor() as cursor:
        for params in rows:
            cursor.execute(query.replace("?", "%s"), params)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


class Worker:
    """This test process's database on the server and the prepared stores kept in it."""

    url: str | None = None
    shape: str = ""  # the schema's tables, indexes and triggers when the database was made
    kept: set[str] = set()  # noqa: RUF012 - one worker per process

    @classmethod
    def database(cls) -> str:
        """The worker's database URL: made and migrated on first use."""
        if cls.url is None:
            cls.url = url_of(new_name("fpctl_worker"))
            cls._make()
        return cls.url

    @classmethod
    def _make(cls) -> None:
        from fpctl.services.work import open_store

        assert cls.url is not None
        create(name_of(cls.url))
        open_store(cls.url).close()
        with connect(cls.url) as conn:
            cls.shape = _shape(conn)

    @classmethod
    def reset(cls, kept: str | None = None) -> None:
        """Empty every table and load the rows kept as ``kept``. A test that dropped or
        added a table, an index or a trigger leaves a schema no other test should see:
        then the database is made again (and the kept stores with it: ``kept`` is empty)."""
        with connect(cls.database()) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            damaged = _shape(conn) != cls.shape
        if damaged:  # made again under the same name: the tests' URL stays good
            drop(name_of(cls.database()))
            cls.kept.clear()
            cls._make()
        with connect(cls.database()) as conn:
            tables = _tables(conn, "public")
            conn.execute("SET session_replication_role = replica")  # no trigger, no FK check
            for table in tables:  # DELETE: TRUNCATE makes new files, 25 times slower here
                conn.execute(f"DELETE FROM {table}")
                if kept is not None:
                    conn.execute(f"INSERT INTO {table} SELECT * FROM {_schema(kept)}.{table}")
            for table, sequence in _sequences(conn):
                conn.execute(
                    f"SELECT setval('{sequence}', coalesce(max(id), 0) + 1, false) FROM {table}"
                )

    @classmethod
    def keep(cls, name: str) -> None:
        """Keep the rows of the store as it is now, to load again with ``reset(name)``."""
        with connect(cls.database()) as conn:
            schema = _schema(name)
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            conn.execute(f"CREATE SCHEMA {schema}")
            for table in _tables(conn, "public"):
                conn.execute(f"CREATE TABLE {schema}.{table} AS SELECT * FROM {table}")
        cls.kept.add(name)

    @classmethod
    def drop(cls) -> None:
        if cls.url is not None:
            drop(name_of(cls.url))
            cls.url = None
            cls.kept.clear()


def _shape(conn: Any) -> str:
    """The public schema's tables, indexes and triggers, as one comparable string."""
    rows = conn.execute(
        "SELECT c.relkind::text || ':' || c.relname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
        "UNION ALL SELECT 't:' || tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1"
    )
    return "\n".join(row for (row,) in rows)


def _schema(name: str) -> str:
    return "kept_" + "".join(c if c.isalnum() else "_" for c in name)


def _tables(conn: Any, schema: str) -> list[str]:
    """The store's tables, quoted (the schema version is the migrations', not the test's)."""
    rows = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename <> 'alembic_version' "
        "ORDER BY tablename",
        (schema,),
    )
    return [f'"{name}"' for (name,) in rows]


def _sequences(conn: Any) -> list[tuple[str, str]]:
    rows = conn.execute(
        "SELECT table_name, pg_get_serial_sequence(quote_ident(table_name), 'id') "
        "FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'id'"
    )
    return [(f'"{table}"', sequence) for table, sequence in rows if sequence]
