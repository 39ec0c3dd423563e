"""`fpctl order review | refund | next`, and reviews on the freelancer card (SPEC §1.5, §1.6)."""

from __future__ import annotations

import shlex
from typing import Any

import pytest

from tests.conftest import NOW, Cli, Outcome

ADA = ("--as", "ada@acme.test")
MIA = ("--as", "mia@acme.test")
MAX = ("--as", "max@acme.test")
LENA = ("--as", "@lena")
SUPPORT = ("--as", "support", "--reason", "ticket 7", "--account", "acme")

COMPLETED_PLUS_14D = "2026-11-15T10:00:00Z"
COMPLETED_PLUS_14D_1S = "2026-11-15T10:00:01Z"


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def ok(result: Outcome) -> Outcome:
    assert result.exit_code == 0, result.stderr
    return result


def order(cli: Cli, *args: str) -> Any:
    return ok(cli("order", *args, "-o", "json")).json


def place(cli: Cli, *extra: str, actor: tuple[str, ...] = ADA) -> int:
    """An order for lena's "Logo design" (100.00, 1 revision) unless ``extra`` says more."""
    args = extra or ("--freelancer", "lena", "--service", "1")
    return int(order(cli, "place", *args, *actor)["id"])


def completed(cli: Cli, actor: tuple[str, ...] = ADA) -> int:
    """A fixed order completed at NOW (placed, started, delivered, accepted)."""
    order_id = place(cli, actor=actor)
    order(cli, "requirements", str(order_id), "a logo", *actor)
    order(cli, "deliver", str(order_id), *LENA)
    order(cli, "accept", str(order_id), *actor)
    return order_id


def error(result: Outcome, exit_code: int, code: str) -> None:
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    assert result.error["code"] == code


def audit(cli: Cli, action: str) -> list[dict]:
    return [r for r in ok(cli("audit", "list", "-o", "json")).json if r["action"] == action]


def balance(cli: Cli) -> int:
    return int(ok(cli("account", "show", "acme", "-o", "json")).json["balance_cents"])


# -- review ---------------------------------------------------------------------------------


def review(cli: Cli, order_id: int, *args: str) -> Outcome:
    return cli("order", "review", str(order_id), *args, "-o", "json")


def test_a_completed_order_is_reviewed_once(cli: Cli, shop: Any) -> None:
    order_id = completed(cli)

    result = ok(review(cli, order_id, "--rating", "4", "--text", "Nice logo", *ADA))

    assert result.json == {
        "id": 1,
        "order_id": order_id,
        "freelancer": "lena",
        "rating": 4,
        "text": "Nice logo",
        "author": "ada@acme.test",
        "created_at": NOW,
    }
    [record] = audit(cli, "order.review")
    assert record["actor"] == "ada@acme.test"
    assert record["target"] == f"order:{order_id} review:1"
    error(review(cli, order_id, "--rating", "5", *ADA), 5, "already_reviewed")


@pytest.mark.parametrize("rating", ["1", "5"])
def test_ratings_from_1_to_5_are_taken(cli: Cli, shop: Any, rating: str) -> None:
    order_id = completed(cli)

    result = ok(review(cli, order_id, "--rating", rating, *ADA))

    assert result.json["rating"] == int(rating)
    assert result.json["text"] is None


@pytest.mark.parametrize("rating", ["0", "6", "-1"])
def test_a_rating_outside_1_to_5_is_a_usage_error(cli: Cli, shop: Any, rating: str) -> None:
    order_id = completed(cli)

    result = review(cli, order_id, "--rating", rating, *ADA)

    assert result.exit_code == 2
    assert audit(cli, "order.review") == []


def test_an_order_not_completed_cannot_be_reviewed(cli: Cli, shop: Any) -> None:
    order_id = place(cli)
    order(cli, "requirements", str(order_id), "a logo", *ADA)
    order(cli, "deliver", str(order_id), *LENA)

    error(review(cli, order_id, "--rating", "3", *ADA), 5, "not_completed")


def test_who_may_review(cli: Cli, shop: Any) -> None:
    adas = completed(cli)
    mias = completed(cli, actor=MIA)

    error(review(cli, adas, "--rating", "3", *LENA), 4, "permission_denied")
    error(review(cli, adas, "--rating", "3", *MAX), 3, "not_found")  # ada's my-project
    ok(review(cli, mias, "--rating", "3", *MIA))
    support = ok(review(cli, adas, "--rating", "2", *SUPPORT))
    assert support.json["author"] == "support:sam"


def test_the_freelancer_card_shows_the_accounts_reviews_and_orders(cli: Cli, shop: Any) -> None:
    adas = completed(cli)
    ok(review(cli, adas, "--rating", "4", "--text", "Good", *ADA))
    open_order = place(cli)

    card = ok(cli("freelancer", "show", "lena", *MAX, "-o", "json")).json

    # max sees neither order in the order list, but the card shows the account's record
    assert [r["rating"] for r in card["reviews"]] == [4]
    assert card["reviews"][0]["order_id"] == adas
    assert [(o["id"], o["status"]) for o in card["orders"]] == [
        (adas, "completed"),
        (open_order, "awaiting_requirements"),
    ]
    by_account = ok(cli("freelancer", "show", "lena", "--account", "acme", "-o", "json")).json
    assert by_account["reviews"] == card["reviews"]
    assert ok(cli("freelancer", "show", "otto", *MAX, "-o", "json")).json["reviews"] == []
    anonymous = ok(cli("freelancer", "show", "lena", "-o", "json")).json
    assert "reviews" not in anonymous and "orders" not in anonymous


def test_the_card_as_a_table_lists_reviews_and_order_history(cli: Cli, shop: Any) -> None:
    ok(review(cli, completed(cli), "--rating", "5", "--text", "[bold]wow[/bold]", *ADA))

    lines = ok(cli("freelancer", "show", "lena", *MIA)).stdout.splitlines()

    assert "Reviews" in [line.strip() for line in lines]
    assert "Order history" in [line.strip() for line in lines]
    assert any("[bold]wow[/bold]" in line for line in lines)


# -- refund ---------------------------------------------------------------------------------


def refund(cli: Cli, order_id: int, *args: str, actor: tuple[str, ...] = SUPPORT) -> Outcome:
    return cli("order", "refund", str(order_id), *actor, *args, "-o", "json")


def test_support_refunds_everything_to_the_balance(cli: Cli, shop: Any) -> None:
    order_id = completed(cli)

    result = ok(refund(cli, order_id))

    assert result.json["status"] == "completed"
    assert result.json["refunded_cents"] == 10000
    assert "refunded $100.00 to acme's balance" in result.stderr
    assert balance(cli) == 10000
    invoices = ok(cli("billing", "invoices", *ADA, "-o", "json")).json
    credit = [i for i in invoices if i["kind"] == "credit"]
    assert [(i["order_id"], i["amount_cents"], i["balance_cents"]) for i in credit] == [
        (order_id, 10000, 10000)
    ]
    [record] = audit(cli, "order.refund")
    assert record["actor"] == "support:sam"
    assert record["reason"] == "ticket 7"
    assert record["target"] == f"order:{order_id}"


def test_partial_refunds_up_to_what_was_paid(cli: Cli, shop: Any) -> None:
    order_id = completed(cli)

    assert ok(refund(cli, order_id, "--amount", "30")).json["refunded_cents"] == 3000
    error(refund(cli, order_id, "--amount", "70.01"), 5, "refund_too_large")
    assert ok(refund(cli, order_id, "--amount", "$70.00")).json["refunded_cents"] == 10000
    error(refund(cli, order_id), 5, "already_refunded")
    assert balance(cli) == 10000
    assert len(audit(cli, "order.refund")) == 2


@pytest.mark.parametrize("amount", ["0", "-5", "1.234", "lots"])
def test_a_bad_amount_is_a_usage_error(cli: Cli, shop: Any, amount: str) -> None:
    order_id = completed(cli)

    assert refund(cli, order_id, "--amount", amount).exit_code == 2
    assert balance(cli) == 0


def test_the_guarantee_lasts_14_days_after_completion(cli: Cli, shop: Any) -> None:
    order_id = completed(cli)

    late = refund(cli, order_id, "--now", COMPLETED_PLUS_14D_1S)
    error(late, 5, "guarantee_expired")
    assert ok(refund(cli, order_id, "--now", COMPLETED_PLUS_14D)).json["refunded_cents"] == 10000


def test_only_completed_orders_are_refunded(cli: Cli, shop: Any) -> None:
    order_id = place(cli)

    error(refund(cli, order_id), 5, "not_completed")
    assert balance(cli) == 0


def test_hourly_orders_are_not_covered(cli: Cli, shop: Any) -> None:
    hourly = ("--freelancer", "lena", "--hourly", "--rate", "20", "--estimate", "10")
    order_id = place(cli, *hourly)
    order(cli, "requirements", str(order_id), "build it", *ADA)
    order(cli, "deliver", str(order_id), *LENA)
    order(cli, "accept", str(order_id), *ADA)

    error(refund(cli, order_id), 5, "hourly_not_covered")


def test_only_support_refunds_and_with_a_reason(cli: Cli, shop: Any) -> None:
    order_id = completed(cli)

    error(refund(cli, order_id, actor=ADA), 4, "permission_denied")
    error(refund(cli, order_id, actor=LENA), 4, "permission_denied")
    no_reason = ("--as", "support", "--account", "acme")
    error(refund(cli, order_id, actor=no_reason), 4, "reason_required")
    assert balance(cli) == 0


# -- next -----------------------------------------------------------------------------------


def steps(cli: Cli, order_id: int, *args: str) -> list[dict]:
    return ok(cli("order", "next", str(order_id), *args, "-o", "json")).json


def summary(rows: list[dict]) -> list[tuple[str, str, str | None]]:
    return [(r["action"], r["who"], r["command"]) for r in rows]


def run_step(cli: Cli, rows: list[dict], action: str, *extra: str, who: str = "") -> Any:
    """Run the suggested command line of ``action`` as printed (without the leading fpctl)."""
    [line] = [r["command"] for r in rows if r["action"] == action and who in r["who"]]
    words = shlex.split(line)
    assert words[0] == "fpctl"
    return ok(cli(*words[1:], *extra, "-o", "json")).json


def requests(order_id: int, buyer: str) -> list[tuple[str, str, str]]:
    return [
        (
            "cancel-request",
            "buyer",
            f"fpctl order cancel-request {order_id} --reason TEXT --as {buyer}",
        ),
        (
            "cancel-request",
            "freelancer",
            f"fpctl order cancel-request {order_id} --reason TEXT --as @lena",
        ),
    ]


def dispute_steps(order_id: int, buyer: str, *kinds: str) -> list[tuple[str, str, str]]:
    """The dispute requests ``order next`` offers (issue 14), in its order: more time (the
    freelancer), a modification (the buyer), a partial refund (both)."""
    flags = {
        "more_time": [("freelancer", "--more-time --due DATE", "@lena")],
        "modification": [("buyer", "--modification TEXT", buyer)],
        "refund": [("buyer", "--refund AMOUNT", buyer), ("freelancer", "--refund AMOUNT", "@lena")],
    }
    return [
        ("dispute", who, f"fpctl order dispute {order_id} {what} --reason TEXT --as {actor}")
        for kind in kinds
        for who, what, actor in flags[kind]
    ]


def test_awaiting_approval_waits_for_the_admin(cli: Cli, shop: Any) -> None:
    ok(cli("policy", "add", "order-approval", "--over", "50", *ADA))
    order_id = place(cli, actor=MIA)

    rows = steps(cli, order_id, *MIA)

    assert summary(rows) == [
        ("approve", "admin", "fpctl approvals approve 1 --as ada@acme.test"),
        ("reject", "admin", "fpctl approvals reject 1 --as ada@acme.test"),
        ("expire", "nobody (time)", None),
        ("cancel", "buyer", f"fpctl order cancel {order_id} --as mia@acme.test"),
    ]  # no cancel-request: nothing was charged or started (issue 14)
    assert {r["by"] for r in rows[:3]} == {"2026-11-08T10:00:00Z"}
    run_step(cli, rows, "approve")
    assert order(cli, "show", str(order_id), *MIA)["status"] == "awaiting_requirements"


def test_awaiting_requirements(cli: Cli, shop: Any) -> None:
    order_id = place(cli)

    rows = steps(cli, order_id)

    assert summary(rows) == [
        ("requirements", "buyer", f"fpctl order requirements {order_id} TEXT --as ada@acme.test"),
        ("skip-requirements", "freelancer", f"fpctl order skip-requirements {order_id} --as @lena"),
        ("cancel", "buyer", f"fpctl order cancel {order_id} --as ada@acme.test"),
        *requests(order_id, "ada@acme.test"),
        *dispute_steps(order_id, "ada@acme.test", "more_time", "refund"),
    ]
    assert all(r["by"] is None for r in rows)
    assert run_step(cli, rows, "requirements")["status"] == "in_progress"
    other = place(cli)
    assert run_step(cli, steps(cli, other), "skip-requirements")["status"] == "in_progress"
    third = place(cli)
    assert run_step(cli, steps(cli, third), "cancel")["status"] == "cancelled"


def test_in_progress_the_freelancer_delivers_by_the_due_date(cli: Cli, shop: Any) -> None:
    order_id = place(cli, "--freelancer", "lena", "--service", "1", "--due", "2026-11-05T10:00:00Z")
    order(cli, "requirements", str(order_id), "a logo", *ADA)

    rows = steps(cli, order_id)

    assert summary(rows) == [
        ("deliver", "freelancer", f"fpctl order deliver {order_id} --as @lena"),
        *requests(order_id, "ada@acme.test"),
        *dispute_steps(order_id, "ada@acme.test", "more_time", "modification", "refund"),
    ]
    assert rows[0]["by"] == "2026-11-05T10:00:00Z"
    assert "from 2026-11-06T10:00:00Z" in rows[0]["note"]
    assert run_step(cli, rows, "deliver")["status"] == "delivered"


def test_a_very_late_order_may_be_cancelled_by_the_buyer(cli: Cli, shop: Any) -> None:
    order_id = place(cli, "--freelancer", "lena", "--service", "1", "--due", "2026-11-05T10:00:00Z")
    order(cli, "requirements", str(order_id), "a logo", *ADA)

    almost = steps(cli, order_id, "--now", "2026-11-06T09:59:59Z")
    very_late = steps(cli, order_id, "--now", "2026-11-06T10:00:00Z")

    disputing = ["dispute"] * 4  # more time, a modification, a refund (either side)
    requests_ = ["cancel-request", "cancel-request", *disputing]
    assert [r["action"] for r in almost] == ["deliver", *requests_]
    assert "late (due 2026-11-05T10:00:00Z)" in almost[0]["note"]
    assert [r["action"] for r in very_late] == [
        "deliver",
        "cancel",
        "cancel-request",
        "cancel-request",
        *disputing,
    ]
    assert "late and very late" in very_late[0]["note"]
    cancelled = run_step(cli, very_late, "cancel", "--now", "2026-11-06T10:00:00Z")
    assert cancelled["status"] == "cancelled"


def test_delivered_the_buyer_accepts_or_asks_a_revision(cli: Cli, shop: Any) -> None:
    order_id = place(cli)
    order(cli, "requirements", str(order_id), "a logo", *ADA)
    order(cli, "deliver", str(order_id), *LENA)

    rows = steps(cli, order_id, *LENA)

    assert summary(rows) == [
        ("accept", "buyer", f"fpctl order accept {order_id} --as ada@acme.test"),
        ("revision", "buyer", f"fpctl order revision {order_id} --reason TEXT --as ada@acme.test"),
        ("auto-complete", "nobody (time)", None),
        *requests(order_id, "ada@acme.test"),
        *dispute_steps(order_id, "ada@acme.test", "modification", "refund"),
    ]
    assert [r["by"] for r in rows[:3]] == ["2026-11-04T10:00:00Z"] * 3
    assert run_step(cli, rows, "revision")["status"] == "in_revision"
    order(cli, "deliver", str(order_id), *LENA)
    again = steps(cli, order_id)
    assert [r["action"] for r in again[:2]] == ["accept", "auto-complete"]  # no revision left
    assert run_step(cli, again, "accept")["status"] == "completed"


def test_a_delivered_milestone_is_accepted_as_a_milestone(cli: Cli, shop: Any) -> None:
    milestones = ("--milestone", "Sketch=40", "--milestone", "Final=60")
    order_id = place(cli, "--freelancer", "otto", *milestones)
    order(cli, "requirements", str(order_id), "a post", *ADA)
    order(cli, "deliver", str(order_id), "--as", "@otto")

    rows = steps(cli, order_id)

    assert summary(rows)[:2] == [
        (
            "milestone accept",
            "buyer",
            f"fpctl order milestone accept {order_id} --as ada@acme.test",
        ),
        ("auto-complete", "nobody (time)", None),
    ]
    assert "milestone 2 (Final, $60.00) is charged" in rows[0]["note"]
    assert rows[0]["by"] == "2026-11-04T10:00:00Z"  # 3 days, as every delivery (issue 14)
    run_step(cli, rows, "milestone accept")
    assert order(cli, "show", str(order_id))["status"] == "in_progress"
    [deliver] = [r for r in steps(cli, order_id) if r["action"] == "deliver"]
    assert deliver["note"] == "deliver milestone 2: Final"


def test_an_hourly_order_has_hours_to_log(cli: Cli, shop: Any) -> None:
    hourly = ("--freelancer", "lena", "--hourly", "--rate", "20", "--estimate", "10")
    order_id = place(cli, *hourly, "--weekly-limit", "5")
    order(cli, "requirements", str(order_id), "build it", *ADA)

    rows = steps(cli, order_id)

    assert ("hours log", "freelancer") in [(r["action"], r["who"]) for r in rows]
    [log] = [r for r in rows if r["action"] == "hours log"]
    assert log["command"] == (
        f"fpctl order hours log {order_id} --week 2026-W44 --hours H --description TEXT --as @lena"
    )
    [limit] = [r for r in rows if r["action"] == "hours limit"]
    assert limit["command"] == f"fpctl order hours limit {order_id} --hours H --as ada@acme.test"
    line = shlex.split(log["command"].replace("--hours H", "--hours 3"))[1:]
    ok(cli(*line))
    report = [r for r in steps(cli, order_id) if r["action"] == "hours report"]
    assert [(r["who"], r["by"]) for r in report] == [("nobody (time)", "2026-11-02T00:00:00Z")]


def test_an_open_cancellation_request_holds_the_order(cli: Cli, shop: Any) -> None:
    order_id = place(cli, actor=MIA)
    order(cli, "requirements", str(order_id), "a logo", *MIA)
    order(cli, "cancel-request", str(order_id), "--reason", "changed my mind", *MIA)

    result = ok(cli("order", "next", str(order_id), *LENA, "-o", "json"))
    rows = result.json

    assert summary(rows) == [
        ("cancel-accept", "freelancer", f"fpctl order cancel-accept {order_id} --as @lena"),
        ("cancel-decline", "freelancer", f"fpctl order cancel-decline {order_id} --as @lena"),
        ("cancel-withdraw", "buyer", f"fpctl order cancel-withdraw {order_id} --as mia@acme.test"),
        ("cancel-auto-accept", "nobody (time)", None),
    ]
    assert {r["by"] for r in rows} == {"2026-11-03T10:00:00Z"}
    assert "on hold" in result.stderr
    assert run_step(cli, rows, "cancel-decline")["status"] == "in_progress"
    order(cli, "cancel-request", str(order_id), "--reason", "too slow", *LENA)
    seller_asked = steps(cli, order_id, *MIA)
    assert summary(seller_asked)[:3] == [
        ("cancel-accept", "buyer", f"fpctl order cancel-accept {order_id} --as mia@acme.test"),
        ("cancel-decline", "buyer", f"fpctl order cancel-decline {order_id} --as mia@acme.test"),
        ("cancel-withdraw", "freelancer", f"fpctl order cancel-withdraw {order_id} --as @lena"),
    ]
    assert run_step(cli, seller_asked, "cancel-accept")["status"] == "cancelled"


def test_completed_review_and_refund_within_14_days(cli: Cli, shop: Any) -> None:
    order_id = completed(cli)

    rows = steps(cli, order_id)

    assert summary(rows) == [
        ("review", "buyer", f"fpctl order review {order_id} --rating 5 --as ada@acme.test"),
        (
            "refund",
            "support",
            f"fpctl order refund {order_id} --as support --reason TEXT --account acme",
        ),
    ]
    assert rows[1]["by"] == COMPLETED_PLUS_14D
    assert [r["action"] for r in steps(cli, order_id, "--now", COMPLETED_PLUS_14D)] == [
        "review",
        "refund",
    ]
    assert [r["action"] for r in steps(cli, order_id, "--now", COMPLETED_PLUS_14D_1S)] == ["review"]
    run_step(cli, rows, "review")
    assert run_step(cli, rows, "refund")["refunded_cents"] == 10000
    done = ok(cli("order", "next", str(order_id), "-o", "json"))
    assert done.json == []
    assert "nothing is left to do" in done.stderr


def test_closed_orders_have_nothing_next(cli: Cli, shop: Any) -> None:
    order_id = place(cli)
    order(cli, "cancel", str(order_id), *ADA)

    result = ok(cli("order", "next", str(order_id), "-o", "json"))

    assert result.json == []
    assert f"order {order_id} is cancelled: nothing more can happen" in result.stderr


def test_a_removed_placer_hands_buyer_commands_to_the_admin(cli: Cli, shop: Any) -> None:
    order_id = place(cli, actor=MIA)
    ok(cli("team", "remove", "mia@acme.test", "--yes", *ADA))

    rows = steps(cli, order_id, *MAX)  # the order is now shared with every member

    assert rows[0]["command"] == f"fpctl order requirements {order_id} TEXT --as ada@acme.test"


def test_next_is_a_read_for_whoever_sees_the_order(cli: Cli, shop: Any) -> None:
    order_id = place(cli)

    for actor in (ADA, ("--as", "bill@acme.test"), LENA, SUPPORT, ("--account", "acme")):
        assert steps(cli, order_id, *actor)
    error(cli("order", "next", str(order_id), *MAX, "-o", "json"), 3, "not_found")
    error(cli("order", "next", str(order_id), "--as", "@otto", "-o", "json"), 3, "not_found")
    error(cli("order", "next", "99", *ADA, "-o", "json"), 3, "not_found")


def test_next_for_people_prints_each_command_on_a_line_of_its_own(
    cli: Cli, shop: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 80 columns too, the command copies as it is: never wrapped, never in a cell."""
    monkeypatch.setenv("COLUMNS", "80")
    order_id = place(cli)

    result = ok(cli("order", "next", str(order_id)))

    lines = [line.strip() for line in result.stdout.splitlines()]
    assert lines[0] == f"Order {order_id}: next"
    assert f"fpctl order skip-requirements {order_id} --as @lena" in lines
    assert "│" not in result.stdout
