"""fpctl role set and team deactivate/reactivate/remove/leave: exits, output, audit."""

from __future__ import annotations

from typing import Any

import pytest

from tests.backends import sql
from tests.conftest import Cli

ADA = "ada@acme.test"


def member(email: str, role: str, status: str = "active", *, id_: int, name: str) -> dict:
    return {
        "id": id_,
        "email": email,
        "name": name,
        "role": role,
        "status": status,
        "account": "acme",
        "created_at": "2026-11-01T10:00:00Z",
        "updated_at": "2026-11-01T10:00:00Z",
    }


def team_state(cli: Cli) -> dict[str, tuple[str, str]]:
    listed = cli("team", "list", "--account", "acme", "-o", "json")
    assert listed.exit_code == 0, listed.stderr
    return {m["email"]: (m["role"], m["status"]) for m in listed.json}


def audit_actions(cli: Cli) -> list[tuple[str, str, str]]:
    return [(r["actor"], r["action"], r["target"]) for r in cli("audit", "list", "-o", "json").json]


START = {
    ADA: ("admin", "active"),
    "bill@acme.test": ("billing_manager", "active"),
    "mia@acme.test": ("member", "active"),
    "max@acme.test": ("member", "active"),
}


def test_transfer(cli: Cli, team: dict[str, str]) -> None:
    result = cli("role", "set", "mia@acme.test", "admin", "--as", ADA, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json == member("mia@acme.test", "admin", id_=3, name="mia")
    assert team_state(cli) == START | {
        ADA: ("member", "active"),
        "mia@acme.test": ("admin", "active"),
    }
    assert audit_actions(cli)[-2:] == [
        (ADA, "role.set", "member:1 ada@acme.test"),
        (ADA, "role.set", "member:3 mia@acme.test"),
    ]
    # the new admin rules now; the old one is a member
    denied = cli("role", "set", "max@acme.test", "admin", "--as", ADA, "-o", "json")
    assert denied.exit_code == 4
    back = cli("role", "set", ADA, "admin", "--as", "mia@acme.test", "-o", "json")
    assert back.exit_code == 0, back.stderr


def test_rerun_reports_unchanged(cli: Cli, team: dict[str, str]) -> None:
    before = audit_actions(cli)
    result = cli("role", "set", "bill@acme.test", "billing_manager", "--as", ADA)
    assert result.exit_code == 0
    assert result.stderr == "bill@acme.test is already billing_manager: nothing changed\n"
    assert audit_actions(cli) == before


def test_rerun_with_dry_run_reports_unchanged(cli: Cli, team: dict[str, str]) -> None:
    result = cli("role", "set", ADA, "admin", "--as", ADA, "--dry-run", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "dry run: nothing was changed\nada@acme.test is already admin: nothing changed\n"
    )


def test_admin_cannot_demote_self(cli: Cli, team: dict[str, str]) -> None:
    result = cli("role", "set", ADA, "member", "--as", ADA, "-o", "json")
    assert result.exit_code == 5
    assert result.error == {
        "code": "admin_required",
        "message": "ada@acme.test is the admin and cannot be demoted",
        "hint": "transfer the role instead: fpctl role set OTHER-EMAIL admin",
    }
    assert team_state(cli) == START


@pytest.mark.parametrize("actor", ["mia@acme.test", "bill@acme.test"])
@pytest.mark.parametrize("role", ["admin", "billing_manager"])
def test_self_promotion_is_denied(cli: Cli, team: dict[str, str], actor: str, role: str) -> None:
    result = cli("role", "set", actor, role, "--as", actor, "-o", "json")
    assert result.exit_code == 4
    assert result.error["code"] == "permission_denied"
    assert team_state(cli) == START


def test_only_active_members_become_admin(cli: Cli, team: dict[str, str]) -> None:
    assert cli("team", "deactivate", "max@acme.test", "--as", ADA).exit_code == 0
    result = cli("role", "set", "max@acme.test", "admin", "--as", ADA, "-o", "json")
    assert result.exit_code == 5
    assert result.error["code"] == "member_inactive"
    assert team_state(cli)[ADA] == ("admin", "active")


def test_invalid_role_is_usage(cli: Cli, team: dict[str, str]) -> None:
    assert cli("role", "set", "mia@acme.test", "owner", "--as", ADA).exit_code == 2


@pytest.mark.parametrize("verb", ["deactivate", "remove"])
def test_admin_cannot_be_deactivated_or_removed(cli: Cli, team: dict[str, str], verb: str) -> None:
    result = cli("team", verb, ADA, "--as", ADA, "--yes", "-o", "json")
    assert result.exit_code == 5
    assert result.error["code"] == "admin_required"
    assert team_state(cli) == START


@pytest.mark.parametrize("actor", ["bill@acme.test", "mia@acme.test"])
@pytest.mark.parametrize("verb", ["deactivate", "reactivate", "remove"])
def test_status_changes_are_admin_only(
    cli: Cli, team: dict[str, str], actor: str, verb: str
) -> None:
    result = cli("team", verb, "max@acme.test", "--as", actor, "--yes", "-o", "json")
    assert result.exit_code == 4
    assert result.error["code"] == "permission_denied"
    assert team_state(cli) == START


def test_deactivate_and_reactivate(cli: Cli, team: dict[str, str]) -> None:
    done = cli("team", "deactivate", "MAX@acme.test", "--as", ADA, "-o", "json")
    assert done.exit_code == 0, done.stderr
    assert done.json == member("max@acme.test", "member", "deactivated", id_=4, name="max")
    again = cli("team", "deactivate", "max@acme.test", "--as", ADA, "-o", "json")
    assert again.exit_code == 0
    assert again.stderr == "max@acme.test is already deactivated: nothing changed\n"
    back = cli("team", "reactivate", "max@acme.test", "--as", ADA, "-o", "json")
    assert back.json["status"] == "active"
    assert audit_actions(cli)[-2:] == [
        (ADA, "team.deactivate", "member:4 max@acme.test"),
        (ADA, "team.reactivate", "member:4 max@acme.test"),
    ]


READS = [
    ("team", "list"),
    ("team", "invitations"),
    ("account", "show"),
    ("account", "list"),
    ("audit", "list"),
]
WRITES = [
    ("team", "invite", "new@acme.test"),
    ("team", "leave", "--yes"),
    ("role", "set", "mia@acme.test", "member"),
    ("account", "update", "--name", "X"),
]


@pytest.mark.parametrize("args", READS + WRITES, ids=" ".join)
def test_deactivated_member_can_do_nothing(
    cli: Cli, team: dict[str, str], args: tuple[str, ...]
) -> None:
    assert cli("team", "deactivate", "bill@acme.test", "--as", ADA).exit_code == 0
    result = cli(*args, "--as", "bill@acme.test", "-o", "json")
    assert result.exit_code == 4, result.stdout
    assert result.error["code"] == "permission_denied"
    assert result.stdout == ""


def test_remove_without_yes_and_without_a_terminal(cli: Cli, team: dict[str, str]) -> None:
    result = cli("team", "remove", "max@acme.test", "--as", ADA, "-o", "json")
    assert result.exit_code == 2
    assert result.error == {
        "code": "confirmation_required",
        "message": "Remove max@acme.test from the account for good: this needs confirmation",
        "hint": "add --yes to confirm when not running at a terminal",
    }
    assert team_state(cli) == START


def test_leave_without_yes_and_without_a_terminal(cli: Cli, team: dict[str, str]) -> None:
    result = cli("team", "leave", "--as", "max@acme.test", "-o", "json")
    assert result.exit_code == 2
    assert result.error["code"] == "confirmation_required"
    assert team_state(cli) == START


def test_remove_with_dry_run_changes_nothing(cli: Cli, team: dict[str, str]) -> None:
    before = audit_actions(cli)
    result = cli("team", "remove", "max@acme.test", "--as", ADA, "--yes", "--dry-run",
                 "-o", "json")  # fmt: skip
    assert result.exit_code == 0
    assert result.json["status"] == "removed"
    assert result.stderr == "dry run: nothing was changed\n"
    assert team_state(cli) == START
    assert audit_actions(cli) == before


def test_remove_releases_the_email(cli: Cli, team: dict[str, str]) -> None:
    cli("account", "create", "Beta", "--admin", "bea@beta.test", "--slug", "beta")
    held = cli("team", "invite", "max@acme.test", "--as", "bea@beta.test", "-o", "json")
    assert held.exit_code == 5
    assert held.error["code"] == "email_taken"
    removed = cli("team", "remove", "max@acme.test", "--as", ADA, "--yes", "-o", "json")
    assert removed.exit_code == 0, removed.stderr
    assert removed.json["status"] == "removed"
    again = cli("team", "remove", "max@acme.test", "--as", ADA, "--yes")
    assert again.stderr == "max@acme.test is already removed: nothing changed\n"
    invited = cli("team", "invite", "max@acme.test", "--as", "bea@beta.test", "-o", "json")
    assert invited.exit_code == 0, invited.stderr
    joined = cli("team", "accept", invited.json["token"], "--name", "Max B", "-o", "json")
    assert joined.exit_code == 0, joined.stderr
    assert joined.json["account"] == "beta"
    # the new seat acts in beta; the removed seat in acme stays removed
    assert team_state(cli)["max@acme.test"] == ("member", "removed")
    assert cli("team", "list", "--as", "max@acme.test", "-o", "json").json[-1]["account"] == "beta"


def test_leave_closes_and_the_email_is_held_forever(cli: Cli, team: dict[str, str]) -> None:
    cli("account", "create", "Beta", "--admin", "bea@beta.test", "--slug", "beta")
    left = cli("team", "leave", "--as", "mia@acme.test", "--yes", "-o", "json")
    assert left.exit_code == 0, left.stderr
    assert left.json == member("mia@acme.test", "member", "closed", id_=3, name="mia")
    assert audit_actions(cli)[-1] == ("mia@acme.test", "team.leave", "member:3 mia@acme.test")
    for inviter in ("bea@beta.test", ADA):
        refused = cli("team", "invite", "mia@acme.test", "--as", inviter, "-o", "json")
        assert refused.exit_code == 5
        assert refused.error["code"] == "email_taken"
    signup = cli("account", "create", "Mia Co", "--admin", "mia@acme.test", "-o", "json")
    assert signup.exit_code == 5
    assert signup.error["code"] == "email_taken"
    closed = cli("team", "list", "--as", "mia@acme.test", "-o", "json")
    assert closed.exit_code == 4


def test_admin_cannot_leave(cli: Cli, team: dict[str, str]) -> None:
    result = cli("team", "leave", "--as", ADA, "--yes", "-o", "json")
    assert result.exit_code == 4
    assert result.error["message"] == "ada@acme.test is the admin and cannot leave"
    assert team_state(cli) == START


def test_acting_on_another_accounts_member_is_not_found(cli: Cli, team: dict[str, str]) -> None:
    cli("account", "create", "Beta", "--admin", "bea@beta.test", "--slug", "beta")
    for args in (
        ("team", "deactivate", "mia@acme.test"),
        ("team", "reactivate", "mia@acme.test"),
        ("team", "remove", "mia@acme.test", "--yes"),
        ("role", "set", "mia@acme.test", "admin"),
    ):
        result = cli(*args, "--as", "bea@beta.test", "-o", "json")
        assert result.exit_code == 3, args
        assert result.error["message"] == "no member mia@acme.test in this account"
    assert team_state(cli) == START


def test_support_appoints_an_admin_when_there_is_none(
    cli: Cli, team: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sql("UPDATE member SET status = 'removed' WHERE email = ?", ADA)
    monkeypatch.setenv("FPCTL_AGENT", "sam")
    no_reason = cli("role", "set", "bill@acme.test", "admin", "--as", "support",
                    "--account", "acme", "-o", "json")  # fmt: skip
    assert no_reason.exit_code == 4
    by_member = cli("role", "set", "bill@acme.test", "admin", "--as", "bill@acme.test")
    assert by_member.exit_code == 4
    done = cli("role", "set", "bill@acme.test", "admin", "--as", "support", "--account", "acme",
               "--reason", "imported without admin", "-o", "json")  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert done.json["role"] == "admin"
    record: dict[str, Any] = cli("audit", "list", "-o", "json").json[-1]
    assert {k: record[k] for k in ("actor", "agent", "action", "target", "reason")} == {
        "actor": "support:sam",
        "agent": "sam",
        "action": "admin.appoint",
        "target": "member:2 bill@acme.test",
        "reason": "imported without admin",
    }
    assert record["changes"] == {"role": ["billing_manager", "admin"]}
    assert cli("audit", "verify").exit_code == 0


def test_team_list_table_and_filters(cli: Cli, team: dict[str, str]) -> None:
    cli("team", "deactivate", "max@acme.test", "--as", ADA)
    result = cli("team", "list", "--account", "acme", "--status", "deactivated")
    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "Members of acme",
        "┏━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃ ID ┃ EMAIL         ┃ ROLE   ┃ STATUS      ┃ NAME ┃ CREATED AT           ┃",
        "┡━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━┩",
        "│ 4  │ max@acme.test │ member │ deactivated │ max  │ 2026-11-01T10:00:00Z │",
        "└────┴───────────────┴────────┴─────────────┴──────┴──────────────────────┘",
    ]
    roles = cli("team", "list", "--account", "acme", "--role", "member", "-o", "json")
    assert [m["email"] for m in roles.json] == ["mia@acme.test", "max@acme.test"]


def test_a_refused_actor_learns_nothing_about_who_is_a_member(
    cli: Cli, team: dict[str, str]
) -> None:
    for email in ("max@acme.test", "nobody@acme.test"):
        result = cli("role", "set", email, "admin", "--as", "mia@acme.test", "-o", "json")
        assert result.exit_code == 4, result.stderr
        assert result.error["code"] == "permission_denied"
