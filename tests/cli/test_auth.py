"""`auth can-i` agrees with what the real command does, for every actor and action."""

from __future__ import annotations

from pathlib import Path

import pytest

from fpctl.domain.permissions import PERMISSIONS
from tests.backends import sql
from tests.conftest import Cli, built_once

ADA = "ada@acme.test"
ACTORS: dict[str, tuple[str, ...]] = {
    "admin": ("--as", ADA),
    "billing_manager": ("--as", "bill@acme.test"),
    "member": ("--as", "mia@acme.test"),
    "deactivated": ("--as", "max@acme.test"),
    "support": ("--as", "support", "--account", "acme", "--reason", "ticket 1"),
    "support_without_reason": ("--as", "support", "--account", "acme"),
    "freelancer": ("--as", "@fran", "--account", "acme"),
}
# action (and can-i target) → the real command that does it
COMMANDS: dict[tuple[str, str | None], tuple[str, ...]] = {
    ("role.set", "mia@acme.test"): ("role", "set", "mia@acme.test", "billing_manager"),
    ("team.deactivate", "mia@acme.test"): ("team", "deactivate", "mia@acme.test"),
    ("team.reactivate", "max@acme.test"): ("team", "reactivate", "max@acme.test"),
    ("team.remove", "mia@acme.test"): ("team", "remove", "mia@acme.test", "--yes"),
    ("team.leave", None): ("team", "leave", "--yes"),
    ("team.invite", None): ("team", "invite", "new@acme.test"),
    ("team.invite", "billing_manager"): (
        "team",
        "invite",
        "new@acme.test",
        "--role",
        "billing_manager",
    ),
    ("account.update", None): ("account", "update", "--industry", "Toys"),
    ("policy.add", None): ("policy", "add", "invite-approval", "--applies-to", "both"),
    ("approval.approve", None): ("approvals", "approve", "1"),
}
EVERYTHING_BUT_LEAVE = {action for action in COMMANDS if action[0] != "team.leave"}
INVITE = {("team.invite", None), ("team.leave", None)}
ALLOWED: dict[str, set[tuple[str, str | None]]] = {
    "admin": EVERYTHING_BUT_LEAVE,
    "billing_manager": INVITE,
    "member": INVITE,
    "deactivated": set(),
    "support": EVERYTHING_BUT_LEAVE,
    "support_without_reason": set(),
    "freelancer": set(),
}


def build(cli: Cli, db: Path) -> None:
    """acme's team, max deactivated, a freelancer, and one pending approval request (id 1)."""
    made = cli("account", "create", "Acme", "--admin", ADA, "--slug", "acme")
    assert made.exit_code == 0, made.stderr
    for email, role in {
        "bill@acme.test": "billing_manager",
        "mia@acme.test": "member",
        "max@acme.test": "member",
    }.items():
        invited = cli("team", "invite", email, "--role", role, "--as", ADA, "-o", "json")
        assert cli("team", "accept", invited.json["token"], "--name", "X").exit_code == 0
    assert cli("team", "deactivate", "max@acme.test", "--as", ADA).exit_code == 0
    policy = cli("policy", "add", "invite-approval", "--applies-to", "members", "--as", ADA)
    assert policy.exit_code == 0, policy.stderr
    waiting = cli("team", "invite", "wait@acme.test", "--as", "mia@acme.test", "-o", "json")
    assert waiting.json["status"] == "awaiting_approval", waiting.stdout
    sql(
        "INSERT INTO freelancer (username, name, pro, created_at) "
        "VALUES ('fran', 'Fran', FALSE, '2026-11-01 10:00:00')"
    )


@pytest.fixture
def world(cli: Cli, isolated_env: Path) -> Path:
    """Built once, then copied into each test's store (the CLI setup is the slow part)."""
    built_once("auth-world", isolated_env, lambda: build(cli, isolated_env))
    return isolated_env


CASES = [
    pytest.param(actor, action, target, id=f"{actor}:{action}{':' + target if target else ''}")
    for actor in ACTORS
    for action, target in COMMANDS
]


@pytest.mark.parametrize(("actor", "action", "target"), CASES)
def test_can_i_agrees_with_the_real_outcome(
    cli: Cli, world: Path, actor: str, action: str, target: str | None
) -> None:
    expected = (action, target) in ALLOWED[actor]
    asked = cli(
        "auth", "can-i", action, *([target] if target else []), *ACTORS[actor], "-o", "json"
    )
    assert asked.exit_code == (0 if expected else 4), asked.stderr
    assert set(asked.json) >= {"allowed", "reason"}
    assert asked.json["allowed"] is expected
    assert asked.json["reason"]
    done = cli(*COMMANDS[(action, target)], *ACTORS[actor], "-o", "json")
    assert done.exit_code == (0 if expected else 4), done.stderr
    if not expected:
        assert done.stdout == ""


def test_answer_shape(cli: Cli, world: Path) -> None:
    result = cli("auth", "can-i", "role.set", "mia@acme.test", "--as", ADA, "-o", "json")
    assert result.exit_code == 0
    assert result.json == {
        "action": "role.set",
        "actor": ADA,
        "target": "mia@acme.test",
        "allowed": True,
        "reason": "the admin may set roles",
    }


def test_denied_answer_is_printed_and_exits_4(cli: Cli, world: Path) -> None:
    result = cli("auth", "can-i", "role.set", "--as", "mia@acme.test")
    assert result.exit_code == 4
    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "action   role.set",
        "actor    mia@acme.test",
        "target",
        "allowed  no",
        "reason   only the admin and support can set roles",
    ]


def test_unknown_action_is_a_usage_error(cli: Cli, world: Path) -> None:
    result = cli("auth", "can-i", "team.explode", "--as", ADA, "-o", "json")
    assert result.exit_code == 2
    assert result.error == {
        "code": "invalid_input",
        "message": "'team.explode' is not an action",
        "hint": "fpctl auth can-i --list",
    }
    assert cli(*result.error["hint"].split()[1:]).exit_code == 0  # the hint runs


def test_list_names_every_action_and_who_may_do_it(cli: Cli, world: Path) -> None:
    result = cli("auth", "can-i", "--list", "-o", "json")

    assert result.exit_code == 0, result.stderr
    rows = {row["action"]: row for row in result.json}
    assert set(rows) == {str(action) for action in PERMISSIONS}
    assert rows["role.set"]["who"] == ["admin", "support"]
    assert rows["team.withdraw"]["own_only"] == ["billing_manager", "member"]
    assert "allowed" not in rows["role.set"]


@pytest.mark.parametrize("actor", ["admin", "member", "deactivated", "support", "freelancer"])
def test_list_for_an_actor_agrees_with_asking_one_action_at_a_time(
    cli: Cli, world: Path, actor: str
) -> None:
    listed = cli("auth", "can-i", "--list", *ACTORS[actor], "-o", "json")

    assert listed.exit_code == 0, listed.stderr
    for row in listed.json:
        asked = cli("auth", "can-i", row["action"], *ACTORS[actor], "-o", "json")
        assert (asked.json["allowed"], asked.json["reason"]) == (row["allowed"], row["reason"])


@pytest.mark.parametrize("args", [[], ["role.set", "--list"]], ids=["nothing", "both"])
def test_can_i_needs_an_action_or_list_but_not_both(cli: Cli, world: Path, args: list[str]) -> None:
    result = cli("auth", "can-i", *args, "--as", ADA, "-o", "json")
    assert (result.exit_code, result.stdout) == (2, "")


def test_a_target_in_another_account_is_not_found(cli: Cli, world: Path) -> None:
    cli("account", "create", "Beta", "--admin", "bea@beta.test")
    result = cli("auth", "can-i", "team.remove", "mia@acme.test", "--as", "bea@beta.test")
    assert result.exit_code == 3
