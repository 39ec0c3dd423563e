"""`fpctl tick`: settle everything due as of now, idempotently (SPEC §3.6)."""

from __future__ import annotations

from tests.conftest import Cli

ADA = "ada@acme.test"
DUE = "2026-12-01T10:00:00Z"


IDLE_ORDER_RULES = [
    {"action": action, "settled": 0, "now": DUE}
    for action in (
        "order.cancel_auto_accept",
        "order.dispute_expire",
        "order.auto_complete",
        "order.hours_charge",
        "offer.expire",
        "subscription.renew",
        "rewards.tier_review",
        "order.hours_auto_approve",
    )
]


def test_tick_settles_expiries_once(cli: Cli, team: dict[str, str]) -> None:
    assert cli("policy", "add", "invite-approval", "--as", ADA).exit_code == 0
    assert cli("team", "invite", "a@x.test", "b@x.test", "--as", ADA).exit_code == 0
    assert cli("team", "invite", "c@x.test", "--as", "mia@acme.test").exit_code == 0
    first = cli("tick", "--now", DUE, "-o", "json")
    assert first.exit_code == 0, first.stderr
    assert first.json == [
        {"action": "approval.expire", "settled": 1, "now": DUE},
        {"action": "invitation.expire", "settled": 2, "now": DUE},
        *IDLE_ORDER_RULES,
    ]
    second = cli("tick", "--now", DUE, "-o", "json")
    assert second.json == [
        {"action": "approval.expire", "settled": 0, "now": DUE},
        {"action": "invitation.expire", "settled": 0, "now": DUE},
        *IDLE_ORDER_RULES,
    ]
    listed = cli("team", "invitations", "--account", "acme", "--status", "expired", "-o", "json")
    assert [i["email"] for i in listed.json] == ["a@x.test", "b@x.test", "c@x.test"]
    audit = cli("audit", "list", "--account", "acme", "--actor", "system", "-o", "json")
    assert [(r["action"], r["at"]) for r in audit.json] == [
        ("approval.expire", DUE),
        ("invitation.expire", DUE),
        ("invitation.expire", DUE),
        ("invitation.expire", DUE),
    ]


def test_tick_before_anything_is_due(cli: Cli, acme: str) -> None:
    assert cli("team", "invite", "a@x.test", "--as", ADA).exit_code == 0
    result = cli("tick", "--now", "2026-12-01T09:59:59Z", "-o", "json")
    assert {row["settled"] for row in result.json} == {0}


def test_tick_dry_run_settles_nothing(cli: Cli, acme: str) -> None:
    assert cli("team", "invite", "a@x.test", "--as", ADA).exit_code == 0
    dry = cli("tick", "--now", DUE, "--dry-run", "-o", "json")
    only_the_invitation = {row["action"]: 0 for row in dry.json} | {"invitation.expire": 1}
    assert {row["action"]: row["settled"] for row in dry.json} == only_the_invitation
    real = cli("tick", "--now", DUE, "-o", "json")
    assert {row["action"]: row["settled"] for row in real.json} == only_the_invitation


def test_tick_needs_no_actor_and_prints_a_table(cli: Cli) -> None:
    result = cli("tick")
    assert result.exit_code == 0, result.stderr
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert any("approval.expire" in line and "0" in line for line in lines)
    assert any("invitation.expire" in line for line in lines)
