"""Both ways to a current store give the same schema, and HEAD names the newest migration.

A new store is created from the table definitions and stamped (``schema.ensure_current``);
an existing one is brought forward by Alembic. If ``store/tables/`` changes without a migration
(or the other way round), these tests fail.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from fpctl.store import schema
from fpctl.store.db import create_store_engine
from fpctl.store.location import resolve
from fpctl.store.migrations import runner
from tests.conftest import Cli
from tests.store.old_stores import store_at_0006


def _fresh(path: Path) -> Any:
    engine = create_store_engine(resolve(str(path)))
    schema.ensure_current(engine)
    return engine


def _migrated(path: Path) -> Any:
    engine = create_store_engine(resolve(str(path)))
    with engine.execution_options(fpctl_write=True).begin() as connection:
        runner.upgrade_to_head(connection, schema.current_revision(connection))
    return engine


def _sql(text: str | None) -> str:
    """DDL with quoting and spacing normalised."""
    return re.sub(r"\s+", " ", (text or "").replace('"', "")).strip()


def _where(sql: str | None) -> str | None:
    match = re.search(r"\bWHERE\b(.*)$", _sql(sql), re.IGNORECASE)
    return match.group(1).strip() if match else None


def schema_of(path: Path) -> dict[str, Any]:
    """Tables (columns, foreign keys, indexes) and triggers, as SQLite describes them."""
    with closing(sqlite3.connect(path)) as db:
        master = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
        tables: dict[str, Any] = {}
        for kind, name, _, _ in master:
            if kind != "table" or name.startswith("sqlite_"):
                continue
            indexes = set()
            for _, index, unique, origin, partial in db.execute(f"PRAGMA index_list('{name}')"):
                columns = tuple(row[2] for row in db.execute(f"PRAGMA index_info('{index}')"))
                index_sql = next((m[3] for m in master if m[1] == index), None)
                label = index if origin == "c" else f"<{origin}>"  # autoindex names may differ
                indexes.add((label, columns, unique, partial, _where(index_sql)))
            tables[name] = {
                "columns": db.execute(f"PRAGMA table_info('{name}')").fetchall(),
                "foreign_keys": sorted(
                    row[2:5] for row in db.execute(f"PRAGMA foreign_key_list('{name}')")
                ),
                "indexes": indexes,
            }
        triggers = {name: _sql(sql) for kind, name, _, sql in master if kind == "trigger"}
    return {"tables": tables, "triggers": triggers}


def test_alembic_and_fresh_creation_give_the_same_schema(tmp_path: Path) -> None:
    _fresh(tmp_path / "fresh.db").dispose()
    _migrated(tmp_path / "migrated.db").dispose()

    fresh, migrated = schema_of(tmp_path / "fresh.db"), schema_of(tmp_path / "migrated.db")

    assert sorted(fresh["tables"]) == sorted(migrated["tables"])
    for table in fresh["tables"]:
        assert fresh["tables"][table] == migrated["tables"][table], table
    assert fresh["triggers"] == migrated["triggers"]
    assert set(fresh["triggers"]) == {"audit_record_no_update", "audit_record_no_delete"}


def test_the_migrations_match_the_table_definitions(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from fpctl.store.tables import every  # noqa: F401  (every table in the metadata)

    engine = _migrated(tmp_path / "migrated.db")
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_head_is_the_newest_migration_and_both_paths_stamp_it(tmp_path: Path) -> None:
    assert runner.script_head() == schema.HEAD
    for engine in (_fresh(tmp_path / "fresh.db"), _migrated(tmp_path / "migrated.db")):
        with engine.connect() as connection:
            assert schema.current_revision(connection) == schema.HEAD
        engine.dispose()


def test_a_sqlite_database_that_is_not_a_store_is_refused(cli: Cli, isolated_env: Path) -> None:
    with closing(sqlite3.connect(isolated_env)) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        db.execute("INSERT INTO notes (body) VALUES ('mine')")
        db.commit()

    for args in (["account", "list"], ["db", "upgrade"]):
        result = cli(*args, "-o", "json")
        assert result.exit_code == 7, result.stderr
        assert result.error["code"] == "store_unavailable"
        assert "not an fpctl store" in result.error["message"]

    with closing(sqlite3.connect(isolated_env)) as db:  # and it was left alone
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert tables == {"notes"}


def test_db_upgrade_creates_a_new_store_then_has_nothing_to_do(cli: Cli) -> None:
    first = cli("db", "upgrade", "-o", "json")
    again = cli("db", "upgrade", "-o", "json")

    assert first.exit_code == 0, first.stderr
    assert {k: first.json[k] for k in ("from", "to", "changed")} == {
        "from": None,
        "to": schema.HEAD,
        "changed": True,
    }
    assert {k: again.json[k] for k in ("from", "to", "changed")} == {
        "from": schema.HEAD,
        "to": schema.HEAD,
        "changed": False,
    }
    assert again.stderr == f"the store is already at {schema.HEAD}: nothing changed\n"


def test_db_upgrade_dry_run_creates_nothing(cli: Cli, isolated_env: Path) -> None:
    result = cli("db", "upgrade", "--dry-run", "-o", "json")

    assert result.exit_code == 0, result.stderr
    assert result.json["changed"] is True
    assert (result.json["from"], result.json["to"]) == (None, schema.HEAD)
    assert not isolated_env.exists()  # not even an empty file


def test_a_store_newer_than_this_fpctl_is_refused(cli: Cli, acme: str, isolated_env: Path) -> None:
    with closing(sqlite3.connect(isolated_env)) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
        db.commit()

    result = cli("db", "upgrade", "-o", "json")

    assert result.exit_code == 7
    assert result.error["code"] == "store_unavailable"
    assert "newer than this fpctl knows" in result.error["message"]


def test_a_store_at_0001_is_upgraded_by_an_ordinary_command_and_keeps_its_data(
    cli: Cli, isolated_env: Path, tmp_path: Path
) -> None:
    from alembic import command

    engine = create_store_engine(resolve(str(isolated_env)))
    with engine.execution_options(fpctl_write=True).begin() as connection:
        command.upgrade(runner.config(connection), "0001")
    engine.dispose()
    with closing(sqlite3.connect(isolated_env)) as db:
        db.execute(
            "INSERT INTO account (slug, name, plan, status, tier, balance_cents, credits_cents, "
            "points, created_at) VALUES ('old', 'Old Co', 'basic', 'active', 'silver', 0, 0, 0, "
            "'2026-01-01 09:00:00.000000')"
        )
        db.execute(
            "INSERT INTO freelancer (username, name, pro, created_at) "
            "VALUES ('bob', 'Bob', 1, '2026-01-02 09:00:00.000000')"
        )
        db.commit()
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]

    listed = cli("freelancer", "list", "-o", "json")

    assert listed.exit_code == 0, listed.stderr
    assert listed.json == [
        {
            "id": 1,
            "username": "bob",
            "name": "Bob",
            "pro": True,
            "created_at": "2026-01-02T09:00:00Z",
        }
    ]
    assert [a["slug"] for a in cli("account", "list", "-o", "json").json] == ["old"]
    added = cli(
        "freelancer", "service", "add", "bob", "Logo", "--price", "90",
        "--as", "support", "--reason", "r", "-o", "json",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    with closing(sqlite3.connect(isolated_env)) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(schema.HEAD,)]
    _fresh(tmp_path / "fresh.db").dispose()
    assert (
        schema_of(isolated_env)["tables"].keys()
        == schema_of(tmp_path / "fresh.db")["tables"].keys()
    )


def test_a_store_at_0002_is_upgraded_to_head_and_keeps_its_data(
    cli: Cli, isolated_env: Path, tmp_path: Path
) -> None:
    from alembic import command

    engine = create_store_engine(resolve(str(isolated_env)))
    with engine.execution_options(fpctl_write=True).begin() as connection:
        command.upgrade(runner.config(connection), "0002")
    engine.dispose()
    with closing(sqlite3.connect(isolated_env)) as db:
        db.execute(
            "INSERT INTO account (slug, name, plan, status, tier, balance_cents, credits_cents, "
            "points, created_at) VALUES ('old', 'Old Co', 'basic', 'active', 'silver', 0, 0, 0, "
            "'2026-01-01 09:00:00.000000')"
        )
        db.execute(
            "INSERT INTO member (account_id, email, name, role, status, created_at, updated_at) "
            "VALUES (1, 'ann@old.test', 'Ann', 'admin', 'active', "
            "'2026-01-01 09:00:00.000000', '2026-01-01 09:00:00.000000')"
        )
        db.execute(
            "INSERT INTO freelancer (username, name, pro, created_at) "
            "VALUES ('bob', 'Bob', 1, '2026-01-02 09:00:00.000000')"
        )
        db.execute(
            "INSERT INTO freelancer_service (freelancer_id, title, price_cents, revisions, "
            "created_at) VALUES (1, 'Logo', 9000, 2, '2026-01-02 09:00:00.000000')"
        )
        db.commit()
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0002",)]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        assert "payment_method" not in tables

    added = cli(
        "billing", "payment-method", "add", "--paypal", "pay@old.test",
        "--as", "ann@old.test", "-o", "json",
    )  # fmt: skip

    assert added.exit_code == 0, added.stderr
    assert added.json["id"] == 1 and added.json["default"] is True
    shown = cli("freelancer", "show", "bob", "-o", "json").json
    assert [(s["title"], s["price_cents"], s["revisions"]) for s in shown["services"]] == [
        ("Logo", 9000, 2)
    ]
    assert [m["email"] for m in cli("team", "list", "--account", "old", "-o", "json").json] == [
        "ann@old.test"
    ]
    with closing(sqlite3.connect(isolated_env)) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(schema.HEAD,)]
        # 0004 gave the existing member the personal project every member has
        assert db.execute("SELECT kind, owner_id, name FROM project").fetchall() == [
            ("my", 1, "my-project")
        ]
    _fresh(tmp_path / "fresh.db").dispose()
    assert schema_of(isolated_env)["tables"] == schema_of(tmp_path / "fresh.db")["tables"]


def test_a_store_at_0006_has_its_money_rows_covered_by_one_upgrade_record(
    cli: Cli, isolated_env: Path
) -> None:
    """Rows written before records could cover them are sealed as they are at the upgrade:
    `db check` passes, and an edit of such a row afterwards is caught."""
    store_at_0006(isolated_env)

    upgraded = cli("db", "upgrade", "-o", "json")
    assert upgraded.exit_code == 0, upgraded.stderr
    check = cli("db", "check", "-o", "json")
    assert check.exit_code == 0, check.stdout
    trail = cli("audit", "list", "-o", "json").json
    assert [(r["id"], r["action"], r["actor"]) for r in trail][-1] == (2, "store.upgrade", "system")

    with closing(sqlite3.connect(isolated_env)) as db:
        db.execute("UPDATE ledger_entry SET description = 'Gift' WHERE id = 1")
        db.commit()
    damaged = cli("db", "check", "-o", "json")
    assert damaged.exit_code == 5
    assert damaged.json["money_backed"]["problems"] == [
        "the rows audit record 2 covers were changed"
    ]


def test_a_store_at_0007_gets_the_order_indexes_and_keeps_its_orders(
    cli: Cli, shop: dict[str, int], isolated_env: Path, tmp_path: Path
) -> None:
    """0008 adds `order list`'s and the 365-day spend's indexes (replacing the spend's
    narrower one) to a store that has orders; `db check` passes after the upgrade."""
    from alembic import command

    ada = ["--as", "ada@acme.test"]
    for step in (
        ["order", "place", "--freelancer", "lena", "--service", "1", *ada],
        ["order", "requirements", "1", "A fox", *ada],
        ["order", "deliver", "1", "--as", "@lena"],
        ["order", "accept", "1", *ada],
        ["order", "place", "--freelancer", "otto", "--service", "2", *ada],
    ):
        assert cli(*step).exit_code == 0, step
    orders = cli("order", "list", *ada, "-o", "json").json
    engine = create_store_engine(resolve(str(isolated_env)))
    with engine.execution_options(fpctl_write=True).begin() as connection:
        command.downgrade(runner.config(connection), "0007")
    engine.dispose()
    indexes = schema_of(isolated_env)["tables"]["orders"]["indexes"]
    assert "ix_orders_account_completed" in {i[0] for i in indexes}
    assert not {i[0] for i in indexes} & {"ix_orders_account_id", "ix_orders_account_spend"}

    assert cli("order", "list", *ada, "-o", "json").json == orders  # upgraded on the way
    check = cli("db", "check", "-o", "json")
    assert check.exit_code == 0, check.stdout
    assert check.json["schema_objects"]["ok"] is True
    with closing(sqlite3.connect(isolated_env)) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(schema.HEAD,)]
    _fresh(tmp_path / "fresh.db").dispose()
    assert schema_of(isolated_env)["tables"] == schema_of(tmp_path / "fresh.db")["tables"]
    indexes = schema_of(isolated_env)["tables"]["orders"]["indexes"]
    assert {i[:2] for i in indexes} >= {
        ("ix_orders_account_id", ("account_id", "id")),
        ("ix_orders_account_spend", ("account_id", "completed_at", "paid_cents", "refunded_cents")),
    }
    assert "ix_orders_account_completed" not in {i[0] for i in indexes}


def test_a_store_at_0008_gets_the_month_of_orders_index(
    cli: Cli, shop: dict[str, int], isolated_env: Path, tmp_path: Path
) -> None:
    """0013 replaces the index on ``orders.placed_by_id`` by one that covers a member's
    month of orders; a store with orders upgrades and keeps them."""
    from alembic import command

    ada = ["--as", "ada@acme.test"]
    placed = cli("order", "place", "--freelancer", "lena", "--service", "1", *ada)
    assert placed.exit_code == 0, placed.stderr
    orders = cli("order", "list", *ada, "-o", "json").json
    engine = create_store_engine(resolve(str(isolated_env)))
    with engine.execution_options(fpctl_write=True).begin() as connection:
        command.downgrade(runner.config(connection), "0008")
    engine.dispose()
    names = {i[0] for i in schema_of(isolated_env)["tables"]["orders"]["indexes"]}
    assert "ix_orders_placed_by_id" in names and "ix_orders_placed_by_month" not in names

    assert cli("order", "list", *ada, "-o", "json").json == orders  # upgraded on the way
    assert cli("db", "check").exit_code == 0
    _fresh(tmp_path / "fresh.db").dispose()
    assert schema_of(isolated_env)["tables"] == schema_of(tmp_path / "fresh.db")["tables"]
    indexes = schema_of(isolated_env)["tables"]["orders"]["indexes"]
    assert (
        "ix_orders_placed_by_month",
        ("placed_by_id", "created_at", "status", "total_cents"),
    ) in {i[:2] for i in indexes}


def test_a_store_at_0013_gets_a_report_for_every_logged_week(
    cli: Cli, shop: dict[str, int], isolated_env: Path, tmp_path: Path
) -> None:
    """0015 adds the weekly hour reports: a week charged before the upgrade is approved; a
    week not yet charged is pending, its window counted from the week's end, so one that
    ended more than 5 days before is approved and charged at the first settlement."""
    from alembic import command

    ada, lena = ["--as", "ada@acme.test"], ["--as", "@lena"]
    terms = ["--hourly", "--rate", "10", "--weekly-limit", "20", "--estimate", "10"]
    assert cli("order", "place", "--freelancer", "lena", *terms, *ada).exit_code == 0
    assert cli("order", "skip-requirements", "1", *lena).exit_code == 0
    for week, now in (("2026-W44", "2026-11-01T10:00:00Z"), ("2026-W45", "2026-11-02T10:00:00Z")):
        logged = cli(
            "order", "hours", "log", "1", "--week", week, "--hours", "2", "--description", "x",
            *lena, "--now", now,
        )  # fmt: skip
        assert logged.exit_code == 0, logged.stderr
    engine = create_store_engine(resolve(str(isolated_env)))
    with engine.execution_options(fpctl_write=True).begin() as connection:
        command.downgrade(runner.config(connection), "0013")
    engine.dispose()
    with closing(sqlite3.connect(isolated_env)) as db:  # as 0013 charged W44 when it ended
        db.execute(
            "UPDATE order_hours SET charged_at = '2026-11-02 00:00:00', charged_cents = 0 "
            "WHERE week = '2026-W44'"
        )
        db.commit()

    weeks = cli("order", "hours", "list", "1", *ada, "--now", "2026-11-10T00:00:00Z", "-o", "json")
    assert weeks.exit_code == 0, weeks.stderr  # upgraded on the way
    assert [(w["week"], w["status"], w["answer_by"]) for w in weeks.json] == [
        ("2026-W44", "charged", "2026-11-07T00:00:00Z"),
        ("2026-W45", "pending", "2026-11-14T00:00:00Z"),
    ]
    later = cli("order", "hours", "list", "1", *ada, "--now", "2026-11-14T00:00:00Z", "-o", "json")
    assert [w["status"] for w in later.json] == ["charged", "charged"]
    assert cli("db", "check").exit_code == 0
    _fresh(tmp_path / "fresh.db").dispose()
    assert schema_of(isolated_env)["tables"] == schema_of(tmp_path / "fresh.db")["tables"]
