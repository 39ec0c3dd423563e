"""`fpctl order dispute | dispute-accept | dispute-decline | dispute-withdraw`, the dispute in
`order show`, `order list` and `order next`, its expiry by `fpctl tick`, and `auth can-i`
(issue 14: the dispute manager)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.backends import sql
from tests.cli.test_order import (
    ADA,
    LENA,
    MIA,
    OTTO,
    SUPPORT,
    audit_actions,
    in_status,
    invoices,
    move,
    ok,
    refused,
    request,
    show,
)
from tests.conftest import Cli

pytestmark = pytest.mark.usefixtures("shop")

BEA = ("--as", "bea@beta.test")
DISPUTE_KEYS = {
    "id",
    "kind",
    "side",
    "requested_by",
    "reason",
    "requested_at",
    "expires_at",
    "seconds_left",
    "time_left",
    "due_at",
    "modification",
    "amount_cents",
}


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def dispute(cli: Cli, order_id: int, *what: str, actor: tuple[str, ...] = MIA, **kw: Any) -> Any:
    return move(cli, "dispute", order_id, *what, "--reason", "we need to talk", actor=actor, **kw)


def test_dispute_opens_a_request_shown_on_the_order(cli: Cli) -> None:
    order_id = in_status(cli, "in_progress")
    view = ok(dispute(cli, order_id, "--refund", "40"))
    assert view["status"] == "in_progress"
    assert set(view["dispute"]) == DISPUTE_KEYS
    assert {k: view["dispute"][k] for k in ("kind", "side", "amount_cents", "expires_at")} == {
        "kind": "refund",
        "side": "buyer",
        "amount_cents": 4000,
        "expires_at": "2026-11-03T10:00:00Z",
    }
    assert show(cli, order_id)["dispute"]["requested_by"] == "mia@acme.test"
    [listed] = ok(cli("order", "list", *ADA, "-o", "json"))
    assert listed["dispute"]["kind"] == "refund"
    csv = cli("order", "list", *ADA, "-o", "csv")
    assert csv.exit_code == 0 and "dispute" in csv.stdout.splitlines()[0]
    assert ("order.dispute", f"order:{order_id} dispute:1") in audit_actions(cli)


def test_dispute_needs_one_proposal_and_a_reason(cli: Cli) -> None:
    order_id = in_status(cli, "in_progress")
    refused(cli, 2, "one_proposal", move, "dispute", order_id, "--reason", "x")
    refused(cli, 2, "one_proposal", dispute, order_id, "--due", "2026-12-01")
    refused(cli, 2, "one_proposal", dispute, order_id, "--refund", "1", "--modification", "x")
    result = refused(cli, 2, None, move, "dispute", order_id, "--refund", "1")
    assert "--reason" in result.stderr
    refused(cli, 2, None, dispute, order_id, "--refund", "lots")


def test_more_time_accepted_moves_the_due_date(cli: Cli) -> None:
    order_id = in_status(cli, "in_progress")
    due = ("--more-time", "--due", "2026-12-01T10:00:00Z")
    refused(cli, 5, "wrong_side", dispute, order_id, *due)
    ok(dispute(cli, order_id, *due, actor=LENA))
    refused(cli, 5, "own_request", move, "dispute-accept", order_id, actor=LENA)
    view = ok(move(cli, "dispute-accept", order_id))
    assert (view["status"], view["due_at"], view["dispute"]) == (
        "in_progress",
        "2026-12-01T10:00:00Z",
        None,
    )


def test_dispute_accept_of_a_refund_pays_it_back(cli: Cli) -> None:
    order_id = in_status(cli, "in_progress")
    ok(dispute(cli, order_id, "--refund", "40", actor=LENA))
    result = move(cli, "dispute-accept", order_id, actor=ADA)
    view = ok(result)
    assert (view["refunded_cents"], view["status"]) == (4000, "in_progress")
    assert "refunded $40.00 (credit invoice" in result.stderr
    assert sql("SELECT credits_cents, balance_cents FROM account") == [(0, 4000)]
    assert invoices(order_id)[-1] == ("credit", 4000, 0, 4000, 0)
    assert cli("audit", "verify").exit_code == 0


def test_a_modification_reopens_a_delivery(cli: Cli) -> None:
    order_id = in_status(cli, "delivered")
    ok(dispute(cli, order_id, "--modification", "Blue, not green"))
    view = ok(move(cli, "dispute-accept", order_id, actor=LENA))
    assert (view["status"], view["auto_completes_at"]) == ("in_revision", None)


@pytest.mark.parametrize(("verb", "actor"), [("dispute-decline", LENA), ("dispute-withdraw", MIA)])
def test_decline_or_withdraw_changes_nothing(cli: Cli, verb: str, actor: tuple[str, ...]) -> None:
    order_id = in_status(cli, "delivered")
    ok(dispute(cli, order_id, "--refund", "10"))
    view = ok(move(cli, verb, order_id, actor=actor))
    assert (view["status"], view["dispute"], view["refunded_cents"]) == ("delivered", None, 0)
    refused(cli, 5, "no_open_request", move, verb, order_id, actor=actor)


def test_withdraw_is_the_requesters(cli: Cli) -> None:
    order_id = in_status(cli, "in_progress")
    ok(dispute(cli, order_id, "--refund", "10", actor=LENA))
    refused(cli, 4, None, move, "dispute-withdraw", order_id, actor=MIA)
    ok(move(cli, "dispute-withdraw", order_id, actor=LENA))


def test_the_order_is_on_hold_and_requests_exclude_each_other(cli: Cli) -> None:
    order_id = in_status(cli, "in_progress")
    ok(dispute(cli, order_id, "--modification", "Bigger"))
    refused(cli, 5, "dispute_open", move, "deliver", order_id, actor=LENA)
    refused(cli, 5, "dispute_open", request, order_id, actor=LENA)
    refused(cli, 5, "dispute_open", dispute, order_id, "--refund", "5", actor=LENA)
    ok(move(cli, "dispute-decline", order_id, actor=LENA))
    ok(request(cli, order_id, actor=LENA))
    refused(cli, 5, "cancellation_open", dispute, order_id, "--refund", "5")


def test_not_while_awaiting_approval(cli: Cli) -> None:
    order_id = in_status(cli, "awaiting_approval")
    refused(cli, 5, "awaiting_approval", dispute, order_id, "--refund", "5")


@pytest.mark.parametrize("actor", [OTTO, BEA])
def test_another_accounts_or_freelancers_order_is_not_found(
    cli: Cli, actor: tuple[str, ...]
) -> None:
    order_id = in_status(cli, "in_progress")
    created = cli("account", "create", "Beta", "--admin", "bea@beta.test", "--slug", "beta")
    assert created.exit_code == 0, created.stderr
    refused(cli, 3, "not_found", dispute, order_id, "--refund", "5", actor=actor)
    ok(dispute(cli, order_id, "--refund", "5"))
    for verb in ("dispute-accept", "dispute-decline", "dispute-withdraw"):
        refused(cli, 3, "not_found", move, verb, order_id, actor=actor)
    assert cli("auth", "can-i", "order.dispute", str(order_id), *actor).exit_code == 3


def test_auth_can_i_answers_for_each_action(cli: Cli) -> None:
    order_id = in_status(cli, "in_progress")
    for action in ("order.dispute", "order.dispute_accept", "order.dispute_withdraw"):
        for actor in (MIA, LENA, SUPPORT):
            done = cli("auth", "can-i", action, str(order_id), *actor, "-o", "json")
            assert done.exit_code == 0, done.stderr
            assert done.json["allowed"] is True


def test_order_next_lists_the_answers_to_an_open_dispute(cli: Cli) -> None:
    order_id = in_status(cli, "in_progress")
    ok(dispute(cli, order_id, "--refund", "25"))
    result = cli("order", "next", str(order_id), *LENA, "-o", "json")
    rows = ok(result)
    assert [(r["action"], r["who"], r["command"]) for r in rows] == [
        ("dispute-accept", "freelancer", f"fpctl order dispute-accept {order_id} --as @lena"),
        ("dispute-decline", "freelancer", f"fpctl order dispute-decline {order_id} --as @lena"),
        (
            "dispute-withdraw",
            "buyer",
            f"fpctl order dispute-withdraw {order_id} --as mia@acme.test",
        ),
        ("dispute-expire", "nobody (time)", None),
    ]
    assert {r["by"] for r in rows} == {"2026-11-03T10:00:00Z"}
    assert "on hold" in result.stderr and "$25.00" in result.stderr


def test_tick_expires_an_unanswered_request_at_48_hours(cli: Cli) -> None:
    order_id = in_status(cli, "in_progress")
    ok(dispute(cli, order_id, "--refund", "25"))
    early = cli("tick", "--now", "2026-11-03T09:59:59Z", "-o", "json")
    assert {"action": "order.dispute_expire", "settled": 0, "now": "2026-11-03T09:59:59Z"} in (
        early.json
    )
    due = cli("tick", "--now", "2026-11-03T10:00:00Z", "-o", "json")
    assert {"action": "order.dispute_expire", "settled": 1, "now": "2026-11-03T10:00:00Z"} in (
        due.json
    )
    view = show(cli, order_id, now="2026-11-03T10:00:00Z")
    assert (view["dispute"], view["refunded_cents"]) == (None, 0)
    assert sql("SELECT status, closed_by FROM order_dispute") == [("expired", "system")]


@pytest.mark.parametrize("fmt", ["table", "ndjson", "tsv"])
def test_every_output_format(cli: Cli, fmt: str) -> None:
    order_id = in_status(cli, "in_progress")
    done = cli("order", "dispute", str(order_id), "--refund", "5", "--reason", "x", *MIA, "-o", fmt)
    assert done.exit_code == 0, done.stderr
    assert done.stdout.strip()


def test_hostile_text_is_shown_safely(cli: Cli) -> None:
    order_id = in_status(cli, "in_progress")
    evil = "\x1b[2J\u202eBlue logo\x07"
    ok(dispute(cli, order_id, "--modification", evil))
    assert show(cli, order_id)["dispute"]["modification"] == evil  # kept as written
    for shown in (cli("order", "show", str(order_id), *ADA), cli("order", "list", *ADA)):
        assert shown.exit_code == 0, shown.stderr
        assert not {"\x1b", "\u202e", "\x07"} & set(shown.stdout)


def test_a_dispute_made_by_a_batch_line_holds_the_order_on_the_next(
    cli: Cli, tmp_path: Path
) -> None:
    """In one batch transaction the open requests are remembered: the dispute a line opens
    is seen by the next line, and the answer after it lifts the hold."""
    source = tmp_path / "lines.txt"
    source.write_text(
        "order place --freelancer lena --service 1 --as mia@acme.test\n"
        "order requirements 1 'A fox' --as mia@acme.test\n"
        "order dispute 1 --more-time --due 2026-12-24 --reason late --as @lena\n"
        "order dispute-decline 1 --as mia@acme.test\n"
        "order deliver 1 --as @lena\n"
    )
    done = cli("batch", str(source), "-o", "json")
    assert done.exit_code == 0, done.stderr
    asked, declined, delivered = (line["result"] for line in done.json[2:])
    assert asked["dispute"]["kind"] == "more_time"
    assert (declined["dispute"], delivered["status"]) == (None, "delivered")
    held = tmp_path / "held.txt"
    held.write_text(
        "order dispute 1 --modification 'Bigger' --reason why --as mia@acme.test\n"
        "order revision 1 --as mia@acme.test\n"
    )
    refused_ = cli("batch", str(held), "-o", "json")
    assert (refused_.exit_code, refused_.error["code"], refused_.error["line"]) == (
        5,
        "dispute_open",
        2,
    )
