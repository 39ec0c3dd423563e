"""The demo covers what issue 14 added: offers in every state, conversations both ways,
delivered files (a name repeated by a revision, a removed member's files downloadable by
the others), a private project the admin manages, an archived project with its orders,
freelancer profiles viewed, weekly hour reports, disputes and notifications."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_demo import _seeded
from tests.conftest import Cli

NORTHWIND = ["--account", "northwind-traders"]


def _json(cli: Cli, db: Path, *args: str) -> Any:
    result = cli(*args, "--db", db, "-o", "json")
    assert result.exit_code == 0, (args, result.stderr)
    return result.json


@pytest.mark.sqlite_only  # the store is a file named by --db
def test_the_demo_covers_the_dealings_with_freelancers(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    _seeded(cli, db)

    offers = _json(cli, db, "offer", "list", *NORTHWIND)
    assert {o["status"] for o in offers} == {
        "expired", "accepted", "declined", "withdrawn", "pending"
    }  # fmt: skip
    assert all(o["order"] for o in offers if o["status"] == "accepted")
    assert {o["kind"] for o in offers} == {"fixed", "milestones", "hourly"}

    projects = _json(cli, db, "project", "list", *NORTHWIND, "--status", "all")
    archived = [p for p in projects if p["status"] == "archived"]
    assert archived and archived[0]["orders"] >= 1
    assert any(p["kind"] == "private" for p in projects)

    lead = next(
        c["opened_by"]
        for c in _json(cli, db, "inbox", "list", *NORTHWIND)
        if not c["opened_by"].startswith("order:")
    )
    talk = _json(cli, db, "inbox", "list", "--as", lead)
    opened = next(c for c in talk if c["opened_by"] == lead)
    shown = _json(cli, db, "inbox", "show", str(opened["id"]), "--as", lead)
    assert {m["side"] for m in shown} == {"buyer", "freelancer"}
    assert _json(cli, db, "account", "show", "--as", lead)["recently_viewed"]

    with closing(sqlite3.connect(db)) as store:
        files = store.execute(
            "SELECT order_id, name FROM delivery_file JOIN orders ON orders.id = order_id "
            "WHERE orders.account_id = (SELECT id FROM account WHERE slug = ?)",
            ("northwind-traders",),
        ).fetchall()
        removed = store.execute(
            "SELECT orders.id FROM orders JOIN member ON member.id = placed_by_id "
            "WHERE member.status = 'removed' AND orders.id IN (SELECT order_id FROM delivery_file)"
        ).fetchall()
    revised = [order for order, name in files if name == "cover.png"]
    assert len(revised) == 2 and len(set(revised)) == 1  # delivered, revised, delivered again
    assert removed
    downloaded = _json(
        cli, db, "order", "download", str(removed[0][0]), "--to", str(tmp_path / "got"),
        "--as", lead,
    )  # fmt: skip
    assert [row["name"] for row in downloaded] == ["brief-notes.txt"]
    assert (tmp_path / "got" / "brief-notes.txt").read_bytes().startswith(b"Brief notes")


@pytest.mark.sqlite_only  # the store is a file named by --db
def test_the_demo_covers_hour_reports_disputes_and_notifications(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    _seeded(cli, db)
    orders = _json(cli, db, "order", "list", *NORTHWIND, "--all")
    hourly = next(o for o in orders if o["kind"] == "hourly" and o["freelancer"] == "yuki_data")
    weeks = _json(cli, db, "order", "hours", "list", str(hourly["id"]), *NORTHWIND)
    assert {"charged", "disputed", "waived"} <= {week["status"] for week in weeks}
    assert [o["dispute"]["kind"] for o in orders if o.get("dispute")] == ["refund"]
    actions = {r["action"] for r in _json(cli, db, "audit", "list", *NORTHWIND, "--all")}
    assert {"order.dispute", "order.dispute_accept", "order.dispute_expire"} <= actions
    admin = next(
        m["email"] for m in _json(cli, db, "team", "list", *NORTHWIND) if m["role"] == "admin"
    )
    told = {n["kind"] for n in _json(cli, db, "notifications", "list", "--as", admin, "--all")}
    assert {"invitation.approval", "order.delivered", "offer"} <= told
