"""The stores tests run on: a SQLite file (always) and, when FPCTL_TEST_POSTGRES_URL names
a server an administrator can create databases on (`.ci/run` starts one), a PostgreSQL
database of its own per test, made from a template database in a few milliseconds."""

from __future__ import annotations

import os
import uuid
from typing import Any

ADMIN_URL = os.environ.get("FPCTL_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", *(["postgres"] if ADMIN_URL else [])]


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.autocommit = True
        conn.execute(sql)


def url_of(name: str) -> str:
    base, _, _ = ADMIN_URL.rpartition("/")
    return f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)


def name_of(url: str) -> str:
    return url.rpartition("/")[2]


def new_name(prefix: str = "fpctl_test") -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{prefix}_{worker}_{uuid.uuid4().hex[:10]}"


def create(name: str, *, template: str | None = None) -> None:
    if template is not None:  # a template cannot be copied while anyone is connected to it
        admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{template}' AND pid <> pg_backend_pid()"
        )
    admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def drop(name: str) -> None:
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def rows_of(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a PostgreSQL store, in primary-key order."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "ORDER BY tablename"
            )
        ]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
