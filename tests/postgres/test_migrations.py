"""One migration history for both backends: on a PostgreSQL server too, Alembic's path to
HEAD and a fresh store have the same schema, and a store with orders upgrades to HEAD."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, inspect

from fpctl.store import schema
from fpctl.store.db import create_store_engine
from fpctl.store.location import resolve
from fpctl.store.migrations import runner
from tests.conftest import Cli


def schema_of(url: str) -> dict[str, Any]:
    """Tables (columns, foreign keys, indexes with their WHERE) and triggers, as the
    server's catalogue describes them."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            found = inspect(connection)
            tables = {
                name: {
                    "columns": [
                        (c["name"], str(c["type"]), c["nullable"], c["default"])
                        for c in found.get_columns(name)
                    ],
                    "foreign_keys": sorted(
                        (tuple(k["constrained_columns"]), k["referred_table"])
                        for k in found.get_foreign_keys(name)
                    ),
                    "indexes": sorted(
                        (
                            i["name"],
                            tuple(i["column_names"]),
                            i["unique"],
                            str(i.get("dialect_options", {}).get("postgresql_where")),
                        )
                        for i in found.get_indexes(name)
                    ),
                }
                for name in found.get_table_names()
            }
            triggers = sorted(
                row[0]
                for row in connection.exec_driver_sql(
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
                )
            )
    finally:
        engine.dispose()
    return {"tables": tables, "triggers": triggers}


def test_alembic_and_fresh_creation_give_the_same_schema(pg_url: str, another_pg_url: str) -> None:
    fresh = create_store_engine(resolve())
    schema.ensure_current(fresh)
    fresh.dispose()
    migrated = create_engine(another_pg_url)
    with migrated.begin() as connection:
        runner.upgrade_to_head(connection, schema.current_revision(connection))
    migrated.dispose()

    made, moved = schema_of(pg_url), schema_of(another_pg_url)

    assert sorted(made["tables"]) == sorted(moved["tables"])
    for table in made["tables"]:
        assert made["tables"][table] == moved["tables"][table], table
    assert (
        made["triggers"]
        == moved["triggers"]
        == [
            "audit_record_no_delete",
            "audit_record_no_update",
        ]
    )


def test_a_store_at_0007_gets_the_order_indexes_and_keeps_its_orders(pg_url: str, cli: Cli) -> None:
    from alembic import command

    ada, support = ["--as", "ada@acme.test"], ["--as", "support", "--reason", "t"]
    for step in (
        ["account", "create", "Acme", "--admin", "ada@acme.test", "--slug", "acme"],
        ["freelancer", "add", "lena", *support],
        ["freelancer", "service", "add", "lena", "Logo", "--price", "100", *support],
        ["billing", "payment-method", "add", "--card", "4242424242424242", "--expiry", "12/30",
         *ada],
        ["order", "place", "--freelancer", "lena", "--service", "1", *ada],
        ["order", "requirements", "1", "A fox", *ada],
        ["order", "deliver", "1", "--as", "@lena"],
        ["order", "accept", "1", *ada],
        ["order", "place", "--freelancer", "lena", "--service", "1", *ada],
    ):  # fmt: skip
        assert cli(*step).exit_code == 0, step
    orders = cli("order", "list", *ada, "-o", "json").json
    engine = create_engine(pg_url)
    with engine.begin() as connection:
        command.downgrade(runner.config(connection), "0007")
    engine.dispose()
    names = {i[0] for i in schema_of(pg_url)["tables"]["orders"]["indexes"]}
    assert "ix_orders_account_completed" in names
    assert not names & {"ix_orders_account_id", "ix_orders_account_spend"}

    assert cli("order", "list", *ada, "-o", "json").json == orders  # upgraded on the way
    check = cli("db", "check", "-o", "json")
    assert check.exit_code == 0, check.stdout
    indexes = {i[:2] for i in schema_of(pg_url)["tables"]["orders"]["indexes"]}
    assert indexes >= {
        ("ix_orders_account_id", ("account_id", "id")),
        ("ix_orders_account_spend", ("account_id", "completed_at", "paid_cents", "refunded_cents")),
    }
    assert "ix_orders_account_completed" not in {name for name, _ in indexes}


def test_a_store_at_0013_gets_a_report_for_every_logged_week(pg_url: str, cli: Cli) -> None:
    """0015's reports for the weeks already logged, read from PostgreSQL's timestamps."""
    from alembic import command

    ada, support = ["--as", "ada@acme.test"], ["--as", "support", "--reason", "t"]
    hourly = ["--hourly", "--rate", "10", "--weekly-limit", "20", "--estimate", "10"]
    for step in (
        ["account", "create", "Acme", "--admin", "ada@acme.test", "--slug", "acme"],
        ["freelancer", "add", "lena", "--pro", *support],
        ["billing", "payment-method", "add", "--card", "4242424242424242", "--expiry", "12/30",
         *ada],
        ["order", "place", "--freelancer", "lena", *hourly, *ada],
        ["order", "skip-requirements", "1", "--as", "@lena"],
        ["order", "hours", "log", "1", "--week", "2026-W44", "--hours", "2", "--description",
         "x", "--as", "@lena"],
    ):  # fmt: skip
        assert cli(*step).exit_code == 0, step
    engine = create_engine(pg_url)
    with engine.begin() as connection:
        command.downgrade(runner.config(connection), "0013")
    engine.dispose()

    weeks = cli("order", "hours", "list", "1", *ada, "-o", "json")
    assert weeks.exit_code == 0, weeks.stderr  # upgraded on the way
    assert [(w["status"], w["answer_by"]) for w in weeks.json] == [("open", "2026-11-07T00:00:00Z")]
    assert cli("db", "check").exit_code == 0
