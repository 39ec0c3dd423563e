"""`fpctl order place | list | show | requirements | skip-requirements | deliver | accept |
revision | cancel | cancel-request | cancel-accept | cancel-decline | cancel-withdraw`, and
`approvals approve | reject` for orders (SPEC §1.4, §1.5, §2, §3.4, §3.5).

Time rules (auto-complete, late flags, 48-hour auto-accept, 7-day approval expiry) are in
``test_order_time_rules.py``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.backends import sql
from tests.conftest import NOW, Cli, Outcome

ADA = ("--as", "ada@acme.test")
BILL = ("--as", "bill@acme.test")
MIA = ("--as", "mia@acme.test")
MAX = ("--as", "max@acme.test")
LENA = ("--as", "@lena")
OTTO = ("--as", "@otto")
SUPPORT = ("--as", "support", "--reason", "ticket 9", "--account", "acme")

ORDER_KEYS = {
    "id",
    "status",
    "kind",
    "freelancer",
    "placed_by",
    "project",
    "total_cents",
    "paid_cents",
    "flags",
    "cancellation",
}
TABLES = (
    "orders",
    "order_milestone",
    "order_cancellation",
    "invoice",
    "ledger_entry",
    "approvalrequest",
    "audit_record",
)


pytestmark = pytest.mark.usefixtures("shop")


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


# -- helpers (also used by test_order_time_rules.py) ---------------------------------------


def order(cli: Cli, *args: str, actor: tuple[str, ...] = MIA, now: str | None = None) -> Outcome:
    clock = ("--now", now) if now else ()
    return cli("order", *args, *actor, "-o", "json", *clock)


def place(
    cli: Cli,
    *args: str,
    actor: tuple[str, ...] = MIA,
    freelancer: str = "lena",
    now: str | None = None,
) -> Outcome:
    return order(cli, "place", "--freelancer", freelancer, *args, actor=actor, now=now)


def ok(result: Outcome) -> Any:
    assert result.exit_code == 0, result.stderr
    return result.json


def placed(cli: Cli, *args: str, **options: Any) -> dict[str, Any]:
    """Place an order (default: lena's Logo design, 100.00, as mia) and return its view."""
    return ok(place(cli, *(args or ("--service", "1")), **options))


def move(
    cli: Cli, verb: str, order_id: int, *extra: str, actor: tuple[str, ...] = MIA, **kw: Any
) -> Outcome:
    return order(cli, verb, str(order_id), *extra, actor=actor, **kw)


def show(cli: Cli, order_id: int, now: str | None = None) -> dict[str, Any]:
    return ok(order(cli, "show", str(order_id), actor=ADA, now=now))


def set_funds(*, credits: int = 0, balance: int = 0) -> None:
    sql("UPDATE account SET credits_cents = ?, balance_cents = ?", credits, balance)


def drop_card() -> None:
    sql(
        "UPDATE payment_method SET is_default = FALSE, removed_at = '2026-11-01 09:00:00.000000'",
    )


def go_advanced() -> None:
    sql("UPDATE account SET plan = 'advanced'")


def snapshot(cli: Cli) -> dict[str, Any]:
    """Everything a refused command must leave as it was."""
    orders = ok(cli("order", "list", "--account", "acme", "-o", "json"))
    counts = {table: sql(f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}
    funds = sql("SELECT credits_cents, balance_cents FROM account")
    audit = ok(cli("audit", "list", "--account", "acme", "-o", "json"))
    return {"orders": orders, "counts": counts, "funds": funds, "audit": audit}


def refused(cli: Cli, exit_code: int, code: str | None, run: Any, *args: Any, **kw: Any) -> Outcome:
    """``run(cli, *args)`` fails with ``exit_code`` (and ``code``) and changes nothing."""
    before = snapshot(cli)
    result = run(cli, *args, **kw)
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    if code is not None:
        assert result.error["code"] == code
    assert snapshot(cli) == before
    return result


def decide(cli: Cli, verb: str, request_id: Any, actor: tuple[str, ...] = ADA) -> Outcome:
    """`approvals approve|reject ID`."""
    return cli("approvals", verb, str(request_id), *actor, "-o", "json")


def invoices(order_id: int) -> list[tuple[Any, ...]]:
    return sql(
        "SELECT kind, amount_cents, credits_cents, balance_cents, method_cents "
        "FROM invoice WHERE order_id = ? ORDER BY id",
        order_id,
    )


def audit_actions(cli: Cli, prefix: str = "order.") -> list[tuple[str, str]]:
    records = ok(cli("audit", "list", "--account", "acme", "-o", "json"))
    return [(r["action"], r["target"]) for r in records if r["action"].startswith(prefix)]


def approvals(cli: Cli) -> list[dict[str, Any]]:
    return ok(cli("approvals", "list", *ADA, "-o", "json"))


def policy(cli: Cli, *args: str) -> dict[str, Any]:
    return ok(cli("policy", "add", *args, *ADA, "-o", "json"))


def in_status(cli: Cli, status: str) -> int:
    """An order of mia's (lena's Logo design, 1 revision) brought to ``status``."""
    if status in ("awaiting_approval", "rejected"):
        policy(cli, "order-approval", "--over", "1")
    order_id = placed(cli)["id"]
    steps = {
        "awaiting_approval": [],
        "rejected": [("reject", ADA)],
        "awaiting_requirements": [],
        "cancelled": [("cancel", MIA)],
        "in_progress": [("requirements", MIA)],
        "delivered": [("requirements", MIA), ("deliver", LENA)],
        "in_revision": [("requirements", MIA), ("deliver", LENA), ("revision", MIA)],
        "completed": [("requirements", MIA), ("deliver", LENA), ("accept", MIA)],
    }[status]
    for verb, actor in steps:
        if verb == "reject":
            request = approvals(cli)[-1]["id"]
            ok(cli("approvals", "reject", str(request), *actor, "-o", "json"))
            continue
        extra = ("brief",) if verb == "requirements" else ()
        ok(move(cli, verb, order_id, *extra, actor=actor))
    assert show(cli, order_id)["status"] == status
    return order_id


# -- checkout: what is bought ---------------------------------------------------------------


def test_a_service_is_ordered_at_its_price(cli: Cli) -> None:
    view = placed(cli, "--service", "1")
    assert view.keys() >= ORDER_KEYS
    assert {k: view[k] for k in ORDER_KEYS} == {
        "id": 1,
        "status": "awaiting_requirements",
        "kind": "fixed",
        "freelancer": "lena",
        "placed_by": "mia@acme.test",
        "project": view["project"],
        "total_cents": 10000,
        "paid_cents": 10000,
        "flags": [],
        "cancellation": None,
    }
    assert view["title"] == "Logo design"
    assert view["revisions_included"] == 1
    assert view["created_at"] == NOW
    # mia's my-project by default
    project = ok(cli("project", "show", str(view["project"]), *MIA, "-o", "json"))
    assert project["kind"] == "my"


def test_a_custom_amount_and_a_quantity_multiply(cli: Cli) -> None:
    custom = placed(cli, "--amount", "$1,234.50")
    assert (custom["title"], custom["total_cents"], custom["paid_cents"]) == (
        "Custom order",
        123450,
        123450,
    )
    multiple = placed(cli, "--service", "2", "--quantity", "3", freelancer="otto")
    assert (multiple["unit_price_cents"], multiple["quantity"], multiple["total_cents"]) == (
        5000,
        3,
        15000,
    )
    assert placed(cli, "--amount", "0.01", "--quantity", "1000")["total_cents"] == 1000


@pytest.mark.parametrize(
    "args",
    [
        ("--service", "1", "--quantity", "0"),
        ("--service", "1", "--quantity", "1001"),
        ("--service", "1", "--quantity", "-1"),
        ("--service", "1", "--amount", "10"),
        (),
        ("--amount", "abc"),
        ("--amount", "-5"),
        ("--amount", "0"),
        ("--amount", "1.234"),
        ("--amount", "10000000.01"),
        ("--amount", "10000000", "--quantity", "2"),
        ("--amount", "10", "--due", "2026-11-01T09:59:59Z"),
        ("--amount", "10", "--due", NOW),
        ("--amount", "10", "--due", "next tuesday"),
        ("--milestone", "Design=10"),
        tuple(arg for name in "ABCDEF" for arg in ("--milestone", f"{name}=1")),
        ("--milestone", "Design", "--milestone", "Build=10"),
        ("--milestone", "=10", "--milestone", "Build=10"),
        ("--milestone", "Design=ten", "--milestone", "Build=10"),
        ("--milestone", "Design=0", "--milestone", "Build=10"),
        ("--hourly", "--rate", "50", "--estimate", "7"),
        ("--hourly", "--rate", "50"),
        ("--hourly", "--rate", "50", "--estimate", "10", "--weekly-limit", "0"),
    ],
)
def test_malformed_orders_are_usage_errors(cli: Cli, args: tuple[str, ...]) -> None:
    refused(cli, 2, None, place, *args)


def test_the_smallest_valid_shapes_are_accepted(cli: Cli) -> None:
    two = placed(cli, "--milestone", "Design=10", "--milestone", "Build=20")
    assert (two["kind"], two["total_cents"], two["paid_cents"]) == ("milestones", 3000, 1000)
    five = placed(cli, *(arg for n in range(5) for arg in ("--milestone", f"M{n}=1")))
    assert len(five["milestones"]) == 5
    hourly = placed(cli, "--hourly", "--rate", "50", "--estimate", "8")
    assert (hourly["kind"], hourly["paid_cents"]) == ("hourly", 500)
    due = placed(cli, "--amount", "10", "--due", "2026-11-01T10:00:01Z")
    assert due["due_at"] == "2026-11-01T10:00:01Z"


def test_unknown_freelancer_or_someone_elses_service_is_not_found(cli: Cli) -> None:
    refused(cli, 3, "not_found", place, "--amount", "10", freelancer="nobody")
    refused(cli, 3, "not_found", place, "--service", "2")  # otto's, ordered from lena
    refused(cli, 3, "not_found", place, "--service", "99")


def test_hourly_needs_a_pro_freelancer(cli: Cli) -> None:
    result = refused(
        cli, 5, "pro_only", place, "--hourly", "--rate", "50", "--estimate", "8",
        freelancer="otto",
    )  # fmt: skip
    assert "pro" in result.error["message"].lower()


def test_who_may_place(cli: Cli) -> None:
    refused(cli, 4, "permission_denied", place, "--amount", "10", actor=LENA)
    result = refused(cli, 2, None, place, "--amount", "10", actor=())
    assert "--as" in result.stderr
    assert cli("team", "deactivate", "max@acme.test", *ADA).exit_code == 0
    refused(cli, 4, None, place, "--amount", "10", actor=MAX)
    for actor in (ADA, BILL, MIA):
        assert placed(cli, "--amount", "10", actor=actor)["placed_by"] == actor[1]


def test_support_places_in_a_named_project(cli: Cli) -> None:
    default = placed(cli, "--amount", "10", actor=SUPPORT)  # no --project: the admin's
    ada_project = ok(cli("project", "list", *ADA, "-o", "json"))
    mine = [p["id"] for p in ada_project if p["kind"] == "my" and p["owner"] == "ada@acme.test"]
    assert default["project"] == mine[0]
    project = ok(cli("project", "create", "Launch", *ADA, "-o", "json"))["id"]
    view = placed(cli, "--amount", "10", "--project", str(project), actor=SUPPORT)
    assert view["project"] == project
    record = [r for r in ok(cli("audit", "list", "-o", "json")) if r["action"] == "order.place"]
    assert (record[0]["actor"], record[0]["reason"]) == ("support:sam", "ticket 9")


# -- checkout: payment ----------------------------------------------------------------------


def test_payment_takes_credits_then_balance_then_the_card(cli: Cli) -> None:
    set_funds(credits=3000, balance=5000)
    view = placed(cli)
    assert view["paid_cents"] == 10000
    assert sql("SELECT credits_cents, balance_cents FROM account") == [(0, 0)]
    assert invoices(view["id"]) == [("invoice", 10000, 3000, 5000, 2000)]
    ledger = sql(
        "SELECT kind, credits_cents, balance_cents, method_cents FROM ledger_entry "
        "WHERE order_id = ?",
        view["id"],
    )
    assert ledger == [("charge", -3000, -5000, 2000)]


def test_a_payment_from_the_balance_alone_leaves_the_card(cli: Cli) -> None:
    set_funds(balance=25000)
    view = placed(cli)
    assert invoices(view["id"]) == [("invoice", 10000, 0, 10000, 0)]
    assert sql("SELECT balance_cents FROM account") == [(15000,)]


def test_a_payment_made_only_with_credits_has_no_invoice(cli: Cli) -> None:
    set_funds(credits=20000)
    view = placed(cli)
    assert view["paid_cents"] == 10000
    assert invoices(view["id"]) == []
    assert sql("SELECT credits_cents FROM account") == [(10000,)]
    assert sql("SELECT credits_cents FROM ledger_entry WHERE order_id = 1") == [(-10000,)]


def test_without_a_card_and_enough_funds_the_order_is_refused(cli: Cli) -> None:
    drop_card()
    set_funds(credits=2000, balance=5000)
    result = refused(cli, 5, "insufficient_funds", place, "--service", "1")
    assert result.error.get("hint")
    assert "hint:" in cli("order", "place", "--freelancer", "lena", "--service", "1", *MIA).stderr
    # exactly enough is enough
    assert placed(cli, "--amount", "70")["paid_cents"] == 7000
    assert sql("SELECT credits_cents, balance_cents FROM account") == [(0, 0)]


# -- policies (SPEC §1.4) -------------------------------------------------------------------


def test_order_approval_holds_orders_strictly_over_the_amount(cli: Cli) -> None:
    policy(cli, "order-approval", "--over", "100")
    at_limit = placed(cli, "--amount", "100.00")
    assert at_limit["status"] == "awaiting_requirements"
    before_invoices = sql("SELECT count(*) FROM invoice")
    held = place(cli, "--amount", "100.01")
    view = ok(held)
    assert (view["status"], view["paid_cents"]) == ("awaiting_approval", 0)
    assert "approval" in held.stderr
    assert invoices(view["id"]) == []
    assert sql("SELECT count(*) FROM invoice") == before_invoices
    [request] = approvals(cli)
    assert {k: request[k] for k in ("kind", "subject_id", "amount_cents", "status")} == {
        "kind": "order",
        "subject_id": view["id"],
        "amount_cents": 10001,
        "status": "pending",
    }
    assert request["requested_by"] == "mia@acme.test"
    assert request["expires_at"] == "2026-11-08T10:00:00Z"
    # billing managers too (default --applies-to both), never the admin
    assert placed(cli, "--amount", "500", actor=BILL)["status"] == "awaiting_approval"
    assert placed(cli, "--amount", "500", actor=ADA)["status"] == "awaiting_requirements"
    assert ("approval.request", f"approval:1 order:{view['id']}") in audit_actions(cli, "approval.")


@pytest.mark.parametrize(
    ("applies_to", "held_actor", "free_actor"),
    [("members", MIA, BILL), ("billing-managers", BILL, MIA)],
)
def test_order_approval_for_one_role_on_advanced(
    cli: Cli,
    applies_to: str,
    held_actor: tuple[str, ...],
    free_actor: tuple[str, ...],
) -> None:
    go_advanced()
    policy(cli, "order-approval", "--over", "10", "--applies-to", applies_to)
    assert placed(cli, "--amount", "50", actor=held_actor)["status"] == "awaiting_approval"
    assert placed(cli, "--amount", "50", actor=free_actor)["status"] == "awaiting_requirements"
    # back on basic the role-specific policy stops applying
    sql("UPDATE account SET plan = 'basic'")
    assert placed(cli, "--amount", "50", actor=held_actor)["status"] == "awaiting_requirements"


def test_approving_a_held_order_charges_it_then(cli: Cli) -> None:
    policy(cli, "order-approval", "--over", "10")
    view = placed(cli)
    request = approvals(cli)[0]["id"]
    decided = ok(cli("approvals", "approve", str(request), *ADA, "-o", "json"))
    assert decided["status"] == "approved"
    after = show(cli, view["id"])
    assert (after["status"], after["paid_cents"]) == ("awaiting_requirements", 10000)
    assert invoices(view["id"]) == [("invoice", 10000, 0, 0, 10000)]
    assert ("order.approve", f"order:{view['id']}") in audit_actions(cli)
    # decided once: deciding again changes nothing
    again = cli("approvals", "reject", str(request), *ADA, "-o", "json")
    assert again.exit_code == 5


def test_approving_without_funds_is_refused_and_changes_nothing(cli: Cli) -> None:
    policy(cli, "order-approval", "--over", "10")
    view = placed(cli)
    drop_card()
    request = str(approvals(cli)[0]["id"])
    refused(cli, 5, "insufficient_funds", decide, "approve", request)
    assert show(cli, view["id"])["status"] == "awaiting_approval"
    assert approvals(cli)[0]["status"] == "pending"


def test_members_cannot_decide_order_approvals(cli: Cli) -> None:
    policy(cli, "order-approval", "--over", "10")
    placed(cli)
    request = str(approvals(cli)[0]["id"])
    for actor in (BILL, MIA, LENA):
        refused(cli, 4, None, decide, "approve", request, actor=actor)


def test_a_rejected_order_is_never_charged_and_never_moves(cli: Cli) -> None:
    order_id = in_status(cli, "rejected")
    view = show(cli, order_id)
    assert (view["paid_cents"], view["closed_at"]) == (0, NOW)
    assert invoices(order_id) == []
    assert sql("SELECT count(*) FROM ledger_entry WHERE order_id = ?", order_id) == [(0,)]
    assert ("order.reject", f"order:{order_id}") in audit_actions(cli)
    refused(cli, 5, "invalid_transition", move, "requirements", order_id, "brief")
    refused(cli, 5, "order_closed", move, "cancel", order_id)
    refused(cli, 5, "order_closed", move, "cancel-request", order_id, "--reason", "x")


def test_removing_the_policy_approves_nothing(cli: Cli) -> None:
    rule = policy(cli, "order-approval", "--over", "10")
    view = placed(cli)
    ok(cli("policy", "remove", str(rule["id"]), *ADA, "--yes", "-o", "json"))
    assert show(cli, view["id"])["status"] == "awaiting_approval"
    assert approvals(cli)[0]["status"] == "pending"
    assert placed(cli)["status"] == "awaiting_requirements"  # new orders go through


def test_purchase_limit_per_order(cli: Cli) -> None:
    go_advanced()
    policy(cli, "purchase-limit", "--amount", "100", "--per", "order", "--applies-to", "both")
    assert placed(cli, "--amount", "100")["status"] == "awaiting_requirements"
    result = refused(cli, 5, "purchase_limit_exceeded", place, "--amount", "100.01")
    assert result.error.get("hint")
    assert placed(cli, "--amount", "5000", actor=ADA)["status"] == "awaiting_requirements"


def test_purchase_limit_per_month(cli: Cli) -> None:
    go_advanced()
    policy(cli, "purchase-limit", "--amount", "150", "--per", "month", "--applies-to", "both")
    placed(cli, "--amount", "150", now="2026-10-31T23:59:59Z")  # last month: does not count
    first = placed(cli, "--amount", "100", now="2026-11-01T00:00:00Z")
    placed(cli, "--amount", "50")
    refused(cli, 5, "purchase_limit_exceeded", place, "--amount", "0.01")
    # another member has their own room
    placed(cli, "--amount", "150", actor=MAX)
    # a cancelled order frees its room
    ok(move(cli, "cancel", first["id"]))
    assert placed(cli, "--amount", "100")["status"] == "awaiting_requirements"
    refused(cli, 5, "purchase_limit_exceeded", place, "--amount", "0.01")
    # the next calendar month starts again
    assert placed(cli, "--amount", "150", now="2026-12-01T00:00:00Z")["total_cents"] == 15000


def test_purchase_limit_for_one_member_or_one_role(cli: Cli) -> None:
    go_advanced()
    policy(cli, "purchase-limit", "--amount", "20", "--per", "order", "--member", "mia@acme.test")
    policy(
        cli,
        "purchase-limit",
        "--amount",
        "30",
        "--per",
        "order",
        "--applies-to",
        "billing-managers",
    )
    refused(cli, 5, "purchase_limit_exceeded", place, "--amount", "20.01")
    placed(cli, "--amount", "1000", actor=MAX)
    placed(cli, "--amount", "30", actor=BILL)
    refused(cli, 5, "purchase_limit_exceeded", place, "--amount", "30.01", actor=BILL)


def test_purchase_limit_in_approval_mode_holds_instead(cli: Cli) -> None:
    go_advanced()
    policy(
        cli,
        "purchase-limit",
        "--amount",
        "100",
        "--per",
        "month",
        "--mode",
        "approval",
        "--applies-to",
        "both",
    )
    placed(cli, "--amount", "60")
    held = placed(cli, "--amount", "60")
    assert (held["status"], held["paid_cents"]) == ("awaiting_approval", 0)
    [request] = approvals(cli)
    assert (request["subject_id"], request["amount_cents"]) == (held["id"], 6000)
    # a rejected order does not count towards the month
    ok(cli("approvals", "reject", str(request["id"]), *ADA, "-o", "json"))
    assert placed(cli, "--amount", "40")["status"] == "awaiting_requirements"


def test_purchase_limits_are_inactive_on_basic(cli: Cli) -> None:
    go_advanced()
    policy(cli, "purchase-limit", "--amount", "10", "--per", "order", "--applies-to", "both")
    sql("UPDATE account SET plan = 'basic'")
    assert placed(cli, "--amount", "500")["status"] == "awaiting_requirements"


# -- lifecycle ------------------------------------------------------------------------------

STATUSES = [
    "awaiting_approval",
    "awaiting_requirements",
    "in_progress",
    "delivered",
    "in_revision",
    "completed",
    "cancelled",
    "rejected",
]
MOVES = {  # verb, actor, extra arguments, the statuses it is allowed from → where it leads
    "requirements": (MIA, ("brief",), {"awaiting_requirements": "in_progress"}),
    "skip-requirements": (LENA, (), {"awaiting_requirements": "in_progress"}),
    "deliver": (LENA, (), {"in_progress": "delivered", "in_revision": "delivered"}),
    "accept": (MIA, (), {"delivered": "completed"}),
    "revision": (MIA, (), {"delivered": "in_revision"}),
}


# Every move from every status is held at the layer that decides it (domain/test_orders.py,
# services/test_order_lifecycle.py); here each command is wired: one move it allows, printed
# as the order, and one it refuses, with its exit code, JSON code and nothing changed.
@pytest.mark.parametrize("verb", list(MOVES))
def test_each_move_command_moves_and_refuses(cli: Cli, verb: str) -> None:
    actor, extra, allowed = MOVES[verb]
    status, leads_to = next(iter(allowed.items()))
    view = ok(move(cli, verb, in_status(cli, status), *extra, actor=actor))
    assert view["status"] == leads_to
    closed = in_status(cli, "completed")
    result = refused(cli, 5, "invalid_transition", move, verb, closed, *extra, actor=actor)
    assert "completed" in result.error["message"]


CANCEL = {
    "awaiting_approval": None,
    "awaiting_requirements": None,
    "in_progress": "cancel_not_allowed",
    "delivered": "cancel_not_allowed",
    "in_revision": "cancel_not_allowed",
    "completed": "order_closed",
    "cancelled": "order_closed",
    "rejected": "order_closed",
}


@pytest.mark.parametrize("status", STATUSES)
def test_the_buyers_lone_cancel_from_every_status(cli: Cli, status: str) -> None:
    order_id = in_status(cli, status)
    code = CANCEL[status]
    if code is None:
        view = ok(move(cli, "cancel", order_id))
        assert (view["status"], view["closed_at"]) == ("cancelled", NOW)
    else:
        refused(cli, 5, code, move, "cancel", order_id)


def test_cancel_refunds_to_the_balance_and_credits_with_a_credit_invoice(cli: Cli) -> None:
    set_funds(credits=3000, balance=2000)
    view = placed(cli)
    cancelled = ok(move(cli, "cancel", view["id"]))
    assert (cancelled["status"], cancelled["refunded_cents"]) == ("cancelled", 10000)
    # the card's 50.00 goes to the balance; credits go back as credits
    assert sql("SELECT credits_cents, balance_cents FROM account") == [(3000, 7000)]
    assert invoices(view["id"]) == [
        ("invoice", 10000, 3000, 2000, 5000),
        ("credit", 10000, 3000, 7000, 0),
    ]
    assert ("order.cancel", f"order:{view['id']}") in audit_actions(cli)


def test_a_cancelled_held_order_closes_its_approval_request(cli: Cli) -> None:
    order_id = in_status(cli, "awaiting_approval")
    ok(move(cli, "cancel", order_id))
    [request] = approvals(cli)
    assert request["status"] == "withdrawn"
    assert ("approval.withdraw", f"approval:{request['id']} order:{order_id}") in audit_actions(
        cli, "approval."
    )


@pytest.mark.parametrize("actor", [MIA, LENA, SUPPORT])
def test_a_held_order_takes_no_cancellation_request(cli: Cli, actor: tuple[str, ...]) -> None:
    """Issue 14: nothing was charged or started; the admin rejects it instead."""
    order_id = in_status(cli, "awaiting_approval")
    [request] = approvals(cli)
    args = ("cancel-request", order_id, "--reason", "busy")
    result = refused(cli, 5, "awaiting_approval", move, *args, actor=actor)
    assert f"error: order {order_id} is awaiting approval: nothing was charged" in result.stderr
    hint = result.error["hint"]
    assert hint.startswith(
        f"the admin rejects it instead: fpctl approvals reject {request['id']} --reason TEXT"
    )
    assert (f"fpctl order cancel {order_id}" in hint) is (actor != LENA)
    ok(decide(cli, "reject", request["id"]))
    assert show(cli, order_id)["status"] == "rejected"


def test_a_held_order_with_an_open_request_waits_for_the_answer(cli: Cli) -> None:
    """A request opened on a held order before issue 14 (a store made by an older fpctl)."""
    order_id = in_status(cli, "awaiting_approval")
    sql(
        "INSERT INTO order_cancellation (order_id, side, requested_by, reason, status, "
        "order_status, created_at, expires_at) VALUES (?, 'seller', '@lena', 'busy', 'open', "
        "'awaiting_approval', ?, ?)",
        order_id,
        "2026-11-01 10:00:00",
        "2026-11-03 10:00:00",
    )
    refused(cli, 5, "cancellation_open", decide, "approve", 1)
    # rejecting ends the order, and the request with it: it can never reopen the order
    ok(cli("approvals", "reject", "1", *ADA, "-o", "json"))
    view = show(cli, order_id, now="2026-11-10T10:00:00Z")
    assert (view["status"], view["cancellation"], view["paid_cents"]) == ("rejected", None, 0)
    assert sql("SELECT status, closed_by FROM order_cancellation") == [("withdrawn", "system")]
    record = [r for r in ok(cli("audit", "list", "-o", "json")) if r["action"] == "order.reject"]
    assert record[0]["changes"]["cancellation"] == ["open", "withdrawn"]


def test_revisions_only_while_some_remain(cli: Cli) -> None:
    order_id = in_status(cli, "delivered")
    view = ok(move(cli, "revision", order_id, "--reason", "bigger logo"))
    assert (view["status"], view["revisions_used"]) == ("in_revision", 1)
    ok(move(cli, "deliver", order_id, actor=LENA))
    result = refused(cli, 5, "no_revisions_left", move, "revision", order_id)
    assert result.error.get("hint")
    record = [r for r in ok(cli("audit", "list", "-o", "json")) if r["action"] == "order.revision"]
    assert record[0]["changes"]["reason"] == [None, "bigger logo"]
    # a service with no revision
    post = placed(cli, "--service", "2", freelancer="otto")["id"]
    ok(move(cli, "requirements", post, "brief"))
    ok(move(cli, "deliver", post, actor=OTTO))
    refused(cli, 5, "no_revisions_left", move, "revision", post)


def test_seller_moves_refuse_buyers_and_other_freelancers(cli: Cli) -> None:
    fresh = in_status(cli, "awaiting_requirements")
    started = in_status(cli, "in_progress")
    for actor in (ADA, BILL, MIA, SUPPORT):
        refused(cli, 4, "permission_denied", move, "skip-requirements", fresh, actor=actor)
        refused(cli, 4, "permission_denied", move, "deliver", started, actor=actor)
    refused(cli, 3, "not_found", move, "skip-requirements", fresh, actor=OTTO)
    refused(cli, 3, "not_found", move, "deliver", started, actor=OTTO)


def test_buyer_moves_refuse_freelancers(cli: Cli) -> None:
    fresh = in_status(cli, "awaiting_requirements")
    delivered = in_status(cli, "delivered")
    for verb, order_id, extra in [
        ("requirements", fresh, ("brief",)),
        ("cancel", fresh, ()),
        ("accept", delivered, ()),
        ("revision", delivered, ()),
    ]:
        refused(cli, 4, "permission_denied", move, verb, order_id, *extra, actor=LENA)


def test_any_member_who_sees_the_order_acts_for_the_buyer(cli: Cli) -> None:
    order_id = in_status(cli, "awaiting_requirements")
    # max cannot see mia's my-project order: it behaves as not found
    refused(cli, 3, "not_found", move, "requirements", order_id, "brief", actor=MAX)
    assert ok(move(cli, "requirements", order_id, "brief", actor=BILL))["status"] == "in_progress"


def test_empty_requirements_are_a_usage_error(cli: Cli) -> None:
    order_id = in_status(cli, "awaiting_requirements")
    refused(cli, 2, None, move, "requirements", order_id, "   ")


def test_unknown_order_is_not_found(cli: Cli) -> None:
    for verb in ("show", "requirements", "accept", "cancel", "cancel-accept"):
        extra = ("brief",) if verb == "requirements" else ()
        refused(cli, 3, "not_found", move, verb, 42, *extra)


def test_a_full_lifecycle_is_audited_and_the_chain_verifies(cli: Cli) -> None:
    order_id = in_status(cli, "delivered")
    ok(move(cli, "revision", order_id))
    ok(move(cli, "deliver", order_id, actor=LENA))
    ok(move(cli, "accept", order_id))
    view = show(cli, order_id)
    assert (view["status"], view["completed_at"], view["requirements"]) == (
        "completed",
        NOW,
        "brief",
    )
    target = f"order:{order_id}"
    assert [action for action, t in audit_actions(cli) if t == target] == [
        "order.place",
        "order.requirements",
        "order.deliver",
        "order.revision",
        "order.deliver",
        "order.accept",
    ]
    actors = [r["actor"] for r in ok(cli("audit", "list", "-o", "json")) if r["target"] == target]
    assert actors[2] == "@lena"
    assert cli("audit", "verify").exit_code == 0


def test_skip_requirements_starts_the_order(cli: Cli) -> None:
    order_id = in_status(cli, "awaiting_requirements")
    view = ok(move(cli, "skip-requirements", order_id, actor=LENA))
    assert (view["status"], view["requirements"]) == ("in_progress", None)
    assert ("order.skip_requirements", f"order:{order_id}") in audit_actions(cli)


# -- mutual cancellation --------------------------------------------------------------------


def request(cli: Cli, order_id: int, actor: tuple[str, ...] = MIA, **kw: Any) -> Outcome:
    return move(cli, "cancel-request", order_id, "--reason", "not needed", actor=actor, **kw)


@pytest.mark.parametrize("side", ["buyer", "seller"])
def test_either_side_requests_and_the_other_accepts(cli: Cli, side: str) -> None:
    set_funds(credits=1000)
    order_id = in_status(cli, "in_progress")
    asker, answerer = (MIA, LENA) if side == "buyer" else (LENA, MIA)
    view = ok(request(cli, order_id, actor=asker))
    assert view["status"] == "in_progress"
    assert {k: view["cancellation"][k] for k in ("requested_by", "side", "expires_at")} == {
        "requested_by": asker[1],
        "side": side,
        "expires_at": "2026-11-03T10:00:00Z",
    }
    refused(cli, 5, "own_request", move, "cancel-accept", order_id, actor=asker)
    done = ok(move(cli, "cancel-accept", order_id, actor=answerer))
    assert (done["status"], done["cancellation"], done["refunded_cents"]) == (
        "cancelled",
        None,
        10000,
    )
    assert sql("SELECT credits_cents, balance_cents FROM account") == [(1000, 9000)]
    assert invoices(order_id)[-1] == ("credit", 10000, 1000, 9000, 0)
    actions = [a for a, t in audit_actions(cli) if t.startswith(f"order:{order_id}")]
    assert actions[-3:] == ["order.cancel_request", "order.cancel_accept", "order.cancel"]
    refused(cli, 5, "invalid_transition", move, "deliver", order_id, actor=LENA)
    assert cli("audit", "verify").exit_code == 0


def test_a_request_needs_a_reason(cli: Cli) -> None:
    order_id = in_status(cli, "in_progress")
    result = refused(cli, 2, None, move, "cancel-request", order_id)
    assert "--reason" in result.stderr


def test_one_open_request_at_a_time(cli: Cli) -> None:
    order_id = in_status(cli, "in_progress")
    ok(request(cli, order_id))
    refused(cli, 5, "cancellation_open", request, order_id)
    refused(cli, 5, "cancellation_open", request, order_id, actor=LENA)


@pytest.mark.parametrize("status", ["completed", "cancelled", "rejected"])
def test_never_on_a_closed_order(cli: Cli, status: str) -> None:
    order_id = in_status(cli, status)
    refused(cli, 5, "order_closed", request, order_id)
    if status != "rejected":
        refused(cli, 5, "order_closed", request, order_id, actor=LENA)


@pytest.mark.parametrize(
    "status", ["awaiting_requirements", "in_progress", "delivered", "in_revision"]
)
def test_moves_wait_while_a_request_is_open(cli: Cli, status: str) -> None:
    order_id = in_status(cli, status)
    ok(request(cli, order_id, actor=LENA))
    for verb, actor, extra in [
        ("requirements", MIA, ("brief",)),
        ("skip-requirements", LENA, ()),
        ("deliver", LENA, ()),
        ("accept", MIA, ()),
        ("revision", MIA, ()),
        ("cancel", MIA, ()),
    ]:
        refused(cli, 5, "cancellation_open", move, verb, order_id, *extra, actor=actor)


@pytest.mark.parametrize("answer", ["cancel-decline", "cancel-withdraw"])
def test_decline_or_withdraw_returns_the_order(cli: Cli, answer: str) -> None:
    order_id = in_status(cli, "in_progress")
    ok(request(cli, order_id))
    actor = LENA if answer == "cancel-decline" else MIA
    view = ok(move(cli, answer, order_id, actor=actor))
    assert (view["status"], view["cancellation"], view["paid_cents"]) == (
        "in_progress",
        None,
        10000,
    )
    assert ok(move(cli, "deliver", order_id, actor=LENA))["status"] == "delivered"
    # a new request can be made after the old one closed
    ok(request(cli, order_id))
    action = "order.cancel_decline" if answer == "cancel-decline" else "order.cancel_withdraw"
    assert (action, f"order:{order_id} cancellation:1") in audit_actions(cli)


def test_who_answers_and_who_withdraws(cli: Cli) -> None:
    order_id = in_status(cli, "in_progress")
    ok(request(cli, order_id))
    refused(cli, 5, "own_request", move, "cancel-decline", order_id, actor=ADA)
    refused(cli, 4, "permission_denied", move, "cancel-withdraw", order_id, actor=LENA)
    refused(cli, 4, "permission_denied", move, "cancel-withdraw", order_id, actor=BILL)
    refused(cli, 3, "not_found", move, "cancel-accept", order_id, actor=OTTO)
    refused(cli, 3, "not_found", move, "cancel-decline", order_id, actor=MAX)
    ok(move(cli, "cancel-withdraw", order_id))
    # nothing open any more
    refused(cli, 5, "no_open_request", move, "cancel-accept", order_id, actor=LENA)
    refused(cli, 5, "no_open_request", move, "cancel-withdraw", order_id)


def test_the_buyer_side_is_the_team_not_one_member(cli: Cli) -> None:
    order_id = in_status(cli, "in_progress")
    ok(request(cli, order_id, actor=LENA))
    assert ok(move(cli, "cancel-accept", order_id, actor=BILL))["status"] == "cancelled"


# -- views and lists ------------------------------------------------------------------------


@pytest.fixture
def three(cli: Cli) -> dict[str, int]:
    """1: mia's, in progress; 2: max's, awaiting requirements; 3: ada's, in a public project."""
    mine = in_status(cli, "in_progress")
    placed(cli, "--service", "2", actor=MAX, freelancer="otto")
    project = ok(cli("project", "create", "Launch", *ADA, "-o", "json"))["id"]
    placed(cli, "--amount", "10", "--project", str(project), actor=ADA)
    return {"mine": mine, "project": project}


def test_list_and_show_carry_the_stable_keys(cli: Cli, three: dict[str, int]) -> None:
    rows = ok(cli("order", "list", *ADA, "-o", "json"))
    assert [r["id"] for r in rows] == [1, 2, 3]
    for row in rows:
        assert row.keys() >= ORDER_KEYS
        assert isinstance(row["flags"], list)
        assert isinstance(row["total_cents"], int)
    assert rows[0] == {k: v for k, v in show(cli, 1).items() if k in rows[0]}
    lines = cli("order", "list", *ADA, "-o", "ndjson").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [1, 2, 3]
    csv = cli("order", "list", *ADA, "-o", "csv").stdout.splitlines()
    assert set(csv[0].split(",")) >= ORDER_KEYS
    assert len(csv) == 4
    table = cli("order", "list", *ADA)
    assert table.exit_code == 0 and "Logo design" in table.stdout


def test_list_filters(cli: Cli, three: dict[str, int]) -> None:
    def ids(*args: str, actor: tuple[str, ...] = ADA) -> list[int]:
        return [r["id"] for r in ok(cli("order", "list", *args, *actor, "-o", "json"))]

    assert ids("--status", "in_progress") == [1]
    assert ids("--status", "awaiting_requirements") == [2, 3]
    assert ids("--status", "completed") == []
    assert ids("--placed-by", "max@acme.test") == [2]
    assert ids("--placed-by", "MIA@acme.test") == [1]
    assert ids("--project", str(three["project"])) == [3]
    assert ids("--freelancer", "@otto") == [2]
    # a member sees their own and the public project's
    assert ids(actor=MIA) == [1, 3]
    assert ids(actor=LENA) == [1, 3]
    bad = cli("order", "list", "--status", "done", *ADA, "-o", "json")
    assert bad.exit_code == 2
    assert "awaiting_requirements" in bad.error["hint"]
    assert cli("order", "list", "--placed-by", "who@acme.test", *ADA).exit_code == 3


def test_show_of_a_hidden_order_is_not_found(cli: Cli, three: dict[str, int]) -> None:
    assert cli("order", "show", "2", *MIA, "-o", "json").exit_code == 3
    assert cli("order", "show", "2", *LENA, "-o", "json").exit_code == 3
    assert cli("order", "show", "2", *OTTO, "-o", "json").exit_code == 0


@pytest.mark.parametrize("goes", ["remove", "leave"])
def test_a_departing_members_orders_are_shared_and_audited(
    cli: Cli, shop: dict[str, int], goes: str
) -> None:
    order = placed(cli, actor=MIA)
    if goes == "remove":
        assert cli("team", "remove", "mia@acme.test", "--yes", *ADA).exit_code == 0
    else:
        assert cli("team", "leave", "--yes", *MIA).exit_code == 0

    assert cli("order", "show", str(order["id"]), "--as", "max@acme.test").exit_code == 0
    shared = cli("audit", "list", "--account", "acme", "--action", "order.share", "-o", "json")
    assert [(r["target"], r["changes"]) for r in shared.json] == [
        (f"order:{order['id']}", {"shared": [False, True]})
    ]
    assert cli("audit", "verify").exit_code == 0
