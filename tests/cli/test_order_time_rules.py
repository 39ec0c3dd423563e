"""The order time rules, at their boundaries with a fixed clock (SPEC §1.4, §1.5, §3.6):
auto-complete 3 days after a delivery, late / very_late flags, the 48-hour auto-accept of a
cancellation request, the 7-day expiry of an order held for approval — each settled by a
read and by `fpctl tick`, once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from fpctl.clock import iso, parse_instant
from tests.backends import sql
from tests.cli.test_order import (
    ADA,
    LENA,
    MIA,
    approvals,
    audit_actions,
    in_status,
    invoices,
    move,
    ok,
    placed,
    policy,
    request,
    show,
)
from tests.conftest import NOW, Cli

T0 = parse_instant(NOW)
SECOND = timedelta(seconds=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def at(delta: timedelta) -> str:
    return iso(T0 + delta)


pytestmark = pytest.mark.usefixtures("shop")


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def tick(cli: Cli, delta: timedelta) -> dict[str, int]:
    rows = ok(cli("tick", "--now", at(delta), "-o", "json"))
    return {row["action"]: row["settled"] for row in rows}


def status(cli: Cli, order_id: int, delta: timedelta) -> str:
    return show(cli, order_id, now=at(delta))["status"]


def system_records(cli: Cli, action: str) -> list[dict[str, Any]]:
    records = ok(cli("audit", "list", "--account", "acme", "-o", "json"))
    return [r for r in records if r["action"] == action]


# -- auto-complete 3 days after delivery ---------------------------------------------------


def test_a_delivery_completes_on_its_own_after_3_days(cli: Cli) -> None:
    order_id = in_status(cli, "delivered")
    view = show(cli, order_id, now=at(3 * DAY - SECOND))
    assert (view["status"], view["auto_completes_at"]) == ("delivered", at(3 * DAY))
    view = show(cli, order_id, now=at(3 * DAY + SECOND))
    assert (view["status"], view["completed_at"]) == ("completed", at(3 * DAY))
    [record] = system_records(cli, "order.auto_complete")
    assert (record["actor"], record["target"], record["at"]) == (
        "system",
        f"order:{order_id}",
        at(3 * DAY + SECOND),
    )
    assert cli("audit", "verify").exit_code == 0


def test_tick_completes_deliveries_once(cli: Cli) -> None:
    order_id = in_status(cli, "delivered")
    assert tick(cli, 3 * DAY - SECOND)["order.auto_complete"] == 0
    assert tick(cli, 3 * DAY + SECOND)["order.auto_complete"] == 1
    assert tick(cli, 3 * DAY + 2 * SECOND)["order.auto_complete"] == 0
    assert status(cli, order_id, 4 * DAY) == "completed"
    assert len(system_records(cli, "order.auto_complete")) == 1


def test_a_list_settles_too(cli: Cli) -> None:
    order_id = in_status(cli, "delivered")
    rows = ok(cli("order", "list", *MIA, "--now", at(3 * DAY + SECOND), "-o", "json"))
    assert [(r["id"], r["status"]) for r in rows] == [(order_id, "completed")]


def test_acting_before_the_window_closes_stops_it(cli: Cli) -> None:
    accepted = in_status(cli, "delivered")
    view = ok(move(cli, "accept", accepted, now=at(DAY)))
    assert (view["completed_at"], view["auto_completes_at"]) == (at(DAY), None)
    revised = in_status(cli, "delivered")
    ok(move(cli, "revision", revised, now=at(DAY)))
    assert status(cli, revised, 10 * DAY) == "in_revision"
    ok(move(cli, "deliver", revised, actor=LENA, now=at(10 * DAY)))
    assert status(cli, revised, 13 * DAY - SECOND) == "delivered"
    assert status(cli, revised, 13 * DAY + SECOND) == "completed"
    assert len(system_records(cli, "order.auto_complete")) == 1


# -- late and very late ---------------------------------------------------------------------

DUE = 2 * DAY


def _due_order(cli: Cli) -> int:
    order_id = placed(cli, "--service", "1", "--due", at(DUE))["id"]
    ok(move(cli, "requirements", order_id, "brief"))
    return order_id


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (DUE - SECOND, []),
        (DUE, []),
        (DUE + SECOND, ["late"]),
        (DUE + DAY - SECOND, ["late"]),
        (DUE + DAY, ["late", "very_late"]),
        (DUE + 30 * DAY, ["late", "very_late"]),
    ],
)
def test_late_and_very_late(cli: Cli, delta: timedelta, expected: list[str]) -> None:
    order_id = _due_order(cli)
    assert show(cli, order_id, now=at(delta))["flags"] == expected
    rows = ok(cli("order", "list", *ADA, "--now", at(delta), "-o", "json"))
    assert rows[0]["flags"] == expected


def test_flags_only_while_the_freelancer_owes_work(cli: Cli) -> None:
    order_id = _due_order(cli)
    ok(move(cli, "deliver", order_id, actor=LENA, now=at(DUE - HOUR)))
    assert show(cli, order_id, now=at(DUE + HOUR))["flags"] == []
    ok(move(cli, "revision", order_id, now=at(DUE + HOUR)))
    assert show(cli, order_id, now=at(DUE + HOUR))["flags"] == ["late"]
    ok(move(cli, "deliver", order_id, actor=LENA, now=at(DUE + 2 * HOUR)))
    ok(move(cli, "accept", order_id, now=at(DUE + 3 * HOUR)))
    assert show(cli, order_id, now=at(DUE + 3 * DAY))["flags"] == []


def test_the_buyer_cancels_alone_once_very_late(cli: Cli) -> None:
    order_id = _due_order(cli)
    early = move(cli, "cancel", order_id, now=at(DUE + DAY - SECOND), actor=MIA)
    assert (early.exit_code, early.error["code"]) == (5, "cancel_not_allowed")
    assert "cancel-request" in early.error["hint"]
    view = ok(move(cli, "cancel", order_id, now=at(DUE + DAY)))
    assert (view["status"], view["refunded_cents"]) == ("cancelled", 10000)
    assert sql("SELECT balance_cents FROM account") == [(10000,)]
    assert invoices(order_id)[-1] == ("credit", 10000, 0, 10000, 0)
    refused = move(cli, "deliver", order_id, actor=LENA, now=at(DUE + DAY))
    assert (refused.exit_code, refused.error["code"]) == (5, "invalid_transition")


# -- the 48-hour answer window of a cancellation request ------------------------------------


def test_an_unanswered_request_is_accepted_after_48_hours(cli: Cli) -> None:
    order_id = in_status(cli, "in_progress")
    ok(request(cli, order_id, actor=LENA))
    view = show(cli, order_id, now=at(48 * HOUR - SECOND))
    assert view["status"] == "in_progress"
    cancellation = view["cancellation"]
    assert (cancellation["expires_at"], cancellation["seconds_left"]) == (at(48 * HOUR), 1)
    assert isinstance(cancellation["time_left"], str)
    later = show(cli, order_id, now=at(timedelta(minutes=90)))["cancellation"]
    assert (later["seconds_left"], later["time_left"]) == (46 * 3600 + 30 * 60, "46h30m")
    view = show(cli, order_id, now=at(48 * HOUR + SECOND))
    assert (view["status"], view["cancellation"], view["refunded_cents"]) == (
        "cancelled",
        None,
        10000,
    )
    assert sql("SELECT balance_cents FROM account") == [(10000,)]
    [record] = system_records(cli, "order.cancel_auto_accept")
    assert (record["actor"], record["target"]) == ("system", f"order:{order_id} cancellation:1")
    assert [r["actor"] for r in system_records(cli, "order.cancel")] == ["system"]
    assert cli("audit", "verify").exit_code == 0


def test_tick_accepts_requests_once(cli: Cli) -> None:
    order_id = in_status(cli, "delivered")
    ok(request(cli, order_id))
    assert tick(cli, 48 * HOUR - SECOND)["order.cancel_auto_accept"] == 0
    settled = tick(cli, 48 * HOUR + SECOND)
    assert (settled["order.cancel_auto_accept"], settled["order.auto_complete"]) == (1, 0)
    assert tick(cli, 5 * DAY)["order.cancel_auto_accept"] == 0
    assert status(cli, order_id, 5 * DAY) == "cancelled"
    assert len(invoices(order_id)) == 2  # the charge and one credit


def test_the_list_shows_the_time_left(cli: Cli) -> None:
    order_id = in_status(cli, "in_progress")
    ok(request(cli, order_id))
    rows = ok(cli("order", "list", *LENA, "--now", at(DAY), "-o", "json"))
    assert rows[0]["cancellation"]["seconds_left"] == 24 * 3600
    assert rows[0]["cancellation"]["requested_by"] == "mia@acme.test"
    table = cli("order", "list", *ADA, "--now", at(DAY))
    assert "24h00m" in table.stdout


def test_a_delivery_on_hold_does_not_complete(cli: Cli) -> None:
    order_id = in_status(cli, "delivered")
    ok(request(cli, order_id, actor=LENA, now=at(2 * DAY)))
    assert status(cli, order_id, 3 * DAY + HOUR) == "delivered"
    assert tick(cli, 3 * DAY + HOUR)["order.auto_complete"] == 0
    # unanswered, the request wins: cancelled, not completed
    assert status(cli, order_id, 4 * DAY + SECOND) == "cancelled"


@pytest.mark.parametrize("answer", ["cancel-decline", "cancel-withdraw"])
def test_the_review_window_gets_the_hold_time_back(cli: Cli, answer: str) -> None:
    order_id = in_status(cli, "delivered")  # window closes at +3d
    ok(request(cli, order_id, actor=LENA, now=at(2 * DAY)))
    actor = MIA if answer == "cancel-decline" else LENA
    view = ok(move(cli, answer, order_id, actor=actor, now=at(3 * DAY + 2 * HOUR)))
    # on hold for 1 day 2 hours: the window closes that much later
    closes = 4 * DAY + 2 * HOUR
    assert (view["status"], view["auto_completes_at"]) == ("delivered", at(closes))
    assert status(cli, order_id, closes - SECOND) == "delivered"
    view = show(cli, order_id, now=at(closes + SECOND))
    assert (view["status"], view["completed_at"]) == ("completed", at(closes))


# -- orders held for approval: 7 days -------------------------------------------------------


def test_a_held_order_is_rejected_after_7_days(cli: Cli) -> None:
    order_id = in_status(cli, "awaiting_approval")
    assert status(cli, order_id, 7 * DAY - SECOND) == "awaiting_approval"
    assert approvals(cli)[0]["status"] == "pending"
    view = show(cli, order_id, now=at(7 * DAY + SECOND))
    assert (view["status"], view["paid_cents"]) == ("rejected", 0)
    assert approvals(cli)[0]["status"] == "expired"
    assert invoices(order_id) == []
    assert ("order.expire", f"order:{order_id}") in audit_actions(cli)
    late = cli("approvals", "approve", "1", *ADA, "--now", at(8 * DAY), "-o", "json")
    assert (late.exit_code, late.error["code"]) == (5, "request_closed")


def test_an_expiring_held_order_closes_its_open_request(cli: Cli) -> None:
    """A request opened on a held order before issue 14 refused them (an older store)."""
    order_id = in_status(cli, "awaiting_approval")
    sql(
        "INSERT INTO order_cancellation (order_id, side, requested_by, reason, status, "
        "order_status, created_at, expires_at) VALUES (?, 'seller', '@lena', 'busy', 'open', "
        "'awaiting_approval', ?, ?)",
        order_id,
        "2026-11-07 10:00:00",
        "2026-11-09 10:00:00",  # would close at +8d
    )
    view = show(cli, order_id, now=at(7 * DAY + SECOND))
    assert (view["status"], view["cancellation"]) == ("rejected", None)
    assert tick(cli, 9 * DAY)["order.cancel_auto_accept"] == 0
    assert status(cli, order_id, 9 * DAY) == "rejected"  # never reopened as cancelled


def test_tick_expires_held_orders_once(cli: Cli) -> None:
    order_id = in_status(cli, "awaiting_approval")
    assert tick(cli, 7 * DAY - SECOND)["approval.expire"] == 0
    assert tick(cli, 7 * DAY + SECOND)["approval.expire"] == 1
    assert tick(cli, 7 * DAY + 2 * SECOND)["approval.expire"] == 0
    assert status(cli, order_id, 8 * DAY) == "rejected"
    assert [a for a, _ in audit_actions(cli)].count("order.expire") == 1


def test_removing_the_policy_does_not_stop_the_clock(cli: Cli) -> None:
    order_id = in_status(cli, "awaiting_approval")
    rule = ok(cli("policy", "list", *ADA, "-o", "json"))[0]["id"]
    ok(cli("policy", "remove", str(rule), *ADA, "--yes", "-o", "json"))
    assert status(cli, order_id, 7 * DAY + SECOND) == "rejected"


def test_an_approved_order_is_charged_when_approved(cli: Cli) -> None:
    policy(cli, "order-approval", "--over", "1")
    order_id = placed(cli)["id"]
    ok(cli("approvals", "approve", "1", *ADA, "--now", at(7 * DAY - SECOND), "-o", "json"))
    view = show(cli, order_id, now=at(8 * DAY))
    assert (view["status"], view["paid_cents"]) == ("awaiting_requirements", 10000)
    issued = sql("SELECT issued_at FROM invoice WHERE order_id = ?", order_id)
    assert [str(row[0])[:19] for row in issued] == ["2026-11-08 09:59:59"]
