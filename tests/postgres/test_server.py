"""The same commands, rules and audit trail on a PostgreSQL server (FPCTL_DATABASE_URL)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import Cli

ADA = ("--as", "ada@acme.test")
FPCTL = Path(sys.executable).parent / "fpctl"


def ok(cli: Cli, *args: str) -> dict:
    result = cli(*args, "-o", "json")
    assert result.exit_code == 0, (args, result.stderr)
    return result.json


def test_a_team_from_sign_up_to_removal(cli: Cli, pg_url: str) -> None:
    ok(cli, "account", "create", "Acme", "--admin", "ada@acme.test", "--slug", "acme")
    bill = ok(cli, "team", "invite", "bill@acme.test", "--role", "billing_manager", *ADA)
    mia = ok(cli, "team", "invite", "mia@acme.test", *ADA)
    ok(cli, "team", "accept", bill["token"], "--name", "Bill")
    ok(cli, "team", "accept", mia["token"], "--name", "Mia")
    ok(cli, "policy", "add", "invite-approval", "--applies-to", "members", *ADA)
    held = ok(cli, "team", "invite", "zoe@acme.test", "--as", "mia@acme.test")
    [request] = ok(cli, "approvals", "list", *ADA)
    ok(cli, "approvals", "approve", str(request["id"]), *ADA)
    ok(cli, "role", "set", "bill@acme.test", "admin", *ADA)
    ok(cli, "team", "remove", "mia@acme.test", "--yes", "--as", "bill@acme.test")

    assert held["status"] == "awaiting_approval"
    members = {
        m["email"]: (m["role"], m["status"]) for m in ok(cli, "team", "list", "--account", "acme")
    }
    assert members == {
        "ada@acme.test": ("member", "active"),
        "bill@acme.test": ("admin", "active"),
        "mia@acme.test": ("member", "removed"),
    }
    refused = cli("team", "invite", "bill@acme.test", *ADA, "-o", "json")
    assert (refused.exit_code, refused.error["code"]) == (5, "already_member")
    assert ok(cli, "audit", "verify")["ok"] is True
    assert ok(cli, "db", "check")["ok"] is True


def test_the_demo_seeds_and_shows_an_account(cli: Cli, pg_url: str) -> None:
    summary = ok(cli, "demo", "seed")
    shown = ok(cli, "account", "show", "northwind-traders")

    assert (summary["accounts"], summary["orders"]) == (3, 50)
    assert shown["plan"] == "advanced"
    assert ok(cli, "audit", "verify")["records"] == summary["audit_records"]


def test_audit_records_are_append_only_on_the_server(cli: Cli, pg_url: str) -> None:
    import psycopg

    ok(cli, "account", "create", "Acme", "--admin", "ada@acme.test", "--slug", "acme")
    with psycopg.connect(pg_url.replace("+psycopg", "")) as conn:
        for sql in ("UPDATE audit_record SET actor = 'x'", "DELETE FROM audit_record"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(sql)
            conn.rollback()


def test_a_writer_waits_for_the_write_lock_then_gives_up_with_exit_7(
    cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    from fpctl.store.db import WRITE_LOCK_KEY

    ok(cli, "account", "create", "Acme", "--admin", "ada@acme.test", "--slug", "acme")
    monkeypatch.setenv("FPCTL_BUSY_TIMEOUT_MS", "300")
    with psycopg.connect(pg_url.replace("+psycopg", "")) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        busy = cli("team", "invite", "bob@acme.test", *ADA, "-o", "json")
        read = cli("team", "list", "--account", "acme", "-o", "json")
    assert (busy.exit_code, busy.error["code"]) == (7, "store_busy")
    assert read.exit_code == 0  # readers never wait for writers
    assert ok(cli, "team", "invitations", "--account", "acme") == []


def test_commands_and_units_of_work_leave_no_connection_open(cli: Cli, pg_url: str) -> None:
    """A long-lived process (a batch runner, a library user, the tests) running command
    after command must not pile up connections against the server's limit."""
    import psycopg

    from fpctl.services.work import unit_of_work

    ok(cli, "account", "create", "Acme", "--admin", "ada@acme.test", "--slug", "acme")
    for number in range(3):
        ok(cli, "team", "invite", f"p{number}@acme.test", *ADA)
        ok(cli, "team", "list", "--account", "acme")
    with unit_of_work(pg_url, as_="ada@acme.test", write=False) as ctx:
        assert ctx.actor.is_member

    with psycopg.connect(pg_url.replace("+psycopg", "")) as conn:
        left = conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = 'fpctl'"
        ).fetchone()
    assert left == (0,)
