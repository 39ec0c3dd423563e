"""`fpctl offer send | list | show | accept | decline | withdraw` (issue 14, custom offers):
formats, exit codes, visibility, and the policies an acceptance meets."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.test_order import policy, snapshot
from tests.conftest import Cli, Outcome

ADA = ("--as", "ada@acme.test")
MIA = ("--as", "mia@acme.test")
MAX = ("--as", "max@acme.test")
LENA = ("--as", "@lena")
OTTO = ("--as", "@otto")
FIXED = ("--amount", "120", "--days", "5")

pytestmark = pytest.mark.usefixtures("shop")


def offer(cli: Cli, *args: str, actor: tuple[str, ...] = MIA, fmt: str = "json") -> Outcome:
    return cli("offer", *args, *actor, "-o", fmt)


def ok(result: Outcome) -> Any:
    assert result.exit_code == 0, result.stderr
    return result.stdout if not result.stdout.lstrip().startswith(("{", "[")) else result.json


def sent(cli: Cli, *args: str) -> dict[str, Any]:
    terms = args or ("--account", "acme", *FIXED)
    return ok(offer(cli, "send", *terms, actor=LENA))  # type: ignore[no-any-return]


def test_send_prints_the_offer(cli: Cli) -> None:
    view = sent(cli, "--account", "acme", *FIXED, "--title", "Logo pack", "--revisions", "2")
    assert view == {
        "id": 1,
        "status": "pending",
        "kind": "fixed",
        "title": "Logo pack",
        "description": None,
        "freelancer": "lena",
        "addressed_to": None,
        "account": "acme",
        "total_cents": 12000,
        "milestones": [],
        "hourly": None,
        "delivery_days": 5,
        "revisions": 2,
        "expires_at": "2026-11-15T10:00:00Z",
        "seconds_left": 14 * 86400,
        "order": None,
        "closed_at": None,
        "closed_by": None,
        "decline_reason": None,
        "created_at": "2026-11-01T10:00:00Z",
    }
    staged = sent(cli, "--member", "mia@acme.test", "--milestone", "A=1", "--milestone", "B=2",
                  "--days", "3")  # fmt: skip
    assert (staged["addressed_to"], staged["account"], staged["total_cents"]) == (
        "mia@acme.test",
        "acme",
        300,
    )
    assert staged["milestones"] == [
        {"title": "A", "amount_cents": 100},
        {"title": "B", "amount_cents": 200},
    ]


@pytest.mark.parametrize(
    ("args", "actor", "exit_code", "code"),
    [
        (("--account", "acme", "--amount", "120"), LENA, 2, None),  # no --days
        (("--account", "acme", "--amount", "-1", "--days", "1"), LENA, 2, None),
        (("--amount", "120", "--days", "5"), LENA, 2, None),  # no account
        (("--account", "acme", *FIXED), MIA, 4, "permission_denied"),
        (("--account", "nope", *FIXED), LENA, 3, "not_found"),
        (("--account", "acme", "--hourly", "--rate", "9", "--estimate", "8"), OTTO, 5, "pro_only"),
    ],
)
def test_send_refusals(
    cli: Cli, args: tuple[str, ...], actor: tuple[str, ...], exit_code: int, code: str | None
) -> None:
    before = snapshot(cli)
    result = offer(cli, "send", *args, actor=actor)
    assert result.exit_code == exit_code, result.stderr
    if code is not None:
        assert result.error["code"] == code
    assert result.stdout == ""
    assert snapshot(cli) == before


def test_list_and_show_by_who_sees_what(cli: Cli) -> None:
    to_all = sent(cli)["id"]
    to_max = sent(cli, "--member", "max@acme.test", *FIXED)["id"]
    by_otto = ok(offer(cli, "send", "--account", "acme", *FIXED, actor=OTTO))["id"]
    ids = {
        actor: [row["id"] for row in ok(offer(cli, "list", actor=actor))]
        for actor in (ADA, MIA, MAX, LENA, OTTO)
    }
    assert ids == {
        ADA: [to_all, to_max, by_otto],
        MIA: [to_all, by_otto],
        MAX: [to_all, to_max, by_otto],
        LENA: [to_all, to_max],
        OTTO: [by_otto],
    }
    hidden = offer(cli, "show", str(to_max))
    assert (hidden.exit_code, hidden.error["code"]) == (3, "not_found")
    assert offer(cli, "show", str(to_all), actor=OTTO).exit_code == 3
    assert ok(offer(cli, "show", str(to_max), actor=("--account", "acme")))["id"] == to_max
    pending = ok(offer(cli, "list", "--status", "pending", "--freelancer", "otto", actor=ADA))
    assert [row["id"] for row in pending] == [by_otto]


@pytest.mark.parametrize("fmt", ["table", "wide", "csv", "tsv", "ndjson", "markdown"])
def test_every_format(cli: Cli, fmt: str) -> None:
    sent(cli, "--account", "acme", *FIXED, "--title", "[bold]Logo[/] \x1b[2J")
    listed = offer(cli, "list", actor=ADA, fmt=fmt)
    assert listed.exit_code == 0, listed.stderr
    shown = offer(cli, "show", "1", actor=ADA, fmt=fmt)
    assert shown.exit_code == 0, shown.stderr
    literal = r"\[bold\]Logo\[/\]" if fmt == "markdown" else "[bold]Logo[/]"  # as typed
    for output in (listed.stdout, shown.stdout):
        assert "\x1b" not in output
        assert literal in output


def test_accept_places_the_order(cli: Cli) -> None:
    offer_id = sent(cli, "--account", "acme", *FIXED, "--title", "Logo pack")["id"]
    result = offer(cli, "accept", str(offer_id))
    accepted = ok(result)
    assert (accepted["status"], accepted["closed_by"], accepted["order"]) == (
        "accepted",
        "mia@acme.test",
        1,
    )
    assert "order 1 placed: awaiting_requirements" in result.stderr
    placed = ok(cli("order", "show", "1", *MIA, "-o", "json"))
    assert (placed["title"], placed["total_cents"], placed["paid_cents"]) == (
        "Logo pack",
        12000,
        12000,
    )
    assert placed["due_at"] == "2026-11-06T10:00:00Z"
    assert placed["offer"] == offer_id  # the order page leads back to the terms
    again = offer(cli, "accept", str(offer_id))
    assert (again.exit_code, again.error["code"]) == (5, "offer_closed")
    assert "offer 1 is accepted" in again.error["message"]


def test_accept_meets_the_approval_policy(cli: Cli) -> None:
    policy(cli, "order-approval", "--over", "100")
    offer_id = sent(cli)["id"]
    result = offer(cli, "accept", str(offer_id))
    assert ok(result)["status"] == "accepted"
    assert "waits for the admin's approval" in result.stderr
    assert ok(cli("order", "show", "1", *ADA, "-o", "json"))["status"] == "awaiting_approval"


def test_a_refused_acceptance_changes_nothing(cli: Cli) -> None:
    from tests.cli.test_order import go_advanced

    go_advanced()
    policy(cli, "purchase-limit", "--amount", "100", "--per", "order", "--applies-to", "members")
    offer_id = sent(cli)["id"]
    before = snapshot(cli)
    refused = offer(cli, "accept", str(offer_id))
    assert (refused.exit_code, refused.error["code"]) == (5, "purchase_limit_exceeded")
    assert snapshot(cli) == before
    assert ok(offer(cli, "show", str(offer_id)))["status"] == "pending"


def test_an_addressed_offer(cli: Cli) -> None:
    offer_id = str(sent(cli, "--member", "mia@acme.test", *FIXED)["id"])
    assert offer(cli, "accept", offer_id, actor=MAX).exit_code == 3
    by_admin = offer(cli, "accept", offer_id, actor=ADA)
    assert (by_admin.exit_code, by_admin.error["code"]) == (4, "not_addressee")
    assert ok(offer(cli, "accept", offer_id))["status"] == "accepted"


def test_decline_keeps_the_reason(cli: Cli) -> None:
    offer_id = str(sent(cli)["id"])
    declined = ok(cli("offer", "decline", offer_id, "--reason", "over budget", *MIA, "-o", "json"))
    assert (declined["status"], declined["decline_reason"]) == ("declined", "over budget")
    late = offer(cli, "accept", offer_id)
    assert (late.exit_code, late.error["code"]) == (5, "offer_closed")
    trail = ok(cli("audit", "list", "--account", "acme", "--action", "offer.decline", "-o", "json"))
    assert [(r["actor"], r["target"], r["reason"]) for r in trail] == [
        ("mia@acme.test", f"offer:{offer_id}", "over budget")
    ]


def test_withdraw_by_its_freelancer_only(cli: Cli) -> None:
    offer_id = str(sent(cli)["id"])
    assert offer(cli, "withdraw", offer_id, actor=OTTO).exit_code == 3
    assert offer(cli, "withdraw", offer_id, actor=MIA).exit_code == 4
    assert ok(offer(cli, "withdraw", offer_id, actor=LENA))["status"] == "withdrawn"
    assert offer(cli, "withdraw", offer_id, actor=LENA).exit_code == 5


def test_an_offer_expires_by_the_clock_and_tick(cli: Cli) -> None:
    offer_id = str(sent(cli, "--account", "acme", *FIXED, "--expires-in", "1")["id"])
    before = offer(cli, "show", offer_id, actor=ADA)
    assert ok(before)["seconds_left"] == 86400
    ticked = ok(cli("tick", "--now", "2026-11-02T10:00:00Z", "-o", "json"))
    assert {row["action"]: row["settled"] for row in ticked}["offer.expire"] == 1
    expired = ok(offer(cli, "show", offer_id, actor=ADA))
    assert (expired["status"], expired["closed_at"], expired["seconds_left"]) == (
        "expired",
        "2026-11-02T10:00:00Z",
        None,
    )
    late = cli("offer", "accept", offer_id, *MIA, "--now", "2026-11-02T10:00:00Z", "-o", "json")
    assert (late.exit_code, late.error["code"]) == (5, "offer_closed")


# -- the store carries offers ----------------------------------------------------------------


def _offers_made(cli: Cli) -> None:
    """One offer of each outcome: accepted (with its order), declined, pending."""
    ok(offer(cli, "accept", str(sent(cli)["id"])))
    ok(offer(cli, "decline", str(sent(cli)["id"])))
    sent(
        cli, "--member", "mia@acme.test", "--milestone", "A=1", "--milestone", "B=2", "--days", "2"
    )


@pytest.mark.sqlite_only  # copies and restores SQLite files
def test_copy_backup_restore_and_check_carry_offers(cli: Cli, tmp_path: Any) -> None:
    from tests.conftest import store_state

    _offers_made(cli)
    assert cli("db", "check", "-o", "json").json["ok"] is True
    state = store_state()
    assert len(state["offer"]) == 3
    copied = tmp_path / "copy.db"
    result = cli("db", "copy", "--to", str(copied), "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["tables"]["offer"] == 3
    assert store_state(copied)["offer"] == state["offer"]
    backup = tmp_path / "backup.db"
    assert cli("db", "backup", str(backup)).exit_code == 0
    assert store_state(backup)["offer"] == state["offer"]
    ok(offer(cli, "withdraw", "3", actor=LENA))
    assert cli("db", "restore", str(backup), "--yes").exit_code == 0
    assert store_state()["offer"] == state["offer"]


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        (
            "UPDATE offer SET closed_at = created_at WHERE id = 3",
            "offer 3 is pending but has a closing time",
        ),
        (
            "UPDATE offer SET closed_at = NULL WHERE id = 2",
            "offer 2 is closed with no closing time",
        ),
        ("UPDATE offer SET order_id = NULL WHERE id = 1", "offer 1 is accepted with no order"),
    ],
    ids=["pending-closed", "closed-untimed", "accepted-orderless"],
)
def test_db_check_catches_an_offer_out_of_line(cli: Cli, statement: str, problem: str) -> None:
    from tests.backends import sql

    _offers_made(cli)
    sql(statement)
    result = cli("db", "check", "-o", "json")
    assert result.exit_code == 5
    assert result.json["status_times"]["problems"] == [problem]
