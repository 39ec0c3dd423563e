"""`fpctl team invite` with one email: who may invite whom, and what is refused (SPEC §1.3)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Cli

ADA = "ada@acme.test"


def invite(cli: Cli, email: str, actor: str, *extra: str) -> Any:
    return cli("team", "invite", email, "--as", actor, "-o", "json", *extra)


def token_of(view: dict[str, Any]) -> str:
    token = view.pop("token")
    assert isinstance(token, str)
    assert len(token) >= 32  # unguessable
    return token


def test_a_member_invites_as_member(cli: Cli, team: dict[str, str]) -> None:
    result = invite(cli, "zoe@acme.test", "mia@acme.test")
    assert result.exit_code == 0, result.stderr
    view = result.json
    token_of(view)
    assert view == {
        "id": 4,
        "email": "zoe@acme.test",
        "role": "member",
        "status": "pending",
        "invited_by": "mia@acme.test",
        "account": "acme",
        "created_at": "2026-11-01T10:00:00Z",
        "sent_at": "2026-11-01T10:00:00Z",
        "expires_at": "2026-12-01T10:00:00Z",
        "resent_count": 0,
        "result": "invited",
    }


def test_the_admin_invites_a_billing_manager(cli: Cli, acme: str) -> None:
    result = invite(cli, "bea@acme.test", ADA, "--role", "billing_manager")
    assert result.exit_code == 0, result.stderr
    assert (result.json["role"], result.json["status"]) == ("billing_manager", "pending")


def test_support_invites_a_billing_manager(cli: Cli, acme: str) -> None:
    result = cli(
        "team",
        "invite",
        "bea@acme.test",
        "--role",
        "billing_manager",
        "--as",
        "support",
        "--account",
        acme,
        "--reason",
        "ticket 7",
        "-o",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    assert result.json["role"] == "billing_manager"


@pytest.mark.parametrize("actor", ["bill@acme.test", "mia@acme.test"])
def test_only_the_admin_invites_a_billing_manager(
    cli: Cli, team: dict[str, str], actor: str
) -> None:
    result = invite(cli, "bea@acme.test", actor, "--role", "billing_manager")
    assert result.exit_code == 4
    assert result.error == {
        "code": "permission_denied",
        "message": f"{actor} cannot invite a billing manager: only the admin can",
    }
    assert result.stdout == ""
    listed = cli("team", "invitations", "--account", "acme", "-o", "json")
    assert "bea@acme.test" not in [i["email"] for i in listed.json]


def test_the_admin_role_is_never_invited(cli: Cli, acme: str) -> None:
    result = invite(cli, "bea@acme.test", ADA, "--role", "admin")
    assert result.exit_code == 2
    assert result.error["code"] == "invalid_role"


def test_an_unknown_role_is_a_usage_error(cli: Cli, acme: str) -> None:
    result = invite(cli, "bea@acme.test", ADA, "--role", "owner")
    assert result.exit_code == 2
    assert result.error["code"] == "usage"


def test_a_malformed_email_is_a_usage_error(cli: Cli, acme: str) -> None:
    result = invite(cli, "not-an-email", ADA)
    assert result.exit_code == 2
    assert result.error["code"] == "invalid_email"


def test_an_email_held_by_another_account_is_refused(cli: Cli, acme: str) -> None:
    created = cli("account", "create", "Beta", "--admin", "bob@beta.test", "--slug", "beta")
    assert created.exit_code == 0, created.stderr
    result = invite(cli, "BOB@beta.test", ADA)
    assert result.exit_code == 5
    assert result.error == {
        "code": "email_taken",
        "message": "bob@beta.test belongs to another Pro account",
    }


def test_a_member_of_this_account_is_refused(cli: Cli, team: dict[str, str]) -> None:
    result = invite(cli, "max@acme.test", "mia@acme.test")
    assert result.exit_code == 5
    assert result.error == {
        "code": "already_member",
        "message": "max@acme.test is already a member of this account",
    }


def test_a_closed_members_email_is_never_reused(cli: Cli, team: dict[str, str]) -> None:
    left = cli("team", "leave", "--as", "max@acme.test", "--yes")
    assert left.exit_code == 0, left.stderr
    result = invite(cli, "max@acme.test", ADA)
    assert result.exit_code == 5
    assert result.error["code"] == "email_taken"


def test_a_deactivated_members_email_is_still_held(cli: Cli, team: dict[str, str]) -> None:
    assert cli("team", "deactivate", "max@acme.test", "--as", ADA).exit_code == 0
    result = invite(cli, "max@acme.test", ADA)
    assert (result.exit_code, result.error["code"]) == (5, "already_member")


def test_a_removed_members_email_can_be_invited_again(cli: Cli, team: dict[str, str]) -> None:
    assert cli("team", "remove", "max@acme.test", "--as", ADA, "--yes").exit_code == 0
    result = invite(cli, "max@acme.test", ADA)
    assert result.exit_code == 0, result.stderr
    assert result.json["result"] == "invited"


def test_reinviting_with_the_same_role_is_unchanged(cli: Cli, team: dict[str, str]) -> None:
    first = invite(cli, "zoe@acme.test", "mia@acme.test")
    again = invite(cli, "  Zoe@ACME.test ", "mia@acme.test")
    assert again.exit_code == 0, again.stderr
    assert again.json == {**first.json, "result": "unchanged"}
    assert "nothing changed" in again.stderr
    listed = cli("team", "invitations", "--account", "acme", "--status", "pending", "-o", "json")
    assert [i["email"] for i in listed.json].count("zoe@acme.test") == 1


def test_another_role_supersedes_the_open_invitation(cli: Cli, team: dict[str, str]) -> None:
    first = invite(cli, "zoe@acme.test", "mia@acme.test")
    second = invite(cli, "zoe@acme.test", ADA, "--role", "billing_manager")
    assert second.exit_code == 0, second.stderr
    assert (second.json["id"], second.json["role"], second.json["status"]) == (
        first.json["id"] + 1,
        "billing_manager",
        "pending",
    )
    listed = cli("team", "invitations", "--account", "acme", "-o", "json")
    mine = [
        (i["id"], i["status"], i["token"]) for i in listed.json if i["email"] == "zoe@acme.test"
    ]
    assert mine == [
        (first.json["id"], "superseded", None),
        (second.json["id"], "pending", second.json["token"]),
    ]
    stale = cli("team", "accept", first.json["token"], "--name", "Zoe", "-o", "json")
    assert (stale.exit_code, stale.error["code"]) == (5, "invitation_invalid")


def test_the_same_role_from_another_inviter_is_unchanged(cli: Cli, team: dict[str, str]) -> None:
    invite(cli, "zoe@acme.test", "mia@acme.test")
    same = invite(cli, "zoe@acme.test", "max@acme.test")
    assert (same.exit_code, same.json["result"], same.json["invited_by"]) == (
        0,
        "unchanged",
        "mia@acme.test",
    )
    assert same.json["token"] is None  # max did not send it: the link is not his to share


@pytest.mark.parametrize("actor", ["bill@acme.test", "mia@acme.test"])
def test_a_non_admin_cannot_supersede_anothers_invitation(
    cli: Cli, team: dict[str, str], actor: str
) -> None:
    invite(cli, "zoe@acme.test", ADA, "--role", "billing_manager")
    result = invite(cli, "zoe@acme.test", actor)
    assert result.exit_code == 5
    assert result.error == {
        "code": "already_invited",
        "message": "zoe@acme.test already has an open invitation from ada@acme.test",
        "hint": "only its inviter or the admin can replace it",
    }
    listed = cli("team", "invitations", "--account", "acme", "-o", "json")
    assert [(i["role"], i["status"]) for i in listed.json if i["email"] == "zoe@acme.test"] == [
        ("billing_manager", "pending")
    ]


def test_an_inactive_member_cannot_invite(cli: Cli, team: dict[str, str]) -> None:
    assert cli("team", "deactivate", "max@acme.test", "--as", ADA).exit_code == 0
    result = invite(cli, "zoe@acme.test", "max@acme.test")
    assert (result.exit_code, result.error["code"]) == (4, "permission_denied")


def test_a_dry_run_invites_nobody(cli: Cli, acme: str) -> None:
    result = invite(cli, "zoe@acme.test", ADA, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.json["result"] == "invited"
    assert "dry run: nothing was changed" in result.stderr
    assert cli("team", "invitations", "--account", acme, "-o", "json").json == []


def test_the_table_shows_the_invitation(cli: Cli, acme: str) -> None:
    result = cli("team", "invite", "zoe@acme.test", "--as", ADA)
    assert result.exit_code == 0, result.stderr
    assert "zoe@acme.test" in result.stdout
    assert "pending" in result.stdout
